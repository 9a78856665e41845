import { expect } from 'chai';
import {
  deleteMicropost,
  followUser,
  getProfile,
  listFollowers,
  listFollowing,
  postMicropost,
  unfollowUser,
} from '../src/index.ts';
import { makeUser } from '../src/testing/index.ts';
import { context, expectDomainError, sql } from './helpers.ts';

async function followRows(followerId: string, followeeId: string): Promise<number> {
  const [row] = await sql<{ n: number }>(
    'select count(*)::int as n from follows where follower_id = ? and followee_id = ?',
    [followerId, followeeId],
  );
  return row?.n ?? 0;
}

describe('following', () => {
  it('when a user follows twice, then one row exists and the counters moved once', async () => {
    const fan = await makeUser(context());
    const star = await makeUser(context());
    const first = await followUser(context(), { followerId: fan.id, username: star.username });
    const second = await followUser(context(), { followerId: fan.id, username: star.username });
    expect(first).to.deep.include({ isFollowing: true, followsYou: false });
    expect(second.isFollowing).to.equal(true);
    expect(await followRows(fan.id, star.id)).to.equal(1);
    const { profile } = await getProfile(context(), { username: star.username });
    expect(profile.counts.followers).to.equal(1);
    expect((await getProfile(context(), { username: fan.username })).profile.counts.following).to.equal(1);
  });

  it('when 20 follows of one user by the same follower race, then exactly one row exists and counts are exact', async () => {
    const fan = await makeUser(context());
    const star = await makeUser(context());
    await Promise.all(
      Array.from({ length: 20 }, () => followUser(context(), { followerId: fan.id, username: star.username })),
    );
    expect(await followRows(fan.id, star.id)).to.equal(1);
    expect((await getProfile(context(), { username: star.username })).profile.counts.followers).to.equal(1);
    expect((await getProfile(context(), { username: fan.username })).profile.counts.following).to.equal(1);
  });

  it('when a user tries to follow themselves, then it is refused and nothing is stored', async () => {
    const user = await makeUser(context());
    await expectDomainError(
      followUser(context(), { followerId: user.id, username: user.username }),
      'validation_failed',
    );
    expect(await followRows(user.id, user.id)).to.equal(0);
  });

  it('when following an unknown user, then it is not found', async () => {
    const user = await makeUser(context());
    await expectDomainError(followUser(context(), { followerId: user.id, username: 'ghost_user_zz' }), 'not_found');
  });

  it('when unfollowing twice, then the row is gone and counters dropped once', async () => {
    const fan = await makeUser(context());
    const star = await makeUser(context());
    await followUser(context(), { followerId: fan.id, username: star.username });
    await unfollowUser(context(), { followerId: fan.id, username: star.username });
    const again = await unfollowUser(context(), { followerId: fan.id, username: star.username });
    expect(again.isFollowing).to.equal(false);
    expect(await followRows(fan.id, star.id)).to.equal(0);
    expect((await getProfile(context(), { username: star.username })).profile.counts.followers).to.equal(0);
  });

  it('when both follow each other, then each sees followsYou and the profile shows the relationship', async () => {
    const a = await makeUser(context());
    const b = await makeUser(context());
    await followUser(context(), { followerId: a.id, username: b.username });
    const back = await followUser(context(), { followerId: b.id, username: a.username });
    expect(back.followsYou).to.equal(true);
    const { relationship } = await getProfile(context(), { username: b.username, viewerId: a.id });
    expect(relationship).to.deep.equal({ isSelf: false, isFollowing: true, followsYou: true });
  });

  it('when listing followers and following, then newest follows come first, paged both ways', async () => {
    const star = await makeUser(context());
    const fans = [await makeUser(context()), await makeUser(context()), await makeUser(context())];
    for (const fan of fans) await followUser(context(), { followerId: fan.id, username: star.username });
    const page = await listFollowers(context(), {
      username: star.username,
      paging: { kind: 'page', number: 1, size: 2 },
    });
    expect(page.items.map((u) => u.username)).to.deep.equal([fans[2]?.username, fans[1]?.username]);
    expect(page).to.include({ totalItems: 3, totalPages: 2 });
    const first = await listFollowers(context(), {
      username: star.username,
      paging: { kind: 'cursor', cursor: null, limit: 2 },
    });
    expect(first.nextCursor).to.be.a('string');
    const second = await listFollowers(context(), {
      username: star.username,
      paging: { kind: 'cursor', cursor: first.nextCursor, limit: 2 },
    });
    expect(second.items.map((u) => u.username)).to.deep.equal([fans[0]?.username]);
    expect(second.nextCursor).to.equal(null);
    const following = await listFollowing(context(), {
      username: fans[0]?.username ?? '',
      paging: { kind: 'page', number: 1, size: 20 },
    });
    expect(following.items).to.deep.equal([{ id: star.id, username: star.username, displayName: star.displayName }]);
  });

  it('when a mix of posts, deletes, follows and unfollows happens, then every counter equals the real count', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => makeUser(context())));
    const ops: Promise<unknown>[] = [];
    for (const [i, u] of users.entries()) {
      for (const [j, v] of users.entries())
        if (i !== j && (i + j) % 2 === 0) ops.push(followUser(context(), { followerId: u.id, username: v.username }));
      for (let k = 0; k < 3; k++)
        ops.push(postMicropost(context(), { authorId: u.id, text: `post ${k} by ${u.username}` }));
    }
    await Promise.all(ops);
    const firstPost = await postMicropost(context(), { authorId: users[0]!.id, text: 'to delete' });
    await deleteMicropost(context(), { actorId: users[0]!.id, micropostId: firstPost.id });
    await Promise.all([
      unfollowUser(context(), { followerId: users[0]!.id, username: users[2]!.username }),
      unfollowUser(context(), { followerId: users[0]!.id, username: users[2]!.username }),
      followUser(context(), { followerId: users[1]!.id, username: users[0]!.username }),
    ]);
    const drift = await sql<{ id: string }>(
      `select u.id from users u
       where u.id in (?)
         and (u.posts_count <> (select count(*) from microposts p where p.author_id = u.id and p.deleted_at is null)
           or u.followers_count <> (select count(*) from follows f where f.followee_id = u.id)
           or u.following_count <> (select count(*) from follows f where f.follower_id = u.id))`,
      [users.map((u) => u.id)],
    );
    expect(drift).to.deep.equal([]);
  });
});
