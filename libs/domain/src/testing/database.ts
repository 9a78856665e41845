import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrate } from '../database.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../embedded-postgres.ts';

let embedded: EmbeddedServer | undefined;

/**
 * The URL of a server to create test databases on: `TEST_DATABASE_URL` when set (any database on a server
 * where that user may CREATE DATABASE), otherwise a throwaway embedded PostgreSQL under the OS temp dir.
 */
export async function testServerUrl(): Promise<string> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  embedded ??= await startEmbeddedPostgres({
    dataDir: path.join(os.tmpdir(), `microblog-test-pg-${process.pid}-${randomBytes(3).toString('hex')}`),
    persistent: false,
  });
  process.env.TEST_DATABASE_URL = embedded.adminUrl;
  return embedded.adminUrl;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database of its own, for one test suite; `drop` removes it. */
export async function createTestDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = await testServerUrl();
  const name = `mb_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin(serverUrl, (c) => c.query(`create database "${name}"`));
  const url = withDatabase(serverUrl, name);
  await migrate(url);
  return {
    url,
    drop: () =>
      admin(serverUrl, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

/** Stops the embedded server this process started, if any. */
export async function stopTestServer(): Promise<void> {
  await embedded?.stop();
  embedded = undefined;
}
