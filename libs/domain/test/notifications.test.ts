import { expect } from 'chai';
import {
  countUnreadNotifications,
  deleteMicropost,
  editMicropost,
  followUser,
  listNotifications,
  markNotificationsRead,
  postMicropost,
  runIdempotent,
  unfollowUser,
  UNREAD_COUNT_CAP,
} from '../src/index.ts';
import { makeUser } from '../src/testing/index.ts';
import { context, expectDomainError, sql } from './helpers.ts';

const firstPage = { kind: 'cursor', cursor: null, limit: 50 } as const;

async function pushEventsFor(userId: string): Promise<Array<{ type: string; notification_id: string | null }>> {
  return sql(
    `select type, payload->>'notificationId' as notification_id from outbox_events
     where payload->>'followeeId' = ? or payload->>'mentionedUserId' = ? order by id`,
    [userId, userId],
  );
}

describe('notifications inbox', () => {
  it('when someone follows and mentions a user, then the inbox lists both newest first, unread, with the post, and each push names its notification', async () => {
    const fan = await makeUser(context(), { displayName: 'The Fan' });
    const star = await makeUser(context());
    await followUser(context(), { followerId: fan.id, username: star.username });
    const post = await postMicropost(context(), { authorId: fan.id, text: `hello @${star.username}` });
    const page = await listNotifications(context(), { userId: star.id, paging: firstPage });
    expect(page.items.map((n) => [n.kind, n.actor.username, n.read])).to.deep.equal([
      ['mention', fan.username, false],
      ['follow', fan.username, false],
    ]);
    expect(page.items[0]?.micropost?.id).to.equal(post.id);
    expect(page.items[0]?.micropost?.text).to.equal(`hello @${star.username}`);
    expect(page.items[1]?.micropost).to.equal(null);
    expect(await countUnreadNotifications(context(), { userId: star.id })).to.deep.equal({
      unread: 2,
      lastReadId: null,
    });
    const pushes = await pushEventsFor(star.id);
    expect(pushes.map((p) => p.notification_id)).to.deep.equal([page.items[1]?.id, page.items[0]?.id]);
    expect((await listNotifications(context(), { userId: fan.id, paging: firstPage })).items).to.deep.equal([]);
  });

  it('when a follower churns follow/unfollow/follow, then there is one notification and one push for the day', async () => {
    const fan = await makeUser(context());
    const star = await makeUser(context());
    for (let i = 0; i < 5; i++) {
      await followUser(context(), { followerId: fan.id, username: star.username });
      await unfollowUser(context(), { followerId: fan.id, username: star.username });
    }
    await followUser(context(), { followerId: fan.id, username: star.username });
    const page = await listNotifications(context(), { userId: star.id, paging: firstPage });
    expect(page.items.map((n) => n.kind)).to.deep.equal(['follow']);
    expect((await pushEventsFor(star.id)).map((p) => p.type)).to.deep.equal(['user.followed']);
  });

  it('when the post with a mention is deleted, or an edit drops the mention, then its notification is removed', async () => {
    const author = await makeUser(context());
    const a = await makeUser(context());
    const b = await makeUser(context());
    const post = await postMicropost(context(), { authorId: author.id, text: `@${a.username} and @${b.username}` });
    await editMicropost(context(), { actorId: author.id, micropostId: post.id, text: `only @${b.username} now` });
    expect((await listNotifications(context(), { userId: a.id, paging: firstPage })).items).to.deep.equal([]);
    expect((await listNotifications(context(), { userId: b.id, paging: firstPage })).items).to.have.length(1);
    // An edit keeping the mention does not notify twice.
    await editMicropost(context(), { actorId: author.id, micropostId: post.id, text: `still @${b.username}` });
    expect((await listNotifications(context(), { userId: b.id, paging: firstPage })).items).to.have.length(1);
    await deleteMicropost(context(), { actorId: author.id, micropostId: post.id });
    expect((await listNotifications(context(), { userId: b.id, paging: firstPage })).items).to.deep.equal([]);
    expect(await countUnreadNotifications(context(), { userId: b.id })).to.deep.include({ unread: 0 });
  });

  it('when the mentioning post rolls back, then there is no notification either', async () => {
    const author = await makeUser(context());
    const star = await makeUser(context());
    await expectDomainError(
      runIdempotent(context(), { userId: author.id, key: 'rollback-notification', fingerprint: 'f' }, async (tx) => {
        await postMicropost(tx, { authorId: author.id, text: `@${star.username}` });
        throw Object.assign(new Error('crash after the write'), { code: 'simulated' });
      }),
      'simulated',
    );
    expect((await listNotifications(context(), { userId: star.id, paging: firstPage })).items).to.deep.equal([]);
  });

  it('when marked read up to a point, then older ones are read, newer ones not, and the marker never goes back', async () => {
    const star = await makeUser(context());
    const fans = [await makeUser(context()), await makeUser(context()), await makeUser(context())];
    for (const fan of fans) await followUser(context(), { followerId: fan.id, username: star.username });
    const [newest, middle, oldest] = (await listNotifications(context(), { userId: star.id, paging: firstPage })).items;
    const marked = await markNotificationsRead(context(), { userId: star.id, upToId: middle!.id });
    expect(marked).to.deep.equal({ unread: 1, lastReadId: middle!.id });
    const after = await listNotifications(context(), { userId: star.id, paging: firstPage });
    expect(after.items.map((n) => n.read)).to.deep.equal([false, true, true]);
    expect(await markNotificationsRead(context(), { userId: star.id, upToId: oldest!.id })).to.deep.equal({
      unread: 1,
      lastReadId: middle!.id,
    });
    // Past the newest notification the marker stops at the newest.
    expect(await markNotificationsRead(context(), { userId: star.id, upToId: '9223372036854775807' })).to.deep.equal({
      unread: 0,
      lastReadId: newest!.id,
    });
  });

  it('when there are more unread than the cap, then the count stops at the cap', async () => {
    const star = await makeUser(context());
    const actor = await makeUser(context());
    // Follow notifications of distinct days stand in for a long unread history.
    await sql(
      `insert into notifications (recipient_id, kind, actor_id, follow_day, created_at)
       select ?, 'follow', ?, current_date - g, now() from generate_series(1, ?) g`,
      [star.id, actor.id, UNREAD_COUNT_CAP + 20],
    );
    expect((await countUnreadNotifications(context(), { userId: star.id })).unread).to.equal(UNREAD_COUNT_CAP);
  });

  it('when paging by cursor or by number, then pages are exact and a foreign cursor is refused', async () => {
    const star = await makeUser(context());
    for (let i = 0; i < 5; i++) {
      const fan = await makeUser(context());
      await followUser(context(), { followerId: fan.id, username: star.username });
    }
    const first = await listNotifications(context(), {
      userId: star.id,
      paging: { kind: 'cursor', cursor: null, limit: 3 },
    });
    const second = await listNotifications(context(), {
      userId: star.id,
      paging: { kind: 'cursor', cursor: first.nextCursor, limit: 3 },
    });
    expect(first.items).to.have.length(3);
    expect(second.items).to.have.length(2);
    expect(second.nextCursor).to.equal(null);
    expect(new Set([...first.items, ...second.items].map((n) => n.id)).size).to.equal(5);
    const numbered = await listNotifications(context(), {
      userId: star.id,
      paging: { kind: 'page', number: 2, size: 2 },
    });
    expect(numbered).to.deep.include({ totalItems: 5, totalPages: 3, number: 2 });
    const other = await makeUser(context());
    await expectDomainError(
      listNotifications(context(), {
        userId: other.id,
        paging: { kind: 'cursor', cursor: first.nextCursor, limit: 3 },
      }),
      'bad_cursor',
    );
  });
});
