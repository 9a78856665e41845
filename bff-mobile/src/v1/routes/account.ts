// Account control: change the password (other devices signed out), delete the account (password confirmed).
import { changePassword, deleteAccount } from '@microblog/domain';
import { AccountDeletionBody, ChangePasswordBody } from '@microblog/mobile-contract';
import type { Router } from '@koa/router';
import { caller, domain } from '../../state.ts';
import type { RouteDeps } from '../deps.ts';
import { parseBody } from '../parse.ts';

/** Registers PUT /v1/me/password and POST /v1/me/deletion on `router`. */
export function accountRoutes(router: Router, deps: RouteDeps): void {
  router.put('/v1/me/password', deps.requireAuth, async (ctx) => {
    const { currentPassword, newPassword } = parseBody(ctx, ChangePasswordBody);
    const { userId, sessionId } = caller(ctx);
    await changePassword(domain(ctx), { userId, currentPassword, newPassword, keepSessionId: sessionId });
    ctx.status = 204;
  });

  router.post('/v1/me/deletion', deps.requireAuth, async (ctx) => {
    const { password } = parseBody(ctx, AccountDeletionBody);
    await deleteAccount(domain(ctx), { userId: caller(ctx).userId, sessionId: caller(ctx).sessionId, password });
    ctx.status = 204;
  });
}
