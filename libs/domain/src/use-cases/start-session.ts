import type { DomainContext } from '../database.ts';
import { Session } from '../entities/session.ts';
import { issueRefreshToken } from '../refresh-tokens.ts';
import { run } from '../sql.ts';
import { loadUserById } from './find-user.ts';

/** How long a session lives without being used (each use or refresh extends it). */
export const SESSION_IDLE_TTL_MS = { web: 14 * 24 * 3600_000, mobile: 60 * 24 * 3600_000 } as const;

/** A device of the mobile app. */
export type Device = { id: string; name: string; platform: string };

/** A session as plain data. */
export type SessionView = {
  id: string;
  userId: string;
  kind: 'web' | 'mobile';
  deviceId: string | null;
  deviceName: string | null;
  platform: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  /** The OpenID Connect provider the session was signed in through, or null (password). */
  identityProvider: string | null;
};

/** The plain view of a session entity. */
export function toSessionView(session: Session): SessionView {
  return {
    id: session.id,
    userId: session.user.id,
    kind: session.kind,
    deviceId: session.deviceId ?? null,
    deviceName: session.deviceName ?? null,
    platform: session.platform ?? null,
    createdAt: session.createdAt,
    lastUsedAt: session.lastUsedAt,
    expiresAt: session.expiresAt,
    identityProvider: session.identityProvider ?? null,
  };
}

/** Opens a browser session for a signed-in user. */
export async function startWebSession(
  ctx: DomainContext,
  input: { userId: string; identityProvider?: string },
): Promise<SessionView> {
  const user = await loadUserById(ctx.em, input.userId);
  const session = ctx.em.create(Session, {
    user,
    kind: 'web',
    identityProvider: input.identityProvider ?? null,
    expiresAt: new Date(Date.now() + SESSION_IDLE_TTL_MS.web),
  });
  await ctx.em.flush();
  return toSessionView(session);
}

/**
 * Opens a device session for the app and issues its first refresh token. Signing in again on the same
 * device replaces that device's previous session.
 */
export async function startDeviceSession(
  ctx: DomainContext,
  input: { userId: string; device: Device; identityProvider?: string },
): Promise<{ session: SessionView; refreshToken: string }> {
  const user = await loadUserById(ctx.em, input.userId);
  const started = await ctx.em.transactional(async (em) => {
    await run(
      em,
      `delete from push_tokens where session_id in (select id from sessions where user_id = ? and device_id = ? and revoked_at is null)`,
      [user.id, input.device.id],
    );
    const replaced = await run(
      em,
      `update sessions set revoked_at = now(), revoked_reason = 'replaced', refresh_token_hash = null
       where user_id = ? and device_id = ? and revoked_at is null`,
      [user.id, input.device.id],
    );
    const session = em.create(Session, {
      user,
      kind: 'mobile',
      deviceId: input.device.id,
      deviceName: input.device.name,
      platform: input.device.platform,
      identityProvider: input.identityProvider ?? null,
      expiresAt: new Date(Date.now() + SESSION_IDLE_TTL_MS.mobile),
    });
    await em.flush();
    const { token, hash } = issueRefreshToken(ctx.keys, session.id, 0);
    session.refreshTokenHash = hash;
    await em.flush();
    return { session: toSessionView(session), refreshToken: token, replaced };
  });
  if (started.replaced > 0) ctx.sessionCache?.forgetUser(user.id);
  return { session: started.session, refreshToken: started.refreshToken };
}
