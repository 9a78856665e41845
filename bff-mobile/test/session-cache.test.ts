// Two bff-mobile instances over one database, each with its own session and answer caches (its own Database handle).
import { openDatabase, type Database, type SentStatement } from '@microblog/domain';
import { TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { follow, JWT_SECRET, post, signUp, startApp, TEST_PASSWORD, type AppUser, type TestApp } from './helpers.ts';
import { suite } from './setup.ts';

const opened: Database[] = [];
let sentByB: SentStatement[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
  sentByB = [];
});

async function twoInstances(options: { fanOutMaxFollowers?: number } = {}): Promise<{ a: TestApp; b: TestApp }> {
  const dbB = await openDatabase({
    url: suite.url(),
    tokenSecret: TEST_TOKEN_SECRET,
    onQuery: (s) => sentByB.push(s),
    ...options,
  });
  opened.push(dbB);
  if (options.fanOutMaxFollowers === undefined) return { a: await startApp(), b: await startApp({ db: dbB }) };
  const dbA = await openDatabase({ url: suite.url(), tokenSecret: TEST_TOKEN_SECRET, ...options });
  opened.push(dbA);
  return { a: await startApp({ db: dbA }), b: await startApp({ db: dbB }) };
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

  it('when GET /v1/me is served warm, then it sends no statement; once the profile changed, exactly one (the profile, prepared with its values apart)', async () => {
    const { a, b } = await twoInstances();
    const user = await signUp(a);
    await warmOnB(b, user.token);
    sentByB = [];
    expect((await b.call('getMe', 'GET', '/v1/me', { token: user.token })).status).to.equal(200);
    expect(sentByB).to.have.length(0);

    expect(
      (await a.call('updateMe', 'PATCH', '/v1/me', { token: user.token, body: { displayName: 'Renamed' } })).status,
    ).to.equal(200);
    const deadline = Date.now() + 100;
    for (;;) {
      sentByB = [];
      const answer = await b.call('getMe', 'GET', '/v1/me', { token: user.token });
      if (answer.body.displayName === 'Renamed') break;
      expect(sentByB, 'an answer still from the cache').to.have.length(0);
      if (Date.now() > deadline) expect.fail('instance B still served the old profile 100 ms after the change');
    }
    expect(sentByB).to.have.length(1);
    expect(sentByB[0]?.sql).to.match(/from users where id = \$1/);
    expect(sentByB[0]?.values).to.deep.equal([user.id]);
  });
});

/** Polls `check` on B's answers until it holds; fails if that takes longer than `withinMs`. */
async function answeredWithin(
  b: TestApp,
  token: string,
  path: string,
  check: (body: any) => boolean,
  withinMs: number,
): Promise<any> {
  const since = Date.now();
  for (;;) {
    const answer = await b.call(path === '/v1/me' ? 'getMe' : 'getTimeline', 'GET', path, { token });
    expect(answer.status).to.equal(200);
    if (check(answer.body)) return answer.body;
    if (Date.now() - since > withinMs) expect.fail(`instance B still answered the old ${path} after ${withinMs} ms`);
  }
}

describe('answer cache across two instances', () => {
  it('when the first timeline page is warm, then it sends no statement, with the same body and ETag as when it was read', async () => {
    const { a, b } = await twoInstances();
    const alice = await signUp(a, 'alice');
    await post(a, alice, 'first');
    await warmOnB(b, alice.token);
    const cold = await b.call('getTimeline', 'GET', '/v1/timeline', { token: alice.token });
    sentByB = [];
    const warm = await b.call('getTimeline', 'GET', '/v1/timeline', { token: alice.token });
    expect(sentByB).to.have.length(0);
    expect(warm.body).to.deep.equal(cold.body);
    expect(warm.headers.get('etag')).to.equal(cold.headers.get('etag'));
    const revalidated = await b.call('getTimeline', 'GET', '/v1/timeline', {
      token: alice.token,
      headers: { 'if-none-match': String(cold.headers.get('etag')) },
    });
    expect(revalidated.status).to.equal(304);
  });

  it('when someone followed posts, edits, deletes, or the viewer follows or unfollows on A, then B serves the new first page within 100 ms, and its sync token yields nothing older', async () => {
    const { a, b } = await twoInstances();
    const alice = await signUp(a, 'alice');
    const bob = await signUp(a, 'bob');
    const carol = await signUp(a, 'carol');
    await post(a, carol, 'carol was here');
    await follow(a, alice, bob);
    await warmOnB(b, alice.token);
    const texts = (body: any) => body.items.map((item: any) => item.text);
    await answeredWithin(b, alice.token, '/v1/timeline', (body) => texts(body).length === 0, 100);

    const posted = await post(a, bob, 'hello from bob');
    await answeredWithin(b, alice.token, '/v1/timeline', (body) => texts(body).includes('hello from bob'), 100);

    await a.call('editPost', 'PATCH', `/v1/posts/${posted.id}`, { token: bob.token, body: { text: 'edited by bob' } });
    await answeredWithin(b, alice.token, '/v1/timeline', (body) => texts(body).includes('edited by bob'), 100);

    await a.call('updateMe', 'PATCH', '/v1/me', { token: bob.token, body: { displayName: 'Robert' } });
    await answeredWithin(b, alice.token, '/v1/timeline', (body) => body.users[bob.id]?.displayName === 'Robert', 100);

    await follow(a, alice, carol);
    await answeredWithin(b, alice.token, '/v1/timeline', (body) => texts(body).includes('carol was here'), 100);

    await a.call('unfollow', 'DELETE', `/v1/users/${carol.username}/follow`, { token: alice.token });
    await answeredWithin(b, alice.token, '/v1/timeline', (body) => !texts(body).includes('carol was here'), 100);

    await a.call('deletePost', 'DELETE', `/v1/posts/${posted.id}`, { token: bob.token });
    const last = await answeredWithin(b, alice.token, '/v1/timeline', (body) => texts(body).length === 0, 100);
    const changes = await b.call(
      'getTimelineChanges',
      'GET',
      `/v1/timeline/changes?since=${encodeURIComponent(last.syncToken)}`,
      {
        token: alice.token,
      },
    );
    expect(changes.status).to.equal(200);
    expect(changes.body.items).to.deep.equal([]);
  });

  it("when an author past the fan-out threshold posts on A, then a follower's first page cached on B shows it within 100 ms, before any worker delivered it", async () => {
    const { a, b } = await twoInstances({ fanOutMaxFollowers: 1 });
    const star = await signUp(a, 'star');
    const alice = await signUp(a, 'alice');
    const bob = await signUp(a, 'bob');
    await follow(a, alice, star);
    await follow(a, bob, star);
    await warmOnB(b, alice.token);
    const texts = (body: any) => body.items.map((item: any) => item.text);
    await answeredWithin(b, alice.token, '/v1/timeline', (body) => texts(body).length === 0, 100);
    sentByB = [];
    await b.call('getTimeline', 'GET', '/v1/timeline', { token: alice.token });
    expect(sentByB, 'served from the cache').to.have.length(0);

    await post(a, star, 'to my many followers');
    await answeredWithin(b, alice.token, '/v1/timeline', (body) => texts(body).includes('to my many followers'), 100);
  });

  it('when two users read their first pages on the same instance, then each gets only their own', async () => {
    const { a, b } = await twoInstances();
    const alice = await signUp(a, 'alice');
    const bob = await signUp(a, 'bob');
    await post(a, alice, 'only alice sees this');
    await post(a, bob, 'only bob sees this');
    for (let i = 0; i < 3; i++) {
      const forAlice = await b.call('getTimeline', 'GET', '/v1/timeline', { token: alice.token });
      const forBob = await b.call('getTimeline', 'GET', '/v1/timeline', { token: bob.token });
      expect(forAlice.body.items.map((item: any) => item.text)).to.deep.equal(['only alice sees this']);
      expect(forBob.body.items.map((item: any) => item.text)).to.deep.equal(['only bob sees this']);
      expect(forAlice.headers.get('etag')).to.not.equal(forBob.headers.get('etag'));
    }
  });

  it('when a user posts on an instance, then their very next read there shows it (no wait for the notification)', async () => {
    const { b } = await twoInstances();
    const alice = await signUp(b, 'alice');
    await b.call('getTimeline', 'GET', '/v1/timeline', { token: alice.token });
    await b.call('getMe', 'GET', '/v1/me', { token: alice.token });
    await post(b, alice, 'mine');
    const timeline = await b.call('getTimeline', 'GET', '/v1/timeline', { token: alice.token });
    expect(timeline.body.items.map((item: any) => item.text)).to.deep.equal(['mine']);
    expect((await b.call('getMe', 'GET', '/v1/me', { token: alice.token })).body.counts.posts).to.equal(1);
  });
});
