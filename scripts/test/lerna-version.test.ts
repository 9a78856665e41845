// `lerna version` with conventional commits bumps only what changed, and a contract's `version` script
// snapshots it into the release commit (RELEASING.md shows the same runs by hand). Each test works on a
// scratch repository: a copy of this working tree (tracked and untracked files, not ignored ones),
// committed, with every package tagged at its current version as if all were just released; or, for
// `npm run release`, a fresh clone of such a copy that has no release tags at all.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const root = fileURLToPath(new URL('../..', import.meta.url));
const packages = [
  'libs/domain',
  'libs/bff-kit',
  'contracts/web',
  'contracts/mobile',
  'bff-web',
  'bff-mobile',
  'tools/bench',
];

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

function versions(repo: string): Record<string, string> {
  return Object.fromEntries(
    packages.map((p) => {
      const { name, version } = JSON.parse(readFileSync(join(repo, p, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
      };
      return [name, version];
    }),
  );
}

/** A committed copy of this working tree, borrowing its node_modules; tagged as released unless `tagged` is false. */
function scratchRepository({ tagged = true } = {}): { repo: string; released: Record<string, string> } {
  const repo = mkdtempSync(join(tmpdir(), 'lerna-version-'));
  const files = git(root, 'ls-files', '--cached', '--others', '--exclude-standard', '-z')
    .split('\0')
    .filter((f) => f !== '');
  for (const file of files) {
    if (!existsSync(join(root, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    cpSync(join(root, file), join(repo, file));
  }
  for (const dir of ['.', ...packages]) {
    if (existsSync(join(root, dir, 'node_modules')))
      symlinkSync(join(root, dir, 'node_modules'), join(repo, dir, 'node_modules'));
  }
  git(repo, 'init', '--quiet', '--initial-branch=main');
  git(repo, 'config', 'user.name', 'Release Test');
  git(repo, 'config', 'user.email', 'release-test@example.invalid');
  writeFileSync(join(repo, '.git/info/exclude'), 'node_modules\n');
  git(repo, 'add', '--all');
  git(repo, 'commit', '--quiet', '--message', 'chore: the repository as released');
  const released = versions(repo);
  // Annotated, as lerna makes them: it finds the last release with git describe.
  if (tagged)
    for (const [name, version] of Object.entries(released))
      git(repo, 'tag', '--annotate', `${name}@${version}`, '--message', `${name}@${version}`);
  return { repo, released };
}

/** `git clone` of `origin` (its tags come along, when it has any), borrowing this working tree's node_modules. */
function freshClone(origin: string): string {
  const clone = mkdtempSync(join(tmpdir(), 'lerna-clone-'));
  git(tmpdir(), 'clone', '--quiet', origin, clone);
  for (const dir of ['.', ...packages]) {
    if (existsSync(join(root, dir, 'node_modules')))
      symlinkSync(join(root, dir, 'node_modules'), join(clone, dir, 'node_modules'));
  }
  git(clone, 'config', 'user.name', 'Release Test');
  git(clone, 'config', 'user.email', 'release-test@example.invalid');
  writeFileSync(join(clone, '.git/info/exclude'), 'node_modules\n');
  return clone;
}

function lernaVersion(repo: string, ...extra: string[]): { status: number | null; output: string } {
  const lerna = join(root, 'node_modules/.bin/lerna');
  return runIn(repo, lerna, ['version', '--conventional-commits', '--no-push', '--yes', ...extra]);
}

/** `npm run release -- <extra>` in `repo`. */
function npmRunRelease(repo: string, ...extra: string[]): { status: number | null; output: string } {
  return runIn(repo, 'npm', ['run', 'release', '--', ...extra]);
}

function runIn(repo: string, command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, {
    cwd: repo,
    encoding: 'utf8',
    // The pinned Node 24 first on PATH, as under `npm test` (lifecycle scripts run .ts files).
    // npm_config_offline: Lerna's lock file update (`npm install --package-lock-only`) needs no registry.
    env: {
      ...process.env,
      PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
      npm_config_offline: 'true',
    },
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

function bump(version: string, part: 'minor' | 'patch'): string {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  return part === 'minor' ? `${major}.${minor + 1}.0` : `${major}.${minor}.${patch + 1}`;
}

/** Adds an optional `location` to PATCH /v1/me's body in the mobile contract's schemas and regenerates openapi.json. */
function addOptionalProfileField(repo: string, field: string): void {
  const file = join(repo, 'contracts/mobile/src/schemas.ts');
  const source = readFileSync(file, 'utf8');
  const before = '.strictObject({ displayName: displayName.optional(), bio: bio.optional()';
  expect(source, 'the UpdateMeBody schema this test edits').to.include(before);
  writeFileSync(file, source.replace(before, `${before}, ${field}: z.string().max(30).optional()`));
  execFileSync(process.execPath, ['scripts/generate-openapi.ts'], {
    cwd: join(repo, 'contracts/mobile'),
    stdio: 'ignore',
  });
}

describe('lerna version with conventional commits', function () {
  let repo = '';
  let released: Record<string, string> = {};
  beforeEach(function () {
    ({ repo, released } = scratchRepository());
  });
  afterEach(function () {
    rmSync(repo, { recursive: true, force: true });
  });

  it('when a feat commit touches only bff-mobile, then only bff-mobile gets a minor bump', function () {
    writeFileSync(join(repo, 'bff-mobile/src/release-demo.ts'), 'export const releaseDemo = true;\n');
    git(repo, 'add', '--all');
    git(repo, 'commit', '--quiet', '--message', 'feat(bff-mobile): a feature of the mobile BFF alone');
    const { status, output } = lernaVersion(repo, '--no-git-tag-version');
    expect(status, output).to.equal(0);
    expect(versions(repo)).to.deep.equal({
      ...released,
      '@microblog/bff-mobile': bump(released['@microblog/bff-mobile'] ?? '', 'minor'),
    });
  });

  it('when a feat commit adds an optional field to the mobile contract, then the contract gets a minor bump, its BFF a patch, and the release commit holds the snapshot', function () {
    addOptionalProfileField(repo, 'location');
    git(repo, 'commit', '--quiet', '--all', '--message', 'feat(mobile-contract): optional location in PATCH /v1/me');
    const { status, output } = lernaVersion(repo);
    expect(status, output).to.equal(0);
    const contract = bump(released['@microblog/mobile-contract'] ?? '', 'minor');
    expect(versions(repo)).to.deep.equal({
      ...released,
      '@microblog/mobile-contract': contract,
      '@microblog/bff-mobile': bump(released['@microblog/bff-mobile'] ?? '', 'patch'),
    });
    expect(git(repo, 'status', '--porcelain')).to.equal('');
    expect(git(repo, 'tag', '--points-at', 'HEAD').split('\n')).to.include(`@microblog/mobile-contract@${contract}`);
    const committedFiles = git(repo, 'show', '--name-only', '--format=', 'HEAD').split('\n');
    expect(committedFiles).to.include.members([
      `contracts/mobile/releases/${contract}.json`,
      'contracts/mobile/openapi.json',
    ]);
    expect(readFileSync(join(repo, `contracts/mobile/releases/${contract}.json`), 'utf8')).to.equal(
      readFileSync(join(repo, 'contracts/mobile/openapi.json'), 'utf8'),
    );
  });

  it('when a fix commit carries an additive contract change, then the gate in the version script stops lerna', function () {
    addOptionalProfileField(repo, 'website');
    git(repo, 'commit', '--quiet', '--all', '--message', 'fix(mobile-contract): optional website in PATCH /v1/me');
    const { status, output } = lernaVersion(repo);
    expect(status).to.not.equal(0);
    expect(output).to.match(/a patch release: bump the minor version/);
    expect(output).to.match(/PATCH \/v1\/me · request body field website: field added/);
    expect(git(repo, 'tag', '--points-at', 'HEAD')).to.equal('');
  });
});

describe('npm run release in a fresh clone that has no release tags', function () {
  let origin = '';
  let clone = '';
  let released: Record<string, string> = {};
  beforeEach(function () {
    ({ repo: origin, released } = scratchRepository({ tagged: false }));
    clone = freshClone(origin);
  });
  afterEach(function () {
    rmSync(origin, { recursive: true, force: true });
    rmSync(clone, { recursive: true, force: true });
  });

  function commitBffMobileFeature(): void {
    writeFileSync(join(clone, 'bff-mobile/src/release-demo.ts'), 'export const releaseDemo = true;\n');
    git(clone, 'add', '--all');
    git(clone, 'commit', '--quiet', '--message', 'feat(bff-mobile): a feature of the mobile BFF alone');
  }

  it('when lerna version runs without the baseline, then it assumes every package changed (what the release script prevents)', function () {
    commitBffMobileFeature();
    const { status, output } = lernaVersion(clone, '--no-git-tag-version');
    expect(status, output).to.equal(0);
    expect(output).to.include('Assuming all packages changed');
    for (const [name, version] of Object.entries(versions(clone))) expect(version, name).to.not.equal(released[name]);
  });

  it('when a feat commit touches only bff-mobile, then the release tags the baseline and bumps only bff-mobile', function () {
    commitBffMobileFeature();
    const { status, output } = npmRunRelease(clone, '--no-git-tag-version', '--yes');
    expect(status, output).to.equal(0);
    expect(versions(clone)).to.deep.equal({
      ...released,
      '@microblog/bff-mobile': bump(released['@microblog/bff-mobile'] ?? '', 'minor'),
    });
    const baselineCommit = git(clone, 'log', '-1', '--format=%H', '--', 'release-baseline.json');
    const baselineTags = Object.entries(released)
      .map(([name, version]) => `${name}@${version}`)
      .sort();
    expect(git(clone, 'tag', '--points-at', baselineCommit).split('\n').sort()).to.deep.equal(baselineTags);
    expect(output).to.include(
      `release: tagged @microblog/bff-mobile@${released['@microblog/bff-mobile']} at ${baselineCommit.slice(0, 7)}`,
    );
  });

  it('when a feat commit changes the mobile contract, then the contract gets a minor bump, bff-mobile (its dependent) a patch, and a second run adds no baseline tag', function () {
    addOptionalProfileField(clone, 'location');
    git(clone, 'commit', '--quiet', '--all', '--message', 'feat(mobile-contract): optional location in PATCH /v1/me');
    const { status, output } = npmRunRelease(clone, '--yes');
    expect(status, output).to.equal(0);
    const contract = bump(released['@microblog/mobile-contract'] ?? '', 'minor');
    const bffMobile = bump(released['@microblog/bff-mobile'] ?? '', 'patch');
    expect(versions(clone)).to.deep.equal({
      ...released,
      '@microblog/mobile-contract': contract,
      '@microblog/bff-mobile': bffMobile,
    });
    expect(git(clone, 'tag', '--points-at', 'HEAD').split('\n').sort()).to.deep.equal([
      `@microblog/bff-mobile@${bffMobile}`,
      `@microblog/mobile-contract@${contract}`,
    ]);
    const tagsBefore = git(clone, 'tag', '--list');
    const again = npmRunRelease(clone, '--baseline-only');
    expect(again.status, again.output).to.equal(0);
    expect(again.output).to.not.include('release: tagged');
    expect(git(clone, 'tag', '--list')).to.equal(tagsBefore);
  });

  it('when release-baseline.json names a version the package did not have at that commit, then the release stops and says so', function () {
    const file = join(clone, 'release-baseline.json');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('"@microblog/bff-web": "0.1.0"', '"@microblog/bff-web": "0.9.0"'),
    );
    git(clone, 'commit', '--quiet', '--all', '--message', 'chore: a wrong baseline');
    const { status, output } = npmRunRelease(clone, '--yes');
    expect(status).to.not.equal(0);
    expect(output).to.include(
      'release-baseline.json says @microblog/bff-web 0.9.0, but bff-web/package.json was 0.1.0',
    );
    expect(git(clone, 'tag', '--list', '@microblog/bff-web@*')).to.equal('');
  });
});
