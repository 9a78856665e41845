import type { DomainContext } from '../database.ts';
import { InvalidCursor, ValidationError } from '../errors.ts';
import { sign, verifySigned } from '../keys.ts';
import { assertPaging, numberedPage, type CursorPage, type Paged, type Paging } from '../pagination.ts';
import { query } from '../sql.ts';
import { countChars } from '../text-rules.ts';
import type { UserSummary } from '../views.ts';

type UserRow = { id: string; username: string; display_name: string; username_key: string; by_username: boolean };

// LIKE treats % _ and \ as special: a query is matched literally.
const likePrefix = (text: string): string => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The lower-cased query, 1 to 50 characters, a leading `@` dropped (as typed after @ in a composer). */
function normalizePeopleQuery(raw: unknown): string {
  const q = typeof raw === 'string' ? raw.normalize('NFC').trim().replace(/^@/, '').toLowerCase() : '';
  const length = countChars(q);
  // Control characters never appear in names: refusing them is the point.
  // oxlint-disable-next-line no-control-regex
  if (length < 1 || length > 50 || !q.isWellFormed() || /[\u0000-\u001F]/.test(q)) {
    throw ValidationError.field('q', 'must be 1 to 50 characters');
  }
  return q;
}

/**
 * Accounts whose username or display name starts with the query (without regard to case): usernames matching
 * first, then display names, each alphabetical by username. Two prefix range scans
 * (`users_username_key_prefix_idx`, `users_display_name_prefix_idx`), so fast whatever the number of users.
 */
export async function searchUsers<P extends Paging>(
  ctx: DomainContext,
  input: { query: string; paging: P },
): Promise<Paged<P, UserSummary>> {
  const q = normalizePeopleQuery(input.query);
  assertPaging(input.paging);
  const paging: Paging = input.paging;
  const scope = `people:${q}`;
  let after: { byUsername: boolean; key: string } | null = null;
  if (paging.kind === 'cursor' && paging.cursor) {
    const payload = verifySigned(ctx.keys.cursor, paging.cursor);
    const parsed = (() => {
      try {
        return payload === null ? null : (JSON.parse(payload) as { s?: unknown; u?: unknown; k?: unknown });
      } catch {
        return null;
      }
    })();
    if (!parsed || parsed.s !== scope || typeof parsed.u !== 'boolean' || typeof parsed.k !== 'string')
      throw new InvalidCursor();
    after = { byUsername: parsed.u, key: parsed.k };
  }
  const size = paging.kind === 'page' ? paging.size : paging.limit;
  const offset = paging.kind === 'page' ? (paging.number - 1) * paging.size : 0;
  const prefix = likePrefix(q);
  // Group 1: username starts with q; group 2: only the display name does. Keyset over (group, username_key).
  const rows = await query<UserRow>(
    ctx.em,
    `select id::text as id, username, display_name, username_key, by_username from (
       select u.*, true as by_username from users u where u.username_key like ?
       union all
       select u.*, false as by_username from users u where lower(u.display_name) like ? and u.username_key not like ?
     ) m
     where (?::boolean is null or (not by_username, username_key) > (not ?::boolean, ?::text))
     order by not by_username, username_key limit ? offset ?`,
    [
      prefix,
      prefix,
      prefix,
      after?.byUsername ?? null,
      after?.byUsername ?? null,
      after?.key ?? null,
      size + (paging.kind === 'cursor' ? 1 : 0),
      offset,
    ],
    { replica: true },
  );
  const toSummary = (row: UserRow): UserSummary => ({
    id: row.id,
    username: row.username,
    displayName: row.display_name,
  });
  if (paging.kind === 'page') {
    const [total] = await query<{ n: number }>(
      ctx.em,
      `select (select count(*) from users where username_key like ?)::int
            + (select count(*) from users where lower(display_name) like ? and username_key not like ?)::int as n`,
      [prefix, prefix, prefix],
      { replica: true },
    );
    return numberedPage(rows.map(toSummary), paging, total?.n ?? 0) as Paged<P, UserSummary>;
  }
  const hasMore = rows.length > size;
  const shown = rows.slice(0, size);
  const last = shown.at(-1);
  const page: CursorPage<UserSummary> = {
    kind: 'cursor',
    items: shown.map(toSummary),
    nextCursor:
      hasMore && last
        ? sign(ctx.keys.cursor, JSON.stringify({ s: scope, u: last.by_username, k: last.username_key }))
        : null,
  };
  return page as Paged<P, UserSummary>;
}
