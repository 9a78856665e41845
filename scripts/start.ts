// `npm start`: one command for a working microblog on this machine. Checks every setting and port first, starts
// PostgreSQL (embedded unless DATABASE_URL is set), applies migrations, seeds demo data on first run, builds the web
// client, then runs bff-web and bff-mobile as two processes, as they run in production.
// `npm run dev` (`--dev`): the same, with both BFFs restarting on every change to their sources (node --watch), the
// web client rebuilt on change (vite build --watch), and readable one-line logs. Ctrl-C (or SIGTERM) stops it all.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { migrate, openDatabase } from '@microblog/domain';
import { DATA_DIR, startDatabase } from './lib/database.ts';
import { bffSettingsProblems } from './lib/bff-settings.ts';
import { portUnavailable, readLauncherSettings } from './lib/launcher-settings.ts';
import { PRODUCTION_NODE_FLAGS } from './lib/node-flags.ts';
import type { DevProvider } from './lib/dev-oidc-provider.ts';
import { DEMO_USERS } from './lib/seed-demo.ts';
import { DEMO_PASSWORD, seedDemo } from './seed.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dev = parseArgs({ options: { dev: { type: 'boolean', default: false } } }).values.dev === true;

if (process.env.NODE_ENV === 'production') {
  console.error(
    'npm start is the development launcher. In production run each BFF on its own: node bff-web/src/main.ts, node bff-mobile/src/main.ts (see README.md).',
  );
  process.exit(1);
}

type Secrets = { web: { tokenSecret: string; jwtSecret: string }; mobile: { tokenSecret: string; jwtSecret: string } };

// Development secrets are generated once and kept (git-ignored) so sessions survive restarts; new ones are written
// only once every setting has been checked (`save`), so a start that stops at a bad setting leaves nothing behind.
async function developmentSecrets(): Promise<{ secrets: Secrets; save(): Promise<void> }> {
  const file = path.join(DATA_DIR, 'secrets.json');
  const existing = await readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as Secrets,
    () => null,
  );
  if (existing) return { secrets: existing, save: async () => {} };
  const fresh = () => randomBytes(32).toString('base64url');
  const secrets = {
    web: { tokenSecret: fresh(), jwtSecret: fresh() },
    mobile: { tokenSecret: fresh(), jwtSecret: fresh() },
  };
  return {
    secrets,
    async save() {
      await mkdir(DATA_DIR, { recursive: true });
      await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    },
  };
}

// 1. Every setting, then every port, before anything starts.
const { settings, problems } = readLauncherSettings();
const { secrets, save: saveSecrets } = await developmentSecrets();
// A secret given in the environment is used as it is; the generated ones only fill what is not given.
const given = (name: string, generated: string) => process.env[name] || generated;
// In development, V8's compile cache (kept in node_modules/.cache) saves about a third of each restart.
const developmentEnv = {
  NODE_ENV: 'development',
  NODE_COMPILE_CACHE: path.join(root, 'node_modules', '.cache', 'node-compile-cache'),
};
// Plain http on localhost: no HSTS unless asked for.
const common = { HSTS: 'off', ...process.env, ...(dev ? developmentEnv : {}) };
const webEnv: NodeJS.ProcessEnv = {
  ...common,
  WEB_PORT: String(settings.webPort),
  TOKEN_SECRET: given('TOKEN_SECRET', secrets.web.tokenSecret),
  JWT_SECRET: given('JWT_SECRET', secrets.web.jwtSecret),
};
const mobileEnv: NodeJS.ProcessEnv = {
  ...common,
  MOBILE_PORT: String(settings.mobilePort),
  TOKEN_SECRET: given('TOKEN_SECRET', secrets.mobile.tokenSecret),
  JWT_SECRET: given('JWT_SECRET', secrets.mobile.jwtSecret),
};
const allProblems = [...new Set([...problems, ...bffSettingsProblems({ web: webEnv, mobile: mobileEnv })])];
if (allProblems.length > 0) {
  for (const line of allProblems) console.error(line);
  process.exit(2);
}
const ports: Array<[string, number]> = [
  ['WEB_PORT', settings.webPort],
  ['MOBILE_PORT', settings.mobilePort],
];
if (!process.env.DATABASE_URL) ports.push(['EMBEDDED_PG_PORT', settings.embeddedPostgresPort]);
if (!process.env.OIDC_PROVIDERS) ports.push(['OIDC_DEV_PORT', settings.oidcDevPort]);
for (const [name, port] of ports) {
  const why = await portUnavailable(port);
  if (why !== null) {
    console.error(
      `port ${port} (${name}) ${why}: is another \`npm start\` running? Stop it, or set ${name} to a free port.`,
    );
    process.exit(1);
  }
}

await saveSecrets();

// 2. The database.
let database: Awaited<ReturnType<typeof startDatabase>>;
try {
  database = await startDatabase(settings.embeddedPostgresPort);
} catch (error) {
  const reason = error instanceof Error && error.message ? error.message : 'it exited at once (see its log above)';
  console.error(`\nCould not start the embedded PostgreSQL:\n  ${reason}\n`);
  process.exit(1);
}
const children: ChildProcess[] = [];
let devProvider: DevProvider | null = null;
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('close', r)) : null)));
    await devProvider?.close();
    await database.stop();
  }
  process.exit(code);
}
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

function runToEnd(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url} exited with code ${child.exitCode} before it was ready`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} was not ready within a minute`);
}

try {
  const applied = await migrate(database.url);
  console.log(applied.length ? `database: applied ${applied.join(', ')}` : 'database: up to date');
  const db = await openDatabase({ url: database.url, tokenSecret: webEnv.TOKEN_SECRET ?? '' });
  try {
    const demo = await seedDemo(db);
    console.log(demo.created ? `demo data: created users ${demo.users.join(', ')}` : 'demo data: already there');
    // With no provider configured, a local OpenID provider with the demo users (linked to their accounts), so the
    // "Sign in with" button works on a fresh clone. Loaded only here: oidc-provider is a dev dependency.
    if (!process.env.OIDC_PROVIDERS) {
      const dev = await import('./lib/dev-oidc-provider.ts');
      const users = DEMO_USERS.map((user) => ({
        username: user.username,
        password: DEMO_PASSWORD,
        displayName: user.displayName,
      }));
      devProvider = await dev.startDevProvider({
        port: settings.oidcDevPort,
        users,
        webOrigin: `http://localhost:${settings.webPort}`,
      });
      await dev.linkDevIdentities(
        db,
        devProvider.issuer,
        users.map((user) => user.username),
      );
      Object.assign(webEnv, devProvider.webEnv);
      Object.assign(mobileEnv, devProvider.mobileEnv);
    }
  } finally {
    await db.close();
  }

  // 3. The web client: built once, or rebuilt on every change in development.
  if (dev) {
    const watcher = spawn(
      'npx',
      ['vite', 'build', '--watch', '--logLevel', 'warn', '--config', 'bff-web/client/vite.config.ts'],
      { cwd: root, stdio: 'inherit' },
    );
    children.push(watcher);
  } else {
    await runToEnd('npm', ['run', 'build', '--silent', '-w', '@microblog/bff-web']);
  }

  // 4. Both BFFs, as in production (heap limits), or restarting on change.
  const nodeFlags = dev ? ['--watch', '--watch-preserve-output'] : PRODUCTION_NODE_FLAGS;
  const launch = (file: string, env: NodeJS.ProcessEnv) => {
    // The tracing preload is a no-op unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
    const child = spawn(process.execPath, [...nodeFlags, '--import', '@microblog/bff-kit/tracing', file], {
      cwd: root,
      env: { ...env, DATABASE_URL: database.url },
      stdio: 'inherit',
    });
    child.on('exit', (code) => {
      if (!stopping) {
        console.error(`${file} stopped unexpectedly (code ${code}); shutting down`);
        void stopAll(1);
      }
    });
    children.push(child);
    return child;
  };
  const web = launch('bff-web/src/main.ts', webEnv);
  const mobile = launch('bff-mobile/src/main.ts', mobileEnv);
  await Promise.all([
    waitUntilReady(`http://127.0.0.1:${settings.webPort}/readyz`, web),
    waitUntilReady(`http://127.0.0.1:${settings.mobilePort}/readyz`, mobile),
  ]);
  const dataDir =
    database.dataDir === null
      ? 'DATABASE_URL'
      : `embedded PostgreSQL, data in ${path.relative(root, database.dataDir).startsWith('..') ? database.dataDir : path.relative(root, database.dataDir)}`;
  console.log(`
  Microblog is running${dev ? ' in development mode (restarts on change)' : ''}.
    web (browser):      http://localhost:${settings.webPort}        API docs: http://localhost:${settings.webPort}/docs
    mobile (app API):   http://localhost:${settings.mobilePort}/v1     API docs: http://localhost:${settings.mobilePort}/docs
    database:           ${dataDir}
    demo sign-in:       alice / ${DEMO_PASSWORD}   (also bob, carol, dave, erin)${
      devProvider
        ? `
    sign in with:       "Dev ID (local)", a development OpenID provider with the demo users
                        ${devProvider.issuer}/.well-known/openid-configuration`
        : ''
    }
  Press Ctrl-C to stop.
`);
} catch (error) {
  console.error(`\nnpm start failed: ${(error as Error).message}`);
  await stopAll(1);
}
