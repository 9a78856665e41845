// Account control: signed-in browsers and devices (sign out one), and account deletion (password confirmed).
import { deleteAccount, listSessions, revokeSession, type SessionView } from '@microblog/domain';
import { AccountDeletionRequest, SessionIdParams } from '@microblog/web-contract';
import type * as contract from '@microblog/web-contract';
import { requireViewer, signedIn } from '../auth.ts';
import { parseBody, parseParams } from './parse.ts';
import type { V1Deps, V1Router } from './router.ts';

/** One browser or device; `current` marks the one asking. */
export function presentSignedInDevice(session: SessionView, currentSessionId: string): contract.SignedInDevice {
  return {
    id: session.id,
    kind: session.kind,
    deviceName: session.deviceName,
    platform: session.platform,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    current: session.id === currentSessionId,
  };
}

/** Adds /me/sessions and /me/deletion. */
export function accountRoutes(router: V1Router, deps: V1Deps): void {
  router.get('listMySessions', '/me/sessions', requireViewer(deps.cookies), async (ctx) => {
    const viewer = signedIn(ctx);
    const sessions = await listSessions(ctx.state.domain, { userId: viewer.userId });
    ctx.body = { items: sessions.map((s) => presentSignedInDevice(s, viewer.sessionId)) };
  });

  router.delete('revokeMySession', '/me/sessions/:id', requireViewer(deps.cookies), async (ctx) => {
    const viewer = signedIn(ctx);
    const { id } = parseParams(SessionIdParams, ctx.params);
    await revokeSession(ctx.state.domain, { userId: viewer.userId, sessionId: id, reason: 'revoked' });
    if (id === viewer.sessionId) ctx.set('Set-Cookie', deps.cookies.clearCookie());
    ctx.status = 204;
  });

  router.post('deleteAccount', '/me/deletion', requireViewer(deps.cookies), async (ctx) => {
    const body = parseBody(AccountDeletionRequest, ctx.request.body);
    await deleteAccount(ctx.state.domain, {
      userId: signedIn(ctx).userId,
      sessionId: signedIn(ctx).sessionId,
      password: body.password,
    });
    ctx.set('Set-Cookie', deps.cookies.clearCookie());
    ctx.status = 204;
  });
}
