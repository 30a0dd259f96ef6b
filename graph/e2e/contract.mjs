// Checks the schema a server serves against the committed contract,
// schema.graphql, with GraphQL Inspector: prints the changes as JSON and exits
// 1 when one breaks clients. Removing a field or enum value breaks nothing
// only when the contract marks it @deprecated with a reason of its own.
// With --update it writes the served schema over the contract, unless a
// change breaks clients.
// Usage: node contract.mjs <GraphQL URL> <schema.graphql> [--update]
import { readFileSync, writeFileSync } from 'node:fs';
import { buildClientSchema, buildSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema } from 'graphql';
import { CriticalityLevel, DiffRule, diff } from '@graphql-inspector/core';

const [url, contractPath, flag] = process.argv.slice(2);
if (!url || !contractPath) {
  console.error('usage: node contract.mjs <GraphQL URL> <schema.graphql> [--update]');
  process.exit(2);
}
const res = await fetch(url, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ query: getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }) }),
});
const body = await res.json();
if (!body.data) {
  console.error(`introspection failed: ${JSON.stringify(body.errors)}`);
  process.exit(2);
}
const served = lexicographicSortSchema(buildClientSchema(body.data));
const sdl = printSchema(served) + '\n';
const contractText = readFileSync(contractPath, 'utf8');
if (contractText.trim() === '' && flag === '--update') {
  // The first contract: nothing to break.
  writeFileSync(contractPath, sdl);
  console.log(JSON.stringify({ breaking: [], other: ['the first contract'], same: false, updated: true }));
  process.exit(0);
}
const contract = buildSchema(contractText);

// The default reason graphql-js gives a bare @deprecated is no reason.
const noReason = (r) => !r || r === 'No longer supported';
const unexplained = new Set();
for (const type of Object.values(contract.getTypeMap())) {
  const fields = typeof type.getFields === 'function' ? Object.values(type.getFields()) : [];
  const values = typeof type.getValues === 'function' ? type.getValues() : [];
  for (const f of [...fields, ...values]) {
    if (f.deprecationReason !== undefined && f.deprecationReason !== null && noReason(f.deprecationReason)) {
      unexplained.add(`${type.name}.${f.name}`);
    }
  }
}
const changes = await diff(contract, served, [DiffRule.suppressRemovalOfDeprecatedField]);
const breaking = changes.filter(
  (c) => c.criticality.level === CriticalityLevel.Breaking || (c.path && unexplained.has(c.path) && /REMOVED/.test(c.type)),
);
const result = {
  breaking: breaking.map((c) => c.message),
  other: changes.filter((c) => !breaking.includes(c)).map((c) => c.message),
  same: sdl === contractText,
};
if (flag === '--update' && breaking.length === 0 && !result.same) {
  writeFileSync(contractPath, sdl);
  result.updated = true;
}
console.log(JSON.stringify(result));
process.exit(breaking.length ? 1 : 0);
