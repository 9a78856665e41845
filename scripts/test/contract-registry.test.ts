// A client team's view of the contracts, end to end: a private registry (Verdaccio) on loopback with throwaway
// storage, both contracts published to it with `npm publish`, and an app in a scratch project outside this
// repository that installs `@^1` of each from there, type-checks against them, is bundled for React Native and
// for a browser (esbuild), and, bundled, talks to a running bff-mobile and bff-web through the installed clients.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { freePort } from '@microblog/domain/embedded-postgres';
import { createTestDatabase, uniqueUsername } from '@microblog/domain/testing';
import { expect } from 'chai';
import * as esbuild from 'esbuild';
import { startBff, type Bff } from '@microblog/bench/processes';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const contracts = [
  { dir: 'contracts/web', name: '@microblog/web-contract' },
  { dir: 'contracts/mobile', name: '@microblog/mobile-contract' },
];

/** The environment of a command run as a team member would run it: none of this repository's npm settings. */
function outsideEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|INIT_CWD$|NODE_OPTIONS$)/i.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited with ${result.status}:\n${output}`);
  return output;
}

/** Verdaccio on a free loopback port, storage and config in `dir`, no uplink: it serves only what is published to it. */
async function startRegistry(dir: string): Promise<{ url: string; child: ChildProcess; output(): string }> {
  const port = await freePort();
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: 1',
      'uplinks: {}',
      'packages:',
      "  '@microblog/*':",
      '    access: $all',
      '    publish: $authenticated',
      'web:',
      '  enable: false',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const child = spawn(bin('verdaccio'), ['--config', config, '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    env: outsideEnv({}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}:\n${output}`);
    if (
      await fetch(`${url}-/ping`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 150) throw new Error(`verdaccio did not answer within 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, child, output: () => output };
}

/** `npm adduser` against the registry, as the CLI does it: answers the token `npm login` would store. */
async function addUser(registry: string): Promise<string> {
  const name = 'release-bot';
  const response = await fetch(`${registry}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      _id: `org.couchdb.user:${name}`,
      name,
      password: randomUUID(),
      type: 'user',
      roles: [],
      date: new Date().toISOString(),
    }),
  });
  const body = (await response.json()) as { token?: string };
  expect(response.status, JSON.stringify(body)).to.equal(201);
  expect(body.token).to.be.a('string');
  return body.token ?? '';
}

// ------------------------------------------------------------------ the scratch app (its own repository)

const APP_PACKAGE = {
  name: 'microblog-scratch-app',
  private: true,
  type: 'module',
  dependencies: { '@microblog/mobile-contract': '^1', '@microblog/web-contract': '^1' },
};

// An Expo / Vite style configuration: bundler resolution, DOM fetch types, strict, no Node types.
const APP_TSCONFIG = {
  compilerOptions: {
    target: 'es2022',
    lib: ['es2022', 'dom'],
    module: 'preserve',
    moduleResolution: 'bundler',
    types: [],
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    noEmit: true,
    skipLibCheck: false,
  },
  include: ['src'],
};

const MOBILE_APP = `// The phone app: signs up on this device, posts, reads itself and its home timeline.
import { createMobileClient } from '@microblog/mobile-contract/client';
import type { components } from '@microblog/mobile-contract/client';

export type Micropost = components['schemas']['Micropost'];
export type PhoneSession = { username: string; displayName: string; posted: Micropost; timeline: Micropost[] };

export async function runPhone(baseUrl: string, account: { username: string; password: string }): Promise<PhoneSession> {
  const client = createMobileClient({ baseUrl, appVersion: '1.0.0' });
  const signUp = await client.POST('/v1/users', {
    body: { ...account, displayName: 'Scratch Phone User', device: { id: 'scratch-install-1', name: 'Scratch Phone', platform: 'android' } },
  });
  if (signUp.data === undefined) throw new Error('sign-up: ' + signUp.response.status + ' ' + JSON.stringify(signUp.error));
  const accessToken: string = signUp.data.accessToken;
  client.setTokenProvider(() => accessToken);
  const me = await client.GET('/v1/me');
  if (me.data === undefined) throw new Error('me: ' + me.response.status);
  const posted = await client.POST('/v1/posts', {
    body: { text: 'Hello from a phone' },
    params: { header: { 'Idempotency-Key': 'scratch-post-' + account.username } },
  });
  if (posted.data === undefined) throw new Error('post: ' + posted.response.status + ' ' + JSON.stringify(posted.error));
  const timeline = await client.GET('/v1/timeline', { params: { query: { limit: '20' } } });
  if (timeline.data === undefined) throw new Error('timeline: ' + timeline.response.status);
  return { username: me.data.username, displayName: me.data.displayName, posted: posted.data, timeline: timeline.data.items };
}
`;

const WEB_APP = `// The browser app: signs up (the browser keeps the session cookie), posts, reads the session and the timeline.
import { createWebClient } from '@microblog/web-contract/client';
import type { components } from '@microblog/web-contract/client';

export type WebMicropost = components['schemas']['Micropost'];
export type BrowserSession = { username: string; posted: WebMicropost; timeline: WebMicropost[]; totalItems: number };

// fetch: the browser's; a test outside a browser passes one that keeps cookies.
export async function runBrowser(baseUrl: string, account: { username: string; password: string }, fetch?: typeof globalThis.fetch): Promise<BrowserSession> {
  const client = createWebClient({ baseUrl, ...(fetch === undefined ? {} : { fetch }) });
  const signUp = await client.POST('/api/v1/users', { body: account });
  if (signUp.data === undefined) throw new Error('sign-up: ' + signUp.response.status + ' ' + JSON.stringify(signUp.error));
  const session = await client.GET('/api/v1/session');
  if (session.data === undefined) throw new Error('session: ' + session.response.status);
  const posted = await client.POST('/api/v1/microposts', { body: { text: 'Hello from a browser' } });
  if (posted.data === undefined) throw new Error('post: ' + posted.response.status + ' ' + JSON.stringify(posted.error));
  const timeline = await client.GET('/api/v1/timeline', { params: { query: { page: '1' } } });
  if (timeline.data === undefined) throw new Error('timeline: ' + timeline.response.status);
  return { username: session.data.user.username, posted: posted.data, timeline: timeline.data.items, totalItems: timeline.data.page.totalItems };
}
`;

// Type-checked, never bundled: the installed types are the contract's, not \`any\`.
const TYPE_PROBES = `import { createMobileClient } from '@microblog/mobile-contract/client';
import { createWebClient } from '@microblog/web-contract/client';

const phone = createMobileClient({ baseUrl: 'https://api.example' });
const browser = createWebClient({ baseUrl: '' });

export async function probes(): Promise<void> {
  // @ts-expect-error -- not a path of the mobile contract
  await phone.GET('/v1/no-such-path');
  // @ts-expect-error -- a micropost's text is a string
  await phone.POST('/v1/posts', { body: { text: 42 }, params: { header: { 'Idempotency-Key': 'k' } } });
  // @ts-expect-error -- the web API is under /api/v1
  await browser.GET('/v1/timeline');
  const me = await phone.GET('/v1/me');
  // @ts-expect-error -- the own profile has no password field
  void me.data?.password;
}
`;

/** A fetch that keeps cookies between calls, as the browser does for the web app. */
function cookieKeepingFetch(): typeof fetch {
  const jar = new Map<string, string>();
  return async (input, init) => {
    const request = new Request(input, init);
    if (jar.size > 0) request.headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(request);
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';')[0] ?? '';
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return response;
  };
}

type Account = { username: string; password: string };
type Post = { id: string; text: string };
/** What the bundles export (see MOBILE_APP and WEB_APP). */
type PhoneBundle = {
  runPhone(
    baseUrl: string,
    account: Account,
  ): Promise<{ username: string; displayName: string; posted: Post; timeline: Post[] }>;
};
type BrowserBundle = {
  runBrowser(
    baseUrl: string,
    account: Account,
    fetch: typeof globalThis.fetch,
  ): Promise<{ username: string; posted: Post; timeline: Post[]; totalItems: number }>;
};

type Bundle = { file: string; bytes: number; gzipBytes: number; inputs: string[] };

async function bundle(
  app: string,
  entry: string,
  outfile: string,
  target: 'react-native' | 'browser',
): Promise<Bundle> {
  const result = await esbuild.build({
    entryPoints: [join(app, entry)],
    outfile: join(app, outfile),
    absWorkingDir: app,
    bundle: true,
    minify: true,
    format: 'esm',
    metafile: true,
    logLevel: 'silent',
    ...(target === 'react-native'
      ? { platform: 'neutral', conditions: ['react-native'], mainFields: ['react-native', 'browser', 'module', 'main'] }
      : { platform: 'browser', conditions: ['browser'] }),
  });
  const code = readFileSync(join(app, outfile));
  return {
    file: join(app, outfile),
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    inputs: Object.keys(result.metafile.inputs),
  };
}

describe('the contracts through a private registry, as a client team installs them', function () {
  let scratch = '';
  let registry: Awaited<ReturnType<typeof startRegistry>> | undefined;
  let database: { url: string; drop(): Promise<void> } | undefined;
  const bffs: Bff[] = [];
  let app = '';
  let published: Record<string, string> = {};

  before(async function () {
    this.timeout(240_000);
    scratch = mkdtempSync(join(tmpdir(), 'contract-registry-'));
    mkdirSync(join(scratch, 'registry'));
    [registry, database] = await Promise.all([
      startRegistry(join(scratch, 'registry')),
      createTestDatabase('contract_registry'),
    ]);
    const [web, mobile] = await Promise.all([
      startBff('bff-web', { databaseUrl: database.url, logLevel: 'warn' }),
      startBff('bff-mobile', { databaseUrl: database.url, logLevel: 'warn' }),
    ]);
    bffs.push(web, mobile);

    // The release engineer: logged in to the registry, publishing each contract from its package directory.
    const token = await addUser(registry.url);
    const userconfig = join(scratch, 'publisher.npmrc');
    const host = registry.url.replace(/^http:/, '');
    writeFileSync(userconfig, `${host}:_authToken=${token}\n`);
    for (const contract of contracts) {
      run(
        'npm',
        ['publish', '--registry', registry.url],
        join(root, contract.dir),
        outsideEnv({ npm_config_userconfig: userconfig }),
      );
      const version = (
        JSON.parse(readFileSync(join(root, contract.dir, 'package.json'), 'utf8')) as { version: string }
      ).version;
      published[contract.name] = version;
    }

    // The client team: its own project, the @microblog scope from the private registry, the rest from npm.
    app = join(scratch, 'app');
    mkdirSync(join(app, 'src'), { recursive: true });
    writeFileSync(join(app, '.npmrc'), `@microblog:registry=${registry.url}\n`);
    writeFileSync(join(app, 'package.json'), `${JSON.stringify(APP_PACKAGE, null, 2)}\n`);
    writeFileSync(join(app, 'tsconfig.json'), `${JSON.stringify(APP_TSCONFIG, null, 2)}\n`);
    writeFileSync(join(app, 'src/phone.ts'), MOBILE_APP);
    writeFileSync(join(app, 'src/browser.ts'), WEB_APP);
    writeFileSync(join(app, 'src/type-probes.ts'), TYPE_PROBES);
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline'],
      app,
      outsideEnv({ npm_config_userconfig: join(scratch, 'empty.npmrc') }),
    );
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all(bffs.map((b) => b.stop()));
    const child = registry?.child;
    if (child && child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'));
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('when the app installs @^1 of each contract, then it gets the published versions, built JavaScript and declarations from the private registry', function () {
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; resolved?: string }>;
    };
    for (const contract of contracts) {
      const installed = lock.packages[`node_modules/${contract.name}`];
      expect(installed?.version).to.equal(published[contract.name]);
      expect(installed?.resolved).to.satisfy((url: string) => url.startsWith(registry?.url ?? '-'));
      const manifest = JSON.parse(readFileSync(join(app, 'node_modules', contract.name, 'package.json'), 'utf8')) as {
        exports: Record<string, Record<string, string>>;
      };
      expect(manifest.exports['./client']).to.include({ types: './dist/client.d.ts', default: './dist/client.js' });
    }
  });

  it("when the app is type-checked (bundler resolution, strict, library declarations checked too), then it passes, and the probes show the types are the contract's", function () {
    this.timeout(60_000);
    const result = spawnSync(bin('tsc'), ['-p', join(app, 'tsconfig.json')], { cwd: app, encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    // The same probes with one expectation broken must fail: the check is real.
    const probes = join(app, 'src/type-probes.ts');
    writeFileSync(
      probes,
      readFileSync(probes, 'utf8').replace('  // @ts-expect-error -- not a path of the mobile contract\n', ''),
    );
    const broken = spawnSync(bin('tsc'), ['-p', join(app, 'tsconfig.json')], { cwd: app, encoding: 'utf8' });
    expect(broken.status).to.not.equal(0);
    // Line 8 is now the call to the unknown path, and it is the only error.
    expect(
      broken.stdout
        .trim()
        .split('\n')
        .filter((l) => /error TS/.test(l)),
      broken.stdout,
    )
      .to.have.lengthOf(1)
      .and.to.match(/^src\/type-probes\.ts\(8,/);
    writeFileSync(probes, TYPE_PROBES);
  });

  it('when the app is bundled for React Native and for a browser and run against the BFFs, then it signs up, posts and reads its timeline through the installed clients', async function () {
    this.timeout(60_000);
    const phoneBundle = await bundle(app, 'src/phone.ts', 'dist/phone.js', 'react-native');
    const browserBundle = await bundle(app, 'src/browser.ts', 'dist/browser.js', 'browser');
    const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;
    console.log(
      `      app bundle sizes (minified / gzip): phone (react-native) ${kB(phoneBundle.bytes)} / ${kB(phoneBundle.gzipBytes)}, browser ${kB(browserBundle.bytes)} / ${kB(browserBundle.gzipBytes)}`,
    );
    for (const { inputs } of [phoneBundle, browserBundle]) {
      expect(inputs.filter((i) => /zod|node:|\/src\/.*\.ts$/.test(i) && !i.startsWith('src/'))).to.deep.equal([]);
      expect(inputs.some((i) => i.includes('node_modules/openapi-fetch/'))).to.equal(true);
    }

    const [web, mobile] = bffs as [Bff, Bff];
    const phone = (await import(pathToFileURL(phoneBundle.file).href)) as PhoneBundle;
    const browser = (await import(pathToFileURL(browserBundle.file).href)) as BrowserBundle;
    const phoneAccount = { username: uniqueUsername('rn'), password: `phone-${randomUUID()}` };
    const browserAccount = { username: uniqueUsername('br'), password: `browser-${randomUUID()}` };

    const onPhone = await phone.runPhone(mobile.url, phoneAccount);
    expect(onPhone.username).to.equal(phoneAccount.username);
    expect(onPhone.displayName).to.equal('Scratch Phone User');
    expect(onPhone.posted.text).to.equal('Hello from a phone');
    expect(onPhone.timeline.map((p) => p.id)).to.deep.equal([onPhone.posted.id]);

    const inBrowser = await browser.runBrowser(web.url, browserAccount, cookieKeepingFetch());
    expect(inBrowser.username).to.equal(browserAccount.username);
    expect(inBrowser.posted.text).to.equal('Hello from a browser');
    expect(inBrowser.timeline.map((p) => p.id)).to.deep.equal([inBrowser.posted.id]);
    expect(inBrowser.totalItems).to.equal(1);
  });
});
