import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  followUser,
  getMicropost,
  getOwnProfile,
  openDatabase,
  postMicropost,
  pushTargets,
  registerPushToken,
  runIdempotent,
  startDeviceSession,
  type DomainContext,
  type UserProfile,
} from '@microblog/domain';
import { makeUser, TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { expect } from 'chai';
import nock from 'nock';
import {
  startPushDispatcher,
  type PushDispatcher,
  type PushDispatcherOptions,
  type PushLogEntry,
  type PushMessage,
} from '../src/push/index.ts';
import { suite } from './setup.ts';

const PUSH_BASE_URL = 'https://push.example.test';
const SEND_PATH = '/--/api/v2/push/send';
const HOUR = 3600_000;

let dispatchers: PushDispatcher[] = [];
let logs: PushLogEntry[] = [];

function ctx(): DomainContext {
  return suite.database().context();
}

/** A dispatcher driven by hand (no timer), logging into `logs`. */
function dispatcher(overrides: Partial<PushDispatcherOptions> = {}): PushDispatcher {
  const d = startPushDispatcher({
    db: suite.database(),
    baseUrl: PUSH_BASE_URL,
    log: (e) => logs.push(e),
    autoStart: false,
    batchSize: 500,
    ...overrides,
  });
  dispatchers.push(d);
  return d;
}

/** A clock an hour behind: every retry it schedules is already due, so the next runOnce picks it up. */
const anHourAgo = () => Date.now() - HOUR;

function problems(): PushLogEntry[] {
  return logs.filter((e) => e.level !== 'info');
}

async function messagesOf(request: Request): Promise<PushMessage[]> {
  return (await request.clone().json()) as PushMessage[];
}

function okTickets(messages: PushMessage[]) {
  return { data: messages.map((_, i) => ({ status: 'ok', id: `ticket-${i}-${randomUUID()}` })) };
}

/** Nock reply body: an ok ticket per message (nock 15 hands reply functions the fetch Request). */
async function okReply(request: Request) {
  return okTickets(await messagesOf(request));
}

/** A user with one registered push token per device. */
async function userWithDevices(devices = 1): Promise<{ user: UserProfile; tokens: string[] }> {
  const c = ctx();
  const user = await makeUser(c);
  const tokens: string[] = [];
  for (let i = 0; i < devices; i++) {
    const { session } = await startDeviceSession(c, {
      userId: user.id,
      device: { id: randomUUID(), name: `Phone ${i}`, platform: 'ios' },
    });
    const token = `ExponentPushToken[${randomBytes(11).toString('base64url')}]`;
    await registerPushToken(c, { userId: user.id, sessionId: session.id, token, platform: 'ios' });
    tokens.push(token);
  }
  return { user, tokens };
}

/** A loopback port nothing listens on (any more): connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function followMessage(token: string, follower: UserProfile, notificationId: string): PushMessage {
  return {
    to: token,
    title: `@${follower.username} followed you`,
    body: '',
    data: { type: 'user.followed', username: follower.username, notificationId },
    sound: 'default',
  };
}

/** The id of the inbox entry a push must name. */
async function notificationIdOf(recipientId: string, actorId: string): Promise<string> {
  const rows = await ctx().em.execute<{ id: string }[]>(
    'select id::text as id from notifications where recipient_id = ? and actor_id = ?',
    [recipientId, actorId],
  );
  expect(rows, 'one notification').to.have.length(1);
  return rows[0]!.id;
}

/** Delivers whatever earlier tests (here or in other files) left in the shared outbox, so each test starts from an empty queue. */
async function drainOutbox(): Promise<void> {
  nock(PUSH_BASE_URL).persist().post(SEND_PATH).reply(200, okReply);
  const d = startPushDispatcher({
    db: suite.database(),
    baseUrl: PUSH_BASE_URL,
    log: () => {},
    autoStart: false,
    batchSize: 500,
  });
  for (let i = 0; i < 100 && (await d.runOnce()) > 0; i++);
  await d.stop();
  nock.cleanAll();
}

describe('push dispatcher', () => {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  });

  beforeEach(async () => {
    await drainOutbox();
    logs = [];
  });

  afterEach(async () => {
    await Promise.all(dispatchers.map((d) => d.stop()));
    dispatchers = [];
    nock.cleanAll();
  });

  it('when a user is followed, then each of their devices gets "@follower followed you" and the event is done', async () => {
    const { user: followee, tokens } = await userWithDevices(2);
    const follower = await makeUser(ctx());
    await followUser(ctx(), { followerId: follower.id, username: followee.username });
    const notificationId = await notificationIdOf(followee.id, follower.id);
    const service = nock(PUSH_BASE_URL, { badheaders: ['authorization'] })
      .matchHeader('accept', 'application/json')
      .matchHeader('content-type', 'application/json')
      .post(
        SEND_PATH,
        tokens.map((t) => followMessage(t, follower, notificationId)),
      )
      .reply(200, okReply);
    const d = dispatcher();

    expect(await d.runOnce()).to.equal(1);
    expect(service.isDone()).to.equal(true);
    // Completed: nothing is claimed (or sent) again.
    expect(await d.runOnce()).to.equal(0);
    expect(problems()).to.deep.equal([]);
  });

  it('when a post mentions a user, then their device gets "@author mentioned you" with the excerpt and the post id, authorized with the access token', async () => {
    const { user: mentioned, tokens } = await userWithDevices();
    const author = await makeUser(ctx());
    const post = await postMicropost(ctx(), { authorId: author.id, text: `lunch with @${mentioned.username} today?` });
    const service = nock(PUSH_BASE_URL)
      .matchHeader('authorization', 'Bearer expo-access-token')
      .post(SEND_PATH, [
        {
          to: tokens[0],
          title: `@${author.username} mentioned you`,
          body: `lunch with @${mentioned.username} today?`,
          data: {
            type: 'user.mentioned',
            micropostId: post.id,
            notificationId: await notificationIdOf(mentioned.id, author.id),
          },
          sound: 'default',
        },
      ])
      .reply(200, okReply);
    const d = dispatcher({ accessToken: 'expo-access-token' });

    expect(await d.runOnce()).to.equal(1);
    expect(service.isDone()).to.equal(true);
    expect(await d.runOnce()).to.equal(0);
    expect(problems()).to.deep.equal([]);
  });

  it('when the push service answers 503, then the event is retried after its backoff and delivered on the next attempt', async () => {
    const { user: followee, tokens } = await userWithDevices();
    const follower = await makeUser(ctx());
    await followUser(ctx(), { followerId: follower.id, username: followee.username });
    const notificationId = await notificationIdOf(followee.id, follower.id);
    const expected = tokens.map((t) => followMessage(t, follower, notificationId));
    const service = nock(PUSH_BASE_URL)
      .post(SEND_PATH, expected)
      .reply(503, 'upstream unavailable')
      .post(SEND_PATH, expected)
      .reply(200, okReply);
    const d = dispatcher({ now: anHourAgo });

    expect(await d.runOnce()).to.equal(1);
    expect(service.pendingMocks()).to.have.length(1);
    expect(problems()).to.have.length(1);
    expect(problems()[0]).to.include({ level: 'warn', msg: 'push notification will be retried', attempts: 1 });
    expect(problems()[0]?.error).to.match(/503/);

    expect(await d.runOnce()).to.equal(1);
    expect(service.isDone()).to.equal(true);
    expect(await d.runOnce()).to.equal(0);
  });

  it('when the push service answers 429 with Retry-After, then the retry is not scheduled sooner than asked', async () => {
    const { user: followee } = await userWithDevices();
    const follower = await makeUser(ctx());
    await followUser(ctx(), { followerId: follower.id, username: followee.username });
    const service = nock(PUSH_BASE_URL)
      .post(SEND_PATH)
      .reply(429, { errors: [{ code: 'TOO_MANY_REQUESTS' }] }, { 'Retry-After': '120' })
      .post(SEND_PATH)
      .reply(200, okReply);
    const clock = Date.now() - HOUR;
    const d = dispatcher({ now: () => clock, random: () => 0 });

    expect(await d.runOnce()).to.equal(1);
    // The backoff alone would be 1 s (half of 2^1 s with no jitter); the service asked for 120 s.
    expect(problems()[0]).to.include({
      msg: 'push notification will be retried',
      retryAt: new Date(clock + 120_000).toISOString(),
    });
    expect(await d.runOnce()).to.equal(1);
    expect(service.isDone()).to.equal(true);
  });

  it('when the push service fails for one event, then the rest of the batch backs off without being sent and all are delivered later', async () => {
    const first = await userWithDevices();
    const second = await userWithDevices();
    const follower = await makeUser(ctx());
    await followUser(ctx(), { followerId: follower.id, username: first.user.username });
    await followUser(ctx(), { followerId: follower.id, username: second.user.username });
    const down = nock(PUSH_BASE_URL).post(SEND_PATH).reply(503);
    const d = dispatcher({ now: anHourAgo });

    expect(await d.runOnce()).to.equal(2);
    expect(down.isDone()).to.equal(true);
    expect(problems().map((e) => e.msg)).to.deep.equal([
      'push notification will be retried',
      'push notification will be retried',
    ]);
    expect(problems()[1]?.error).to.match(/not attempted/);

    const sent: PushMessage[] = [];
    const up = nock(PUSH_BASE_URL)
      .post(SEND_PATH)
      .twice()
      .reply(200, async (request: Request) => {
        const messages = await messagesOf(request);
        sent.push(...messages);
        return okTickets(messages);
      });
    expect(await d.runOnce()).to.equal(2);
    expect(up.isDone()).to.equal(true);
    expect(sent.map((m) => m.to)).to.deep.equal([...first.tokens, ...second.tokens]);
  });

  it('when the push service is unreachable, then the write still succeeds and the notification follows once the service is back', async () => {
    const { user: mentioned, tokens } = await userWithDevices();
    const author = await makeUser(ctx());
    const post = await postMicropost(ctx(), { authorId: author.id, text: `hey @${mentioned.username}` });

    const down = dispatcher({ baseUrl: `http://127.0.0.1:${await closedPort()}`, now: anHourAgo });
    expect(await down.runOnce()).to.equal(1);
    expect(problems()).to.have.length(1);
    expect(problems()[0]).to.include({ msg: 'push notification will be retried' });
    expect(problems()[0]?.error).to.equal('network error: ECONNREFUSED');
    expect(await getMicropost(ctx(), { id: post.id })).to.include({ id: post.id, text: `hey @${mentioned.username}` });

    const sent: PushMessage[] = [];
    nock(PUSH_BASE_URL)
      .post(SEND_PATH)
      .reply(200, async (request: Request) => {
        const messages = await messagesOf(request);
        sent.push(...messages);
        return okTickets(messages);
      });
    expect(await dispatcher().runOnce()).to.equal(1);
    expect(sent.map((m) => [m.to, m.data.micropostId])).to.deep.equal([[tokens[0], post.id]]);
  });

  it('when the push service does not answer in time, then the attempt is abandoned and retried', async () => {
    const { user: followee } = await userWithDevices();
    const follower = await makeUser(ctx());
    await followUser(ctx(), { followerId: follower.id, username: followee.username });
    // A service that accepts the request and never answers.
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const d = dispatcher({ baseUrl: `http://127.0.0.1:${port}`, now: anHourAgo, requestTimeoutMs: 100 });
      expect(await d.runOnce()).to.equal(1);
      expect(problems()).to.have.length(1);
      expect(problems()[0]).to.include({ msg: 'push notification will be retried', error: 'no answer within 100 ms' });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
    const service = nock(PUSH_BASE_URL).post(SEND_PATH).reply(200, okReply);
    expect(await dispatcher().runOnce()).to.equal(1);
    expect(service.isDone()).to.equal(true);
  });

  it('when a ticket says DeviceNotRegistered, then that token is forgotten and the others are kept', async () => {
    const { user: followee, tokens } = await userWithDevices(2);
    const follower = await makeUser(ctx());
    await followUser(ctx(), { followerId: follower.id, username: followee.username });
    nock(PUSH_BASE_URL)
      .post(SEND_PATH)
      .reply(200, {
        data: [
          { status: 'ok', id: 'ticket-1' },
          {
            status: 'error',
            message: `"${tokens[1]}" is not a registered push notification recipient`,
            details: { error: 'DeviceNotRegistered' },
          },
        ],
      });
    const d = dispatcher();

    expect(await d.runOnce()).to.equal(1);
    const remaining = await pushTargets(ctx(), { userIds: [followee.id] });
    expect(remaining.map((t) => t.token)).to.deep.equal([tokens[0]]);
    expect(await d.runOnce()).to.equal(0);
    expect(problems()).to.deep.equal([]);
  });

  it('when a write rolls back, then no notification is sent', async () => {
    const { user: mentioned } = await userWithDevices();
    const author = await makeUser(ctx());
    const failing = runIdempotent(ctx(), { userId: author.id, key: randomUUID(), fingerprint: 'post' }, async (tx) => {
      await postMicropost(tx, { authorId: author.id, text: `@${mentioned.username} this never happened` });
      throw new Error('failed after posting');
    });
    let error: unknown;
    try {
      await failing;
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.equal('failed after posting');
    expect((await getOwnProfile(ctx(), { userId: author.id })).counts.posts).to.equal(0);

    // No interceptor: any request would fail and be logged.
    expect(await dispatcher().runOnce()).to.equal(0);
    expect(nock.pendingMocks()).to.deep.equal([]);
    expect(problems()).to.deep.equal([]);
  });

  it('when the followed user has no push tokens, then the event is completed without a request', async () => {
    const followee = await makeUser(ctx());
    const follower = await makeUser(ctx());
    await followUser(ctx(), { followerId: follower.id, username: followee.username });
    const d = dispatcher();

    expect(await d.runOnce()).to.equal(1);
    expect(await d.runOnce()).to.equal(0);
    expect(problems()).to.deep.equal([]);
  });

  it('when an event has used up its attempts, then it is given up and logged', async () => {
    const { user: followee } = await userWithDevices();
    const follower = await makeUser(ctx());
    await followUser(ctx(), { followerId: follower.id, username: followee.username });
    const service = nock(PUSH_BASE_URL).post(SEND_PATH).reply(503);
    const d = dispatcher({ now: anHourAgo, maxAttempts: 1 });

    expect(await d.runOnce()).to.equal(1);
    expect(service.isDone()).to.equal(true);
    expect(problems()).to.have.length(1);
    expect(problems()[0]).to.include({
      level: 'error',
      msg: 'push notification given up',
      type: 'user.followed',
      attempts: 1,
    });
    expect(await d.runOnce()).to.equal(0);
  });

  it('when the push service rejects the request (400), then the event is given up at once', async () => {
    const { user: followee } = await userWithDevices();
    const follower = await makeUser(ctx());
    await followUser(ctx(), { followerId: follower.id, username: followee.username });
    nock(PUSH_BASE_URL)
      .post(SEND_PATH)
      .reply(400, { errors: [{ code: 'VALIDATION_ERROR', message: 'bad request' }] });
    const d = dispatcher({ now: anHourAgo });

    expect(await d.runOnce()).to.equal(1);
    expect(problems()).to.have.length(1);
    expect(problems()[0]).to.include({ level: 'error', msg: 'push notification given up' });
    expect(problems()[0]?.error).to.match(/400.*VALIDATION_ERROR/);
    expect(await d.runOnce()).to.equal(0);
  });

  it('when the database is unreachable, then a tick logs it and resolves without throwing', async () => {
    const unreachable = await openDatabase({
      url: 'postgres://nobody:nothing@127.0.0.1:1/none',
      tokenSecret: TEST_TOKEN_SECRET,
    });
    try {
      const d = dispatcher({ db: unreachable });
      expect(await d.runOnce()).to.equal(0);
      expect(problems()).to.have.length(1);
      expect(problems()[0]).to.include({ level: 'warn', msg: 'push dispatcher could not claim outbox events' });
    } finally {
      await unreachable.close();
    }
  });

  it('when started with its timer, then it delivers on its own and stop() waits for the tick in progress', async () => {
    const { user: followee, tokens } = await userWithDevices();
    const follower = await makeUser(ctx());
    await followUser(ctx(), { followerId: follower.id, username: followee.username });
    let delivered: (messages: PushMessage[]) => void = () => {};
    const sent = new Promise<PushMessage[]>((resolve) => (delivered = resolve));
    nock(PUSH_BASE_URL)
      .post(SEND_PATH)
      .reply(200, async (request: Request) => {
        const messages = await messagesOf(request);
        delivered(messages);
        return okTickets(messages);
      });
    const running = dispatcher({ autoStart: true, intervalMs: 10 });

    expect((await sent).map((m) => m.to)).to.deep.equal(tokens);
    await running.stop();
    expect(await dispatcher().runOnce()).to.equal(0);
    expect(problems()).to.deep.equal([]);
  });
});
