import { createSecretKey } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { getOwnProfile, listSessions, revokeSession } from '@microblog/domain';
import { TEST_PASSWORD, uniqueUsername } from '@microblog/domain/testing';
import {
  call,
  expectProblem,
  sessionCookieOf,
  signIn,
  signUp,
  startApp,
  TEST_JWT_SECRET,
  type TestApp,
} from './helpers.ts';
import { suite } from './setup.ts';

const key = createSecretKey(Buffer.from(TEST_JWT_SECRET));

// The claims of a cookie the app issued (decoded without verifying, to forge variants of it).
function claimsOf(cookie: string): { sub: string; sid: string; exp: number; iat: number } {
  return jwt.decode(cookie.slice('__Host-session='.length)) as { sub: string; sid: string; exp: number; iat: number };
}

function forge(payload: object, secret: jwt.Secret = key, options: jwt.SignOptions = {}): string {
  return `__Host-session=${jwt.sign(payload, secret, { algorithm: 'HS256', ...options })}`;
}

describe('sessions: sign up, sign in, who am I, sign out', () => {
  let t: TestApp;
  before(async () => {
    t = await startApp();
  });
  after(() => t.close());

  it('when someone signs up, then they get 201, a __Host- session cookie with strict attributes, and are signed in', async () => {
    const username = uniqueUsername('new');
    const answer = await call(t, 'signUp', 'POST', '/api/v1/users', {
      body: { username, password: TEST_PASSWORD, displayName: 'Ada' },
    });
    expect(answer.status).to.equal(201);
    expect(answer.body.user).to.include({ username, displayName: 'Ada', bio: '' });
    expect(answer.body.user.counts).to.deep.equal({ posts: 0, followers: 0, following: 0 });
    const setCookie = answer.headers.getSetCookie().find((c) => c.startsWith('__Host-session='))!;
    expect(setCookie)
      .to.match(/; HttpOnly/)
      .and.match(/; Secure/)
      .and.match(/; SameSite=Strict/)
      .and.match(/; Path=\//);
    expect(setCookie).not.to.match(/Domain=/i);
    const claims = claimsOf(sessionCookieOf(answer));
    expect(claims).to.include({ iss: 'microblog', aud: 'bff-web' });
    expect(jwt.decode(sessionCookieOf(answer).slice(15), { complete: true })?.header.alg).to.equal('HS256');
    expect(claims.exp - claims.iat).to.equal(12 * 3600);

    const me = await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: sessionCookieOf(answer) });
    expect(me.status).to.equal(200);
    expect(me.body.user.username).to.equal(username);
    expect(me.body.expiresAt).to.equal(answer.body.expiresAt);
  });

  it('when the username is taken in another letter case, then sign-up answers 409 conflict', async () => {
    const user = await signUp(t);
    const answer = await call(t, 'signUp', 'POST', '/api/v1/users', {
      body: { username: user.username.toUpperCase(), password: TEST_PASSWORD },
    });
    expectProblem(answer, 409, 'conflict');
    expect(answer.headers.getSetCookie()).to.deep.equal([]);
  });

  it('when sign-up fields break the rules, then 422 lists each field', async () => {
    const answer = await call(t, 'signUp', 'POST', '/api/v1/users', { body: { username: 'a!', password: 'short' } });
    expectProblem(answer, 422, 'validation_failed');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).to.include.members(['username', 'password']);
  });

  it('when sign-up sends an unknown key or a wrong type, then 422 names it', async () => {
    const answer = await call(t, 'signUp', 'POST', '/api/v1/users', {
      body: { username: uniqueUsername(), password: TEST_PASSWORD, admin: true, displayName: 7 },
    });
    expectProblem(answer, 422, 'validation_failed');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).to.include.members(['admin', 'displayName']);
  });

  it('when the body is not a JSON object or not JSON at all, then 400 bad_request', async () => {
    const array = await call(t, 'signUp', 'POST', '/api/v1/users', { body: [1, 2] });
    expectProblem(array, 400, 'bad_request');
    const broken = await call(t, 'signUp', 'POST', '/api/v1/users', {
      rawBody: '{"username":',
      headers: { 'Content-Type': 'application/json' },
    });
    expectProblem(broken, 400, 'bad_request');
    const none = await call(t, 'signUp', 'POST', '/api/v1/users', {});
    expectProblem(none, 400, 'bad_request');
  });

  it('when a user signs in with the right password in any letter case, then 200 with the session info and a cookie', async () => {
    const user = await signUp(t);
    const answer = await call(t, 'signIn', 'POST', '/api/v1/session', {
      body: { username: user.username.toUpperCase(), password: TEST_PASSWORD },
    });
    expect(answer.status).to.equal(200);
    expect(answer.body.user.username).to.equal(user.username);
    const me = await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: sessionCookieOf(answer) });
    expect(me.status).to.equal(200);
  });

  it('when the password is wrong or the user unknown, then both answer the same 401 and set no cookie', async () => {
    const user = await signUp(t);
    const wrong = await call(t, 'signIn', 'POST', '/api/v1/session', {
      body: { username: user.username, password: 'not the password!' },
    });
    const unknown = await call(t, 'signIn', 'POST', '/api/v1/session', {
      body: { username: uniqueUsername(), password: TEST_PASSWORD },
    });
    expectProblem(wrong, 401, 'unauthenticated');
    expect(unknown.body).to.deep.equal(wrong.body);
    expect(wrong.headers.getSetCookie()).to.deep.equal([]);
  });

  it('when sign-in misses a field, then 422 names it', async () => {
    const answer = await call(t, 'signIn', 'POST', '/api/v1/session', { body: { username: 'someone' } });
    expectProblem(answer, 422, 'validation_failed');
    expect(answer.body.errors[0].field).to.equal('password');
  });

  it('when nobody is signed in, then GET /api/v1/session answers 401, not a redirect', async () => {
    const answer = await call(t, 'getSession', 'GET', '/api/v1/session');
    expectProblem(answer, 401, 'unauthenticated');
  });

  it('when a user signs out, then 204, the cookie is cleared, and the old cookie is refused at once', async () => {
    const user = await signUp(t);
    const out = await call(t, 'signOut', 'DELETE', '/api/v1/session', { cookie: user.cookie });
    expect(out.status).to.equal(204);
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith('__Host-session='))!;
    expect(cleared)
      .to.match(/^__Host-session=;/)
      .and.match(/Max-Age=0/);
    const after = await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: user.cookie });
    expectProblem(after, 401, 'unauthenticated');
  });

  it('when someone signs out without a valid session, then 204 all the same', async () => {
    const answer = await call(t, 'signOut', 'DELETE', '/api/v1/session', { cookie: '__Host-session=garbage' });
    expect(answer.status).to.equal(204);
  });

  it('when the session is revoked elsewhere, then the next request with its cookie is 401', async () => {
    const user = await signUp(t);
    const { sub, sid } = claimsOf(user.cookie);
    await revokeSession(suite.database().context(), { userId: sub, sessionId: sid });
    const answer = await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: user.cookie });
    expectProblem(answer, 401);
  });
});

describe('sessions: cookies that must not be accepted', () => {
  let t: TestApp;
  let good: string;
  let claims: { sub: string; sid: string; exp: number; iat: number };
  before(async () => {
    t = await startApp();
    good = (await signUp(t)).cookie;
    claims = claimsOf(good);
  });
  after(() => t.close());

  const payload = () => ({ sub: claims.sub, sid: claims.sid });
  const cases: Array<[string, () => string]> = [
    [
      'a token for another audience',
      () => forge(payload(), key, { issuer: 'microblog', audience: 'bff-mobile', expiresIn: 600 }),
    ],
    [
      'a token from another issuer',
      () => forge(payload(), key, { issuer: 'someone-else', audience: 'bff-web', expiresIn: 600 }),
    ],
    [
      'a token signed with another secret',
      () =>
        forge(payload(), 'another-secret-of-at-least-32-bytes!!', {
          issuer: 'microblog',
          audience: 'bff-web',
          expiresIn: 600,
        }),
    ],
    [
      'a token with another HMAC algorithm',
      () => forge(payload(), key, { algorithm: 'HS512', issuer: 'microblog', audience: 'bff-web', expiresIn: 600 }),
    ],
    [
      'an unsigned alg:none token',
      () => {
        const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `__Host-session=${part({ alg: 'none', typ: 'JWT' })}.${part({ ...payload(), iss: 'microblog', aud: 'bff-web', iat: now, exp: now + 600 })}.`;
      },
    ],
    [
      'an expired token',
      () =>
        forge({ ...payload(), exp: Math.floor(Date.now() / 1000) - 10 }, key, {
          issuer: 'microblog',
          audience: 'bff-web',
        }),
    ],
    ['a token without exp', () => forge(payload(), key, { issuer: 'microblog', audience: 'bff-web' })],
    [
      'a token without sid',
      () => forge({ sub: claims.sub }, key, { issuer: 'microblog', audience: 'bff-web', expiresIn: 600 }),
    ],
    [
      'a token naming another user for the session',
      () => forge({ sub: '1', sid: claims.sid }, key, { issuer: 'microblog', audience: 'bff-web', expiresIn: 600 }),
    ],
    [
      'a tampered token',
      () => {
        const [h, p, s] = good.slice('__Host-session='.length).split('.');
        const altered = Buffer.from(
          JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: '1' }),
        ).toString('base64url');
        return `__Host-session=${h}.${altered}.${s}`;
      },
    ],
    [
      'a token with a tampered signature',
      () => {
        const at = good.lastIndexOf('.') + 5;
        return good.slice(0, at) + (good[at] === 'A' ? 'B' : 'A') + good.slice(at + 1);
      },
    ],
    ['garbage', () => '__Host-session=not.a.jwt'],
  ];

  it('when the genuine cookie is sent, then it is accepted (the control case)', async () => {
    const answer = await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: good });
    expect(answer.status).to.equal(200);
  });

  for (const [what, cookie] of cases) {
    it(`when ${what} is sent, then a signed-in route answers 401 and an optional-auth route treats it as signed out`, async () => {
      const answer = await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: cookie() });
      expectProblem(answer, 401, 'unauthenticated');
      const me = await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: good });
      const profile = await call(t, 'getProfile', 'GET', `/api/v1/users/${me.body.user.username}`, {
        cookie: cookie(),
      });
      expect(profile.status).to.equal(200);
      expect(profile.body.viewer).to.deep.equal({ isSelf: false, isFollowing: false, followsYou: false });
    });
  }

  it('when the cookie is past half its lifetime, then the answer renews it with a fresh token for the same session', async () => {
    const now = Math.floor(Date.now() / 1000);
    const aging = forge({ sub: claims.sub, sid: claims.sid, iat: now - 8 * 3600, exp: now + 4 * 3600 }, key, {
      issuer: 'microblog',
      audience: 'bff-web',
    });
    const answer = await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: aging });
    expect(answer.status).to.equal(200);
    const renewed = sessionCookieOf(answer);
    const fresh = claimsOf(renewed);
    expect(fresh.sid).to.equal(claims.sid);
    expect(fresh.exp).to.be.greaterThan(now + 11 * 3600);
    expect((await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: renewed })).status).to.equal(200);
  });

  it('when a cookie that was accepted (and remembered) reaches its exp, then it is refused', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const shortLived = forge({ sub: claims.sub, sid: claims.sid, exp }, key, {
      issuer: 'microblog',
      audience: 'bff-web',
    });
    expect((await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: shortLived })).status).to.equal(200);
    while (Math.floor(Date.now() / 1000) < exp) await new Promise((resolve) => setTimeout(resolve, 50));
    expectProblem(
      await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: shortLived }),
      401,
      'unauthenticated',
    );
  });

  it('when the cookie is fresh, then no new cookie is sent', async () => {
    const answer = await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: good });
    expect(answer.headers.getSetCookie()).to.deep.equal([]);
  });
});

describe('the signed-in user: profile and password', () => {
  let t: TestApp;
  before(async () => {
    t = await startApp();
  });
  after(() => t.close());

  it('when a user edits display name and bio, then 200 with the new profile, and it is stored', async () => {
    const user = await signUp(t);
    const answer = await call(t, 'updateMe', 'PATCH', '/api/v1/me', {
      cookie: user.cookie,
      body: { displayName: 'Grace', bio: 'Compilers' },
    });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.include({ username: user.username, displayName: 'Grace', bio: 'Compilers' });
    const profile = await call(t, 'getProfile', 'GET', `/api/v1/users/${user.username}`);
    expect(profile.body).to.include({ displayName: 'Grace', bio: 'Compilers' });
  });

  it('when only the bio is sent, then the display name is left unchanged', async () => {
    const user = await signUp(t, 'web', 'Keep Me');
    const answer = await call(t, 'updateMe', 'PATCH', '/api/v1/me', { cookie: user.cookie, body: { bio: 'new' } });
    expect(answer.body).to.include({ displayName: 'Keep Me', bio: 'new' });
  });

  it('when the bio is too long, then 422 on bio', async () => {
    const user = await signUp(t);
    const answer = await call(t, 'updateMe', 'PATCH', '/api/v1/me', {
      cookie: user.cookie,
      body: { bio: 'x'.repeat(161) },
    });
    expectProblem(answer, 422, 'validation_failed');
    expect(answer.body.errors[0].field).to.equal('bio');
  });

  it('when nobody is signed in, then PATCH /api/v1/me is 401', async () => {
    const answer = await call(t, 'updateMe', 'PATCH', '/api/v1/me', { body: { bio: 'x' } });
    expectProblem(answer, 401, 'unauthenticated');
  });

  it('when a user changes the password, then 204, other sessions are refused at once, this one still works, and the new password signs in', async () => {
    const user = await signUp(t);
    const other = await signIn(t, user);
    const answer = await call(t, 'changePassword', 'PUT', '/api/v1/me/password', {
      cookie: user.cookie,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase 42' },
    });
    expect(answer.status).to.equal(204);
    expectProblem(await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: other }), 401);
    expect((await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: user.cookie })).status).to.equal(200);
    await signIn(t, { username: user.username, password: 'a brand new passphrase 42' });
    const old = await call(t, 'signIn', 'POST', '/api/v1/session', {
      body: { username: user.username, password: TEST_PASSWORD },
    });
    expectProblem(old, 401);
  });

  it('when the current password is wrong, then 422 on currentPassword and nothing changes', async () => {
    const user = await signUp(t);
    const other = await signIn(t, user);
    const answer = await call(t, 'changePassword', 'PUT', '/api/v1/me/password', {
      cookie: user.cookie,
      body: { currentPassword: 'wrong password here', newPassword: 'a brand new passphrase 42' },
    });
    expectProblem(answer, 422, 'validation_failed');
    expect(answer.body.errors[0].field).to.equal('currentPassword');
    expect((await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: other })).status).to.equal(200);
  });

  it('when the new password is too short, then 422 on newPassword', async () => {
    const user = await signUp(t);
    const answer = await call(t, 'changePassword', 'PUT', '/api/v1/me/password', {
      cookie: user.cookie,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'short' },
    });
    expectProblem(answer, 422, 'validation_failed');
    expect(answer.body.errors[0].field).to.equal('newPassword');
  });

  it('when nobody is signed in, then the password change is 401', async () => {
    const answer = await call(t, 'changePassword', 'PUT', '/api/v1/me/password', {
      body: { currentPassword: 'x', newPassword: 'y' },
    });
    expectProblem(answer, 401);
  });

  it('when sign-up succeeds, then the domain has one live web session for the user', async () => {
    const user = await signUp(t);
    const { sub } = claimsOf(user.cookie);
    const sessions = await listSessions(suite.database().context(), { userId: sub, kind: 'web' });
    expect(sessions).to.have.length(1);
    expect((await getOwnProfile(suite.database().context(), { userId: sub })).username).to.equal(user.username);
  });
});
