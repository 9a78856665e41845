import { expect } from 'chai';
import { TEST_PASSWORD, uniqueUsername } from '@microblog/domain/testing';
import { call, expectProblem, post, signUp, startApp } from './helpers.ts';

function expectRetryAfter(answer: { headers: Headers }): void {
  expect(Number(answer.headers.get('retry-after'))).to.be.within(1, 3600);
}

describe('throttles (with small limits)', () => {
  it('when an account has too many failed sign-ins, then 429 with Retry-After, even with the right password', async () => {
    const t = await startApp({ rateLimits: { failedSignInsPerAccount: { points: 2, durationSeconds: 900 } } });
    try {
      const user = await signUp(t);
      for (let i = 0; i < 2; i++) {
        expectProblem(
          await call(t, 'signIn', 'POST', '/api/v1/session', {
            body: { username: user.username, password: 'wrong password!' },
          }),
          401,
        );
      }
      const locked = await call(t, 'signIn', 'POST', '/api/v1/session', {
        body: { username: user.username.toUpperCase(), password: TEST_PASSWORD },
      });
      expectProblem(locked, 429, 'rate_limited');
      expectRetryAfter(locked);
      // Another account from the same address is not affected.
      const other = await signUp(t);
      expect(
        (
          await call(t, 'signIn', 'POST', '/api/v1/session', {
            body: { username: other.username, password: TEST_PASSWORD },
          })
        ).status,
      ).to.equal(200);
    } finally {
      await t.close();
    }
  });

  it('when a failed sign-in is followed by a good one, then the failure count starts over', async () => {
    const t = await startApp({ rateLimits: { failedSignInsPerAccount: { points: 2, durationSeconds: 900 } } });
    try {
      const user = await signUp(t);
      const attempt = (password: string) =>
        call(t, 'signIn', 'POST', '/api/v1/session', { body: { username: user.username, password } });
      expect((await attempt('wrong password!')).status).to.equal(401);
      expect((await attempt(TEST_PASSWORD)).status).to.equal(200);
      expect((await attempt('wrong password!')).status).to.equal(401);
      expect((await attempt(TEST_PASSWORD)).status).to.equal(200);
    } finally {
      await t.close();
    }
  });

  it('when one address makes too many sign-in attempts, then 429 with Retry-After', async () => {
    const t = await startApp({ rateLimits: { signInAttemptsPerAddress: { points: 3, durationSeconds: 900 } } });
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await call(t, 'signIn', 'POST', '/api/v1/session', {
          body: { username: uniqueUsername(), password: 'whatever it is' },
        });
        expect(answer.status).to.equal(401);
      }
      const answer = await call(t, 'signIn', 'POST', '/api/v1/session', {
        body: { username: uniqueUsername(), password: 'whatever it is' },
      });
      expectProblem(answer, 429, 'rate_limited');
      expectRetryAfter(answer);
    } finally {
      await t.close();
    }
  });

  it('when one address signs up too often, then 429 with Retry-After and no account is made', async () => {
    const t = await startApp({ rateLimits: { signUpsPerAddress: { points: 2, durationSeconds: 3600 } } });
    try {
      await signUp(t);
      await signUp(t);
      const username = uniqueUsername();
      const answer = await call(t, 'signUp', 'POST', '/api/v1/users', { body: { username, password: TEST_PASSWORD } });
      expectProblem(answer, 429, 'rate_limited');
      expectRetryAfter(answer);
      expectProblem(await call(t, 'getProfile', 'GET', `/api/v1/users/${username}`), 404);
    } finally {
      await t.close();
    }
  });

  it('when a user posts too often, then 429 with Retry-After, and other users can still post', async () => {
    const t = await startApp({ rateLimits: { postsPerUser: { points: 2, durationSeconds: 3600 } } });
    try {
      const user = await signUp(t);
      await post(t, user, 'one');
      await post(t, user, 'two');
      const answer = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
        cookie: user.cookie,
        body: { text: 'three' },
      });
      expectProblem(answer, 429, 'rate_limited');
      expectRetryAfter(answer);
      const page = await call(t, 'listUserMicroposts', 'GET', `/api/v1/users/${user.username}/microposts`);
      expect(page.body.page.totalItems).to.equal(2);
      await post(t, await signUp(t), 'someone else');
    } finally {
      await t.close();
    }
  });

  it('when TRUST_PROXY is on, then the nearest X-Forwarded-For hop is the client address', async () => {
    const t = await startApp({
      env: { TRUST_PROXY: 'on' },
      rateLimits: { signInAttemptsPerAddress: { points: 1, durationSeconds: 900 } },
    });
    try {
      const attempt = (forwardedFor: string) =>
        call(t, 'signIn', 'POST', '/api/v1/session', {
          body: { username: uniqueUsername(), password: 'whatever it is' },
          headers: { 'X-Forwarded-For': forwardedFor },
        });
      expect((await attempt('203.0.113.1, 198.51.100.1')).status).to.equal(401);
      expect((await attempt('203.0.113.2, 198.51.100.2')).status).to.equal(401);
      expectProblem(await attempt('203.0.113.3, 198.51.100.2'), 429);
    } finally {
      await t.close();
    }
  });

  it('when TRUST_PROXY is off, then X-Forwarded-For is ignored', async () => {
    const t = await startApp({ rateLimits: { signInAttemptsPerAddress: { points: 1, durationSeconds: 900 } } });
    try {
      const attempt = (forwardedFor: string) =>
        call(t, 'signIn', 'POST', '/api/v1/session', {
          body: { username: uniqueUsername(), password: 'whatever it is' },
          headers: { 'X-Forwarded-For': forwardedFor },
        });
      expect((await attempt('203.0.113.1')).status).to.equal(401);
      expectProblem(await attempt('203.0.113.2'), 429);
    } finally {
      await t.close();
    }
  });
});
