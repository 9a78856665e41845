import { expect } from 'chai';
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
