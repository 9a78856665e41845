// `npm run release`: `lerna version --conventional-commits --no-push` (extra arguments are passed on), after
// establishing the release baseline in a clone that has no release tags yet: each package without any
// `<name>@*` tag is tagged `<name>@<version>` (annotated, as Lerna's own tags) at the commit that last changed
// release-baseline.json, with the version that file records. Lerna then finds "the last release" of each package
// and bumps only the packages changed since (and their dependents), instead of releasing everything.
//   --baseline-only   create the missing baseline tags and stop
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const BASELINE_FILE = 'release-baseline.json';

type Baseline = { packages: Record<string, string> };

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
}

function fail(message: string): never {
  console.error(`release: ${message}`);
  process.exit(1);
}

/** The workspace directory of every package, by name. */
function packageDirs(): Map<string, string> {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  return new Map(
    workspaces.map((dir) => [
      (JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string }).name,
      dir,
    ]),
  );
}

/** Tags, at the baseline commit, every package that has no release tag; answers the tags it made. */
function tagBaseline(): string[] {
  const baseline = JSON.parse(readFileSync(join(root, BASELINE_FILE), 'utf8')) as Baseline;
  const commit = git('log', '-1', '--format=%H', '--', BASELINE_FILE);
  if (commit === '') fail(`${BASELINE_FILE} is not committed: commit it first (its last commit is the baseline)`);
  const dirs = packageDirs();
  const made: string[] = [];
  for (const [name, version] of Object.entries(baseline.packages)) {
    if (git('tag', '--list', `${name}@*`) !== '') continue; // released through Lerna already
    const dir = dirs.get(name) ?? fail(`${BASELINE_FILE} names ${name}, which is not a workspace package`);
    const then = (JSON.parse(git('show', `${commit}:${dir}/package.json`)) as { version: string }).version;
    if (then !== version) {
      fail(
        `${BASELINE_FILE} says ${name} ${version}, but ${dir}/package.json was ${then} at ${commit.slice(0, 12)}: make the file match and commit it`,
      );
    }
    const tag = `${name}@${version}`;
    git('tag', '--annotate', tag, commit, '--message', `${tag} (release baseline)`);
    made.push(tag);
  }
  return made;
}

const args = process.argv.slice(2);
const made = tagBaseline();
const baselineCommit = git('log', '-1', '--format=%h', '--', BASELINE_FILE);
for (const tag of made) console.log(`release: tagged ${tag} at ${baselineCommit} (the release baseline)`);
if (args.includes('--baseline-only')) process.exit(0);
const lerna = spawnSync(
  join(root, 'node_modules/.bin/lerna'),
  ['version', '--conventional-commits', '--no-push', ...args],
  { cwd: root, stdio: 'inherit' },
);
process.exit(lerna.status ?? 1);
