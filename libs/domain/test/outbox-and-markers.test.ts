import { expect } from 'chai';
import {
  claimOutboxEvents,
  completeOutboxEvent,
  deleteMicropost,
  editMicropost,
  failOutboxEvent,
  followUser,
  getTimelineMarker,
  postMicropost,
  pushTargets,
  registerPushToken,
  runIdempotent,
  setTimelineMarker,
  startDeviceSession,
  unregisterPushToken,
  dropPushTokens,
  type ClaimedEvent,
} from '../src/index.ts';
import { makeUser } from '../src/testing/index.ts';
import { context, expectDomainError, sql } from './helpers.ts';

async function eventsFor(userId: string): Promise<Array<{ type: string; payload: Record<string, string> }>> {
  return sql(
    `select type, payload from outbox_events
     where payload->>'followeeId' = ? or payload->>'mentionedUserId' = ? order by id`,
    [userId, userId],
  );
}

describe('outbox', () => {
  it('when a user is followed or mentioned, then one event each is recorded with the write', async () => {
    const fan = await makeUser(context());
    const star = await makeUser(context());
    await followUser(context(), { followerId: fan.id, username: star.username });
    await followUser(context(), { followerId: fan.id, username: star.username });
    const post = await postMicropost(context(), {
      authorId: fan.id,
      text: `hey @${star.username} and @${fan.username}`,
    });
    const events = await eventsFor(star.id);
    expect(events.map((e) => e.type)).to.deep.equal(['user.followed', 'user.mentioned']);
    expect(events[1]?.payload).to.include({ micropostId: post.id, authorUsername: fan.username });
    expect(await eventsFor(fan.id)).to.deep.equal([]);
  });

  it('when the write rolls back, then no event is recorded', async () => {
    const author = await makeUser(context());
    const star = await makeUser(context());
    await expectDomainError(
      runIdempotent(context(), { userId: author.id, key: 'rollback', fingerprint: 'f' }, async (tx) => {
        await postMicropost(tx, { authorId: author.id, text: `@${star.username}` });
        throw Object.assign(new Error('crash after the write'), { code: 'simulated' });
      }),
      'simulated',
    );
    expect(await eventsFor(star.id)).to.deep.equal([]);
  });

  it('when events are claimed, then they are leased to one worker, and completed or retried as told', async () => {
    const fan = await makeUser(context());
    const star = await makeUser(context());
    await followUser(context(), { followerId: fan.id, username: star.username });
    const mine = (events: ClaimedEvent[]) =>
      events.filter((e) => e.type === 'user.followed' && e.payload.followeeId === star.id);
    // Other tests' events may be due too: claim until ours shows up.
    let claimed: ClaimedEvent[] = [];
    for (let i = 0; i < 20 && claimed.length === 0; i++)
      claimed = mine(await claimOutboxEvents(context(), { limit: 500, leaseMs: 60_000 }));
    expect(claimed).to.have.length(1);
    const event = claimed[0]!;
    expect(event.attempts).to.be.greaterThan(0);
    expect(mine(await claimOutboxEvents(context(), { limit: 500, leaseMs: 60_000 }))).to.deep.equal([]);
    await failOutboxEvent(context(), { id: event.id, error: 'push service 503', retryAt: new Date(Date.now() - 1) });
    const again = mine(await claimOutboxEvents(context(), { limit: 500, leaseMs: 60_000 }));
    expect(again.map((e) => e.id)).to.deep.equal([event.id]);
    await completeOutboxEvent(context(), { id: event.id });
    const [row] = await sql<{ processed_at: string | null; last_error: string | null }>(
      'select processed_at, last_error from outbox_events where id = ?',
      [event.id],
    );
    expect(row?.processed_at).to.not.equal(null);
    expect(row?.last_error).to.equal(null);
  });

  it('when a post is deleted before its mention pushes go out, then they are withdrawn; sent ones stay on record', async () => {
    const author = await makeUser(context());
    const [star, other] = await Promise.all([makeUser(context()), makeUser(context())]);
    await followUser(context(), { followerId: author.id, username: star.username });
    const sent = await postMicropost(context(), { authorId: author.id, text: `earlier, @${other.username}` });
    const [sentEvent] = await sql<{ id: string }>(
      `select id from outbox_events where type = 'user.mentioned' and payload->>'micropostId' = ?`,
      [sent.id],
    );
    await completeOutboxEvent(context(), { id: sentEvent!.id });
    const post = await postMicropost(context(), {
      authorId: author.id,
      text: `hi @${star.username} @${other.username}`,
    });
    expect((await eventsFor(star.id)).map((e) => e.type)).to.deep.equal(['user.followed', 'user.mentioned']);

    await deleteMicropost(context(), { actorId: author.id, micropostId: post.id });
    await deleteMicropost(context(), { actorId: author.id, micropostId: sent.id });

    // The follow's push is not about the post; the push already sent is history.
    expect((await eventsFor(star.id)).map((e) => e.type)).to.deep.equal(['user.followed']);
    const otherEvents = await eventsFor(other.id);
    expect(otherEvents.map((e) => e.type)).to.deep.equal(['user.mentioned']);
    expect(otherEvents[0]?.payload).to.include({ micropostId: sent.id });
  });

  it('when an edit drops a mention, then only the pending push of the user no longer mentioned is withdrawn', async () => {
    const author = await makeUser(context());
    const [kept, dropped] = await Promise.all([makeUser(context()), makeUser(context())]);
    const post = await postMicropost(context(), {
      authorId: author.id,
      text: `@${kept.username} @${dropped.username}`,
    });

    await editMicropost(context(), { actorId: author.id, micropostId: post.id, text: `only @${kept.username} now` });

    expect(await eventsFor(dropped.id)).to.deep.equal([]);
    const keptEvents = await eventsFor(kept.id);
    expect(keptEvents.map((e) => e.type)).to.deep.equal(['user.mentioned']);
    expect(keptEvents[0]?.payload).to.include({ micropostId: post.id });
  });
});

describe('push tokens', () => {
  it('when a device registers a token, then it is a push target of its user until unregistered or dropped', async () => {
    const user = await makeUser(context());
    const { session } = await startDeviceSession(context(), {
      userId: user.id,
      device: { id: 'd', name: 'n', platform: 'android' },
    });
    const token = `ExponentPushToken[${user.id}-a]`;
    await registerPushToken(context(), { userId: user.id, sessionId: session.id, token, platform: 'android' });
    await registerPushToken(context(), { userId: user.id, sessionId: session.id, token, platform: 'android' });
    expect(await pushTargets(context(), { userIds: [user.id] })).to.deep.equal([
      { token, platform: 'android', userId: user.id },
    ]);
    expect(await unregisterPushToken(context(), { userId: user.id, token })).to.deep.equal({ removed: true });
    expect(await unregisterPushToken(context(), { userId: user.id, token })).to.deep.equal({ removed: false });
    await registerPushToken(context(), { userId: user.id, sessionId: session.id, token, platform: 'android' });
    expect(await dropPushTokens(context(), { tokens: [token] })).to.equal(1);
    expect(await pushTargets(context(), { userIds: [user.id] })).to.deep.equal([]);
  });

  it('when a token or platform is malformed, then it is refused by field', async () => {
    const user = await makeUser(context());
    const { session } = await startDeviceSession(context(), {
      userId: user.id,
      device: { id: 'd', name: 'n', platform: 'ios' },
    });
    await expectDomainError(
      registerPushToken(context(), { userId: user.id, sessionId: session.id, token: 'has space', platform: 'ios' }),
      'validation_failed',
    );
    await expectDomainError(
      registerPushToken(context(), { userId: user.id, sessionId: session.id, token: 'ok', platform: 'windows' }),
      'validation_failed',
    );
  });
});

describe('timeline read marker', () => {
  it('when nobody has set it, then it is null at version 0; each update given the last version bumps it', async () => {
    const user = await makeUser(context());
    expect(await getTimelineMarker(context(), { userId: user.id })).to.include({ lastReadId: null, version: 0 });
    const first = await setTimelineMarker(context(), { userId: user.id, lastReadId: '10', version: 0 });
    expect(first).to.include({ lastReadId: '10', version: 1 });
    const second = await setTimelineMarker(context(), { userId: user.id, lastReadId: '12', version: 1 });
    expect(second).to.include({ lastReadId: '12', version: 2 });
  });

  it('when two devices update from the same version, then one wins and the other gets a conflict', async () => {
    const user = await makeUser(context());
    const results = await Promise.allSettled([
      setTimelineMarker(context(), { userId: user.id, lastReadId: '5', version: 0 }),
      setTimelineMarker(context(), { userId: user.id, lastReadId: '6', version: 0 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((loser.reason as { code: string }).code).to.equal('conflict');
    await expectDomainError(setTimelineMarker(context(), { userId: user.id, lastReadId: '7', version: 0 }), 'conflict');
    expect((await getTimelineMarker(context(), { userId: user.id })).version).to.equal(1);
  });
});
