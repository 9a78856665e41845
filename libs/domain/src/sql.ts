import type { EntityManager } from '@mikro-orm/postgresql';
import { replicaRead } from './replica-reads.ts';

/**
 * Runs a read-model query (positional `?` parameters) inside the context's transaction if any.
 * `replica: true` lets it go to a read replica when one is configured (see replica-reads.ts).
 */
export function query<T>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
  options: { replica?: boolean } = {},
): Promise<T[]> {
  if (options.replica) return replicaRead<T>(em, sql, params);
  return em.execute<T[]>(sql, params as unknown[], { method: 'all', connectionType: 'write' });
}

/** Runs a write statement and returns the number of rows it touched. */
export async function run(em: EntityManager, sql: string, params: unknown[] = []): Promise<number> {
  const result = await em.execute<{ affectedRows: number }>(sql, params as unknown[], { method: 'run' });
  return result.affectedRows;
}

const ID_DIGITS = /^[1-9][0-9]{0,18}$/;
// The largest int8. Decimal strings of the same length without leading zeros compare as their numbers do, so a
// 19-digit id is checked by string comparison, without making a BigInt on every request.
const MAX_ID = '9223372036854775807';

/** Whether a string is a database id (a positive int8 in decimal). */
export function isId(value: string): boolean {
  return ID_DIGITS.test(value) && (value.length < MAX_ID.length || value <= MAX_ID);
}

/**
 * A timestamp column from a raw query as a Date. (MikroORM sets the driver to return timestamps as text,
 * `2026-11-21 15:18:23.028+00`, so that it can hydrate them itself; raw read models convert here.)
 */
export function toDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  return new Date(utcMillis(value) ?? Date.parse(value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')));
}

// The text PostgreSQL sends for a timestamptz in UTC, `2026-11-21 15:18:23.028+00` (from year 1000, where Date.UTC
// takes the year as given; 0 to 6 digits of fraction), read by position: a few times cheaper than parsing the ISO form
// made of it. Null for any other shape.
const UTC_TIMESTAMP = /^[1-9]\d{3}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})?\+00$/;

function utcMillis(text: string): number | null {
  if (!UTC_TIMESTAMP.test(text)) return null;
  const digits = (from: number, to: number) => Number(text.slice(from, to));
  // Like Date.parse, milliseconds from the first three digits of the fraction (the rest is dropped, not rounded).
  const fraction = text.length > 23 ? text.slice(20, -3) : '';
  const ms = fraction === '' ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  return Date.UTC(digits(0, 4), digits(5, 7) - 1, digits(8, 10), digits(11, 13), digits(14, 16), digits(17, 19), ms);
}

/** Like toDate, keeping null. */
export function toDateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value);
}
