/** npm run contract [-- --check]: (re)writes contract/ from the zod schemas, or checks it is current. */
import fs from 'node:fs';
import path from 'node:path';
import { parseFlags } from '../src/command-line';
import { contractDrift, contractFiles } from './lib/contract';

const { values: flags } = parseFlags(
  { program: 'npm run contract --', about: 'Writes contract/ (JSON Schemas and the workflow manifest) from src/contract and src/providers.' },
  { check: { type: 'boolean', default: false, description: 'write nothing; exit 1 naming each file that differs' } },
);
const root = path.resolve(__dirname, '..');
const { stale, extra } = contractDrift(root);
if (flags.check) {
  for (const f of stale) console.error(`${f}: differs from the schemas (npm run contract)`);
  for (const f of extra) console.error(`${f}: not generated (remove it)`);
  process.exit(stale.length || extra.length ? 1 : 0);
}
const files = contractFiles();
for (const f of stale) {
  fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
  fs.writeFileSync(path.join(root, f), files[f]);
  console.log(`wrote ${f}`);
}
for (const f of extra) {
  fs.rmSync(path.join(root, f));
  console.log(`removed ${f}`);
}
if (!stale.length && !extra.length) console.log('contract/ is current');
