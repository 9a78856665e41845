import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { JWT_SECRET, signUp, startApp, type AppUser, type TestApp } from './helpers.ts';

// A token like the real one, with some claims or the signing changed.
function forge(
  user: AppUser,
  changes: { payload?: Record<string, unknown>; secret?: string; options?: jwt.SignOptions } = {},
): string {
  const real = jwt.decode(user.token) as jwt.JwtPayload;
  const payload = {
    sid: real.sid,
    sub: real.sub,
    iss: 'microblog',
    aud: 'bff-mobile',
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 600,
    ...changes.payload,
  };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete (payload as Record<string, unknown>)[k];
  return jwt.sign(payload, changes.secret ?? JWT_SECRET, { algorithm: 'HS256', ...changes.options });
}

function unsigned(user: AppUser): string {
  const real = jwt.decode(user.token) as jwt.JwtPayload;
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...real, exp: Math.floor(Date.now() / 1000) + 600 })}.`;
}

describe('access tokens', () => {
  let app: TestApp;
  let user: AppUser;
  beforeEach(async () => {
    app = await startApp();
    user = await signUp(app);
  });

  it('when the token is the one issued, then the API answers', async () => {
    expect((await app.call('getMe', 'GET', '/v1/me', { token: user.token })).status).to.equal(200);
    expect((await app.call('getMe', 'GET', '/v1/me', { token: forge(user) })).status).to.equal(200);
  });

  const cases: Array<[string, (u: AppUser) => string]> = [
    ['signed for bff-web (wrong audience)', (u) => forge(u, { payload: { aud: 'bff-web' } })],
    ['from another issuer', (u) => forge(u, { payload: { iss: 'someone-else' } })],
    ['signed with another secret', (u) => forge(u, { secret: 'another-secret-that-is-also-long-enough-123' })],
    ['unsigned (alg none)', (u) => unsigned(u)],
    ['signed with HS512 instead of the pinned HS256', (u) => forge(u, { options: { algorithm: 'HS512' } })],
    [
      'expired',
      (u) =>
        forge(u, { payload: { iat: Math.floor(Date.now() / 1000) - 2000, exp: Math.floor(Date.now() / 1000) - 1000 } }),
    ],
    ['without exp', (u) => forge(u, { payload: { exp: undefined } })],
    ['without sid', (u) => forge(u, { payload: { sid: undefined } })],
    ['naming another user than its session', (u) => forge(u, { payload: { sub: '999999999' } })],
    ['garbage', () => 'not.a.jwt'],
  ];
  for (const [what, make] of cases) {
    it(`when the bearer token is ${what}, then it is 401 invalid_token`, async () => {
      const answer = await app.call('getMe', 'GET', '/v1/me', { token: make(user) });
      expect(answer.status).to.equal(401);
      expect(answer.body.code).to.equal('unauthenticated');
      expect(answer.headers.get('www-authenticate')).to.equal('Bearer realm="bff-mobile", error="invalid_token"');
    });
  }

  it('when the Authorization header is not a Bearer one, then it is 401', async () => {
    const answer = await app.call('getMe', 'GET', '/v1/me', { headers: { authorization: `Token ${user.token}` } });
    expect(answer.status).to.equal(401);
  });

  it('when the token comes in the query string, then it is refused with 400 even though it is valid', async () => {
    const answer = await app.call('getTimeline', 'GET', `/v1/timeline?access_token=${user.token}`);
    expect(answer.status).to.equal(400);
    expect(answer.body.code).to.equal('bad_request');
    expect(answer.body.detail).to.match(/Authorization/);
  });

  it('when the token comes in the body, then it is refused with 400', async () => {
    const answer = await app.call('updateMe', 'PATCH', '/v1/me', { body: { access_token: user.token, bio: 'x' } });
    expect(answer.status).to.equal(400);
  });

  it('when a public route gets a bad token, then it is still 401 rather than served anonymously', async () => {
    const answer = await app.call('getProfile', 'GET', `/v1/users/${user.username}`, { token: 'not.a.jwt' });
    expect(answer.status).to.equal(401);
  });
});

describe('access tokens remembered after verification', () => {
  let app: TestApp;
  let user: AppUser;
  beforeEach(async () => {
    app = await startApp();
    user = await signUp(app);
    // The genuine token is verified once and remembered from here on.
    expect((await app.call('getMe', 'GET', '/v1/me', { token: user.token })).status).to.equal(200);
  });

  // A character inside the signature (the last one may only carry padding bits).
  const tamperSignature = (token: string) => {
    const at = token.lastIndexOf('.') + 5;
    return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
  };
  const variants: Array<[string, (u: AppUser) => string]> = [
    ['with a tampered signature', (u) => tamperSignature(u.token)],
    [
      'with a tampered payload under the genuine signature',
      (u) => {
        const [h, p, s] = u.token.split('.');
        const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
        return `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: '1' })).toString('base64url')}.${s}`;
      },
    ],
    ['with the same claims unsigned (alg none)', (u) => unsigned(u)],
    ['with the same claims under HS512 (alg switch)', (u) => forge(u, { options: { algorithm: 'HS512' } })],
    ['with the same claims without exp', (u) => forge(u, { payload: { exp: undefined } })],
    ['with the same claims for bff-web (wrong aud)', (u) => forge(u, { payload: { aud: 'bff-web' } })],
    ['with the same claims from another issuer (wrong iss)', (u) => forge(u, { payload: { iss: 'someone-else' } })],
    ['with trailing junk', (u) => `${u.token}x`],
  ];
  for (const [what, make] of variants) {
    it(`when a token ${what} follows the genuine one, then it is still 401`, async () => {
      const answer = await app.call('getMe', 'GET', '/v1/me', { token: make(user) });
      expect(answer.status).to.equal(401);
      expect(answer.body.code).to.equal('unauthenticated');
      expect((await app.call('getMe', 'GET', '/v1/me', { token: user.token })).status).to.equal(200);
    });
  }

  it('when a remembered token reaches its exp, then it is refused', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const shortLived = forge(user, { payload: { exp } });
    expect((await app.call('getMe', 'GET', '/v1/me', { token: shortLived })).status).to.equal(200);
    while (Math.floor(Date.now() / 1000) < exp) await new Promise((resolve) => setTimeout(resolve, 50));
    const answer = await app.call('getMe', 'GET', '/v1/me', { token: shortLived });
    expect(answer.status).to.equal(401);
  });
});
