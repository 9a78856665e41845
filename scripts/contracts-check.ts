// `npm run contracts:check`: the release gate (part of `npm test`). For each contract, compares its
// openapi.json with the newest release snapshot of the same major (releases/<version>.json) and fails,
// naming each change and why it breaks, when a change is breaking within the major, when an additive
// change comes without a minor bump, or when the path version is not the package's major. RELEASING.md.
//   --contract web|mobile   check only that contract (repeatable)
//   --root <dir>            the repository to check (default: this one)
//   --verbose               list additive and documentation changes too
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { formatChange } from './lib/contract-diff.ts';
import { contracts, readContract } from './lib/contract-files.ts';
import { checkContract } from './lib/contract-gate.ts';

const { values } = parseArgs({
  options: {
    contract: { type: 'string', multiple: true },
    root: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
    verbose: { type: 'boolean', default: false },
  },
});

const wanted = values.contract ?? contracts.map((c) => c.name);
const unknown = wanted.filter((name) => !contracts.some((c) => c.name === name));
if (unknown.length > 0) {
  console.error(`unknown contract ${unknown.join(', ')}; known: ${contracts.map((c) => c.name).join(', ')}`);
  process.exit(2);
}

let failed = false;
for (const location of contracts.filter((c) => wanted.includes(c.name))) {
  const input = readContract(values.root, location);
  const result = checkContract(input);
  const breaking = result.changes.filter((c) => c.severity === 'breaking');
  const others = result.changes.filter((c) => c.severity !== 'breaking');
  const verdict = result.ok ? 'ok' : 'FAILED';
  console.log(
    `${location.dir} ${input.packageVersion} against ${result.comparedWith}: ${verdict}` +
      ` (${breaking.length} breaking, ${others.filter((c) => c.severity === 'additive').length} additive, ` +
      `${others.filter((c) => c.severity === 'docs').length} documentation change(s))`,
  );
  for (const note of result.notes) console.log(`  ${note}`);
  for (const error of result.errors) console.log(`  ✗ ${error}`);
  for (const change of breaking) console.log(`    breaking: ${formatChange(change)}`);
  const listOthers = values.verbose || (!result.ok && breaking.length === 0);
  if (listOthers) for (const change of others) console.log(`    ${change.severity}: ${formatChange(change)}`);
  if (!result.ok) failed = true;
}
process.exit(failed ? 1 : 0);
