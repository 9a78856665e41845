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

/** Whether a string is a database id (a positive int8 in decimal). */
export function isId(value: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(value) && BigInt(value) <= 9223372036854775807n;
}

/**
 * A timestamp column from a raw query as a Date. (MikroORM sets the driver to return timestamps as text,
 * `2026-11-21 15:18:23.028+00`, so that it can hydrate them itself; raw read models convert here.)
 */
export function toDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  return new Date(value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
}

/** Like toDate, keeping null. */
export function toDateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value);
}
