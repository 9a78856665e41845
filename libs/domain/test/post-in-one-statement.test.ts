import { expect } from 'chai';
import { MikroORM } from '@mikro-orm/postgresql';
import {
  checkSession,
  findPostByIdempotencyKey,
  followUser,
  IDEMPOTENCY_TTL_MS,
  openDatabase,
  ormConfig,
  postMicropost,
  postMicropostOnce,
  startWebSession,
  type Database,
  type SentStatement,
} from '../src/index.ts';
import { createTestDatabase } from '../src/testing/database.ts';
import { makeUser, TEST_TOKEN_SECRET } from '../src/testing/index.ts';
import { context, expectDomainError, listen, sql } from './helpers.ts';
import { suite } from './setup.ts';

let sent: SentStatement[] = [];
const opened: Database[] = [];

async function reportingDatabase(url = suite.url()): Promise<Database> {
  const db = await openDatabase({ url, tokenSecret: TEST_TOKEN_SECRET, onQuery: (s) => sent.push(s) });
  opened.push(db);
  return db;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
  sent = [];
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a post in one statement (post_micropost)', () => {
  it('when a post with a key is made, then one statement stores the post, counter, mentions, notifications, outbox events, every feed line and the key record', async () => {
    const db = await reportingDatabase();
    const author = await makeUser(context(), { displayName: 'The Author' });
    const [fan1, fan2, named1, named2, bystander] = await Promise.all(
      Array.from({ length: 5 }, () => makeUser(context())),
    );
    for (const fan of [fan1!, fan2!, named1!]) {
      await followUser(context(), { followerId: fan.id, username: author.username });
    }
    const text = `hi @${named2!.username.toUpperCase()} and @${named1!.username}, @${author.username} @nobody_at_all @${named2!.username}`;
    sent = [];
    const { post, replayed } = await postMicropostOnce(db.context(), {
      authorId: author.id,
      text,
      key: 'one-statement',
      fingerprint: 'fp-1',
    });

    expect(replayed).to.equal(false);
    expect(sent.map((s) => s.sql)).to.have.length(1);
    expect(sent[0]?.sql).to.match(/^call post_micropost_committed\(\$1/);
    expect(post).to.deep.include({ text, editedAt: null });
    expect(post.author).to.deep.equal({ id: author.id, username: author.username, displayName: 'The Author' });
    expect(post.mentions, 'registered names, in order of appearance').to.deep.equal([
      named2!.username,
      named1!.username,
      author.username,
    ]);

    const [stored] = await sql<{ author_id: string; text: string; created_at: Date; change_seq: string | null }>(
      'select author_id::text, text, created_at, change_seq::text from microposts where id = ?',
      [post.id],
    );
    expect(stored).to.deep.include({ author_id: author.id, text });
    expect(new Date(stored!.created_at).toISOString()).to.equal(post.createdAt.toISOString());
    expect(stored?.change_seq, 'the change_seq trigger fired').to.match(/^[1-9][0-9]*$/);
    const [counter] = await sql<{ posts_count: number }>('select posts_count from users where id = ?', [author.id]);
    expect(counter?.posts_count).to.equal(1);

    const mentions = await sql<{ user_id: string }>(
      'select user_id::text from mentions where micropost_id = ? order by user_id',
      [post.id],
    );
    expect(mentions.map((m) => m.user_id)).to.have.members([named1!.id, named2!.id, author.id]);

    const notifications = await sql<{ id: string; recipient_id: string; kind: string; actor_id: string }>(
      'select id::text, recipient_id::text, kind, actor_id::text from notifications where micropost_id = ? order by id',
      [post.id],
    );
    expect(
      notifications.map((n) => n.recipient_id),
      'never the author',
    ).to.have.members([named1!.id, named2!.id]);
    for (const n of notifications) expect(n).to.deep.include({ kind: 'mention', actor_id: author.id });

    const events = await sql<{ type: string; payload: Record<string, unknown>; processed_at: Date | null }>(
      `select type, payload, processed_at from outbox_events where payload->>'micropostId' = ? order by id`,
      [post.id],
    );
    expect(events.map((e) => e.type)).to.deep.equal(['user.mentioned', 'user.mentioned']);
    expect(events.map((e) => e.payload)).to.have.deep.members(
      notifications.map((n) => ({
        notificationId: n.id,
        micropostId: post.id,
        authorId: author.id,
        authorUsername: author.username,
        mentionedUserId: n.recipient_id,
        excerpt: [...text].slice(0, 120).join(''),
      })),
    );
    expect(events.every((e) => e.processed_at === null)).to.equal(true);

    const feed = await sql<{ owner_id: string; created_at: Date; author_id: string }>(
      'select owner_id::text, created_at, author_id::text from home_feed where micropost_id = ?',
      [post.id],
    );
    expect(feed.map((line) => line.owner_id)).to.have.members([author.id, fan1!.id, fan2!.id, named1!.id]);
    expect(feed.map((line) => line.owner_id)).not.to.include(bystander!.id);
    for (const line of feed) {
      expect(line.author_id).to.equal(author.id);
      expect(new Date(line.created_at).toISOString()).to.equal(post.createdAt.toISOString());
    }

    const [record] = await sql<{
      fingerprint: string;
      response_status: number;
      response_body: unknown;
      ttl_ms: number;
    }>(
      `select fingerprint, response_status, response_body,
              extract(epoch from expires_at - created_at) * 1000 as ttl_ms
       from idempotency_records where user_id = ? and key = 'one-statement'`,
      [author.id],
    );
    expect(record).to.deep.include({ fingerprint: 'fp-1', response_status: 201 });
    expect(Number(record?.ttl_ms)).to.equal(IDEMPOTENCY_TTL_MS);
    expect(record?.response_body).to.deep.equal(JSON.parse(JSON.stringify(post)));
  });

  it('when the same request is retried, then the first post comes back exactly, nothing more is written, and another request with the key is refused', async () => {
    const author = await makeUser(context());
    const named = await makeUser(context());
    const input = { authorId: author.id, text: `once @${named.username}`, key: 'retry', fingerprint: 'fp' };
    const first = await postMicropostOnce(context(), input);
    const again = await postMicropostOnce(context(), input);
    expect(again.replayed).to.equal(true);
    expect(JSON.stringify(again.post)).to.equal(JSON.stringify(first.post));
    expect(
      await findPostByIdempotencyKey(context(), { userId: author.id, key: 'retry', fingerprint: 'fp' }),
    ).to.deep.equal(first.post);
    await expectDomainError(
      postMicropostOnce(context(), { ...input, text: 'other', fingerprint: 'other' }),
      'idempotency_key_reused',
    );
    await expectDomainError(
      findPostByIdempotencyKey(context(), { userId: author.id, key: 'retry', fingerprint: 'other' }),
      'idempotency_key_reused',
    );
    expect(
      await findPostByIdempotencyKey(context(), { userId: author.id, key: 'unknown', fingerprint: 'fp' }),
    ).to.equal(null);
    const [counts] = await sql<{ posts: number; counter: number; notes: number; events: number }>(
      `select (select count(*)::int from microposts where author_id = ?) as posts,
              (select posts_count from users where id = ?) as counter,
              (select count(*)::int from notifications where actor_id = ?) as notes,
              (select count(*)::int from outbox_events where payload->>'authorId' = ?) as events`,
      [author.id, author.id, author.id, author.id],
    );
    expect(counts).to.deep.equal({ posts: 1, counter: 1, notes: 1, events: 1 });
  });

  it('when duplicates with one key arrive at once, then exactly one post is made and each other answer replays it or says it is in flight', async () => {
    const author = await makeUser(context());
    const fan = await makeUser(context());
    await followUser(context(), { followerId: fan.id, username: author.username });
    const input = { authorId: author.id, text: 'raced', key: 'race', fingerprint: 'fp' };
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => postMicropostOnce(context(), input)));
    const made = results.flatMap((r) => (r.status === 'fulfilled' && !r.value.replayed ? [r.value.post] : []));
    expect(made).to.have.length(1);
    for (const r of results) {
      if (r.status === 'fulfilled') expect(r.value.post.id).to.equal(made[0]!.id);
      else expect((r.reason as { code?: string }).code).to.equal('conflict');
    }
    const [counts] = await sql<{ posts: number; counter: number; feed: number; records: number }>(
      `select (select count(*)::int from microposts where author_id = ?) as posts,
              (select posts_count from users where id = ?) as counter,
              (select count(*)::int from home_feed where author_id = ?) as feed,
              (select count(*)::int from idempotency_records where user_id = ?) as records`,
      [author.id, author.id, author.id, author.id],
    );
    expect(counts).to.deep.equal({ posts: 1, counter: 1, feed: 2, records: 1 });
  });

  it('when a duplicate arrives while the first is held open, then it is a conflict; after the commit it replays', async () => {
    const author = await makeUser(context());
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const input = { authorId: author.id, text: 'slow', key: 'held', fingerprint: 'fp' };
    const first = postMicropostOnce(context(), {
      ...input,
      beforeCommit: async () => {
        entered();
        await held;
      },
    });
    await inside;
    await expectDomainError(postMicropostOnce(context(), input), 'conflict');
    release();
    const made = await first;
    const replay = await postMicropostOnce(context(), input);
    expect(replay).to.deep.equal({ post: made.post, replayed: true });
  });

  it('when the key record is older than 24 hours, then it is replaced and the request makes a new post', async () => {
    const author = await makeUser(context());
    const old = await postMicropostOnce(context(), { authorId: author.id, text: 'old', key: 'aged', fingerprint: 'a' });
    await sql("update idempotency_records set expires_at = now() - interval '1 second' where user_id = ?", [author.id]);
    const fresh = await postMicropostOnce(context(), {
      authorId: author.id,
      text: 'new',
      key: 'aged',
      fingerprint: 'b',
    });
    expect(fresh.replayed).to.equal(false);
    expect(fresh.post.id).not.to.equal(old.post.id);
    const records = await sql<{ fingerprint: string }>(
      'select fingerprint from idempotency_records where user_id = ?',
      [author.id],
    );
    expect(records).to.deep.equal([{ fingerprint: 'b' }]);
  });

  it('when the author does not exist or the text breaks the rules, then nothing is written and the key stays free', async () => {
    const author = await makeUser(context());
    await expectDomainError(
      postMicropostOnce(context(), { authorId: '999999999999', text: 'ghost', key: 'k', fingerprint: 'f' }),
      'not_found',
    );
    await expectDomainError(postMicropost(context(), { authorId: '999999999999', text: 'ghost' }), 'not_found');
    await expectDomainError(
      postMicropostOnce(context(), { authorId: author.id, text: ' ', key: 'k', fingerprint: 'f' }),
      'validation_failed',
    );
    await expectDomainError(
      postMicropostOnce(context(), { authorId: author.id, text: 'x', key: 'tab\there', fingerprint: 'f' }),
      'validation_failed',
    );
    const [counts] = await sql<{ records: number }>(
      `select count(*)::int as records from idempotency_records where key = 'k' and user_id in (?, 999999999999)`,
      [author.id],
    );
    expect(counts?.records).to.equal(0);
    expect(
      (await postMicropostOnce(context(), { authorId: author.id, text: 'ok', key: 'k', fingerprint: 'f' })).replayed,
    ).to.equal(false);
  });

  it('when a signed-in user posts with a warm session, then the request sends at most 2 statements (the post alone)', async () => {
    const db = await reportingDatabase();
    const author = await makeUser(context());
    const session = await startWebSession(context(), { userId: author.id });
    const input = { sessionId: session.id, userId: author.id };
    const deadline = Date.now() + 5000;
    for (;;) {
      sent = [];
      await checkSession(db.context(), input);
      if (sent.length === 0) break;
      if (Date.now() > deadline) expect.fail('the session cache never became warm');
      await pause(10);
    }
    sent = [];
    const ctx = db.context();
    await checkSession(ctx, input);
    await postMicropostOnce(ctx, { authorId: author.id, text: 'warm', key: 'warm', fingerprint: 'f' });
    expect(sent.length).to.be.at.most(2);
    expect(sent.map((s) => s.sql)).to.deep.equal(['call post_micropost_committed($1, $2, $3, $4, $5, $6, $7, $8)']);
    expect(sent[0]?.values.slice(0, 5)).to.deep.equal([author.id, 'warm', [], 'warm', 'f']);
  });

  it('when records of the former form (bff-mobile bodies) exist at migration, then they become views and replay the same post', async () => {
    const other = await createTestDatabase('legacy-records');
    try {
      const orm = await MikroORM.init(ormConfig({ url: other.url, poolSize: 1 }));
      const em = orm.em.fork();
      const thisMigration = { migrations: ['Migration20261126120000_post_micropost_function'] };
      try {
        await orm.migrator.down(thisMigration);
        const [user] = await em.execute<{ id: string }[]>(
          `insert into users (username, username_key, display_name, password_hash)
           values ('Legacy_User', 'legacy_user', 'Legacy', 'x') returning id::text as id`,
        );
        const [post] = await em.execute<{ id: string }[]>(
          `insert into microposts (author_id, text, created_at) values (?, 'old @legacy_user', '2026-11-25T10:00:00.123Z')
           returning id::text as id`,
          [user!.id],
        );
        await em.execute('insert into mentions (micropost_id, user_id) values (?, ?)', [post!.id, user!.id]);
        const body = {
          id: post!.id,
          authorId: user!.id,
          text: 'old @legacy_user',
          createdAt: '2026-11-25T10:00:00.123Z',
          editedAt: null,
        };
        await em.execute(
          `insert into idempotency_records (user_id, key, fingerprint, response_status, response_body, expires_at)
           values (?, 'legacy', 'fp', 201, ?::jsonb, now() + interval '1 hour'),
                  (?, 'other', 'fp', 200, '{"authorId":"1","kept":true}'::jsonb, now() + interval '1 hour')`,
          [user!.id, JSON.stringify(body), user!.id],
        );
        await orm.migrator.up(thisMigration);
        const db = await reportingDatabase(other.url);
        const replayed = await findPostByIdempotencyKey(db.context(), {
          userId: user!.id,
          key: 'legacy',
          fingerprint: 'fp',
        });
        expect(replayed).to.deep.equal({
          id: post!.id,
          author: { id: user!.id, username: 'Legacy_User', displayName: 'Legacy' },
          text: 'old @legacy_user',
          createdAt: new Date('2026-11-25T10:00:00.123Z'),
          editedAt: null,
          mentions: ['Legacy_User'],
        });
        const [untouched] = await em.execute<{ response_body: unknown }[]>(
          `select response_body from idempotency_records where key = 'other'`,
        );
        expect(untouched?.response_body).to.deep.equal({ authorId: '1', kept: true });
        await orm.migrator.down(thisMigration);
        const [back] = await em.execute<{ response_body: unknown }[]>(
          `select response_body from idempotency_records where key = 'legacy'`,
        );
        expect(back?.response_body, 'down() restores the former form').to.deep.equal(body);
      } finally {
        await orm.close(true);
      }
    } finally {
      await Promise.all(opened.splice(0).map((db) => db.close()));
      await other.drop();
    }
  });
});

async function hearAtLeast(listener: { heard: unknown[][] }, count: number, width = 2): Promise<void> {
  const deadline = Date.now() + 2000;
  while (listener.heard.filter((h) => h.length >= width).length < count && Date.now() < deadline) await pause(10);
}

const POST_CHANNELS = ['micropost_changes', 'users_changed', 'home_feed_changed'];
const byNumber = (ids: string[]) => [...ids].sort((a, b) => Number(a) - Number(b));

describe("a post's notifications (sent after its commit)", () => {
  it('when a post is made, then each of its notifications arrives once, naming the author and every feed owner, and the post is readable as each arrives', async () => {
    const db = await reportingDatabase();
    const author = await makeUser(context());
    const [fan1, fan2] = [await makeUser(context()), await makeUser(context())];
    for (const fan of [fan1!, fan2!]) await followUser(context(), { followerId: fan.id, username: author.username });
    const listener = await listen(POST_CHANNELS, {
      text: "select exists (select 1 from microposts where author_id = $1 and text = 'heard after commit') as found",
      values: [author.id],
    });
    try {
      await postMicropostOnce(db.context(), {
        authorId: author.id,
        text: 'heard after commit',
        key: 'heard',
        fingerprint: 'fp',
      });
      await hearAtLeast(listener, 3, 3);
      await pause(50);
      expect(listener.heard).to.have.deep.members([
        ['micropost_changes', author.id, true],
        ['users_changed', author.id, true],
        ['home_feed_changed', byNumber([author.id, fan1!.id, fan2!.id]).join(','), true],
      ]);
      expect(listener.heard).to.have.length(3);
    } finally {
      await listener.close();
    }
  });

  it('when a post is replayed, refused for a reused key or fails for want of an author, then nothing is sent', async () => {
    const author = await makeUser(context());
    const input = { authorId: author.id, text: 'once', key: 'quiet', fingerprint: 'fp' };
    await postMicropostOnce(context(), input);
    const listener = await listen(POST_CHANNELS);
    try {
      expect((await postMicropostOnce(context(), input)).replayed).to.equal(true);
      await expectDomainError(
        postMicropostOnce(context(), { ...input, fingerprint: 'other' }),
        'idempotency_key_reused',
      );
      await expectDomainError(
        postMicropostOnce(context(), { ...input, authorId: '999999999999', key: 'ghost' }),
        'not_found',
      );
      await pause(150);
      expect(listener.heard).to.deep.equal([]);
    } finally {
      await listener.close();
    }
  });

  it('when the connection that made a post runs the next write, then that write notifies with its own commit, as before', async () => {
    const db = await openDatabase({ url: suite.url(), tokenSecret: TEST_TOKEN_SECRET, poolSize: 1 });
    opened.push(db);
    const author = await makeUser(context());
    await postMicropostOnce(db.context(), { authorId: author.id, text: 'first', key: 'k1', fingerprint: 'f' });
    const listener = await listen(['users_changed']);
    try {
      const [left] = (
        await db.context().pool.query<{ collecting: string | null; pending: string | null }>(
          `select current_setting('microblog.notify_after_commit', true) as collecting,
                  current_setting('microblog.pending_notifications', true) as pending`,
        )
      ).rows;
      expect(left?.collecting || null, 'nothing of the post is left on the connection').to.equal(null);
      expect(left?.pending || null).to.equal(null);
      await db.context().pool.query("update users set bio = 'later' where id = $1", [author.id]);
      await hearAtLeast(listener, 1);
      expect(listener.heard).to.deep.equal([['users_changed', author.id]]);
    } finally {
      await listener.close();
    }
  });

  it("when a post is made inside the caller's transaction, then its notifications leave with that commit, and none after a rollback", async () => {
    const author = await makeUser(context());
    const listener = await listen(POST_CHANNELS);
    try {
      let heardBeforeCommit = -1;
      await postMicropostOnce(context(), {
        authorId: author.id,
        text: 'inside',
        key: 'inside',
        fingerprint: 'f',
        beforeCommit: async () => {
          await pause(100);
          heardBeforeCommit = listener.heard.length;
        },
      });
      await hearAtLeast(listener, 3);
      expect(heardBeforeCommit).to.equal(0);
      expect(listener.heard.map(([channel]) => channel)).to.have.members(POST_CHANNELS);

      listener.heard.length = 0;
      await postMicropostOnce(context(), {
        authorId: author.id,
        text: 'rolled back',
        key: 'rolled-back',
        fingerprint: 'f',
        beforeCommit: async () => {
          throw new Error('roll back');
        },
      }).catch(() => undefined);
      await pause(150);
      expect(listener.heard).to.deep.equal([]);
      const [posts] = await sql<{ n: number }>('select count(*)::int as n from microposts where author_id = ?', [
        author.id,
      ]);
      expect(posts?.n).to.equal(1);
    } finally {
      await listener.close();
    }
  });
});
