import type { DomainContext } from '../database.ts';
import { ValidationError } from '../errors.ts';
import { checkPassword, hashPassword, passwordMatches } from '../passwords.ts';
import { run } from '../sql.ts';
import { loadUserById } from './find-user.ts';

/**
 * Replaces the password after checking the current one, and revokes every other session of the user
 * (`keepSessionId`, the one making the change, stays signed in).
 */
export async function changePassword(
  ctx: DomainContext,
  input: { userId: string; currentPassword: string; newPassword: string; keepSessionId: string | null },
): Promise<{ revokedSessions: number }> {
  const user = await loadUserById(ctx.em, input.userId);
  if (!(await passwordMatches(user.passwordHash ?? null, input.currentPassword.slice(0, 1024)))) {
    throw ValidationError.field('currentPassword', 'is incorrect');
  }
  const problem = await checkPassword(input.newPassword, user.username, 'newPassword');
  if (problem) throw new ValidationError([problem]);
  if (input.newPassword === input.currentPassword) {
    throw ValidationError.field('newPassword', 'must differ from the current password');
  }
  const passwordHash = await hashPassword(input.newPassword);
  const result = await ctx.em.transactional(async (em) => {
    user.passwordHash = passwordHash;
    user.passwordChangedAt = new Date();
    await em.flush();
    await run(em, 'delete from push_tokens where user_id = ? and session_id <> coalesce(?::bigint, 0)', [
      user.id,
      input.keepSessionId,
    ]);
    const revokedSessions = await run(
      em,
      `update sessions set revoked_at = now(), revoked_reason = 'password_changed', refresh_token_hash = null
       where user_id = ? and revoked_at is null and id <> coalesce(?::bigint, 0)`,
      [user.id, input.keepSessionId],
    );
    return { revokedSessions };
  });
  if (result.revokedSessions > 0) ctx.sessionCache?.forgetUser(user.id);
  return result;
}
