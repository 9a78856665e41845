// `npm start` as a newcomer meets it: bad settings and busy ports are named before anything starts, and once it
// runs, every URL of its banner answers. The full start runs on the test database server (DATABASE_URL), in a
// data directory of its own, on free ports.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Client } from 'pg';
import { freePort } from '@microblog/domain/embedded-postgres';
import { testServerUrl } from '@microblog/domain/testing';

const root = fileURLToPath(new URL('../..', import.meta.url));

function launch(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['scripts/start.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm start', function () {
  this.timeout(120_000);
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'microblog-launcher-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('when settings are bad, then it prints one line per bad setting (name, value, what is allowed), exits 2, and starts nothing', () => {
    const run = launch({
      MICROBLOG_DATA_DIR: dataDir,
      WEB_PORT: 'abc',
      MOBILE_PORT: '70000',
      JWT_SECRET: 'short',
      LOG_LEVEL: 'loud',
    });
    expect(run.status).to.equal(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines.find((l) => l.startsWith('WEB_PORT')))
      .to.include('"abc"')
      .and.include('1 to 65535');
    expect(lines.find((l) => l.startsWith('MOBILE_PORT'))).to.include('"70000"');
    expect(lines.find((l) => l.startsWith('JWT_SECRET'))).to.include('32 bytes');
    expect(lines.find((l) => l.startsWith('LOG_LEVEL'))).to.include('loud');
    expect(run.stderr).not.to.match(/^\s+at /m); // no stack trace
    expect(run.stdout).not.to.include('is running');
    expect(existsSync(join(dataDir, 'postgres'))).to.equal(false);
    expect(existsSync(join(dataDir, 'secrets.json')), 'no secrets generated either').to.equal(false);
  });

  describe('when a port it needs is taken (another npm start, say)', () => {
    let holder: Server;
    let port: number;
    before(async () => {
      holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, resolve));
      port = (holder.address() as { port: number }).port;
    });
    after(() => new Promise<void>((resolve) => holder.close(() => resolve())));

    it('then it says which one in one line, exits non-zero, and prints no banner', async () => {
      const run = launch({
        MICROBLOG_DATA_DIR: dataDir,
        WEB_PORT: String(await freePort()),
        MOBILE_PORT: String(port),
        OIDC_DEV_PORT: String(await freePort()),
      });
      expect(run.status).to.equal(1);
      expect(run.stderr.trim().split('\n')).to.have.length(1);
      expect(run.stderr).to.include(`port ${port} (MOBILE_PORT)`);
      expect(run.stdout).not.to.include('is running');
      expect(existsSync(join(dataDir, 'postgres'))).to.equal(false);
    });
  });

  describe('when it starts', () => {
    const database = `launcher_${process.pid}`;
    let adminUrl: string;
    before(async () => {
      adminUrl = await testServerUrl();
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`create database "${database}"`);
      await client.end();
    });
    after(async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists "${database}" with (force)`);
      await client.end();
    });

    it('then every URL its banner prints answers 200, and Ctrl-C stops both BFFs', async () => {
      const url = new URL(adminUrl);
      url.pathname = `/${database}`;
      const [webPort, mobilePort, oidcPort] = [await freePort(), await freePort(), await freePort()];
      const env = {
        ...process.env,
        MICROBLOG_DATA_DIR: dataDir,
        DATABASE_URL: url.toString(),
        WEB_PORT: String(webPort),
        MOBILE_PORT: String(mobilePort),
        OIDC_DEV_PORT: String(oidcPort),
      };
      const child = spawn(process.execPath, ['scripts/start.ts'], {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      try {
        for (let i = 0; i < 300 && !output.includes('Press Ctrl-C to stop') && child.exitCode === null; i++)
          await new Promise((r) => setTimeout(r, 200));
        expect(output).to.include('Press Ctrl-C to stop');
        // The banner's lines only: the BFFs' own log lines (buffered, so they may come later) share the output.
        const banner = output.slice(output.indexOf('is running'), output.indexOf('Press Ctrl-C to stop'));
        const urls = [...banner.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
        expect(urls).to.include.members([`http://localhost:${webPort}`, `http://localhost:${mobilePort}/v1`]);
        for (const link of urls) {
          const response = await fetch(link, { headers: { Accept: 'text/html' } });
          expect(response.status, link).to.equal(200);
        }
      } finally {
        child.kill('SIGINT');
      }
      expect(await exited).to.equal(0);
      for (const port of [webPort, mobilePort]) {
        const refused = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          () => false,
          () => true,
        );
        expect(refused, `port ${port} still answers`).to.equal(true);
      }
    });
  });
});
