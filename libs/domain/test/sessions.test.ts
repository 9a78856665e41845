import { expect } from 'chai';
import {
  checkSession,
  listSessions,
  registerPushToken,
  revokeSession,
  rotateRefreshToken,
  startDeviceSession,
  startWebSession,
  countPushTokens,
  type InvalidGrant,
} from '../src/index.ts';
import { makeUser } from '../src/testing/index.ts';
import { context, expectDomainError, sql } from './helpers.ts';

const phone = { id: 'device-1', name: "Ada's phone", platform: 'ios' };

describe('sessions and refresh tokens', () => {
  it('when a web session is started, then it checks out until it is revoked, and then never again', async () => {
    const user = await makeUser(context());
    const session = await startWebSession(context(), { userId: user.id });
    expect((await checkSession(context(), { sessionId: session.id, userId: user.id })).kind).to.equal('web');
    await revokeSession(context(), { userId: user.id, sessionId: session.id });
    await expectDomainError(checkSession(context(), { sessionId: session.id, userId: user.id }), 'unauthenticated');
  });

  it('when a session id is checked for another user, or is malformed, then it is unauthenticated', async () => {
    const user = await makeUser(context());
    const other = await makeUser(context());
    const session = await startWebSession(context(), { userId: user.id });
    await expectDomainError(checkSession(context(), { sessionId: session.id, userId: other.id }), 'unauthenticated');
    await expectDomainError(checkSession(context(), { sessionId: 'x', userId: user.id }), 'unauthenticated');
  });

  it('when a session has expired, then it is unauthenticated', async () => {
    const user = await makeUser(context());
    const session = await startWebSession(context(), { userId: user.id });
    await sql("update sessions set expires_at = now() - interval '1 second' where id = ?", [session.id]);
    await expectDomainError(checkSession(context(), { sessionId: session.id, userId: user.id }), 'unauthenticated');
  });

  it('when a refresh token is used, then a new one is issued, and the new one works next time', async () => {
    const user = await makeUser(context());
    const { refreshToken } = await startDeviceSession(context(), { userId: user.id, device: phone });
    const first = await rotateRefreshToken(context(), { refreshToken, reuseGraceMs: 0 });
    expect(first.refreshToken).not.to.equal(refreshToken);
    const second = await rotateRefreshToken(context(), { refreshToken: first.refreshToken, reuseGraceMs: 0 });
    expect(second.session.id).to.equal(first.session.id);
    const [row] = await sql<{ rotation: number; refresh_token_hash: string }>(
      'select rotation, refresh_token_hash from sessions where id = ?',
      [first.session.id],
    );
    expect(row?.rotation).to.equal(2);
    expect(row?.refresh_token_hash).to.match(/^[0-9a-f]{64}$/);
    expect(row?.refresh_token_hash).not.to.include(second.refreshToken);
  });

  it('when a rotated refresh token is presented again, then the whole device session is revoked', async () => {
    const user = await makeUser(context());
    const { refreshToken, session } = await startDeviceSession(context(), { userId: user.id, device: phone });
    const rotated = await rotateRefreshToken(context(), { refreshToken, reuseGraceMs: 0 });
    const error = await expectDomainError<InvalidGrant>(
      rotateRefreshToken(context(), { refreshToken, reuseGraceMs: 0 }),
      'invalid_grant',
    );
    expect(error.reusedSessionId).to.equal(session.id);
    await expectDomainError(
      rotateRefreshToken(context(), { refreshToken: rotated.refreshToken, reuseGraceMs: 0 }),
      'invalid_grant',
    );
    await expectDomainError(checkSession(context(), { sessionId: session.id, userId: user.id }), 'unauthenticated');
    const [row] = await sql<{ revoked_reason: string }>('select revoked_reason from sessions where id = ?', [
      session.id,
    ]);
    expect(row?.revoked_reason).to.equal('refresh_token_reused');
  });

  it('when ten refreshes with one token race, then exactly one succeeds and its successor still works', async () => {
    const user = await makeUser(context());
    const { refreshToken } = await startDeviceSession(context(), { userId: user.id, device: phone });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => rotateRefreshToken(context(), { refreshToken, reuseGraceMs: 10_000 })),
    );
    const winners = results.filter((r) => r.status === 'fulfilled');
    expect(winners).to.have.length(1);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as { code: string }).code).to.equal('invalid_grant');
    const successor = (winners[0] as PromiseFulfilledResult<{ refreshToken: string }>).value.refreshToken;
    await rotateRefreshToken(context(), { refreshToken: successor, reuseGraceMs: 0 });
  });

  it('when a refresh token is forged or garbage, then it is invalid and nothing is revoked', async () => {
    const user = await makeUser(context());
    const { refreshToken, session } = await startDeviceSession(context(), { userId: user.id, device: phone });
    const [body = ''] = refreshToken.split('.');
    for (const bad of ['', 'nope', `${body}.AAAA`, `${refreshToken}x`]) {
      const error = await expectDomainError<InvalidGrant>(
        rotateRefreshToken(context(), { refreshToken: bad, reuseGraceMs: 0 }),
        'invalid_grant',
      );
      expect(error.reusedSessionId).to.equal(null);
    }
    await checkSession(context(), { sessionId: session.id, userId: user.id });
  });

  it('when the same device signs in again, then its previous session and push tokens are replaced', async () => {
    const user = await makeUser(context());
    const old = await startDeviceSession(context(), { userId: user.id, device: phone });
    await registerPushToken(context(), {
      userId: user.id,
      sessionId: old.session.id,
      token: `ExponentPushToken[${user.id}]`,
      platform: 'ios',
    });
    const fresh = await startDeviceSession(context(), { userId: user.id, device: phone });
    await expectDomainError(checkSession(context(), { sessionId: old.session.id, userId: user.id }), 'unauthenticated');
    await expectDomainError(
      rotateRefreshToken(context(), { refreshToken: old.refreshToken, reuseGraceMs: 0 }),
      'invalid_grant',
    );
    expect(await countPushTokens(context(), { userId: user.id })).to.equal(0);
    expect((await listSessions(context(), { userId: user.id })).map((s) => s.id)).to.deep.equal([fresh.session.id]);
  });

  it("when a user revokes another user's session, then it is not found and the session lives on", async () => {
    const user = await makeUser(context());
    const other = await makeUser(context());
    const { session } = await startDeviceSession(context(), { userId: user.id, device: phone });
    await expectDomainError(revokeSession(context(), { userId: other.id, sessionId: session.id }), 'not_found');
    await checkSession(context(), { sessionId: session.id, userId: user.id });
  });
});
