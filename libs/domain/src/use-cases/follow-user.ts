import type { DomainContext } from '../database.ts';
import { ValidationError } from '../errors.ts';
import { countFollowChange } from '../follow-quota.ts';
import { backfillFeed, removeAuthorFromFeed } from '../home-feed.ts';
import { notifyFollow } from '../notifications.ts';
import { appendOutboxEvent } from '../outbox.ts';
import { query, run } from '../sql.ts';
import type { UserSummary } from '../views.ts';
import { loadUserById, loadUserByUsername } from './find-user.ts';

/** The relationship after a follow or unfollow, from the actor's side. */
export type FollowState = { user: UserSummary; isFollowing: boolean; followsYou: boolean };

// Both users' counter rows are locked in id order first, so that A following B while B follows A cannot deadlock
// (and so that a follow and a post of the followee serialize: see home-feed.ts).
async function moveFollowCounters(
  em: DomainContext['em'],
  followerId: string,
  followeeId: string,
  delta: 1 | -1,
): Promise<void> {
  await query(em, 'select id from users where id in (?, ?) order by id for no key update', [followerId, followeeId]);
  await run(em, 'update users set following_count = following_count + ? where id = ?', [delta, followerId]);
  await run(em, 'update users set followers_count = followers_count + ? where id = ?', [delta, followeeId]);
}

async function followsBack(ctx: DomainContext, userId: string, actorId: string): Promise<boolean> {
  const rows = await query<{ x: number }>(
    ctx.em,
    'select 1 as x from follows where follower_id = ? and followee_id = ?',
    [userId, actorId],
  );
  return rows.length > 0;
}

/** Follows a user; following twice changes nothing (one row, counters untouched). Counts against FOLLOW_QUOTA. */
export async function followUser(
  ctx: DomainContext,
  input: { followerId: string; username: string },
): Promise<FollowState> {
  const followee = await loadUserByUsername(ctx.em, input.username);
  if (followee.id === input.followerId) throw ValidationError.field('username', 'you cannot follow yourself');
  const follower = await loadUserById(ctx.em, input.followerId);
  await ctx.em.transactional(async (em) => {
    // ON CONFLICT makes concurrent follows of the same pair leave exactly one row, and only its inserter counts it.
    const inserted = await run(
      em,
      'insert into follows (follower_id, followee_id, created_at) values (?, ?, now()) on conflict on constraint follows_pair_unique do nothing',
      [follower.id, followee.id],
    );
    if (inserted === 0) return;
    await countFollowChange(em, follower.id);
    await moveFollowCounters(em, follower.id, followee.id, 1);
    await backfillFeed(em, follower.id, followee.id);
    // One notification (and one push) per follower per day, however often they unfollow and follow again.
    const notificationId = await notifyFollow(em, { recipientId: followee.id, actorId: follower.id });
    if (notificationId !== null) {
      appendOutboxEvent(em, 'user.followed', {
        notificationId,
        followerId: follower.id,
        followerUsername: follower.username,
        followeeId: followee.id,
      });
    }
    await em.flush();
  });
  return {
    user: { id: followee.id, username: followee.username, displayName: followee.displayName },
    isFollowing: true,
    followsYou: await followsBack(ctx, followee.id, follower.id),
  };
}

/** Stops following a user; unfollowing someone not followed changes nothing. Counts against FOLLOW_QUOTA. */
export async function unfollowUser(
  ctx: DomainContext,
  input: { followerId: string; username: string },
): Promise<FollowState> {
  const followee = await loadUserByUsername(ctx.em, input.username);
  if (followee.id === input.followerId) throw ValidationError.field('username', 'you cannot unfollow yourself');
  const follower = await loadUserById(ctx.em, input.followerId);
  await ctx.em.transactional(async (em) => {
    const deleted = await run(em, 'delete from follows where follower_id = ? and followee_id = ?', [
      follower.id,
      followee.id,
    ]);
    if (deleted === 0) return;
    await countFollowChange(em, follower.id);
    await moveFollowCounters(em, follower.id, followee.id, -1);
    await removeAuthorFromFeed(em, follower.id, followee.id);
  });
  return {
    user: { id: followee.id, username: followee.username, displayName: followee.displayName },
    isFollowing: false,
    followsYou: await followsBack(ctx, followee.id, follower.id),
  };
}
