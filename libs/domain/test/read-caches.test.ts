// What the one-round-trip reads and the answer cache rest on: the home_feed_sizes counter, the first page with its
// horizon, and the notifications sent at commit.
import { expect } from 'chai';
import {
  answerDependency,
  deleteAccount,
  openDatabase,
  deleteMicropost,
  editMicropost,
  followUser,
  homeTimeline,
  homeTimelineFirstPage,
  listUserMicroposts,
  postMicropost,
  timelineChanges,
  unfollowUser,
  updateProfile,
} from '../src/index.ts';
import { makeUser, TEST_PASSWORD, TEST_TOKEN_SECRET } from '../src/testing/index.ts';
import { context, expectDomainError, listen, sql } from './helpers.ts';
import { suite } from './setup.ts';

/** Every owner whose counter differs from the lines home_feed really holds (none when the triggers keep it exact). */
async function wrongCounters(): Promise<unknown[]> {
  return sql(`select coalesce(s.owner_id, f.owner_id) as owner_id, s.items, f.lines
              from home_feed_sizes s
              full join (select owner_id, count(*)::int as lines from home_feed group by owner_id) f on f.owner_id = s.owner_id
              where coalesce(s.items, 0) <> coalesce(f.lines, 0)`);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('read caches: counters, first page, notifications', () => {
  it('when posts, deletions, follows, unfollows and an account deletion happen, then every home_feed_sizes counter equals the lines and the web total follows it', async () => {
    const [ann, ben, cat] = [await makeUser(context()), await makeUser(context()), await makeUser(context())];
    await followUser(context(), { followerId: ann.id, username: ben.username });
    await followUser(context(), { followerId: cat.id, username: ben.username });
    const first = await postMicropost(context(), { authorId: ben.id, text: 'one' });
    await postMicropost(context(), { authorId: ben.id, text: 'two' });
    await postMicropost(context(), { authorId: ann.id, text: 'mine' });
    await followUser(context(), { followerId: ann.id, username: cat.username });
    await postMicropost(context(), { authorId: cat.id, text: 'cat' });
    await deleteMicropost(context(), { actorId: ben.id, micropostId: first.id });
    expect(await wrongCounters()).to.deep.equal([]);
    const page = await homeTimeline(context(), { viewerId: ann.id, paging: { kind: 'page', number: 1, size: 2 } });
    expect(page).to.include({ totalItems: 3, totalPages: 2 });

    await unfollowUser(context(), { followerId: ann.id, username: ben.username });
    expect(await wrongCounters()).to.deep.equal([]);
    await deleteAccount(context(), { userId: cat.id, password: TEST_PASSWORD });
    expect(await wrongCounters()).to.deep.equal([]);
    const after = await homeTimeline(context(), { viewerId: ann.id, paging: { kind: 'page', number: 1, size: 20 } });
    expect(after.items.map((p) => p.text)).to.deep.equal(['mine']);
    expect(after).to.include({ totalItems: 1, totalPages: 1 });
  });

  it('when the first page is read in one round trip, then it equals the general page, and its sync token yields exactly the later posts', async () => {
    const viewer = await makeUser(context());
    const followed = await makeUser(context());
    await followUser(context(), { followerId: viewer.id, username: followed.username });
    for (let i = 0; i < 4; i++)
      await postMicropost(context(), { authorId: followed.id, text: `@${viewer.username} ${i}` });
    const one = await homeTimelineFirstPage(context(), { viewerId: viewer.id, limit: 3 });
    const general = await homeTimeline(context(), {
      viewerId: viewer.id,
      paging: { kind: 'cursor', cursor: null, limit: 3 },
    });
    expect(one.page.items).to.deep.equal(general.items);
    expect(one.page.items[0]?.mentions).to.deep.equal([viewer.username]);
    expect(one.page.nextCursor).to.be.a('string');
    expect(one.dependsOn).to.have.members([`feed:${viewer.id}`, `user:${followed.id}`]);
    expect(await timelineChanges(context(), { viewerId: viewer.id, since: one.syncToken, limit: 50 })).to.include({
      hasMore: false,
    });

    const later = await postMicropost(context(), { authorId: followed.id, text: 'later' });
    const changes = await timelineChanges(context(), { viewerId: viewer.id, since: one.syncToken, limit: 50 });
    expect(changes.items.map((p) => p.id)).to.deep.equal([later.id]);
  });

  it('when the timeline is empty, then the first page is empty and still carries a sync token', async () => {
    const viewer = await makeUser(context());
    const one = await homeTimelineFirstPage(context(), { viewerId: viewer.id, limit: 20 });
    expect(one.page).to.deep.equal({ kind: 'cursor', items: [], nextCursor: null });
    const later = await postMicropost(context(), { authorId: viewer.id, text: 'first' });
    const changes = await timelineChanges(context(), { viewerId: viewer.id, since: one.syncToken, limit: 50 });
    expect(changes.items.map((p) => p.id)).to.deep.equal([later.id]);
  });

  it('when a write commits, then its notifications name the owners of the changed feeds and the changed users; a rolled-back write sends none', async () => {
    const [ann, ben] = [await makeUser(context()), await makeUser(context())];
    await followUser(context(), { followerId: ann.id, username: ben.username });
    const listener = await listen(['home_feed_changed', 'users_changed']);
    try {
      const post = await postMicropost(context(), { authorId: ben.id, text: 'hello' });
      await editMicropost(context(), { actorId: ben.id, micropostId: post.id, text: 'edited' });
      await updateProfile(context(), { userId: ann.id, displayName: 'Ann' });
      const deadline = Date.now() + 2000;
      while (listener.heard.length < 3 && Date.now() < deadline) await pause(10);
      const feeds = listener.heard.filter(([c]) => c === 'home_feed_changed').flatMap(([, p]) => p.split(','));
      expect(feeds).to.have.members([ann.id, ben.id]);
      const users = listener.heard.filter(([c]) => c === 'users_changed').map(([, p]) => p);
      expect(users).to.include.members([ben.id, ann.id]);

      listener.heard.length = 0;
      const ctx = context();
      await ctx.em
        .transactional(async (em) => {
          await em.execute('update users set bio = ? where id = ?', ['never', ann.id]);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      await pause(100);
      expect(listener.heard).to.deep.equal([]);
    } finally {
      await listener.close();
    }
  });
});

describe('answer cache', () => {
  async function instance(options: { maxBytes?: number } = {}) {
    const db = await openDatabase({ url: suite.url(), tokenSecret: TEST_TOKEN_SECRET, answerCache: options });
    const answers = db.answers!;
    // The listener connects on first use; until then nothing is kept.
    const deadline = Date.now() + 5000;
    while (!answers.listening && Date.now() < deadline) {
      await answers.answer('warm-up', async () => ({ value: 0, dependsOn: [], bytes: 1 }));
      await pause(10);
    }
    expect(answers.listening).to.equal(true);
    return { db, answers };
  }

  it('when a change is heard while an answer is being read, then that answer is returned but not kept', async () => {
    const { db, answers } = await instance();
    try {
      const user = await makeUser(context());
      let loads = 0;
      const load = async () => {
        loads += 1;
        if (loads === 1) {
          // The read is under way when the user's row changes; the notification arrives before it finishes.
          await updateProfile(context(), { userId: user.id, displayName: 'Changed' });
          await pause(200);
        }
        return { value: loads, dependsOn: [answerDependency.user(user.id)], bytes: 10 };
      };
      expect(await answers.answer(`profile:${user.id}`, load)).to.equal(1);
      expect(await answers.answer(`profile:${user.id}`, load)).to.equal(2);
      expect(await answers.answer(`profile:${user.id}`, load)).to.equal(2);
    } finally {
      await db.close();
    }
  });

  it('when answers exceed the byte budget, then the least recently used go first', async () => {
    const { db, answers } = await instance({ maxBytes: 100 });
    try {
      const stored = (key: string) => answers.answer(key, async () => ({ value: key, dependsOn: [], bytes: 40 }));
      await stored('a');
      await stored('b');
      await stored('a');
      await stored('c');
      expect(answers.size).to.equal(2);
      expect(answers.bytes).to.equal(80);
      let reloaded = false;
      await answers.answer('b', async () => ((reloaded = true), { value: 'b', dependsOn: [], bytes: 40 }));
      expect(reloaded, 'b was the least recently used').to.equal(true);
    } finally {
      await db.close();
    }
  });
});

describe("a user's posts in one statement", () => {
  it('when paged by cursor, then pages neither repeat nor skip; a cursor of another list is refused; an unknown name is NotFound', async () => {
    const [ann, ben] = [await makeUser(context()), await makeUser(context())];
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.unshift((await postMicropost(context(), { authorId: ann.id, text: `a${i}` })).id);
    await postMicropost(context(), { authorId: ben.id, text: 'b' });
    const first = await listUserMicroposts(context(), {
      username: ann.username.toUpperCase(),
      paging: { kind: 'cursor', cursor: null, limit: 3 },
    });
    const second = await listUserMicroposts(context(), {
      username: ann.username,
      paging: { kind: 'cursor', cursor: first.nextCursor, limit: 3 },
    });
    expect([...first.items, ...second.items].map((p) => p.id)).to.deep.equal(ids);
    expect(second.nextCursor).to.equal(null);
    const numbered = await listUserMicroposts(context(), {
      username: ann.username,
      paging: { kind: 'page', number: 2, size: 2 },
    });
    expect(numbered.items.map((p) => p.id)).to.deep.equal(ids.slice(2, 4));
    expect(numbered).to.include({ totalItems: 5, totalPages: 3 });
    await expectDomainError(
      listUserMicroposts(context(), {
        username: ben.username,
        paging: { kind: 'cursor', cursor: first.nextCursor, limit: 3 },
      }),
      'bad_cursor',
    );
    await expectDomainError(
      listUserMicroposts(context(), { username: 'nobody_here_x', paging: { kind: 'cursor', cursor: null, limit: 3 } }),
      'not_found',
    );
  });
});
