import { createHash } from 'node:crypto';
import type { DomainContext } from '../database.ts';
import { ValidationError } from '../errors.ts';
import { MICROPOST_COLUMNS, micropostPage, type MicropostRow } from '../micropost-reads.ts';
import { keysetWindow, type Paged, type Paging } from '../pagination.ts';
import { query } from '../sql.ts';
import { countChars } from '../text-rules.ts';
import type { MicropostView } from '../views.ts';

/**
 * Live microposts matching a full-text query (3..100 characters; web-search syntax: words, "phrases", -exclusions),
 * newest first. Served by the GIN index on the generated `search_vector` column.
 */
export async function searchMicroposts<P extends Paging>(
  ctx: DomainContext,
  input: { query: string; paging: P },
): Promise<Paged<P, MicropostView>> {
  const q = typeof input.query === 'string' ? input.query.normalize('NFC').trim() : '';
  const length = countChars(q);
  if (length < 3 || length > 100 || !q.isWellFormed() || q.includes('\u0000')) {
    throw ValidationError.field('q', 'must be 3 to 100 characters');
  }
  // The cursor is only valid for the same query.
  const scope = `search:${createHash('sha256').update(q).digest('base64url').slice(0, 16)}`;
  const { after, limit, offset } = keysetWindow(ctx.keys, scope, input.paging);
  const rows = await query<MicropostRow>(
    ctx.em,
    `select ${MICROPOST_COLUMNS} from microposts p join users u on u.id = p.author_id
     where p.search_vector @@ websearch_to_tsquery('simple', ?) and p.deleted_at is null
       and (?::timestamptz is null or (p.created_at, p.id) < (?::timestamptz, ?::bigint))
     order by p.created_at desc, p.id desc limit ? offset ?`,
    [q, after?.createdAt ?? null, after?.createdAt ?? null, after?.id ?? null, limit, offset],
    { replica: true },
  );
  return micropostPage(ctx, scope, input.paging, rows, async () => {
    const [total] = await query<{ total: number }>(
      ctx.em,
      `select count(*)::int as total from microposts p
       where p.search_vector @@ websearch_to_tsquery('simple', ?) and p.deleted_at is null`,
      [q],
      { replica: true },
    );
    return total?.total ?? 0;
  });
}
