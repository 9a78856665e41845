// `npm start`: one command for a working microblog on this machine. Starts PostgreSQL (embedded under
// .data/ unless DATABASE_URL is set), applies migrations, seeds demo data on first run, builds the web
// client when stale, then runs bff-web and bff-mobile as two processes, as they run in production.
// Ctrl-C (or SIGTERM) stops all of it cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, openDatabase } from '@microblog/domain';
import { DATA_DIR, startDatabase } from './lib/database.ts';
import { PRODUCTION_NODE_FLAGS } from './lib/node-flags.ts';
import { DEMO_PASSWORD, seedDemo } from './seed.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const WEB_PORT = Number(process.env.WEB_PORT ?? 3000);
const MOBILE_PORT = Number(process.env.MOBILE_PORT ?? 3001);

type Secrets = { web: { tokenSecret: string; jwtSecret: string }; mobile: { tokenSecret: string; jwtSecret: string } };

// Development secrets are generated once and kept (git-ignored) so sessions survive restarts.
async function developmentSecrets(): Promise<Secrets> {
  const file = path.join(DATA_DIR, 'secrets.json');
  const existing = await readFile(file, 'utf8').then((t) => JSON.parse(t) as Secrets, () => null);
  if (existing) return existing;
  const fresh = () => randomBytes(32).toString('base64url');
  const secrets = { web: { tokenSecret: fresh(), jwtSecret: fresh() }, mobile: { tokenSecret: fresh(), jwtSecret: fresh() } };
  await mkdir(DATA_DIR, { recursive: true });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

function runToEnd(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url} exited with code ${child.exitCode} before it was ready`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} was not ready within a minute`);
}

if (process.env.NODE_ENV === 'production') {
  console.error('npm start is the development launcher. In production run each BFF on its own: node bff-web/src/main.ts, node bff-mobile/src/main.ts (see README.md).');
  process.exit(1);
}

let database: Awaited<ReturnType<typeof startDatabase>>;
try {
  database = await startDatabase();
} catch (error) {
  const reason = error instanceof Error ? error.message : 'it exited at once (is another `npm start` already running? it uses port 54320, set EMBEDDED_PG_PORT to change it)';
  console.error(`\nCould not start the embedded PostgreSQL:\n  ${reason}\n`);
  process.exit(1);
}
const children: ChildProcess[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('close', r)) : null)));
    await database.stop();
  }
  process.exit(code);
}
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

try {
  const applied = await migrate(database.url);
  console.log(applied.length ? `database: applied ${applied.join(', ')}` : 'database: up to date');
  const secrets = await developmentSecrets();
  const db = await openDatabase({ url: database.url, tokenSecret: secrets.web.tokenSecret });
  const demo = await seedDemo(db).finally(() => db.close());
  console.log(demo.created ? `demo data: created users ${demo.users.join(', ')}` : 'demo data: already there');

  await runToEnd('npm', ['run', 'build', '--silent', '-w', '@microblog/bff-web']);

  const common = { ...process.env, DATABASE_URL: database.url };
  const launch = (file: string, env: NodeJS.ProcessEnv) => {
    // The tracing preload is a no-op unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
    const child = spawn(process.execPath, [...PRODUCTION_NODE_FLAGS, '--import', '@microblog/bff-kit/tracing', file], { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code) => {
      if (!stopping) {
        console.error(`${file} stopped unexpectedly (code ${code}); shutting down`);
        void stopAll(1);
      }
    });
    children.push(child);
    return child;
  };
  const web = launch('bff-web/src/main.ts', {
    ...common, WEB_PORT: String(WEB_PORT), TOKEN_SECRET: secrets.web.tokenSecret, JWT_SECRET: secrets.web.jwtSecret,
  });
  const mobile = launch('bff-mobile/src/main.ts', {
    ...common, MOBILE_PORT: String(MOBILE_PORT), TOKEN_SECRET: secrets.mobile.tokenSecret, JWT_SECRET: secrets.mobile.jwtSecret,
  });
  await Promise.all([
    waitUntilReady(`http://127.0.0.1:${WEB_PORT}/readyz`, web),
    waitUntilReady(`http://127.0.0.1:${MOBILE_PORT}/readyz`, mobile),
  ]);
  console.log(`
  Microblog is running.
    web (browser):      http://localhost:${WEB_PORT}        API docs: http://localhost:${WEB_PORT}/docs
    mobile (app API):   http://localhost:${MOBILE_PORT}/v1     API docs: http://localhost:${MOBILE_PORT}/docs
    database:           ${database.embedded ? `embedded PostgreSQL, data in ${path.relative(root, DATA_DIR) || DATA_DIR}/postgres` : 'DATABASE_URL'}
    demo sign-in:       alice / ${DEMO_PASSWORD}   (also bob, carol, dave, erin)
  Press Ctrl-C to stop.
`);
} catch (error) {
  console.error(`\nnpm start failed: ${(error as Error).message}`);
  await stopAll(1);
}
