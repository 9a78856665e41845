// A newcomer who is root in a private directory (a dev container, /root/project, a `mktemp -d` folder) gets the
// same test database as anyone: the embedded PostgreSQL runs as the unprivileged `postgres` user, which cannot
// enter that directory, so its binaries are served from a cache under the OS temp dir. This test builds such a
// checkout (a copy of the tracked files, node_modules hard-linked) under a 0700 directory and starts the test
// database server from it exactly as `npm test` does. Run by an ordinary user, the same steps are the ordinary case.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const root = fileURLToPath(new URL('../..', import.meta.url));
const asRoot = process.getuid?.() === 0;

function trackedFiles(): string[] {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
  });
  return listed.stdout.split('\0').filter((f) => f !== '' && existsSync(join(root, f)));
}

// The probe is what `npm test` does before any suite: start the throwaway server, ask it something, stop it.
const PROBE = `
import pg from 'pg';
import { stopTestServer, testServerUrl } from '@microblog/domain/testing';
delete process.env.TEST_DATABASE_URL;
const client = new pg.Client({ connectionString: await testServerUrl() });
await client.connect();
const { rows } = await client.query("select current_setting('server_version_num') as version, current_user as who");
await client.end();
await stopTestServer();
console.log(JSON.stringify(rows[0]));
`;

describe(`a checkout in a private (0700) directory, run as ${asRoot ? 'root' : 'its owner'}`, function () {
  this.timeout(120_000);
  let privateDir: string;
  let checkout: string;

  before(() => {
    privateDir = mkdtempSync(join(tmpdir(), 'microblog-private-'));
    checkout = join(privateDir, 'project');
    for (const file of trackedFiles()) {
      mkdirSync(dirname(join(checkout, file)), { recursive: true });
      cpSync(join(root, file), join(checkout, file));
    }
    // Hard links, not symlinks: a symlink would resolve to the reachable original and prove nothing.
    const copied = spawnSync('cp', ['-al', join(root, 'node_modules'), join(checkout, 'node_modules')]);
    expect(copied.status, String(copied.stderr)).to.equal(0);
    writeFileSync(join(checkout, 'probe.ts'), PROBE);
  });

  after(() => rmSync(privateDir, { recursive: true, force: true }));

  it('when the test database server starts from it, then it answers and leaves no data directory behind', () => {
    expect(statSync(privateDir).mode & 0o777).to.equal(0o700);
    const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('microblog-test-pg-')));
    const run = spawnSync(process.execPath, ['probe.ts'], {
      cwd: checkout,
      encoding: 'utf8',
      env: { ...process.env, TEST_DATABASE_URL: '' },
    });
    expect(run.status, run.stderr).to.equal(0);
    const answer = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { version: string; who: string };
    expect(Number(answer.version)).to.be.at.least(180000);
    expect(answer.who).to.equal('postgres');
    const left = readdirSync(tmpdir()).filter((f) => f.startsWith('microblog-test-pg-') && !before.has(f));
    expect(left).to.deep.equal([]);
  });
});
