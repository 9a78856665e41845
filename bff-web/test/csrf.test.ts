import { expect } from 'chai';
import { TEST_PASSWORD, uniqueUsername } from '@microblog/domain/testing';
import { call, expectProblem, post, request, signUp, startApp, type TestApp } from './helpers.ts';

describe('CSRF defence on writes', () => {
  let t: TestApp;
  before(async () => {
    t = await startApp();
  });
  after(() => t.close());

  async function postsOf(username: string): Promise<number> {
    const page = await call(t, 'listUserMicroposts', 'GET', `/api/v1/users/${username}/microposts`);
    return page.body.page.totalItems;
  }

  it('when a post lacks X-CSRF, then 403 csrf_failed and nothing is written', async () => {
    const user = await signUp(t);
    const answer = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
      cookie: user.cookie,
      body: { text: 'sneaky' },
      csrf: false,
    });
    expectProblem(answer, 403, 'csrf_failed');
    expect(await postsOf(user.username)).to.equal(0);
  });

  it('when X-CSRF has another value, then 403 csrf_failed', async () => {
    const user = await signUp(t);
    const answer = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
      cookie: user.cookie,
      body: { text: 'sneaky' },
      csrf: false,
      headers: { 'X-CSRF': 'true' },
    });
    expectProblem(answer, 403, 'csrf_failed');
    expect(await postsOf(user.username)).to.equal(0);
  });

  it('when the Origin is another site, then 403 csrf_failed and nothing is written', async () => {
    const user = await signUp(t);
    const answer = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
      cookie: user.cookie,
      body: { text: 'sneaky' },
      headers: { Origin: 'https://evil.example' },
    });
    expectProblem(answer, 403, 'csrf_failed');
    expect(await postsOf(user.username)).to.equal(0);
  });

  it('when Sec-Fetch-Site says cross-site or same-site, then 403 csrf_failed', async () => {
    const user = await signUp(t);
    for (const site of ['cross-site', 'same-site', 'none']) {
      const answer = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
        cookie: user.cookie,
        body: { text: 'sneaky' },
        headers: { 'Sec-Fetch-Site': site },
      });
      expectProblem(answer, 403, 'csrf_failed');
    }
    expect(await postsOf(user.username)).to.equal(0);
  });

  it('when the request carries X-CSRF, our own Origin and same-origin, then the write goes through', async () => {
    const user = await signUp(t);
    const answer = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
      cookie: user.cookie,
      body: { text: 'legit' },
      headers: { Origin: t.origin, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(answer.status).to.equal(201);
    expect(await postsOf(user.username)).to.equal(1);
  });

  it('when a sign-up fails CSRF, then no account is created', async () => {
    const username = uniqueUsername('csrf');
    const answer = await call(t, 'signUp', 'POST', '/api/v1/users', {
      body: { username, password: TEST_PASSWORD },
      csrf: false,
    });
    expectProblem(answer, 403, 'csrf_failed');
    expect(answer.headers.getSetCookie()).to.deep.equal([]);
    expectProblem(await call(t, 'getProfile', 'GET', `/api/v1/users/${username}`), 404, 'not_found');
  });

  it('when a sign-out fails CSRF, then the session stays alive', async () => {
    const user = await signUp(t);
    const answer = await call(t, 'signOut', 'DELETE', '/api/v1/session', { cookie: user.cookie, csrf: false });
    expectProblem(answer, 403, 'csrf_failed');
    expect((await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: user.cookie })).status).to.equal(200);
  });

  it('when a delete, edit or follow fails CSRF, then the micropost and follows are unchanged', async () => {
    const user = await signUp(t);
    const other = await signUp(t);
    const mine = await post(t, user, 'keep me');
    expectProblem(
      await call(t, 'deleteMicropost', 'DELETE', `/api/v1/microposts/${mine.id}`, { cookie: user.cookie, csrf: false }),
      403,
      'csrf_failed',
    );
    expectProblem(
      await call(t, 'editMicropost', 'PATCH', `/api/v1/microposts/${mine.id}`, {
        cookie: user.cookie,
        body: { text: 'changed' },
        csrf: false,
      }),
      403,
      'csrf_failed',
    );
    expectProblem(
      await call(t, 'follow', 'PUT', `/api/v1/users/${other.username}/follow`, { cookie: user.cookie, csrf: false }),
      403,
      'csrf_failed',
    );
    const still = await call(t, 'getMicropost', 'GET', `/api/v1/microposts/${mine.id}`);
    expect(still.body).to.include({ text: 'keep me', editedAt: null });
    const followers = await call(t, 'listFollowers', 'GET', `/api/v1/users/${other.username}/followers`);
    expect(followers.body.items).to.deep.equal([]);
  });

  it('when a write fails CSRF, then that is answered before the body is read or the session checked', async () => {
    const notJson = await call(t, 'signIn', 'POST', '/api/v1/session', {
      rawBody: '{not json',
      headers: { 'Content-Type': 'application/json' },
      csrf: false,
    });
    expectProblem(notJson, 403, 'csrf_failed');
    const noSession = await call(t, 'updateMe', 'PATCH', '/api/v1/me', { body: { bio: 'x' }, csrf: false });
    expectProblem(noSession, 403, 'csrf_failed');
  });

  it('when a GET carries no X-CSRF, then it is answered normally', async () => {
    const answer = await call(t, 'getSession', 'GET', '/api/v1/session');
    expectProblem(answer, 401);
  });

  it('when an unknown /api path is written to without X-CSRF, then 403 too', async () => {
    const answer = await request(t, 'POST', '/api/v1/nothing-here', { body: {}, csrf: false });
    expectProblem(answer, 403, 'csrf_failed');
  });
});
