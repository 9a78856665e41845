import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { JWT_SECRET, signUp, startApp, type AppUser, type TestApp } from './helpers.ts';

// A token like the real one, with some claims or the signing changed.
function forge(user: AppUser, changes: { payload?: Record<string, unknown>; secret?: string; options?: jwt.SignOptions } = {}): string {
  const real = jwt.decode(user.token) as jwt.JwtPayload;
  const payload = { sid: real.sid, sub: real.sub, iss: 'microblog', aud: 'bff-mobile', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600, ...changes.payload };
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
    ['expired', (u) => forge(u, { payload: { iat: Math.floor(Date.now() / 1000) - 2000, exp: Math.floor(Date.now() / 1000) - 1000 } })],
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
