import type { DomainContext } from '../database.ts';
import { ValidationError } from '../errors.ts';
import { passwordMatches } from '../passwords.ts';
import { query, run } from '../sql.ts';
import { loadUserById } from './find-user.ts';

/** How recent a provider sign-in must be to confirm deleting an account that has no password. */
export const RECENT_SIGN_IN_MS = 10 * 60_000;

/** What went with the account (for the operator's log line; the user sees only that it is gone). */
export type DeletedAccount = { posts: number; follows: number; sessions: number };

/**
 * Deletes an account after re-checking its password, all in one transaction: the user's posts (and their mentions,
 * feed lines and notifications), follows both ways (the other side's counters move by exactly one), sessions and
 * push tokens, notifications, idempotency records and pending pushes about them. The username is freed at once.
 * Followers' delta sync tokens from before the deletion are refused from then on (their apps reload the timeline).
 * A wrong password is a ValidationError on `password` and changes nothing. An account without a password (provider
 * sign-in only) confirms with a session signed in within the last 10 minutes instead.
 */
export async function deleteAccount(
  ctx: DomainContext,
  input: { userId: string; password: string; sessionId?: string },
): Promise<DeletedAccount> {
  const user = await loadUserById(ctx.em, input.userId);
  if (user.passwordHash) {
    // A validation error on the field, not a 401: the caller's session is fine, only the confirmation is wrong.
    if (!(await passwordMatches(user.passwordHash, input.password.slice(0, 1024))))
      throw ValidationError.field('password', 'is incorrect');
  } else {
    // An account that signs in only through a provider confirms by a fresh sign-in instead (the password is ignored).
    const [fresh] = await query<{ ok: boolean }>(
      ctx.em,
      `select created_at > now() - ? * interval '1 millisecond' as ok from sessions where id = ? and user_id = ? and revoked_at is null`,
      [RECENT_SIGN_IN_MS, input.sessionId ?? null, user.id],
    );
    if (!fresh?.ok)
      throw ValidationError.field(
        'password',
        'this account has no password: sign in again with your provider, then delete it within 10 minutes',
      );
  }
  const deleted = await ctx.em.transactional(async (em) => {
    const id = user.id;
    // Posts still waiting for the fan-out worker go first: a delivery under way holds its row and waits for this
    // user's row (which the next statement locks), so the other order could deadlock.
    await run(em, 'delete from pending_fan_outs where author_id = ?', [id]);
    // Lock the user and everyone whose counters move, in id order (as follows do). FOR UPDATE, not NO KEY UPDATE:
    // a concurrent follow of this user then waits at its foreign-key check and finds the user gone (NotFound).
    await query(
      em,
      `select id from users where id = ? or id in (select followee_id from follows where follower_id = ?)
         or id in (select follower_id from follows where followee_id = ?) order by id for update`,
      [id, id, id],
    );
    await run(
      em,
      'update users set followers_count = followers_count - 1 where id in (select followee_id from follows where follower_id = ?)',
      [id],
    );
    await run(
      em,
      'update users set following_count = following_count - 1 where id in (select follower_id from follows where followee_id = ?)',
      [id],
    );
    // The user's posts leave their followers' feeds (per follower: a primary-key range each), then the user's own feed.
    await run(
      em,
      'delete from home_feed h using follows f where f.followee_id = ? and h.owner_id = f.follower_id and h.author_id = ?',
      [id, id],
    );
    await run(em, 'delete from home_feed where owner_id = ?', [id]);
    // The posts leave no row for delta sync to report: each follower's sync tokens from before this are refused
    // (timelineChanges), and the app reloads its first page. Upserted in owner order, as the counters above.
    await run(
      em,
      `insert into timeline_resets (owner_id) select follower_id from follows where followee_id = ? order by follower_id
       on conflict (owner_id) do update set change_seq = null`,
      [id],
    );
    await run(em, 'delete from timeline_resets where owner_id = ?', [id]);
    const follows = await run(em, 'delete from follows where follower_id = ? or followee_id = ?', [id, id]);
    await run(
      em,
      'delete from mentions where user_id = ? or micropost_id in (select id from microposts where author_id = ?)',
      [id, id],
    );
    // Notifications go by cascade (recipient, actor, micropost); pending pushes about the user are dropped.
    await run(
      em,
      `delete from outbox_events where processed_at is null and (payload->>'followerId' = ? or payload->>'followeeId' = ?
         or payload->>'authorId' = ? or payload->>'mentionedUserId' = ?)`,
      [id, id, id, id],
    );
    const posts = await run(em, 'delete from microposts where author_id = ?', [id]);
    await run(em, 'delete from push_tokens where user_id = ?', [id]);
    const sessions = await run(em, 'delete from sessions where user_id = ?', [id]);
    await run(em, 'delete from idempotency_records where user_id = ?', [id]);
    await run(em, 'delete from users where id = ?', [id]);
    // Every session cache drops the user's sessions when this commits (the deleted rows' trigger notifies; this
    // process drops them at once, below).
    return { posts, follows, sessions };
  });
  ctx.sessionCache?.forgetUser(user.id);
  return deleted;
}
