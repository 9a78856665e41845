import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from '@microblog/domain/embedded-postgres';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Where development data lives (git-ignored). */
export const DATA_DIR = process.env.MICROBLOG_DATA_DIR ?? path.join(root, '.data');

/** DATABASE_URL when set; otherwise the persistent embedded PostgreSQL under `.data/postgres`. */
export async function startDatabase(): Promise<{ url: string; embedded: boolean; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, embedded: false, stop: async () => {} };
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54320);
  const server = await startEmbeddedPostgres({ dataDir: path.join(DATA_DIR, 'postgres'), port, persistent: true });
  await ensureDatabase(server.adminUrl, 'microblog');
  return { url: server.urlFor('microblog'), embedded: true, stop: () => server.stop() };
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
