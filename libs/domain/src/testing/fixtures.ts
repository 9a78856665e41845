import { randomBytes } from 'node:crypto';
import type { Database, DomainContext } from '../database.ts';
import { openDatabase } from '../database.ts';
import { registerUser } from '../use-cases/register-user.ts';
import type { UserProfile } from '../views.ts';
import { createTestDatabase, stopTestServer } from './database.ts';

/** A password that passes every rule, for test users. */
export const TEST_PASSWORD = 'correct horse battery staple';
/** A token secret for test databases. */
export const TEST_TOKEN_SECRET = 'test-token-secret-that-is-long-enough-0123456789';

/** A username nobody else in the run has (3..30 of [a-z0-9_]). */
export function uniqueUsername(prefix = 'u'): string {
  return `${prefix.slice(0, 12)}_${randomBytes(6).toString('hex')}`;
}

/** Registers a user with a unique name (or the given one) and the test password. */
export async function makeUser(
  ctx: DomainContext,
  overrides: { username?: string; displayName?: string } = {},
): Promise<UserProfile> {
  return registerUser(ctx, {
    username: overrides.username ?? uniqueUsername(),
    password: TEST_PASSWORD,
    displayName: overrides.displayName ?? 'Test User',
  });
}

/**
 * Mocha root hooks for a package's suite: one fresh, migrated database for the whole run (tests isolate
 * themselves by making their own users), opened before the first test and dropped after the last.
 */
export function databaseSuite(label: string): {
  database(): Database;
  url(): string;
  mochaHooks: Record<string, () => Promise<void>>;
} {
  let db: Database | undefined;
  let handle: { url: string; drop(): Promise<void> } | undefined;
  return {
    database: () => {
      if (!db) throw new Error('the test database is not open yet');
      return db;
    },
    url: () => {
      if (!handle) throw new Error('the test database is not created yet');
      return handle.url;
    },
    mochaHooks: {
      async beforeAll() {
        handle = await createTestDatabase(label);
        db = await openDatabase({ url: handle.url, tokenSecret: TEST_TOKEN_SECRET });
      },
      async afterAll() {
        await db?.close();
        await handle?.drop();
        await stopTestServer();
      },
    },
  };
}
