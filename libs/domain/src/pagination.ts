import { InvalidCursor, ValidationError } from './errors.ts';
import { sign, verifySigned, type DomainKeys } from './keys.ts';

/** A numbered page (web): `number` from 1, `size` 1..100. */
export type PageRequest = { readonly kind: 'page'; readonly number: number; readonly size: number };
/** A keyset page (mobile): the `cursor` from the previous page (null for the first), `limit` 1..50. */
export type CursorRequest = { readonly kind: 'cursor'; readonly cursor: string | null; readonly limit: number };
/** Either style of paging. */
export type Paging = PageRequest | CursorRequest;

/** A numbered page with totals (read from counter columns where the list has one). */
export type NumberedPage<T> = {
  kind: 'page';
  items: T[];
  number: number;
  size: number;
  totalItems: number;
  totalPages: number;
};
/** A keyset page: `nextCursor` is null on the last page. */
export type CursorPage<T> = { kind: 'cursor'; items: T[]; nextCursor: string | null };
/** The page type that answers a given paging request. */
export type Paged<P extends Paging, T> = P extends PageRequest ? NumberedPage<T> : CursorPage<T>;

/** Bounds the domain enforces whatever the caller validated. */
export const PAGE_LIMITS = { maxPageSize: 100, maxPageNumber: 10_000, maxCursorLimit: 50 } as const;

/** A position in a list ordered by (createdAt desc, id desc). */
export type KeysetPosition = { createdAt: Date; id: string };

/** Throws a ValidationError when a paging request is out of bounds. */
export function assertPaging(paging: Paging): void {
  if (paging.kind === 'page') {
    if (!Number.isInteger(paging.number) || paging.number < 1 || paging.number > PAGE_LIMITS.maxPageNumber) {
      throw ValidationError.field('page', `must be an integer from 1 to ${PAGE_LIMITS.maxPageNumber}`);
    }
    if (!Number.isInteger(paging.size) || paging.size < 1 || paging.size > PAGE_LIMITS.maxPageSize) {
      throw ValidationError.field('per_page', `must be an integer from 1 to ${PAGE_LIMITS.maxPageSize}`);
    }
  } else if (!Number.isInteger(paging.limit) || paging.limit < 1 || paging.limit > PAGE_LIMITS.maxCursorLimit) {
    throw ValidationError.field('limit', `must be an integer from 1 to ${PAGE_LIMITS.maxCursorLimit}`);
  }
}

/** An opaque, signed cursor that is only valid for the list named by `scope`. */
export function encodeCursor(keys: DomainKeys, scope: string, position: KeysetPosition): string {
  return sign(keys.cursor, JSON.stringify({ s: scope, t: position.createdAt.getTime(), i: position.id }));
}

/** The position in a cursor; InvalidCursor when it was altered, is malformed, or belongs to another list. */
export function decodeCursor(keys: DomainKeys, scope: string, cursor: string): KeysetPosition {
  const { scope: named, position } = decodeAnyCursor(keys, cursor);
  if (named !== scope) throw new InvalidCursor('cursor belongs to another list');
  return position;
}

/**
 * The list a cursor names and its position, for a read that learns its own scope in the same statement (then it
 * must compare the two, and answer InvalidCursor when they differ); InvalidCursor when altered or malformed.
 */
export function decodeAnyCursor(keys: DomainKeys, cursor: string): { scope: string; position: KeysetPosition } {
  const payload = verifySigned(keys.cursor, cursor);
  if (payload === null) throw new InvalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    throw new InvalidCursor();
  }
  const { s, t, i } = (parsed ?? {}) as { s?: unknown; t?: unknown; i?: unknown };
  if (typeof s !== 'string') throw new InvalidCursor();
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || typeof i !== 'string' || !/^[1-9][0-9]{0,18}$/.test(i)) {
    throw new InvalidCursor();
  }
  return { scope: s, position: { createdAt: new Date(t), id: i } };
}

/** Builds a numbered page from the rows of that page and the total. */
export function numberedPage<T>(items: T[], request: PageRequest, totalItems: number): NumberedPage<T> {
  return {
    kind: 'page',
    items,
    number: request.number,
    size: request.size,
    totalItems,
    totalPages: Math.max(1, Math.ceil(totalItems / request.size)),
  };
}

/** Builds a keyset page from up to `limit + 1` rows (the extra one only says there is more). */
export function cursorPage<T, R extends KeysetPosition>(
  keys: DomainKeys,
  scope: string,
  rows: R[],
  limit: number,
  toItem: (row: R) => T,
): CursorPage<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return {
    kind: 'cursor',
    items: pageRows.map(toItem),
    nextCursor: hasMore && last ? encodeCursor(keys, scope, { createdAt: last.createdAt, id: last.id }) : null,
  };
}

/** The SQL keyset condition and ordering inputs for a paging request. */
export function keysetWindow(
  keys: DomainKeys,
  scope: string,
  paging: Paging,
): { after: KeysetPosition | null; limit: number; offset: number } {
  assertPaging(paging);
  if (paging.kind === 'page') {
    return { after: null, limit: paging.size, offset: (paging.number - 1) * paging.size };
  }
  return { after: paging.cursor ? decodeCursor(keys, scope, paging.cursor) : null, limit: paging.limit + 1, offset: 0 };
}
