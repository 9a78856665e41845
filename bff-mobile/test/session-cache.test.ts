// Two bff-mobile instances over one database, each with its own session cache (its own Database handle).
import { openDatabase, type Database, type SentStatement } from '@microblog/domain';
import { TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { JWT_SECRET, signUp, startApp, TEST_PASSWORD, type AppUser, type TestApp } from './helpers.ts';
import { suite } from './setup.ts';

const opened: Database[] = [];
let sentByB: SentStatement[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
  sentByB = [];
});

async function twoInstances(): Promise<{ a: TestApp; b: TestApp }> {
  const dbB = await openDatabase({ url: suite.url(), tokenSecret: TEST_TOKEN_SECRET, onQuery: (s) => sentByB.push(s) });
  opened.push(dbB);
  return { a: await startApp(), b: await startApp({ db: dbB }) };
}

const sessionStatements = () => sentByB.filter((s) => /from sessions/.test(s.sql)).length;

/** GET /v1/me on B until one answer needed no session statement (B's cache is warm for this token). */
async function warmOnB(b: TestApp, token: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const before = sessionStatements();
    expect((await b.call('getMe', 'GET', '/v1/me', { token })).status).to.equal(200);
    if (sessionStatements() === before) return;
  }
  expect.fail("B's session cache never became warm");
}

/** Polls GET /v1/me on `app` until it is 401; fails if that takes longer than `withinMs` after `since`. */
async function refusedWithin(app: TestApp, token: string, since: number, withinMs: number): Promise<void> {
  for (;;) {
    const answer = await app.call('getMe', 'GET', '/v1/me', { token });
    if (answer.status === 401) return;
    expect(answer.status).to.equal(200);
    const elapsed = Date.now() - since;
    if (elapsed > withinMs) expect.fail(`instance B still accepted the token ${elapsed} ms after the sign-out`);
  }
}

describe('session cache across two instances', () => {
  it('when a user signs out on A while B has the session cached, then B refuses the token within 100 ms', async () => {
    const { a, b } = await twoInstances();
    const user = await signUp(a);
    await warmOnB(b, user.token);

    expect((await a.call('signOut', 'POST', '/v1/auth/logout', { token: user.token })).status).to.equal(204);
    await refusedWithin(b, user.token, Date.now(), 100);
    expect((await a.call('getMe', 'GET', '/v1/me', { token: user.token })).status).to.equal(401);
  });

  it('when a device session is revoked from another device on A, then B refuses its token within 100 ms', async () => {
    const { a, b } = await twoInstances();
    const user = await signUp(a);
    const second = await a.call('signIn', 'POST', '/v1/auth/token', {
      body: {
        username: user.username,
        password: TEST_PASSWORD,
        device: { id: 'other-device', name: 'Tablet', platform: 'android' },
      },
    });
    const tablet = second.body.accessToken as string;
    await warmOnB(b, tablet);

    const sid = String((jwt.decode(tablet) as jwt.JwtPayload).sid);
    expect((await a.call('revokeSession', 'DELETE', `/v1/me/sessions/${sid}`, { token: user.token })).status).to.equal(
      204,
    );
    await refusedWithin(b, tablet, Date.now(), 100);
    expect((await b.call('getMe', 'GET', '/v1/me', { token: user.token })).status).to.equal(200);
  });

  it("when a rotated refresh token is replayed on A, then B refuses the family's access token within 100 ms", async () => {
    const { a, b } = await twoInstances();
    const user = await signUp(a);
    const rotated = await a.call('refreshToken', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    expect(rotated.status).to.equal(200);
    await warmOnB(b, rotated.body.accessToken);

    expect(
      (await a.call('refreshToken', 'POST', '/v1/auth/refresh', { body: { refreshToken: user.refreshToken } })).status,
    ).to.equal(401);
    await refusedWithin(b, rotated.body.accessToken, Date.now(), 100);
  });

  it("when B has one user's session cached, then a token naming another user with that session is refused, and each user sees only their own profile", async () => {
    const { a, b } = await twoInstances();
    const alice: AppUser = await signUp(a, 'alice');
    const bob: AppUser = await signUp(a, 'bob');
    await warmOnB(b, alice.token);
    await warmOnB(b, bob.token);

    const aliceSid = String((jwt.decode(alice.token) as jwt.JwtPayload).sid);
    const forged = jwt.sign({ sid: aliceSid }, JWT_SECRET, {
      algorithm: 'HS256',
      issuer: 'microblog',
      audience: 'bff-mobile',
      subject: bob.id,
      expiresIn: 600,
    });
    expect((await b.call('getMe', 'GET', '/v1/me', { token: forged })).status).to.equal(401);
    expect((await b.call('getMe', 'GET', '/v1/me', { token: alice.token })).body.id).to.equal(alice.id);
    expect((await b.call('getMe', 'GET', '/v1/me', { token: bob.token })).body.id).to.equal(bob.id);
  });

  it('when GET /v1/me is served warm, then it sends exactly one statement (the profile), prepared with its values apart', async () => {
    const { a, b } = await twoInstances();
    const user = await signUp(a);
    await warmOnB(b, user.token);
    sentByB = [];
    expect((await b.call('getMe', 'GET', '/v1/me', { token: user.token })).status).to.equal(200);
    expect(sentByB).to.have.length(1);
    expect(sentByB[0]?.sql).to.match(/from users where id = \$1/);
    expect(sentByB[0]?.values).to.deep.equal([user.id]);
  });
});
