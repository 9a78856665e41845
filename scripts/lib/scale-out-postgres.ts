// A real PostgreSQL primary and a streaming replica cloned from it with pg_basebackup, on free loopback ports in a
// temporary directory, using the machine's PostgreSQL binaries (Debian: /usr/lib/postgresql/<major>/bin). Run as
// root, every server command runs as the `postgres` OS user (PostgreSQL refuses root), who owns the directory.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@microblog/domain/embedded-postgres';
import { Pool } from 'pg';

const run = promisify(execFile);

/** The directory of initdb, pg_ctl, postgres and pg_basebackup: POSTGRES_BIN, else the newest Debian major. */
export function postgresBinDir(): string {
  if (process.env.POSTGRES_BIN) return process.env.POSTGRES_BIN;
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base)
    ? readdirSync(base).filter((d) => existsSync(join(base, d, 'bin/pg_basebackup')))
    : [];
  majors.sort((a, b) => Number(b) - Number(a));
  if (majors.length === 0)
    throw new Error('no PostgreSQL server binaries: apt-get install postgresql (or set POSTGRES_BIN)');
  return join(base, majors[0] as string, 'bin');
}

type Server = { name: string; dataDir: string; port: number; url(database?: string): string };

export type Cluster = {
  primary: Server;
  replica: Server;
  /** A query on the primary (superuser). */
  primarySql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** A query on the replica (superuser); fails while the replica is stopped. */
  replicaSql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  /** Waits until the replica streams from the primary and has replayed everything the primary wrote so far. */
  replicaCaughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
};

export async function startCluster(options: { database: string; log: (line: string) => void }): Promise<Cluster> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const base = mkdtempSync(join(tmpdir(), 'microblog-scale-out-pg-'));
  chmodSync(base, 0o755);
  const pgUser = asRoot
    ? await run('id', ['-u', 'postgres']).then(
        (r) => Number(r.stdout.trim()),
        () => null,
      )
    : null;
  if (asRoot && pgUser === null)
    throw new Error('running as root needs the `postgres` OS user to run PostgreSQL (apt-get install postgresql)');
  if (asRoot && pgUser !== null) chownSync(base, pgUser, pgUser);

  // Every server command: as `postgres` when we are root (runuser keeps no root privileges), else as ourselves.
  const command = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { cwd: base })
      : run(join(bin, tool), args, { cwd: base });

  const server = (name: string, port: number): Server => ({
    name,
    dataDir: join(base, name),
    port,
    url: (database = options.database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
  });
  const primary = server('primary', await freePort());
  const replica = server('replica', await freePort());
  const settings = (s: Server) =>
    [
      `-c port=${s.port}`,
      `-c listen_addresses=127.0.0.1`,
      `-c unix_socket_directories=${base}`,
      '-c max_connections=120',
      '-c wal_level=replica',
      '-c max_wal_senders=4',
      '-c hot_standby=on',
      // A read that conflicts with replay is cancelled after this long; the domain then reads on the primary.
      '-c max_standby_streaming_delay=5s',
      '-c fsync=off',
      '-c synchronous_commit=on',
      '-c shared_buffers=64MB',
    ].join(' ');
  const pgCtl = (s: Server, action: 'start' | 'stop') =>
    action === 'start'
      ? command('pg_ctl', [
          'start',
          '-D',
          s.dataDir,
          '-w',
          '-t',
          '60',
          '-l',
          join(base, `${s.name}.log`),
          '-o',
          settings(s),
        ])
      : command('pg_ctl', ['stop', '-D', s.dataDir, '-m', 'fast', '-w', '-t', '60']);

  options.log(`initdb (${bin})`);
  await command('initdb', [
    '-D',
    primary.dataDir,
    '--auth=trust',
    '--username=postgres',
    '--encoding=UTF8',
    '--no-sync',
  ]);
  // initdb's pg_hba already lets 127.0.0.1 connect for replication (trust): only loopback is listened on.
  await pgCtl(primary, 'start');
  const pools = new Map<string, Pool>();
  const sql =
    (s: Server, database = options.database) =>
    async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
      const key = `${s.name}/${database}`;
      let pool = pools.get(key);
      if (!pool) {
        pool = new Pool({ connectionString: s.url(database), max: 2, connectionTimeoutMillis: 3000 });
        pool.on('error', () => {}); // a server stopped under an idle client: the next query reconnects
        pools.set(key, pool);
      }
      return (await pool.query(text, params)).rows as T[];
    };
  const primarySql = sql(primary);
  await sql(primary, 'postgres')(`create database ${options.database}`);

  options.log(`pg_basebackup → replica on port ${replica.port}`);
  await command('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    replica.dataDir,
    '-R',
    '-X',
    'stream',
    '--checkpoint=fast',
    '--no-sync',
  ]);
  await pgCtl(replica, 'start');

  const cluster: Cluster = {
    primary,
    replica,
    primarySql,
    replicaSql: sql(replica),
    stopReplica: async () => {
      const key = `replica/${options.database}`;
      await pools
        .get(key)
        ?.end()
        .catch(() => {});
      pools.delete(key);
      await pgCtl(replica, 'stop');
    },
    startReplica: async () => {
      await pgCtl(replica, 'start');
    },
    async replicaCaughtUp(timeoutMs = 30_000) {
      const [{ lsn }] = (await primarySql<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')) as [
        { lsn: string },
      ];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const row = await cluster
          .replicaSql<{ ok: boolean; streaming: boolean }>(
            `select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok,
                    exists (select 1 from pg_stat_wal_receiver where status = 'streaming') as streaming`,
            [lsn],
          )
          .then(
            (rows) => rows[0],
            () => undefined,
          );
        if (row?.ok && row.streaming) return;
        if (Date.now() > deadline) throw new Error(`the replica did not catch up with ${lsn} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      for (const pool of pools.values()) await pool.end().catch(() => {});
      pools.clear();
      for (const s of [replica, primary]) {
        if (existsSync(join(s.dataDir, 'postmaster.pid'))) await pgCtl(s, 'stop').catch(() => {});
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
  await cluster.replicaCaughtUp();
  return cluster;
}
