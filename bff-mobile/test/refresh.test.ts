import { revokeSession } from '@microblog/domain';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { signUp, startApp } from './helpers.ts';
import { suite } from './setup.ts';

describe('refresh tokens', () => {
  it('when the app refreshes, then it gets a new pair for the same session and the old refresh token is spent', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const first = await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    expect(first.status).to.equal(200);
    expect(first.body.refreshToken).to.not.equal(user.refreshToken);
    expect(first.body.user.id).to.equal(user.id);
    const sid = (t: string) => (jwt.decode(t) as jwt.JwtPayload).sid;
    expect(sid(first.body.accessToken)).to.equal(sid(user.token));
    const second = await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: first.body.refreshToken },
    });
    expect(second.status).to.equal(200);
    expect((await app.call('getMe', 'GET', '/v1/me', { token: second.body.accessToken })).status).to.equal(200);
  });

  it('when a rotated refresh token is presented again, then 401 invalid_grant, the whole device session is revoked, and a security event is logged', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const rotated = await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    const reuse = await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    expect(reuse.status).to.equal(401);
    expect(reuse.body.code).to.equal('invalid_grant');
    // The thief's pair and the app's current pair are both dead now.
    expect(
      (
        await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
          body: { refreshToken: rotated.body.refreshToken },
        })
      ).status,
    ).to.equal(401);
    expect((await app.call('getMe', 'GET', '/v1/me', { token: rotated.body.accessToken })).status).to.equal(401);
    const sessionId = (jwt.decode(user.token) as jwt.JwtPayload).sid;
    const events = app.logs.filter((l) => l.event === 'refresh_token_reuse');
    expect(events).to.have.length(1);
    expect(events[0]).to.include({ sessionId, level: 'warn' });
  });

  it('when a rotated token comes back within the configured grace period, then it is refused but the session survives', async () => {
    const app = await startApp({ settings: { refreshReuseGraceMs: 60_000 } });
    const user = await signUp(app);
    const rotated = await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    const retry = await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    expect(retry.status).to.equal(401);
    expect(retry.body.code).to.equal('invalid_grant');
    expect(app.logs.some((l) => l.event === 'refresh_token_reuse')).to.equal(false);
    expect(
      (
        await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
          body: { refreshToken: rotated.body.refreshToken },
        })
      ).status,
    ).to.equal(200);
  });

  it('when ten refreshes with one token race, then exactly one succeeds', async () => {
    const app = await startApp({ settings: { refreshReuseGraceMs: 60_000 } });
    const user = await signUp(app);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        app.call('refreshToken', 'POST', '/v1/auth/refresh', { body: { refreshToken: user.refreshToken } }),
      ),
    );
    const winners = answers.filter((a) => a.status === 200);
    expect(winners).to.have.length(1);
    for (const loser of answers.filter((a) => a.status !== 200)) {
      expect(loser.status).to.equal(401);
      expect(loser.body.code).to.equal('invalid_grant');
    }
    // The one successor works.
    expect(
      (
        await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
          body: { refreshToken: winners[0]!.body.refreshToken },
        })
      ).status,
    ).to.equal(200);
  });

  it('when ten refreshes race with no grace period, then one succeeds and the rest count as reuse', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        app.call('refreshToken', 'POST', '/v1/auth/refresh', { body: { refreshToken: user.refreshToken } }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).to.have.length(1);
    expect(answers.filter((a) => a.status === 401)).to.have.length(9);
  });

  it('when the refresh token is unknown, malformed or the session was revoked, then 401 invalid_grant', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const garbage = await app.call('refreshToken', 'POST', '/v1/auth/refresh', { body: { refreshToken: 'garbage' } });
    expect(garbage.status).to.equal(401);
    expect(garbage.body.code).to.equal('invalid_grant');
    const sid = String((jwt.decode(user.token) as jwt.JwtPayload).sid);
    await revokeSession(suite.database().context(), { userId: user.id, sessionId: sid });
    const revoked = await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    expect(revoked.status).to.equal(401);
    expect(revoked.body.code).to.equal('invalid_grant');
  });

  it('when the refresh body is empty or not JSON, then 422 or 415', async () => {
    const app = await startApp();
    expect((await app.call('refreshToken', 'POST', '/v1/auth/refresh', { body: {} })).status).to.equal(422);
    const form = await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
      rawBody: 'refreshToken=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).to.equal(415);
    const bad = await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
      rawBody: '{"refreshToken":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).to.equal(400);
    const big = await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: 'x'.repeat(20_000) },
    });
    expect(big.status).to.equal(413);
    expect(big.body.code).to.equal('payload_too_large');
    const array = await app.call('refreshToken', 'POST', '/v1/auth/refresh', { body: [1] });
    expect(array.status).to.equal(400);
  });
});
