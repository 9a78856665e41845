import { createHash } from 'node:crypto';
import type { DomainContext } from '../database.ts';
import { InvalidCursor, ValidationError } from '../errors.ts';
import { sign, verifySigned } from '../keys.ts';
import { MICROPOST_COLUMNS, micropostPage, toMicropostViews, type MicropostRow } from '../micropost-reads.ts';
import { assertPaging, keysetWindow, numberedPage, type CursorPage, type Paged, type Paging } from '../pagination.ts';
import { query } from '../sql.ts';
import { countChars } from '../text-rules.ts';
import type { MicropostView } from '../views.ts';

/** `newest`: newest first (default); `relevance`: best match first (ts_rank_cd), newest among equals. */
export type SearchOrder = 'newest' | 'relevance';

// The last word, when it is a plain word at the very end (not excluded with `-`, not inside a "phrase").
const LAST_WORD = /(^|\s)([\p{L}\p{N}]+)$/u;

/**
 * The query as two halves for PostgreSQL: everything but a trailing plain word in web-search syntax (words,
 * "phrases", -exclusions), and that word as an English-stemmed prefix, so `paginat` finds "pagination" and a
 * search box can match while the user types. The prefix half holds letters and digits only.
 */
export function splitSearchQuery(q: string): { websearch: string; prefix: string | null } {
  const match = LAST_WORD.exec(q);
  if (!match) return { websearch: q, prefix: null };
  const rest = q.slice(0, match.index + (match[1] ?? '').length);
  if ((rest.match(/"/g) ?? []).length % 2 === 1) return { websearch: q, prefix: null };
  return { websearch: rest, prefix: `${match[2]}:*` };
}

const MATCH = `p.search_vector @@ q.query`;
const QUERY = `(select websearch_to_tsquery('english', ?) && coalesce(to_tsquery('english', ?), ''::tsquery) as query) q`;

function offsetCursor(ctx: DomainContext, scope: string, offset: number): string {
  return sign(ctx.keys.cursor, JSON.stringify({ s: scope, o: offset }));
}

function offsetOf(ctx: DomainContext, scope: string, cursor: string): number {
  const payload = verifySigned(ctx.keys.cursor, cursor);
  let parsed: { s?: unknown; o?: unknown } = {};
  try {
    parsed = payload === null ? {} : (JSON.parse(payload) as typeof parsed);
  } catch {
    throw new InvalidCursor();
  }
  if (parsed.s !== scope)
    throw new InvalidCursor(payload === null ? 'cursor is invalid' : 'cursor belongs to another list');
  if (typeof parsed.o !== 'number' || !Number.isSafeInteger(parsed.o) || parsed.o < 0) throw new InvalidCursor();
  return parsed.o;
}

/**
 * Live microposts matching a full-text query (3..100 characters; web-search syntax: words, "phrases", -exclusions;
 * English stemming; the last word also matches as a prefix), newest first or by relevance. Served by the GIN index
 * on the generated `search_vector` column.
 */
export async function searchMicroposts<P extends Paging>(
  ctx: DomainContext,
  input: { query: string; paging: P; order?: SearchOrder | undefined },
): Promise<Paged<P, MicropostView>> {
  const q = typeof input.query === 'string' ? input.query.normalize('NFC').trim() : '';
  const length = countChars(q);
  if (length < 3 || length > 100 || !q.isWellFormed() || q.includes('\u0000')) {
    throw ValidationError.field('q', 'must be 3 to 100 characters');
  }
  const order: SearchOrder = input.order === 'relevance' ? 'relevance' : 'newest';
  const { websearch, prefix } = splitSearchQuery(q);
  const queryParams = [websearch, prefix];
  // The cursor is only valid for the same query and order.
  const scope = `search:${order}:${createHash('sha256').update(q).digest('base64url').slice(0, 16)}`;
  const total = async (): Promise<number> => {
    const [row] = await query<{ total: number }>(
      ctx.em,
      `select count(*)::int as total from microposts p, ${QUERY} where ${MATCH} and p.deleted_at is null`,
      queryParams,
      { replica: true },
    );
    return row?.total ?? 0;
  };
  if (order === 'newest') {
    const { after, limit, offset } = keysetWindow(ctx.keys, scope, input.paging);
    const rows = await query<MicropostRow>(
      ctx.em,
      `select ${MICROPOST_COLUMNS} from microposts p join users u on u.id = p.author_id, ${QUERY}
       where ${MATCH} and p.deleted_at is null
         and (?::timestamptz is null or (p.created_at, p.id) < (?::timestamptz, ?::bigint))
       order by p.created_at desc, p.id desc limit ? offset ?`,
      [...queryParams, after?.createdAt ?? null, after?.createdAt ?? null, after?.id ?? null, limit, offset],
      { replica: true },
    );
    return micropostPage(ctx, scope, input.paging, rows, total);
  }
  // By relevance the order has no keyset: pages are offsets (a cursor holds a signed offset).
  assertPaging(input.paging);
  const paging: Paging = input.paging;
  const size = paging.kind === 'page' ? paging.size : paging.limit;
  const offset =
    paging.kind === 'page'
      ? (paging.number - 1) * paging.size
      : paging.cursor
        ? offsetOf(ctx, scope, paging.cursor)
        : 0;
  const rows = await query<MicropostRow>(
    ctx.em,
    `select ${MICROPOST_COLUMNS} from microposts p join users u on u.id = p.author_id, ${QUERY}
     where ${MATCH} and p.deleted_at is null
     order by ts_rank_cd(p.search_vector, q.query) desc, p.created_at desc, p.id desc limit ? offset ?`,
    [...queryParams, size + (paging.kind === 'cursor' ? 1 : 0), offset],
    { replica: true },
  );
  const views = toMicropostViews(rows);
  if (paging.kind === 'page') return numberedPage(views, paging, await total()) as Paged<P, MicropostView>;
  const hasMore = views.length > size;
  const page: CursorPage<MicropostView> = {
    kind: 'cursor',
    items: views.slice(0, size),
    nextCursor: hasMore ? offsetCursor(ctx, scope, offset + size) : null,
  };
  return page as Paged<P, MicropostView>;
}
