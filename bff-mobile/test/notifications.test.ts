import { randomBytes, randomUUID } from 'node:crypto';
import { registerPushToken, startDeviceSession } from '@microblog/domain';
import { expect } from 'chai';
import nock from 'nock';
import { startPushDispatcher, type PushMessage } from '../src/push/index.ts';
import { follow, post, signUp, startApp } from './helpers.ts';
import { suite } from './setup.ts';

const PUSH_BASE_URL = 'https://push-notifications.example.test';
const SEND_PATH = '/--/api/v2/push/send';

describe('notifications inbox', () => {
  it('when followed and mentioned, then the inbox pages them newest first with actors and posts side-loaded, and the unread count follows the marker', async () => {
    const app = await startApp();
    const [star, fan] = [await signUp(app, 'star'), await signUp(app, 'fan')];
    await follow(app, fan, star);
    const mention = await post(app, fan, `hi @${star.username}`);

    const first = await app.call('listNotifications', 'GET', '/v1/me/notifications?limit=1', { token: star.token });
    expect(first.status).to.equal(200);
    expect(first.body.items).to.have.length(1);
    expect(first.body.items[0]).to.deep.include({ kind: 'mention', actorId: fan.id, postId: mention.id, read: false });
    expect(first.body.users[fan.id]).to.deep.equal({ id: fan.id, username: fan.username, displayName: 'fan user' });
    expect(first.body.posts[mention.id].text).to.equal(`hi @${star.username}`);
    const second = await app.call(
      'listNotifications',
      'GET',
      `/v1/me/notifications?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      { token: star.token },
    );
    expect(second.body.items.map((n: { kind: string }) => n.kind)).to.deep.equal(['follow']);
    expect(second.body.items[0].postId).to.equal(null);
    expect(second.body.nextCursor).to.equal(null);

    const unread = await app.call('getUnreadNotifications', 'GET', '/v1/me/notifications/unread', {
      token: star.token,
    });
    expect(unread.body).to.deep.equal({ unread: 2, lastReadId: null });
    const etag = unread.headers.get('etag')!;
    const unchanged = await app.call('getUnreadNotifications', 'GET', '/v1/me/notifications/unread', {
      token: star.token,
      headers: { 'if-none-match': etag },
    });
    expect(unchanged.status).to.equal(304);

    const marked = await app.call('markNotificationsRead', 'PUT', '/v1/me/notifications/read-marker', {
      token: star.token,
      body: { lastReadId: second.body.items[0].id },
    });
    expect(marked.body).to.deep.equal({ unread: 1, lastReadId: second.body.items[0].id });
    const all = await app.call('listNotifications', 'GET', '/v1/me/notifications', { token: star.token });
    expect(all.body.items.map((n: { read: boolean }) => n.read)).to.deep.equal([false, true]);
  });

  it('when signed out, or the marker body is bad, then 401 and 422', async () => {
    const app = await startApp();
    const user = await signUp(app);
    expect((await app.call('listNotifications', 'GET', '/v1/me/notifications')).status).to.equal(401);
    expect((await app.call('getUnreadNotifications', 'GET', '/v1/me/notifications/unread')).status).to.equal(401);
    const bad = await app.call('markNotificationsRead', 'PUT', '/v1/me/notifications/read-marker', {
      token: user.token,
      body: { lastReadId: 'x', extra: 1 },
    });
    expect(bad.status).to.equal(422);
  });

  it('when a follower churns follow/unfollow/follow, then the phone gets one push naming the one notification', async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
    // Whatever earlier tests left in the shared outbox is delivered first (to a sink).
    nock(PUSH_BASE_URL)
      .persist()
      .post(SEND_PATH)
      .reply(200, async (request: Request) => {
        const messages = (await request.clone().json()) as PushMessage[];
        return { data: messages.map(() => ({ status: 'ok', id: randomUUID() })) };
      });
    const drain = startPushDispatcher({
      db: suite.database(),
      baseUrl: PUSH_BASE_URL,
      log: () => {},
      autoStart: false,
      batchSize: 500,
    });
    for (let i = 0; i < 100 && (await drain.runOnce()) > 0; i++);
    await drain.stop();
    nock.cleanAll();

    const app = await startApp();
    const [star, fan] = [await signUp(app, 'star'), await signUp(app, 'fan')];
    const ctx = suite.database().context();
    const { session } = await startDeviceSession(ctx, {
      userId: star.id,
      device: { id: randomUUID(), name: 'Phone', platform: 'ios' },
    });
    const token = `ExponentPushToken[${randomBytes(11).toString('base64url')}]`;
    await registerPushToken(suite.database().context(), {
      userId: star.id,
      sessionId: session.id,
      token,
      platform: 'ios',
    });
    for (let i = 0; i < 3; i++) {
      await follow(app, fan, star);
      expect(
        (await app.call('unfollow', 'DELETE', `/v1/users/${star.username}/follow`, { token: fan.token })).status,
      ).to.equal(200);
    }
    await follow(app, fan, star);

    const sent: PushMessage[] = [];
    nock(PUSH_BASE_URL)
      .persist()
      .post(SEND_PATH)
      .reply(200, async (request: Request) => {
        const messages = (await request.clone().json()) as PushMessage[];
        sent.push(...messages);
        return { data: messages.map(() => ({ status: 'ok', id: randomUUID() })) };
      });
    const dispatcher = startPushDispatcher({
      db: suite.database(),
      baseUrl: PUSH_BASE_URL,
      log: () => {},
      autoStart: false,
      batchSize: 500,
    });
    try {
      for (let i = 0; i < 10 && (await dispatcher.runOnce()) > 0; i++);
    } finally {
      await dispatcher.stop();
      nock.cleanAll();
    }
    const inbox = await app.call('listNotifications', 'GET', '/v1/me/notifications', { token: star.token });
    expect(inbox.body.items).to.have.length(1);
    const mine = sent.filter((m) => m.to === token);
    expect(mine).to.have.length(1);
    expect(mine[0]?.data).to.deep.equal({
      type: 'user.followed',
      username: fan.username,
      notificationId: inbox.body.items[0].id,
    });
  });
});
