import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import {
  deleteAccount,
  followUser,
  getProfile,
  homeTimeline,
  listNotifications,
  postMicropost,
  registerPushToken,
  registerUser,
  startDeviceSession,
} from '../src/index.ts';
import { makeUser, TEST_PASSWORD } from '../src/testing/index.ts';
import { context, expectDomainError, sql } from './helpers.ts';

async function rowsOf(userId: string): Promise<Record<string, number>> {
  const [row] = await sql<Record<string, number>>(
    `select (select count(*) from users where id = ?)::int as users,
            (select count(*) from microposts where author_id = ?)::int as posts,
            (select count(*) from follows where follower_id = ? or followee_id = ?)::int as follows,
            (select count(*) from sessions where user_id = ?)::int as sessions,
            (select count(*) from push_tokens where user_id = ?)::int as push_tokens,
            (select count(*) from notifications where recipient_id = ? or actor_id = ?)::int as notifications,
            (select count(*) from home_feed where owner_id = ? or author_id = ?)::int as feed_lines,
            (select count(*) from mentions where user_id = ?)::int as mentions`,
    [userId, userId, userId, userId, userId, userId, userId, userId, userId, userId, userId],
  );
  return row!;
}

describe('account deletion', () => {
  it("when a user deletes their account with their password, then everything of theirs is gone in one go and the others' counters stay exact", async () => {
    const leaving = await makeUser(context());
    const [fan, star, bystander] = [await makeUser(context()), await makeUser(context()), await makeUser(context())];
    await followUser(context(), { followerId: fan.id, username: leaving.username });
    await followUser(context(), { followerId: leaving.id, username: star.username });
    await followUser(context(), { followerId: bystander.id, username: star.username });
    await postMicropost(context(), { authorId: leaving.id, text: `bye @${star.username}` });
    await postMicropost(context(), { authorId: star.id, text: `hi @${leaving.username}` });
    const { session } = await startDeviceSession(context(), {
      userId: leaving.id,
      device: { id: randomUUID(), name: 'Phone', platform: 'ios' },
    });
    await registerPushToken(context(), {
      userId: leaving.id,
      sessionId: session.id,
      token: `ExponentPushToken[${randomUUID()}]`,
      platform: 'ios',
    });
    expect(Object.values(await rowsOf(leaving.id)).every((n) => n > 0)).to.equal(true);

    const deleted = await deleteAccount(context(), { userId: leaving.id, password: TEST_PASSWORD });
    expect(deleted).to.deep.equal({ posts: 1, follows: 2, sessions: 1 });
    expect(await rowsOf(leaving.id)).to.deep.equal({
      users: 0,
      posts: 0,
      follows: 0,
      sessions: 0,
      push_tokens: 0,
      notifications: 0,
      feed_lines: 0,
      mentions: 0,
    });
    expect((await getProfile(context(), { username: fan.username })).profile.counts).to.deep.include({ following: 0 });
    expect((await getProfile(context(), { username: star.username })).profile.counts).to.deep.equal({
      posts: 1,
      followers: 1,
      following: 0,
    });
    const fansFeed = await homeTimeline(context(), {
      viewerId: fan.id,
      paging: { kind: 'cursor', cursor: null, limit: 20 },
    });
    expect(fansFeed.items).to.deep.equal([]);
    const starsInbox = await listNotifications(context(), {
      userId: star.id,
      paging: { kind: 'cursor', cursor: null, limit: 20 },
    });
    expect(starsInbox.items.map((n) => [n.kind, n.actor.id])).to.deep.equal([['follow', bystander.id]]);
    // The username is free at once.
    const again = await registerUser(context(), { username: leaving.username, password: TEST_PASSWORD });
    expect(again.username).to.equal(leaving.username);
  });

  it('when the password is wrong, then nothing is deleted', async () => {
    const user = await makeUser(context());
    await postMicropost(context(), { authorId: user.id, text: 'still here' });
    await expectDomainError(
      deleteAccount(context(), { userId: user.id, password: 'not the password' }),
      'validation_failed',
    );
    expect(await rowsOf(user.id)).to.deep.include({ users: 1, posts: 1 });
  });

  it('when people follow the account while it is being deleted, then each follow either lands before (and is removed) or is not found, and counts stay exact', async () => {
    const leaving = await makeUser(context());
    const fans = [
      await makeUser(context()),
      await makeUser(context()),
      await makeUser(context()),
      await makeUser(context()),
    ];
    const outcomes = await Promise.allSettled([
      ...fans.map((fan) => followUser(context(), { followerId: fan.id, username: leaving.username })),
      deleteAccount(context(), { userId: leaving.id, password: TEST_PASSWORD }),
    ]);
    expect(outcomes.at(-1)?.status).to.equal('fulfilled');
    for (const outcome of outcomes.slice(0, -1)) {
      if (outcome.status === 'rejected') expect((outcome.reason as { code?: string }).code).to.equal('not_found');
    }
    expect(await rowsOf(leaving.id)).to.deep.include({ users: 0, follows: 0, feed_lines: 0 });
    for (const fan of fans)
      expect((await getProfile(context(), { username: fan.username })).profile.counts.following).to.equal(0);
  });
});
