import { expect } from 'chai';
import { settingsFrom } from '../src/settings.ts';

const SECRETS = { TOKEN_SECRET: 't'.repeat(32), JWT_SECRET: 'j'.repeat(32) };

describe('config', () => {
  it('when only the secrets are given, then the documented defaults apply', () => {
    const settings = settingsFrom(SECRETS);
    expect(settings).to.include({
      port: 3001,
      minAppVersion: '1.0.0',
      pushBaseUrl: 'https://exp.host',
      refreshReuseGraceMs: 5000,
      trustProxy: false,
      logLevel: 'info',
      redisUrl: null,
      databaseUrl: null,
    });
  });

  it('when DATABASE_REPLICA_URLS lists replicas, then each is used for reads; a bad one names the variable', () => {
    expect(
      settingsFrom({ ...SECRETS, DATABASE_REPLICA_URLS: 'postgres://r1/db,postgres://r2/db' }).databaseReplicaUrls,
    ).to.deep.equal(['postgres://r1/db', 'postgres://r2/db']);
    expect(settingsFrom(SECRETS).databaseReplicaUrls).to.deep.equal([]);
    expect(() => settingsFrom({ ...SECRETS, DATABASE_REPLICA_URLS: 'mysql://x' })).to.throw(/DATABASE_REPLICA_URLS/);
  });

  it('when a value is bad, then the error names the variable', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ MOBILE_PORT: 'abc' }, /MOBILE_PORT/],
      [{ MOBILE_PORT: '70000' }, /MOBILE_PORT/],
      [{ MIN_APP_VERSION: '1.0' }, /MIN_APP_VERSION/],
      [{ REFRESH_REUSE_GRACE_MS: '-1' }, /REFRESH_REUSE_GRACE_MS/],
      [{ TRUST_PROXY: 'maybe' }, /TRUST_PROXY/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
      [{ PUSH_BASE_URL: 'not a url' }, /PUSH_BASE_URL/],
      [{ REDIS_URL: 'http://x' }, /REDIS_URL/],
      [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
      [{ JWT_SECRET: 'short' }, /JWT_SECRET/],
      [{ JWT_SECRET: SECRETS.TOKEN_SECRET }, /JWT_SECRET/],
    ];
    for (const [env, message] of cases)
      expect(() => settingsFrom({ ...SECRETS, ...env }), JSON.stringify(env)).to.throw(message);
    expect(() => settingsFrom({ JWT_SECRET: SECRETS.JWT_SECRET })).to.throw(/TOKEN_SECRET/);
  });

  it('when values are given, then they are used', () => {
    const settings = settingsFrom({
      ...SECRETS,
      MOBILE_PORT: '4001',
      MIN_APP_VERSION: '2.1.0',
      REFRESH_REUSE_GRACE_MS: '0',
      TRUST_PROXY: 'on',
      REDIS_URL: 'redis://localhost:6379',
    });
    expect(settings).to.include({
      port: 4001,
      minAppVersion: '2.1.0',
      refreshReuseGraceMs: 0,
      trustProxy: true,
      redisUrl: 'redis://localhost:6379',
    });
  });
});

describe('starting with bad settings', () => {
  it('when settings are bad, then bff-mobile prints one line per bad setting (no stack trace) and exits with code 2', async () => {
    const { spawnSync } = await import('node:child_process');
    const main = new URL('../src/main.ts', import.meta.url).pathname;
    const run = spawnSync(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        NODE_OPTIONS: process.env.NODE_OPTIONS,
        MOBILE_PORT: '70000',
        MIN_APP_VERSION: 'one',
        JWT_SECRET: 'j'.repeat(32),
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).to.equal(2);
    expect(run.stderr.trim().split('\n')).to.deep.equal([
      'TOKEN_SECRET: is required (at least 32 bytes; npm start passes a development secret)',
      'MOBILE_PORT: "70000" is not a port (0-65535; 0 = any free port)',
      'MIN_APP_VERSION: "one" is not a semantic version like 1.4.0',
    ]);
  });
});
