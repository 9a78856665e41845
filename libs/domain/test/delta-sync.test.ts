import { expect } from 'chai';
import { Client } from 'pg';
import {
  deleteAccount,
  deleteMicropost,
  followUser,
  homeTimelineFirstPage,
  issueSyncToken,
  postMicropost,
  timelineChanges,
  type DomainContext,
} from '../src/index.ts';
import { testServerUrl } from '../src/testing/database.ts';
import { makeUser, TEST_PASSWORD } from '../src/testing/index.ts';
import { context, expectDomainError, sql } from './helpers.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A session on `url` that opens a transaction, takes a transaction id (so pg_snapshot_xmin waits for it) and keeps it open. */
async function holdTransactionOpen(url: string): Promise<{ xid: string; end(): Promise<void> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('begin');
  const { rows } = await client.query<{ xid: string }>('select pg_current_xact_id()::text as xid');
  return {
    xid: rows[0]!.xid,
    end: async () => {
      await client.query('rollback');
      await client.end();
    },
  };
}

async function oldestOpenTransaction(): Promise<string> {
  const [row] = await sql<{ xmin: string }>('select pg_snapshot_xmin(pg_current_snapshot())::text as xmin');
  return row!.xmin;
}

/** Calls timelineChanges until hasMore is false, as an app does; returns everything delivered and the last token. */
async function syncAll(viewerId: string, since: string): Promise<{ ids: string[]; token: string; calls: number }> {
  const ids: string[] = [];
  let token = since;
  for (let calls = 1; ; calls++) {
    const batch = await timelineChanges(context(), { viewerId, since: token, limit: 7 });
    ids.push(...batch.items.map((p) => p.id), ...batch.deleted);
    token = batch.syncToken;
    if (!batch.hasMore) return { ids, token, calls };
  }
}

describe('delta sync on a busy server', () => {
  it('when another database and this one each keep a transaction open, then a quiet sync returns nothing and a new post comes exactly once', async () => {
    const viewer = await makeUser(context());
    const author = await makeUser(context());
    await followUser(context(), { followerId: viewer.id, username: author.username });
    const [{ db } = { db: '' }] = await sql<{ db: string }>('select current_database() as db');
    // The server's own maintenance database is "another database" (the suite's is a fresh one beside it).
    const other = await holdTransactionOpen(await testServerUrl());
    const same = await holdTransactionOpen((await testServerUrl()).replace(/\/[^/?]*(\?|$)/, `/${db}$1`));
    try {
      for (let i = 0; i < 30; i++) await postMicropost(context(), { authorId: author.id, text: `before ${i}` });
      // The trap the old scheme fell into: the server-wide horizon is held back by both open transactions.
      expect(
        BigInt(await oldestOpenTransaction()) <= BigInt(other.xid),
        'pg_snapshot_xmin waits for the other database',
      ).to.equal(true);

      const token = await issueSyncToken(context(), { viewerId: viewer.id });
      const quiet = await timelineChanges(context(), { viewerId: viewer.id, since: token, limit: 50 });
      expect(quiet).to.deep.include({ items: [], deleted: [], hasMore: false });

      const fresh = await postMicropost(context(), { authorId: author.id, text: 'while they wait' });
      const changes = await timelineChanges(context(), { viewerId: viewer.id, since: quiet.syncToken, limit: 50 });
      expect(changes.items.map((p) => p.id)).to.deep.equal([fresh.id]);
      expect(changes.hasMore).to.equal(false);
      const again = await timelineChanges(context(), { viewerId: viewer.id, since: changes.syncToken, limit: 50 });
      expect(again).to.deep.include({ items: [], deleted: [], hasMore: false });
      expect(again.syncToken).to.equal(changes.syncToken);
    } finally {
      await other.end();
      await same.end();
    }
  });

  it('when many writers post concurrently and one keeps its post uncommitted for a while, then syncing meanwhile misses nothing and repeats nothing', async () => {
    const viewer = await makeUser(context());
    const authors: Awaited<ReturnType<typeof makeUser>>[] = [];
    for (let i = 0; i < 4; i++) {
      const author = await makeUser(context());
      await followUser(context(), { followerId: viewer.id, username: author.username });
      authors.push(author);
    }
    const other = await holdTransactionOpen(await testServerUrl());
    try {
      let token = await issueSyncToken(context(), { viewerId: viewer.id });
      const delivered: string[] = [];
      const posted: string[] = [];
      let slowId: string | null = null;
      let slowCommitted = false;
      let deliveredBeforeSlowCommit: string[] = [];

      // A writer whose transaction stays open 1.5 s after its post is written.
      const slow = context()
        .em.transactional(async (em) => {
          const post = await postMicropost({ em, keys: context().keys } as DomainContext, {
            authorId: authors[0]!.id,
            text: 'slow writer',
          });
          slowId = post.id;
          await sleep(1500);
        })
        .then(() => {
          slowCommitted = true;
        });
      const writers = authors.map(async (author) => {
        for (let i = 0; i < 15; i++) {
          posted.push((await postMicropost(context(), { authorId: author.id, text: `${author.username} ${i}` })).id);
          await sleep(i % 3 === 0 ? 20 : 0);
        }
      });
      const state = { writing: true };
      const allWritten = Promise.all([slow, ...writers]).then(() => {
        state.writing = false;
      });
      while (state.writing) {
        const round = await syncAll(viewer.id, token);
        delivered.push(...round.ids);
        token = round.token;
        if (!slowCommitted) deliveredBeforeSlowCommit = [...delivered];
        await sleep(25);
      }
      await allWritten;
      const last = await syncAll(viewer.id, token);
      delivered.push(...last.ids);
      posted.push(slowId!);

      expect(deliveredBeforeSlowCommit).not.to.include(slowId);
      expect(delivered.length, 'nothing delivered twice').to.equal(new Set(delivered).size);
      expect([...delivered].sort()).to.deep.equal([...posted].sort());
      const quiet = await timelineChanges(context(), { viewerId: viewer.id, since: last.token, limit: 50 });
      expect(quiet).to.deep.include({ items: [], deleted: [], hasMore: false });
    } finally {
      await other.end();
    }
  });

  it('when one transaction writes many posts, then it holds one gate and one number lock, not one per row', async () => {
    const author = await makeUser(context());
    const ctx = context();
    const locks = await ctx.em.transactional(async (em) => {
      for (let i = 0; i < 25; i++)
        await postMicropost({ em, keys: ctx.keys } as DomainContext, { authorId: author.id, text: `batch ${i}` });
      return em.execute<{ classid: string; n: number }[]>(
        `select classid::text as classid, count(*)::int as n from pg_locks
         where locktype = 'advisory' and pid = pg_backend_pid() group by classid order by classid`,
      );
    });
    expect(locks).to.deep.equal([
      { classid: '1937337955', n: 1 },
      { classid: '1937337956', n: 1 },
    ]);
  });
});

describe('delta sync when a followed account is deleted', () => {
  it("when an account the viewer follows is deleted, then the viewer's older sync token is refused, and the reloaded first page and its token go on without the posts", async () => {
    const [ann, ben, cat, dan] = await Promise.all([0, 1, 2, 3].map(() => makeUser(context())));
    for (const author of [ben!, cat!]) await followUser(context(), { followerId: ann!.id, username: author.username });
    await followUser(context(), { followerId: dan!.id, username: cat!.username });
    const gone = await postMicropost(context(), { authorId: ben!.id, text: 'soon gone' });
    await postMicropost(context(), { authorId: cat!.id, text: 'stays' });
    const annBefore = await issueSyncToken(context(), { viewerId: ann!.id });
    const danBefore = await issueSyncToken(context(), { viewerId: dan!.id });

    await deleteAccount(context(), { userId: ben!.id, password: TEST_PASSWORD });

    await expectDomainError(
      timelineChanges(context(), { viewerId: ann!.id, since: annBefore, limit: 20 }),
      'bad_cursor',
    );
    const reloaded = await homeTimelineFirstPage(context(), { viewerId: ann!.id, limit: 20 });
    expect(reloaded.page.items.map((p) => p.text)).to.deep.equal(['stays']);
    expect(reloaded.page.items.map((p) => p.id)).not.to.include(gone.id);
    const later = await postMicropost(context(), { authorId: cat!.id, text: 'later' });
    const changes = await timelineChanges(context(), { viewerId: ann!.id, since: reloaded.syncToken, limit: 20 });
    expect(changes.items.map((p) => p.id)).to.deep.equal([later.id]);

    // Someone who did not follow the deleted account syncs on as before.
    const dans = await timelineChanges(context(), { viewerId: dan!.id, since: danBefore, limit: 20 });
    expect(dans.items.map((p) => p.id)).to.deep.equal([later.id]);
    // Nothing names the deleted account: one row per follower, the follower's own.
    expect(
      await sql(
        'select owner_id::text as owner from timeline_resets where owner_id in (?, ?, ?, ?) order by owner_id',
        [ann!.id, ben!.id, cat!.id, dan!.id],
      ),
    ).to.deep.equal([{ owner: ann!.id }]);
  });

  it('when a follower is reset twice and then deletes their own account, then each reset refuses only older tokens and their row goes with them', async () => {
    const [ann, ben, cat] = await Promise.all([0, 1, 2].map(() => makeUser(context())));
    for (const author of [ben!, cat!]) await followUser(context(), { followerId: ann!.id, username: author.username });
    await deleteAccount(context(), { userId: ben!.id, password: TEST_PASSWORD });
    const between = await issueSyncToken(context(), { viewerId: ann!.id });
    const post = await postMicropost(context(), { authorId: cat!.id, text: 'between' });
    expect((await timelineChanges(context(), { viewerId: ann!.id, since: between, limit: 20 })).items).to.have.length(
      1,
    );
    await deleteMicropost(context(), { actorId: cat!.id, micropostId: post.id });
    await deleteAccount(context(), { userId: cat!.id, password: TEST_PASSWORD });
    await expectDomainError(timelineChanges(context(), { viewerId: ann!.id, since: between, limit: 20 }), 'bad_cursor');
    const after = await issueSyncToken(context(), { viewerId: ann!.id });
    expect(await timelineChanges(context(), { viewerId: ann!.id, since: after, limit: 20 })).to.include({
      hasMore: false,
    });

    await deleteAccount(context(), { userId: ann!.id, password: TEST_PASSWORD });
    expect(await sql('select 1 from timeline_resets where owner_id = ?', [ann!.id])).to.deep.equal([]);
  });
});
