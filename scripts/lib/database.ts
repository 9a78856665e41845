import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresUserCanReach, startEmbeddedPostgres } from '@microblog/domain/embedded-postgres';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Where development data lives (git-ignored). */
export const DATA_DIR = process.env.MICROBLOG_DATA_DIR || path.join(root, '.data');

/**
 * Where the embedded cluster keeps its files: `<DATA_DIR>/postgres`, unless run as root from a private checkout,
 * where the `postgres` user it runs as cannot reach that; then a folder under the OS temp dir named after this
 * checkout (an explicit MICROBLOG_DATA_DIR is never moved: a clear error names the directory to open instead).
 */
export async function embeddedDataDir(): Promise<string> {
  const preferred = path.join(DATA_DIR, 'postgres');
  if (process.env.MICROBLOG_DATA_DIR || (await postgresUserCanReach(preferred))) return preferred;
  const checkout = createHash('sha256').update(root).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `microblog-data-${checkout}`, 'postgres');
}

/** DATABASE_URL when set; otherwise the persistent embedded PostgreSQL (see `embeddedDataDir`) on `port`. */
export async function startDatabase(
  port: number,
): Promise<{ url: string; embedded: boolean; dataDir: string | null; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL)
    return { url: process.env.DATABASE_URL, embedded: false, dataDir: null, stop: async () => {} };
  const dataDir = await embeddedDataDir();
  const server = await startEmbeddedPostgres({ dataDir, port, persistent: true });
  await ensureDatabase(server.adminUrl, 'microblog');
  return { url: server.urlFor('microblog'), embedded: true, dataDir, stop: () => server.stop() };
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}
