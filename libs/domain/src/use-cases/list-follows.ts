import type { DomainContext } from '../database.ts';
import { cursorPage, keysetWindow, numberedPage, type Paged, type Paging } from '../pagination.ts';
import { query, toDate } from '../sql.ts';
import type { UserSummary } from '../views.ts';
import { loadUserByUsername } from './find-user.ts';

type FollowRow = { id: string; user_id: string; username: string; display_name: string; created_at: Date | string };

async function listFollows<P extends Paging>(
  ctx: DomainContext,
  direction: 'followers' | 'following',
  input: { username: string; paging: P },
): Promise<Paged<P, UserSummary>> {
  const user = await loadUserByUsername(ctx.em, input.username);
  const scope = `${direction}:${user.id}`;
  const { after, limit, offset } = keysetWindow(ctx.keys, scope, input.paging);
  // followers: rows where the user is followed; following: rows where the user follows. Newest follow first.
  const [mine, theirs] = direction === 'followers' ? ['followee_id', 'follower_id'] : ['follower_id', 'followee_id'];
  const rows = await query<FollowRow>(
    ctx.em,
    `select f.id, f.created_at, u.id as user_id, u.username, u.display_name
     from follows f join users u on u.id = f.${theirs}
     where f.${mine} = ?
       and (?::timestamptz is null or (f.created_at, f.id) < (?::timestamptz, ?::bigint))
     order by f.created_at desc, f.id desc limit ? offset ?`,
    [user.id, after?.createdAt ?? null, after?.createdAt ?? null, after?.id ?? null, limit, offset],
    { replica: true },
  );
  const toSummary = (row: FollowRow): UserSummary => ({
    id: row.user_id,
    username: row.username,
    displayName: row.display_name,
  });
  if (input.paging.kind === 'page') {
    const total = direction === 'followers' ? user.followersCount : user.followingCount;
    return numberedPage(rows.map(toSummary), input.paging, total) as Paged<P, UserSummary>;
  }
  const positioned = rows.map((row) => Object.assign(row, { createdAt: toDate(row.created_at) }));
  return cursorPage(ctx.keys, scope, positioned, input.paging.limit, toSummary) as Paged<P, UserSummary>;
}

/** Who follows a user, most recent follower first. */
export function listFollowers<P extends Paging>(
  ctx: DomainContext,
  input: { username: string; paging: P },
): Promise<Paged<P, UserSummary>> {
  return listFollows(ctx, 'followers', input);
}

/** Whom a user follows, most recently followed first. */
export function listFollowing<P extends Paging>(
  ctx: DomainContext,
  input: { username: string; paging: P },
): Promise<Paged<P, UserSummary>> {
  return listFollows(ctx, 'following', input);
}
