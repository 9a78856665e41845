import { expect } from 'chai';
import { settingsFrom } from '../src/settings.ts';

const SECRETS = { TOKEN_SECRET: 'a'.repeat(32), JWT_SECRET: 'b'.repeat(32) };

describe('configuration', () => {
  it('when only the secrets are set, then the defaults apply', () => {
    const settings = settingsFrom(SECRETS);
    expect(settings).to.include({
      port: 3000,
      trustProxy: false,
      logLevel: 'info',
      redisUrl: null,
      databaseUrl: null,
      sessionTokenTtlSeconds: 43200,
    });
    expect(settings.publicOrigins).to.deep.equal(['http://localhost:3000']);
  });

  it('when WEB_PORT is set, then the default origin follows it', () => {
    expect(settingsFrom({ ...SECRETS, WEB_PORT: '8080' }).publicOrigins).to.deep.equal(['http://localhost:8080']);
  });

  it('when PUBLIC_ORIGIN lists origins, then each is allowed', () => {
    const settings = settingsFrom({ ...SECRETS, PUBLIC_ORIGIN: 'https://micro.example, http://localhost:5173' });
    expect(settings.publicOrigins).to.deep.equal(['https://micro.example', 'http://localhost:5173']);
  });

  it('when DATABASE_REPLICA_URLS lists replicas, then each is used for reads; a bad one names the variable', () => {
    const settings = settingsFrom({ ...SECRETS, DATABASE_REPLICA_URLS: 'postgres://r1/db, postgres://r2/db' });
    expect(settings.databaseReplicaUrls).to.deep.equal(['postgres://r1/db', 'postgres://r2/db']);
    expect(settingsFrom(SECRETS).databaseReplicaUrls).to.deep.equal([]);
    expect(() => settingsFrom({ ...SECRETS, DATABASE_REPLICA_URLS: 'postgres://r1/db,http://x' })).to.throw(
      /DATABASE_REPLICA_URLS/,
    );
  });

  for (const [name, value, message] of [
    ['WEB_PORT', 'abc', /WEB_PORT/],
    ['WEB_PORT', '70000', /WEB_PORT/],
    ['TRUST_PROXY', 'maybe', /TRUST_PROXY/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['REDIS_URL', 'http://redis', /REDIS_URL/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL/],
    ['PUBLIC_ORIGIN', 'https://micro.example/path', /PUBLIC_ORIGIN/],
    ['JWT_SECRET', 'short', /JWT_SECRET.*32 bytes/],
    ['TOKEN_SECRET', '', /TOKEN_SECRET.*required/],
  ] as const) {
    it(`when ${name} is "${value}", then reading the config fails naming ${name}`, () => {
      expect(() => settingsFrom({ ...SECRETS, [name]: value })).to.throw(message);
    });
  }

  it('when NODE_ENV is production and a secret is missing, then it fails saying it is required in production', () => {
    expect(() => settingsFrom({ NODE_ENV: 'production', TOKEN_SECRET: 'a'.repeat(32) })).to.throw(
      /JWT_SECRET: is required in production/,
    );
  });
});

describe('starting with bad settings', () => {
  it('when settings are bad, then bff-web prints one line per bad setting (no stack trace) and exits with code 2', async () => {
    const { spawnSync } = await import('node:child_process');
    const main = new URL('../src/main.ts', import.meta.url).pathname;
    const run = spawnSync(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        NODE_OPTIONS: process.env.NODE_OPTIONS,
        WEB_PORT: 'abc',
        HSTS: 'maybe',
        TOKEN_SECRET: 'a'.repeat(32),
        JWT_SECRET: 'too-short-secret',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).to.equal(2);
    expect(run.stderr.trim().split('\n')).to.deep.equal([
      'JWT_SECRET: the value given has 16 bytes; it must be at least 32 bytes',
      'HSTS: "maybe" is not on or off (on/off, true/false, yes/no, 1/0)',
      'WEB_PORT: "abc" is not a port (0-65535; 0 = any free port)',
    ]);
    expect(run.stderr)
      .not.to.include('too-short-secret')
      .and.not.match(/\bat .*\.ts:\d+/);
  });
});
