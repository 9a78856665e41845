import type { DomainContext } from '../database.ts';
import { InvalidCursor, NotFound } from '../errors.ts';
import { micropostPage } from '../micropost-reads.ts';
import { assertPaging, decodeAnyCursor, type Paged, type Paging } from '../pagination.ts';
import { userPostsPage } from '../sql/microposts.ts';
import { checkUsername, usernameKey } from '../text-rules.ts';
import type { MicropostView } from '../views.ts';

/**
 * A user's live microposts, newest first (public): the author, the page and its total in one prepared statement.
 * A cursor names its list by the author's id, which the statement returns; a cursor of another list is refused.
 */
export async function listUserMicroposts<P extends Paging>(
  ctx: DomainContext,
  input: { username: string; paging: P },
): Promise<Paged<P, MicropostView>> {
  if (typeof input.username !== 'string' || checkUsername(input.username) !== null) throw new NotFound('user');
  assertPaging(input.paging);
  const paging: Paging = input.paging;
  const cursor = paging.kind === 'cursor' && paging.cursor ? decodeAnyCursor(ctx.keys, paging.cursor) : null;
  const found = await userPostsPage(ctx, {
    usernameKey: usernameKey(input.username),
    after: cursor?.position ?? null,
    limit: paging.kind === 'page' ? paging.size : paging.limit + 1,
    offset: paging.kind === 'page' ? (paging.number - 1) * paging.size : 0,
  });
  if (found === null) throw new NotFound('user');
  const scope = `user-posts:${found.authorId}`;
  if (cursor !== null && cursor.scope !== scope) throw new InvalidCursor('cursor belongs to another list');
  return micropostPage(ctx, scope, input.paging, found.rows, async () => found.postsCount);
}
