// Keeps the released state of this contract: copies openapi.json to releases/<version>.json, the document
// the release gate (`npm run contracts:check`, scripts/contracts-check.ts) compares later changes with.
// It is this package's `version` script, so `lerna version` runs it right after bumping package.json:
// it regenerates openapi.json (info.version is the package version), runs the gate for this contract
// against the previous release, writes the snapshot and stages both files for lerna's release commit.
// By hand: `npm run snapshot -w contracts/mobile`. See RELEASING.md.
//   --force   rewrite an existing snapshot of this version (only for a version never published), without the gate
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { force: { type: 'boolean', default: false } } });
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const current = new URL('../openapi.json', import.meta.url);
const snapshot = new URL(`../releases/${version}.json`, import.meta.url);

function node(args: string[], cwd: string): void {
  const { status } = spawnSync(process.execPath, args, { cwd, stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}

node(['scripts/generate-openapi.ts'], packageDir);
const document = readFileSync(current, 'utf8');
if (existsSync(snapshot) && !values.force) {
  if (readFileSync(snapshot, 'utf8') === document) {
    console.log(`releases/${version}.json is already this document`);
    process.exit(0);
  }
  console.error(
    `releases/${version}.json exists and differs from openapi.json: ${version} was released with another document. ` +
      'Bump the version (RELEASING.md), or pass --force if that version was never published.',
  );
  process.exit(1);
}
if (!values.force) node(['scripts/contracts-check.ts', '--contract', 'mobile'], repositoryRoot);
mkdirSync(new URL('../releases/', import.meta.url), { recursive: true });
copyFileSync(current, snapshot);
console.log(`wrote releases/${version}.json`);
const staged = ['openapi.json', `releases/${version}.json`, 'src/generated'].filter((path) =>
  existsSync(new URL(`../${path}`, import.meta.url)),
);
const git = spawnSync('git', ['add', '--', ...staged], { cwd: packageDir, stdio: 'inherit' });
if (git.status !== 0) console.warn('could not stage the snapshot with git add; add it to the release commit yourself');
