// Audits a GraphQL endpoint against the GraphQL-over-HTTP specification with
// graphql-http's auditServer and prints one JSON line per audit:
// {"id", "name", "status": "ok" | "warn" | "error", "reason"}.
// Usage: node audit.mjs http://127.0.0.1:8080/query
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint URL>');
  process.exit(2);
}
const results = await auditServer({ url });
for (const r of results) {
  console.log(JSON.stringify({ id: r.id, name: r.name, status: r.status, reason: r.reason ?? '' }));
}
