import type { DomainContext } from '../database.ts';
import { PushToken } from '../entities/push-token.ts';
import { Session } from '../entities/session.ts';
import { Unauthenticated, ValidationError } from '../errors.ts';
import { query, run } from '../sql.ts';

/** A push-service address and where it belongs. */
export type PushTarget = { token: string; platform: string; userId: string };

/**
 * Registers this device's push token for the signed-in user. A token registered before (by this or another
 * account on the same phone) moves to this session.
 */
export async function registerPushToken(
  ctx: DomainContext,
  input: { userId: string; sessionId: string; token: string; platform: string },
): Promise<{ token: string; platform: string }> {
  if (
    typeof input.token !== 'string' ||
    input.token.length < 1 ||
    input.token.length > 255 ||
    !/^[\x21-\x7E]+$/.test(input.token)
  ) {
    throw ValidationError.field('token', 'must be 1 to 255 printable characters without spaces');
  }
  if (input.platform !== 'ios' && input.platform !== 'android')
    throw ValidationError.field('platform', "must be 'ios' or 'android'");
  const session = await ctx.em.findOne(Session, {
    id: input.sessionId,
    user: input.userId,
    kind: 'mobile',
    revokedAt: null,
  });
  if (!session) throw new Unauthenticated();
  await run(
    ctx.em,
    `insert into push_tokens (user_id, session_id, token, platform, created_at) values (?, ?, ?, ?, now())
     on conflict on constraint push_tokens_token_unique
     do update set user_id = excluded.user_id, session_id = excluded.session_id, platform = excluded.platform`,
    [input.userId, session.id, input.token, input.platform],
  );
  return { token: input.token, platform: input.platform };
}

/** Removes one of the user's push tokens; removing an unknown one changes nothing (idempotent). */
export async function unregisterPushToken(
  ctx: DomainContext,
  input: { userId: string; token: string },
): Promise<{ removed: boolean }> {
  if (typeof input.token !== 'string') return { removed: false };
  const removed = await run(ctx.em, 'delete from push_tokens where user_id = ? and token = ?', [
    input.userId,
    input.token,
  ]);
  return { removed: removed > 0 };
}

/** Every registered push token of these users. */
export async function pushTargets(ctx: DomainContext, input: { userIds: string[] }): Promise<PushTarget[]> {
  if (input.userIds.length === 0) return [];
  const rows = await query<{ token: string; platform: string; user_id: string }>(
    ctx.em,
    'select token, platform, user_id from push_tokens where user_id in (?) order by id',
    [input.userIds],
  );
  return rows.map((r) => ({ token: r.token, platform: r.platform, userId: r.user_id }));
}

/** Forgets tokens the push service reported as no longer registered. */
export async function dropPushTokens(ctx: DomainContext, input: { tokens: string[] }): Promise<number> {
  if (input.tokens.length === 0) return 0;
  return run(ctx.em, 'delete from push_tokens where token in (?)', [input.tokens]);
}

/** Number of push tokens registered for a user (for tests and diagnostics). */
export async function countPushTokens(ctx: DomainContext, input: { userId: string }): Promise<number> {
  return ctx.em.count(PushToken, { user: input.userId });
}
