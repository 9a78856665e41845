import { expect } from 'chai';
import {
  deleteMicropost,
  followUser,
  homeTimeline,
  postMicropost,
  unfollowUser,
  type CursorPage,
  type MicropostView,
} from '../src/index.ts';
import { makeUser } from '../src/testing/index.ts';
import { context, sql } from './helpers.ts';

async function timelineIds(viewerId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: CursorPage<MicropostView> = await homeTimeline(context(), {
      viewerId,
      paging: { kind: 'cursor', cursor, limit: 50 },
    });
    ids.push(...page.items.map((p) => p.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

// The definition of a home timeline, computed from scratch: what the materialized feed must always equal.
async function definitionIds(viewerId: string): Promise<string[]> {
  const rows = await sql<{ id: string }>(
    `select p.id from microposts p
     where p.deleted_at is null and p.author_id in (select followee_id from follows where follower_id = ? union all select ?::bigint)
     order by p.created_at desc, p.id desc`,
    [viewerId, viewerId],
  );
  return rows.map((r) => r.id);
}

describe('materialized home timeline', () => {
  it('when a user follows someone, then their earlier posts join the timeline in order; after unfollowing, they leave', async () => {
    const viewer = await makeUser(context());
    const author = await makeUser(context());
    const older = [];
    for (let i = 0; i < 3; i++)
      older.push((await postMicropost(context(), { authorId: author.id, text: `before ${i}` })).id);
    const own = await postMicropost(context(), { authorId: viewer.id, text: 'mine' });
    await followUser(context(), { followerId: viewer.id, username: author.username });
    expect(await timelineIds(viewer.id)).to.deep.equal([own.id, ...older.reverse()]);
    await unfollowUser(context(), { followerId: viewer.id, username: author.username });
    expect(await timelineIds(viewer.id)).to.deep.equal([own.id]);
  });

  it('when following and posting race, then no post is lost or left behind', async () => {
    const author = await makeUser(context());
    const fans = await Promise.all(Array.from({ length: 6 }, () => makeUser(context())));
    await Promise.all([
      ...fans.map((fan) => followUser(context(), { followerId: fan.id, username: author.username })),
      ...Array.from({ length: 6 }, (_, i) => postMicropost(context(), { authorId: author.id, text: `race ${i}` })),
    ]);
    await Promise.all([
      unfollowUser(context(), { followerId: fans[0]!.id, username: author.username }),
      postMicropost(context(), { authorId: author.id, text: 'after the unfollow race' }),
    ]);
    for (const fan of fans) expect(await timelineIds(fan.id)).to.deep.equal(await definitionIds(fan.id));
  });

  it('when posts are created, deleted, followed and unfollowed in a mix, then every feed equals its definition', async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => makeUser(context())));
    const [a, b, c, d] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0], (typeof users)[0]];
    await followUser(context(), { followerId: a.id, username: b.username });
    await followUser(context(), { followerId: a.id, username: c.username });
    await followUser(context(), { followerId: d.id, username: a.username });
    const posts = [];
    for (const u of users)
      for (let i = 0; i < 3; i++)
        posts.push(await postMicropost(context(), { authorId: u.id, text: `${u.username} ${i}` }));
    await deleteMicropost(context(), { actorId: posts[3]!.author.id, micropostId: posts[3]!.id });
    await unfollowUser(context(), { followerId: a.id, username: c.username });
    await followUser(context(), { followerId: b.id, username: d.username });
    for (const u of users) expect(await timelineIds(u.id)).to.deep.equal(await definitionIds(u.id));
    const [orphans] = await sql<{ n: number }>(
      `select count(*)::int as n from home_feed h join microposts p on p.id = h.micropost_id
       where h.owner_id in (?) and p.deleted_at is not null`,
      [users.map((u) => u.id)],
    );
    expect(orphans?.n).to.equal(0);
  });
});
