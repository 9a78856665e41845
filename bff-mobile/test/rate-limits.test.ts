import { uniqueUsername } from '@microblog/domain/testing';
import { expect } from 'chai';
import { device, signUp, startApp, TEST_PASSWORD } from './helpers.ts';

describe('throttles', () => {
  it('when an account has too many failed sign-ins, then even the right password is 429 until the window passes', async () => {
    const app = await startApp({ limits: { failedSignInsPerAccount: { points: 2, durationSeconds: 900 } } });
    const user = await signUp(app);
    for (let i = 0; i < 2; i++) {
      const wrong = await app.call('signIn', 'POST', '/v1/auth/token', {
        body: { username: user.username, password: 'wrong password here', device: device() },
      });
      expect(wrong.status).to.equal(401);
    }
    const blocked = await app.call('signIn', 'POST', '/v1/auth/token', {
      body: { username: user.username.toUpperCase(), password: TEST_PASSWORD, device: device() },
    });
    expect(blocked.status).to.equal(429);
    expect(blocked.body.code).to.equal('rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).to.be.within(1, 900);
  });

  it('when successful sign-ins repeat, then they do not count as failures', async () => {
    const app = await startApp({ limits: { failedSignInsPerAccount: { points: 1, durationSeconds: 900 } } });
    const user = await signUp(app);
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await app.call('signIn', 'POST', '/v1/auth/token', {
            body: { username: user.username, password: TEST_PASSWORD, device: device() },
          })
        ).status,
      ).to.equal(200);
    }
  });

  it('when one address makes too many sign-in attempts, then 429 with Retry-After', async () => {
    const app = await startApp({ limits: { signInAttemptsPerAddress: { points: 2, durationSeconds: 900 } } });
    for (let i = 0; i < 2; i++) {
      expect(
        (
          await app.call('signIn', 'POST', '/v1/auth/token', {
            body: { username: uniqueUsername(), password: TEST_PASSWORD, device: device() },
          })
        ).status,
      ).to.equal(401);
    }
    const third = await app.call('signIn', 'POST', '/v1/auth/token', {
      body: { username: uniqueUsername(), password: TEST_PASSWORD, device: device() },
    });
    expect(third.status).to.equal(429);
    expect(third.headers.get('retry-after')).to.match(/^[0-9]+$/);
  });

  it('when one address signs up too often, then 429', async () => {
    const app = await startApp({ limits: { signUpsPerAddress: { points: 1, durationSeconds: 3600 } } });
    await signUp(app);
    const second = await app.call('signUp', 'POST', '/v1/users', {
      body: { username: uniqueUsername(), password: TEST_PASSWORD, device: device() },
    });
    expect(second.status).to.equal(429);
  });

  it('when TRUST_PROXY is on, then the nearest X-Forwarded-For hop is the client address', async () => {
    const app = await startApp({
      settings: { trustProxy: true },
      limits: { signUpsPerAddress: { points: 1, durationSeconds: 3600 } },
    });
    const body = () => ({ username: uniqueUsername(), password: TEST_PASSWORD, device: device() });
    expect(
      (
        await app.call('signUp', 'POST', '/v1/users', {
          body: body(),
          headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' },
        })
      ).status,
    ).to.equal(201);
    expect(
      (
        await app.call('signUp', 'POST', '/v1/users', {
          body: body(),
          headers: { 'x-forwarded-for': '198.51.100.9, 203.0.113.7' },
        })
      ).status,
    ).to.equal(429);
    expect(
      (await app.call('signUp', 'POST', '/v1/users', { body: body(), headers: { 'x-forwarded-for': '203.0.113.8' } }))
        .status,
    ).to.equal(201);
  });
});
