// Two bff-web instances over one database, each with its own session cache (its own Database handle).
import { openDatabase, type Database, type SentStatement } from '@microblog/domain';
import { TEST_PASSWORD, TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { call, expectProblem, post, signIn, signUp, startApp, TEST_JWT_SECRET, type TestApp } from './helpers.ts';
import { suite } from './setup.ts';

const opened: Database[] = [];
const apps: TestApp[] = [];
let sentByB: SentStatement[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await Promise.all(opened.splice(0).map((db) => db.close()));
  sentByB = [];
});

async function twoInstances(): Promise<{ a: TestApp; b: TestApp }> {
  const dbB = await openDatabase({ url: suite.url(), tokenSecret: TEST_TOKEN_SECRET, onQuery: (s) => sentByB.push(s) });
  opened.push(dbB);
  const a = await startApp();
  const b = await startApp({ db: dbB });
  apps.push(a, b);
  return { a, b };
}

const sessionStatements = () => sentByB.filter((s) => /from sessions/.test(s.sql)).length;

/** GET /api/v1/session on B until one answer needed no session statement (B's cache is warm for this cookie). */
async function warmOnB(b: TestApp, cookie: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const before = sessionStatements();
    expect((await call(b, 'getSession', 'GET', '/api/v1/session', { cookie })).status).to.equal(200);
    if (sessionStatements() === before) return;
  }
  expect.fail("B's session cache never became warm");
}

/** Polls GET /api/v1/session on `app` until it is 401; fails if that takes longer than `withinMs` after `since`. */
async function refusedWithin(app: TestApp, cookie: string, since: number, withinMs: number): Promise<void> {
  for (;;) {
    const answer = await call(app, 'getSession', 'GET', '/api/v1/session', { cookie });
    if (answer.status === 401) return;
    expect(answer.status).to.equal(200);
    const elapsed = Date.now() - since;
    if (elapsed > withinMs) expect.fail(`instance B still accepted the cookie ${elapsed} ms after the revocation`);
  }
}

describe('session cache across two instances', () => {
  it('when a user signs out on A while B has the session cached, then B refuses the cookie within 100 ms', async () => {
    const { a, b } = await twoInstances();
    const user = await signUp(a);
    await warmOnB(b, user.cookie);

    expect((await call(a, 'signOut', 'DELETE', '/api/v1/session', { cookie: user.cookie })).status).to.equal(204);
    await refusedWithin(b, user.cookie, Date.now(), 100);
  });

  it('when the password changes on A, then B refuses the other sessions within 100 ms and keeps the one that changed it', async () => {
    const { a, b } = await twoInstances();
    const user = await signUp(a);
    const other = await signIn(a, user);
    await warmOnB(b, user.cookie);
    await warmOnB(b, other);

    const changed = await call(a, 'changePassword', 'PUT', '/api/v1/me/password', {
      cookie: user.cookie,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase 42' },
    });
    expect(changed.status).to.equal(204);
    await refusedWithin(b, other, Date.now(), 100);
    expect((await call(b, 'getSession', 'GET', '/api/v1/session', { cookie: user.cookie })).status).to.equal(200);
  });

  it("when B has one user's session cached, then a cookie naming another user with that session is refused, and each user gets their own session info", async () => {
    const { a, b } = await twoInstances();
    const alice = await signUp(a, 'alice');
    const bob = await signUp(a, 'bob');
    await warmOnB(b, alice.cookie);
    await warmOnB(b, bob.cookie);

    const aliceClaims = jwt.decode(alice.cookie.slice('__Host-session='.length)) as { sid: string };
    const bobClaims = jwt.decode(bob.cookie.slice('__Host-session='.length)) as { sub: string };
    const forged = jwt.sign({ sid: aliceClaims.sid }, TEST_JWT_SECRET, {
      algorithm: 'HS256',
      issuer: 'microblog',
      audience: 'bff-web',
      subject: bobClaims.sub,
      expiresIn: 600,
    });
    expectProblem(
      await call(b, 'getSession', 'GET', '/api/v1/session', { cookie: `__Host-session=${forged}` }),
      401,
      'unauthenticated',
    );
    expect(
      (await call(b, 'getSession', 'GET', '/api/v1/session', { cookie: alice.cookie })).body.user.username,
    ).to.equal(alice.username);
    expect((await call(b, 'getSession', 'GET', '/api/v1/session', { cookie: bob.cookie })).body.user.username).to.equal(
      bob.username,
    );
  });
});

describe('answer cache across two instances', () => {
  it('when page 1 of the home timeline is warm on B, then it sends no statement and keeps its Link header; a followed user posting on A shows there within 100 ms with the new total', async () => {
    const { a, b } = await twoInstances();
    const reader = await signUp(a, 'reader');
    const writer = await signUp(a, 'writer');
    await post(a, writer, 'before');
    expect(
      (await call(a, 'follow', 'PUT', `/api/v1/users/${writer.username}/follow`, { cookie: reader.cookie })).status,
    ).to.equal(200);
    await warmOnB(b, reader.cookie);
    const path = '/api/v1/timeline?page=1&per_page=20';
    const cold = await call(b, 'getTimeline', 'GET', path, { cookie: reader.cookie });
    expect(cold.body.page.totalItems).to.equal(1);
    sentByB = [];
    const warm = await call(b, 'getTimeline', 'GET', path, { cookie: reader.cookie });
    expect(sentByB).to.have.length(0);
    expect(warm.body).to.deep.equal(cold.body);
    expect(warm.headers.get('link')).to.equal(cold.headers.get('link'));
    expect(warm.headers.get('etag')).to.equal(cold.headers.get('etag'));

    await post(a, writer, 'after');
    const since = Date.now();
    for (;;) {
      const answer = await call(b, 'getTimeline', 'GET', path, { cookie: reader.cookie });
      if (answer.body.page.totalItems === 2) {
        expect(answer.body.items.map((item: any) => item.text)).to.deep.equal(['after', 'before']);
        break;
      }
      if (Date.now() - since > 100) expect.fail('instance B still served the old page 1 after 100 ms');
    }
  });

  it('when the query holds more than the page parameters, then the answer is read again and its Link header keeps them', async () => {
    const { a, b } = await twoInstances();
    const reader = await signUp(a, 'reader');
    await post(a, reader, 'mine');
    await warmOnB(b, reader.cookie);
    await call(b, 'getTimeline', 'GET', '/api/v1/timeline?page=1', { cookie: reader.cookie });
    sentByB = [];
    const answer = await call(b, 'getTimeline', 'GET', '/api/v1/timeline?page=1&utm=x', { cookie: reader.cookie });
    expect(answer.status).to.equal(200);
    expect(sentByB).to.have.length(1);
    expect(answer.headers.get('link')).to.include('utm=x');
  });
});
