import { expect } from 'chai';
import { Client } from 'pg';
import type { DomainContext } from '../src/index.ts';
import { suite } from './setup.ts';

/** A fresh context (own identity map), as each request gets. */
export function context(): DomainContext {
  return suite.database().context();
}

/** Asserts that a promise rejects with a domain error of this code, and returns the error. */
export async function expectDomainError<E extends Error & { code: string }>(
  promise: Promise<unknown>,
  code: string,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    expect((error as { code?: string }).code, (error as Error).stack).to.equal(code);
    return error as E;
  }
  expect.fail(`expected a ${code} error, but it resolved`);
}

/** Runs raw SQL on the suite database (for asserting on what was stored). */
export async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return context().em.execute<T[]>(text, params);
}

/**
 * Listens on `channels` on a connection of its own. `heard` collects channel, payload and, when `check` is given, what
 * that statement answered on the listening connection as the notification arrived (a snapshot taken after it).
 */
export async function listen(
  channels: string[],
  check?: { text: string; values: unknown[] },
): Promise<{ heard: Array<[string, string, unknown?]>; close(): Promise<void> }> {
  const client = new Client({ connectionString: suite.url() });
  const heard: Array<[string, string, unknown?]> = [];
  // The checks run one after the other, in order of arrival (pg wants one query at a time per connection).
  let checks = Promise.resolve();
  client.on('notification', (message) => {
    const entry: [string, string, unknown?] = [message.channel, message.payload ?? ''];
    heard.push(entry);
    if (check) {
      checks = checks.then(() =>
        client.query<{ found: unknown }>(check.text, check.values).then((r) => void entry.push(r.rows[0]?.found)),
      );
    }
  });
  await client.connect();
  await client.query(channels.map((channel) => `listen ${channel};`).join(' '));
  return { heard, close: () => client.end() };
}
