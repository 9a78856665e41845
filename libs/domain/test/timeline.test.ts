import { expect } from 'chai';
import {
  deleteMicropost,
  editMicropost,
  followUser,
  homeTimeline,
  issueSyncToken,
  listUserMicroposts,
  postMicropost,
  searchMicroposts,
  timelineChanges,
  type CursorPage,
  type MicropostView,
} from '../src/index.ts';
import { makeUser } from '../src/testing/index.ts';
import { context, expectDomainError, sql } from './helpers.ts';

const firstPage = { kind: 'cursor', cursor: null, limit: 50 } as const;

describe('home timeline', () => {
  it("when the viewer follows some users, then their posts and the viewer's own come newest first, others never", async () => {
    const viewer = await makeUser(context());
    const followed = await makeUser(context());
    const stranger = await makeUser(context());
    await followUser(context(), { followerId: viewer.id, username: followed.username });
    const a = await postMicropost(context(), { authorId: followed.id, text: 'a' });
    const b = await postMicropost(context(), { authorId: viewer.id, text: 'b' });
    await postMicropost(context(), { authorId: stranger.id, text: 'not for you' });
    const c = await postMicropost(context(), { authorId: followed.id, text: 'c' });
    const page = await homeTimeline(context(), { viewerId: viewer.id, paging: firstPage });
    expect(page.items.map((p) => p.id)).to.deep.equal([c.id, b.id, a.id]);
    expect(page.nextCursor).to.equal(null);
  });

  it('when posts share a timestamp, then the higher id comes first and paging neither repeats nor skips', async () => {
    const viewer = await makeUser(context());
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await postMicropost(context(), { authorId: viewer.id, text: `tie ${i}` })).id);
    // Force a tie (the timeline is materialized, so its copy of the timestamp moves too).
    await sql(`update microposts set created_at = '2026-01-01T00:00:00Z' where id in (?)`, [ids]);
    await sql(`update home_feed set created_at = '2026-01-01T00:00:00Z' where micropost_id in (?)`, [ids]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: CursorPage<MicropostView> = await homeTimeline(context(), {
        viewerId: viewer.id,
        paging: { kind: 'cursor', cursor, limit: 3 },
      });
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).to.deep.equal([...ids].sort((x, y) => Number(BigInt(y) - BigInt(x))));
    const numbered = await homeTimeline(context(), {
      viewerId: viewer.id,
      paging: { kind: 'page', number: 2, size: 3 },
    });
    expect(numbered.items.map((p) => p.id)).to.deep.equal(seen.slice(3, 6));
    expect(numbered).to.include({ totalItems: 7, totalPages: 3 });
  });

  it('when new posts arrive while paging by cursor, then the walk has no duplicates and no gaps', async () => {
    const viewer = await makeUser(context());
    const author = await makeUser(context());
    await followUser(context(), { followerId: viewer.id, username: author.username });
    const original: string[] = [];
    for (let i = 0; i < 10; i++)
      original.push((await postMicropost(context(), { authorId: author.id, text: `old ${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: CursorPage<MicropostView> = await homeTimeline(context(), {
        viewerId: viewer.id,
        paging: { kind: 'cursor', cursor, limit: 3 },
      });
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor;
      await postMicropost(context(), { authorId: author.id, text: 'new while scrolling' });
    } while (cursor);
    expect(seen).to.deep.equal([...original].reverse());
  });

  it('when a post is deleted, then it leaves every timeline, profile list and search', async () => {
    const author = await makeUser(context());
    const fans = [await makeUser(context()), await makeUser(context())];
    for (const fan of fans) await followUser(context(), { followerId: fan.id, username: author.username });
    const word = `zebra${Date.now()}`;
    const post = await postMicropost(context(), { authorId: author.id, text: `going away ${word}` });
    await deleteMicropost(context(), { actorId: author.id, micropostId: post.id });
    for (const viewer of [author, ...fans]) {
      const page = await homeTimeline(context(), { viewerId: viewer.id, paging: firstPage });
      expect(page.items.map((p) => p.id)).not.to.include(post.id);
    }
    const own = await listUserMicroposts(context(), {
      username: author.username,
      paging: { kind: 'page', number: 1, size: 20 },
    });
    expect(own.totalItems).to.equal(0);
    const found = await searchMicroposts(context(), { query: word, paging: { kind: 'page', number: 1, size: 20 } });
    expect(found.totalItems).to.equal(0);
  });

  it('when a cursor is tampered with or used for another list, then it is refused as a bad cursor', async () => {
    const viewer = await makeUser(context());
    const other = await makeUser(context());
    for (let i = 0; i < 3; i++) await postMicropost(context(), { authorId: viewer.id, text: `p${i}` });
    const page = await homeTimeline(context(), {
      viewerId: viewer.id,
      paging: { kind: 'cursor', cursor: null, limit: 1 },
    });
    const cursor = page.nextCursor ?? '';
    const [body = '', sig = ''] = cursor.split('.');
    const forged = `${Buffer.from(JSON.stringify({ s: `home:${viewer.id}`, t: 0, i: '1' })).toString('base64url')}.${sig}`;
    for (const bad of [`${body}x.${sig}`, forged, 'garbage', `${body}.`, '']) {
      if (bad === '') continue;
      await expectDomainError(
        homeTimeline(context(), { viewerId: viewer.id, paging: { kind: 'cursor', cursor: bad, limit: 1 } }),
        'bad_cursor',
      );
    }
    await expectDomainError(
      homeTimeline(context(), { viewerId: other.id, paging: { kind: 'cursor', cursor, limit: 1 } }),
      'bad_cursor',
    );
    await expectDomainError(
      listUserMicroposts(context(), { username: viewer.username, paging: { kind: 'cursor', cursor, limit: 1 } }),
      'bad_cursor',
    );
  });

  it('when paging is out of bounds, then it is a validation error', async () => {
    const viewer = await makeUser(context());
    await expectDomainError(
      homeTimeline(context(), { viewerId: viewer.id, paging: { kind: 'page', number: 0, size: 20 } }),
      'validation_failed',
    );
    await expectDomainError(
      homeTimeline(context(), { viewerId: viewer.id, paging: { kind: 'page', number: 1, size: 101 } }),
      'validation_failed',
    );
    await expectDomainError(
      homeTimeline(context(), { viewerId: viewer.id, paging: { kind: 'cursor', cursor: null, limit: 51 } }),
      'validation_failed',
    );
  });
});

describe('timeline delta sync', () => {
  it('when posts are created, edited and deleted after the token, then changes report exactly those', async () => {
    const viewer = await makeUser(context());
    const author = await makeUser(context());
    await followUser(context(), { followerId: viewer.id, username: author.username });
    const kept = await postMicropost(context(), { authorId: author.id, text: 'kept' });
    const toEdit = await postMicropost(context(), { authorId: author.id, text: 'before edit' });
    const toDelete = await postMicropost(context(), { authorId: author.id, text: 'to delete' });
    const token = await issueSyncToken(context(), { viewerId: viewer.id });
    const created = await postMicropost(context(), { authorId: author.id, text: 'brand new' });
    await editMicropost(context(), { actorId: author.id, micropostId: toEdit.id, text: 'after edit' });
    await deleteMicropost(context(), { actorId: author.id, micropostId: toDelete.id });

    const changes = await timelineChanges(context(), { viewerId: viewer.id, since: token, limit: 50 });
    expect(changes.hasMore).to.equal(false);
    expect(changes.deleted).to.deep.equal([toDelete.id]);
    const byId = new Map(changes.items.map((p: MicropostView) => [p.id, p]));
    expect([...byId.keys()].sort()).to.deep.equal([created.id, toEdit.id].sort());
    expect(byId.get(toEdit.id)?.text).to.equal('after edit');
    expect(byId.has(kept.id)).to.equal(false);

    const quiet = await timelineChanges(context(), { viewerId: viewer.id, since: changes.syncToken, limit: 50 });
    expect(
      quiet.items.filter((p) => p.author.id === author.id && p.id !== created.id && p.id !== toEdit.id),
    ).to.deep.equal([]);
  });

  it('when there are more changes than the limit, then they come in batches with hasMore', async () => {
    const viewer = await makeUser(context());
    const token = await issueSyncToken(context(), { viewerId: viewer.id });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await postMicropost(context(), { authorId: viewer.id, text: `n${i}` })).id);
    const got: string[] = [];
    let since = token;
    for (let round = 0; round < 5; round++) {
      const batch = await timelineChanges(context(), { viewerId: viewer.id, since, limit: 2 });
      got.push(...batch.items.map((p) => p.id));
      since = batch.syncToken;
      if (!batch.hasMore) break;
    }
    expect(new Set(got)).to.deep.equal(new Set(ids));
  });

  it("when a sync token is another user's or tampered, then it is a bad cursor", async () => {
    const viewer = await makeUser(context());
    const other = await makeUser(context());
    const token = await issueSyncToken(context(), { viewerId: viewer.id });
    await expectDomainError(timelineChanges(context(), { viewerId: other.id, since: token, limit: 10 }), 'bad_cursor');
    await expectDomainError(
      timelineChanges(context(), { viewerId: viewer.id, since: `${token}A`, limit: 10 }),
      'bad_cursor',
    );
  });
});

describe('search', () => {
  it('when searching words, then matching live posts come newest first, paged with totals', async () => {
    const author = await makeUser(context());
    const word = `quokka${Date.now()}`;
    const a = await postMicropost(context(), { authorId: author.id, text: `I saw a ${word} today` });
    await postMicropost(context(), { authorId: author.id, text: 'nothing to see' });
    const b = await postMicropost(context(), { authorId: author.id, text: `another ${word.toUpperCase()}!` });
    const page = await searchMicroposts(context(), { query: word, paging: { kind: 'page', number: 1, size: 20 } });
    expect(page.items.map((p) => p.id)).to.deep.equal([b.id, a.id]);
    expect(page.totalItems).to.equal(2);
    const cursorPage = await searchMicroposts(context(), {
      query: word,
      paging: { kind: 'cursor', cursor: null, limit: 1 },
    });
    const next = await searchMicroposts(context(), {
      query: word,
      paging: { kind: 'cursor', cursor: cursorPage.nextCursor, limit: 1 },
    });
    expect(next.items.map((p) => p.id)).to.deep.equal([a.id]);
    await expectDomainError(
      searchMicroposts(context(), {
        query: 'other query',
        paging: { kind: 'cursor', cursor: cursorPage.nextCursor, limit: 1 },
      }),
      'bad_cursor',
    );
  });

  it('when the query is too short, too long, or full of operators, then it is refused or simply matches nothing', async () => {
    await expectDomainError(
      searchMicroposts(context(), { query: 'ab', paging: { kind: 'page', number: 1, size: 20 } }),
      'validation_failed',
    );
    await expectDomainError(
      searchMicroposts(context(), { query: 'x'.repeat(101), paging: { kind: 'page', number: 1, size: 20 } }),
      'validation_failed',
    );
    const odd = await searchMicroposts(context(), {
      query: `!!! & | ( ) :* '" -`,
      paging: { kind: 'page', number: 1, size: 20 },
    });
    expect(odd.items).to.be.an('array');
  });
});
