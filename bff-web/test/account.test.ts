import { expect } from 'chai';
import { call, expectProblem, post, signIn, signUp, startApp, type TestApp } from './helpers.ts';

describe('account control', () => {
  let t: TestApp;
  before(async () => {
    t = await startApp();
  });
  after(() => t.close());

  it('when listing signed-in devices, then each session shows with the current one marked, and signing one out ends it at once', async () => {
    const user = await signUp(t, 'devices');
    const second = await signIn(t, user);
    const list = await call(t, 'listMySessions', 'GET', '/api/v1/me/sessions', { cookie: user.cookie });
    expect(list.body.items).to.have.length(2);
    const current = list.body.items.filter((s: { current: boolean }) => s.current);
    expect(current).to.have.length(1);
    expect(current[0]).to.deep.include({ kind: 'web', deviceName: null, platform: null });
    const otherId = list.body.items.find((s: { current: boolean }) => !s.current).id;
    expect(
      (await call(t, 'revokeMySession', 'DELETE', `/api/v1/me/sessions/${otherId}`, { cookie: user.cookie })).status,
    ).to.equal(204);
    expectProblem(await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: second }), 401, 'unauthenticated');
    expect((await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: user.cookie })).status).to.equal(200);
    const stranger = await signUp(t, 'stranger');
    expectProblem(
      await call(t, 'revokeMySession', 'DELETE', `/api/v1/me/sessions/${current[0].id}`, { cookie: stranger.cookie }),
      404,
      'not_found',
    );
  });

  it('when the account is deleted with its password, then the cookie is cleared, the session ends and the profile and posts are gone', async () => {
    const user = await signUp(t, 'leaving');
    const written = await post(t, user, 'bye');
    expectProblem(
      await call(t, 'deleteAccount', 'POST', '/api/v1/me/deletion', {
        cookie: user.cookie,
        body: { password: 'wrong password here' },
      }),
      422,
      'validation_failed',
    );
    expectProblem(
      await call(t, 'deleteAccount', 'POST', '/api/v1/me/deletion', {
        cookie: user.cookie,
        body: { password: user.password },
        csrf: false,
      }),
      403,
    );
    const deleted = await call(t, 'deleteAccount', 'POST', '/api/v1/me/deletion', {
      cookie: user.cookie,
      body: { password: user.password },
    });
    expect(deleted.status).to.equal(204);
    expect(
      deleted.headers.getSetCookie().some((c) => c.startsWith('__Host-session=;') || /Max-Age=0/.test(c)),
    ).to.equal(true);
    expectProblem(
      await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: user.cookie }),
      401,
      'unauthenticated',
    );
    expectProblem(await call(t, 'getProfile', 'GET', `/api/v1/users/${user.username}`), 404, 'not_found');
    expectProblem(await call(t, 'getMicropost', 'GET', `/api/v1/microposts/${written.id}`), 404, 'not_found');
  });
});
