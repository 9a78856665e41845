import { expect } from 'chai';
import { call, expectProblem, post, signUp, startApp, type TestApp } from './helpers.ts';

describe('notifications', () => {
  let t: TestApp;
  before(async () => {
    t = await startApp();
  });
  after(() => t.close());

  it('when followed and mentioned, then the inbox lists both newest first with the post, the badge counts them, and marking read moves it', async () => {
    const [star, fan] = [await signUp(t, 'star', 'Star'), await signUp(t, 'fan', 'Fan')];
    expect(
      (await call(t, 'follow', 'PUT', `/api/v1/users/${star.username}/follow`, { cookie: fan.cookie })).status,
    ).to.equal(200);
    const mention = await post(t, fan, `hi @${star.username}`);

    const badge = await call(t, 'getUnreadNotifications', 'GET', '/api/v1/notifications/unread', {
      cookie: star.cookie,
    });
    expect(badge.body).to.deep.equal({ unread: 2, lastReadId: null });
    const inbox = await call(t, 'listNotifications', 'GET', '/api/v1/notifications', { cookie: star.cookie });
    expect(inbox.body.page).to.deep.include({ number: 1, totalItems: 2 });
    expect(inbox.body.items.map((n: { kind: string; read: boolean }) => [n.kind, n.read])).to.deep.equal([
      ['mention', false],
      ['follow', false],
    ]);
    expect(inbox.body.items[0].actor).to.deep.equal({ username: fan.username, displayName: 'Fan' });
    expect(inbox.body.items[0].micropost).to.deep.include({
      id: mention.id,
      viewer: { canEdit: false, canDelete: false },
    });
    expect(inbox.body.items[0].micropost.html).to.contain(`href="/users/${star.username}"`);
    expect(inbox.body.items[1].micropost).to.equal(null);

    const marked = await call(t, 'markNotificationsRead', 'PUT', '/api/v1/notifications/read-marker', {
      cookie: star.cookie,
      body: { lastReadId: inbox.body.items[0].id },
    });
    expect(marked.body).to.deep.equal({ unread: 0, lastReadId: inbox.body.items[0].id });
    const after = await call(t, 'listNotifications', 'GET', '/api/v1/notifications', { cookie: star.cookie });
    expect(after.body.items.map((n: { read: boolean }) => n.read)).to.deep.equal([true, true]);
  });

  it('when signed out, without CSRF, or with a bad body, then 401, 403 and 422', async () => {
    const user = await signUp(t, 'inbox');
    expectProblem(await call(t, 'listNotifications', 'GET', '/api/v1/notifications'), 401, 'unauthenticated');
    expectProblem(
      await call(t, 'getUnreadNotifications', 'GET', '/api/v1/notifications/unread'),
      401,
      'unauthenticated',
    );
    expectProblem(
      await call(t, 'markNotificationsRead', 'PUT', '/api/v1/notifications/read-marker', {
        cookie: user.cookie,
        body: { lastReadId: '1' },
        csrf: false,
      }),
      403,
    );
    expectProblem(
      await call(t, 'markNotificationsRead', 'PUT', '/api/v1/notifications/read-marker', {
        cookie: user.cookie,
        body: { lastReadId: '01' },
      }),
      422,
      'validation_failed',
    );
  });
});
