// Compiles the Relay documents in relay/ against a schema with Relay's own
// compiler and prints {operationName: operationText} as JSON, so the Go test
// can run the exact operations Relay would send.
// Usage: node relay.mjs <schema.graphql> <work dir>
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [schema, work] = process.argv.slice(2);
if (!schema || !work) {
  console.error('usage: node relay.mjs <schema.graphql> <work dir>');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(work, 'src');
mkdirSync(src, { recursive: true });
cpSync(path.join(here, 'relay'), src, { recursive: true });
writeFileSync(path.join(work, 'relay.config.json'), JSON.stringify({
  src: './src', schema: path.resolve(schema), language: 'javascript',
}));
const require = createRequire(import.meta.url);
const compiler = path.join(path.dirname(require.resolve('relay-compiler/package.json')), 'cli.js');
try {
  execFileSync(process.execPath, [compiler], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
} catch (e) {
  console.error(`relay-compiler failed:\n${e.stdout}\n${e.stderr}`);
  process.exit(1);
}
const out = {};
const generated = path.join(src, '__generated__');
// Operation artifacts carry the text Relay sends; fragments have none.
for (const file of readdirSync(generated)) {
  const text = readFileSync(path.join(generated, file), 'utf8').match(/"text": ("(?:[^"\\]|\\.)*")/);
  if (text) out[file.replace(/\.graphql\.js$/, '')] = JSON.parse(text[1]);
}
console.log(JSON.stringify(out));
