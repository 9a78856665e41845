// Authors past fanOutMaxFollowers: their posts reach followers' feeds through the fan-out worker, and are merged into
// the followers' pages until then, so every timeline stays exact.
import { expect } from 'chai';
import {
  deleteMicropost,
  followUser,
  homeTimeline,
  homeTimelineFirstPage,
  openDatabase,
  postMicropost,
  startFanOutWorker,
  unfollowUser,
  type Database,
  type DomainContext,
} from '../src/index.ts';
import { makeUser, TEST_TOKEN_SECRET } from '../src/testing/index.ts';
import { sql } from './helpers.ts';
import { suite } from './setup.ts';

// A handle whose requests fan out inline to one follower at most: an author with two followers is "big".
let db: Database;
const context = (): DomainContext => db.context();
before(async () => {
  db = await openDatabase({ url: suite.url(), tokenSecret: TEST_TOKEN_SECRET, fanOutMaxFollowers: 1 });
});
after(async () => db.close());

const texts = (items: Array<{ text: string }>) => items.map((item) => item.text);
const lines = async (ownerId: string, micropostId: string) =>
  (
    await sql<{ n: number }>('select count(*)::int as n from home_feed where owner_id = ? and micropost_id = ?', [
      ownerId,
      micropostId,
    ])
  )[0]?.n;
const pending = async () => (await sql<{ n: number }>('select count(*)::int as n from pending_fan_outs'))[0]?.n;

/** Every page style of `viewerId`'s timeline, as texts: the first page, all keyset pages of 2, the numbered total. */
async function everyView(viewerId: string) {
  const first = await homeTimelineFirstPage(context(), { viewerId, limit: 20 });
  const walked: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Array<{ text: string }>; nextCursor: string | null } = await homeTimeline(context(), {
      viewerId,
      paging: { kind: 'cursor', cursor, limit: 2 },
    });
    walked.push(...texts(page.items));
    cursor = page.nextCursor;
  } while (cursor !== null);
  const numbered = await homeTimeline(context(), { viewerId, paging: { kind: 'page', number: 1, size: 20 } });
  return { first: texts(first.page.items), walked, numbered: texts(numbered.items), total: numbered.totalItems };
}

async function deliverAll(batch = 5000): Promise<number> {
  const worker = startFanOutWorker(db, { log: () => undefined, autoStart: false, batch });
  try {
    return await worker.runOnce(1000);
  } finally {
    await worker.stop();
  }
}

describe('fan-out through the worker for authors past the threshold', () => {
  before(async () => deliverAll());

  it('when a big author posts, then followers get no line yet but every page shows it; once delivered, the lines are there and the pages the same', async () => {
    const [star, ann, ben] = [await makeUser(context()), await makeUser(context()), await makeUser(context())];
    await followUser(context(), { followerId: ann.id, username: star.username });
    await followUser(context(), { followerId: ben.id, username: star.username });
    for (const text of ['ann 1', 'ann 2', 'ann 3']) await postMicropost(context(), { authorId: ann.id, text });
    const news = await postMicropost(context(), { authorId: star.id, text: 'big news' });

    expect(await lines(star.id, news.id)).to.equal(1);
    expect(await lines(ann.id, news.id)).to.equal(0);
    expect(await pending()).to.equal(1);
    const before = await everyView(ann.id);
    const expected = ['big news', 'ann 3', 'ann 2', 'ann 1'];
    expect(before).to.deep.equal({ first: expected, walked: expected, numbered: expected, total: 4 });
    const first = await homeTimelineFirstPage(context(), { viewerId: ann.id, limit: 20 });
    expect(first.dependsOn, 'a cached page hears the big author post').to.include(`user:${star.id}`);

    expect(await deliverAll()).to.be.at.least(1);
    expect(await lines(ann.id, news.id)).to.equal(1);
    expect(await lines(ben.id, news.id)).to.equal(1);
    expect(await pending()).to.equal(0);
    expect(await everyView(ann.id)).to.deep.equal(before);
    const [counter] = await sql<{ items: number }>('select items from home_feed_sizes where owner_id = ?', [ann.id]);
    expect(counter?.items).to.equal(4);
  });

  it('when the follower unfollows, a new one follows, or the post is deleted before delivery, then pages and lines follow', async () => {
    const [star, ann, ben, carl] = [
      await makeUser(context()),
      await makeUser(context()),
      await makeUser(context()),
      await makeUser(context()),
    ];
    await followUser(context(), { followerId: ann.id, username: star.username });
    await followUser(context(), { followerId: ben.id, username: star.username });
    const kept = await postMicropost(context(), { authorId: star.id, text: 'kept' });
    const gone = await postMicropost(context(), { authorId: star.id, text: 'gone' });
    await unfollowUser(context(), { followerId: ann.id, username: star.username });
    await followUser(context(), { followerId: carl.id, username: star.username });
    await deleteMicropost(context(), { actorId: star.id, micropostId: gone.id });

    expect((await everyView(ann.id)).first).to.deep.equal([]);
    expect(await everyView(carl.id)).to.deep.equal({ first: ['kept'], walked: ['kept'], numbered: ['kept'], total: 1 });
    expect((await everyView(ben.id)).first).to.deep.equal(['kept']);
    expect(await pending()).to.equal(1);

    await deliverAll();
    expect(await lines(ann.id, kept.id)).to.equal(0);
    expect(await lines(carl.id, kept.id)).to.equal(1);
    expect(await lines(ben.id, kept.id)).to.equal(1);
    expect(await lines(ben.id, gone.id)).to.equal(0);
    expect(await everyView(carl.id)).to.deep.equal({ first: ['kept'], walked: ['kept'], numbered: ['kept'], total: 1 });
  });

  it('when followers outnumber a chunk, then delivery takes several and every follower gets exactly one line', async () => {
    const star = await makeUser(context());
    const fans = [];
    for (let i = 0; i < 7; i++) {
      const fan = await makeUser(context());
      await followUser(context(), { followerId: fan.id, username: star.username });
      fans.push(fan);
    }
    const post = await postMicropost(context(), { authorId: star.id, text: 'to all' });
    expect(await deliverAll(3)).to.equal(3);
    for (const fan of fans) expect(await lines(fan.id, post.id), fan.username).to.equal(1);
    expect(await pending()).to.equal(0);
  });
});
