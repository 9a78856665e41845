import net from 'node:net';
import { expect } from 'chai';
import {
  checkSession,
  homeTimeline,
  openDatabase,
  postMicropost,
  recordWrite,
  revokeSession,
  startWebSession,
  type Database,
} from '../src/index.ts';
import { makeUser, TEST_TOKEN_SECRET } from '../src/testing/index.ts';
import { context, sql } from './helpers.ts';
import { suite } from './setup.ts';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const firstPage = { kind: 'cursor', cursor: null, limit: 20 } as const;

describe('reads with read replicas', () => {
  const opened: Database[] = [];
  async function withReplicas(replicaUrls: string[]): Promise<Database> {
    const db = await openDatabase({ url: suite.url(), replicaUrls, tokenSecret: TEST_TOKEN_SECRET, poolSize: 2 });
    opened.push(db);
    return db;
  }
  after(async () => {
    await Promise.all(opened.map((db) => db.close()));
  });

  it('when the replica cannot be reached, then timeline reads come from the primary and none fails', async () => {
    const replica = new URL(suite.url());
    replica.port = String(await closedPort());
    const db = await withReplicas([replica.href]);
    const author = await makeUser(db.context());
    const post = await postMicropost(db.context(), { authorId: author.id, text: 'read while the replica is away' });
    for (let i = 0; i < 3; i++) {
      const page = await homeTimeline(db.context(), { viewerId: author.id, paging: firstPage });
      expect(page.items.map((item) => item.id)).to.deep.equal([post.id]);
    }
  });

  it("when a signed-in user writes, then each of their live sessions records the primary's WAL position, and their reads still answer", async () => {
    const db = await withReplicas([suite.url()]);
    const author = await makeUser(db.context());
    const other = await makeUser(db.context());
    const [laptop, phone, ended, othersSession] = await Promise.all([
      startWebSession(db.context(), { userId: author.id }),
      startWebSession(db.context(), { userId: author.id }),
      startWebSession(db.context(), { userId: author.id }),
      startWebSession(db.context(), { userId: other.id }),
    ]);
    await revokeSession(db.context(), { userId: author.id, sessionId: ended.id });
    const request = db.context();
    await checkSession(request, { sessionId: laptop.id, userId: author.id });
    const post = await postMicropost(request, { authorId: author.id, text: 'mine, at once' });
    await recordWrite(request);
    const rows = await sql<{ id: string; lsn: string | null; caught_up: boolean | null }>(
      'select id::text, last_write_lsn::text as lsn, pg_current_wal_insert_lsn() >= last_write_lsn as caught_up from sessions where id in (?, ?, ?, ?) order by id',
      [laptop.id, phone.id, ended.id, othersSession.id],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(laptop.id)?.lsn).to.match(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(byId.get(phone.id)?.lsn).to.equal(byId.get(laptop.id)?.lsn);
    expect(byId.get(laptop.id)?.caught_up).to.equal(true);
    expect(byId.get(ended.id)?.lsn).to.equal(null);
    expect(byId.get(othersSession.id)?.lsn).to.equal(null);
    // The next request of the same user (on any instance) carries the mark and still reads its own post.
    const next = db.context();
    await checkSession(next, { sessionId: phone.id, userId: author.id });
    const page = await homeTimeline(next, { viewerId: author.id, paging: firstPage });
    expect(page.items.map((item) => item.id)).to.deep.equal([post.id]);
  });

  it('when there are no replicas, then a write records nothing on the sessions', async () => {
    const author = await makeUser(context());
    const session = await startWebSession(context(), { userId: author.id });
    const request = context();
    await checkSession(request, { sessionId: session.id, userId: author.id });
    await postMicropost(request, { authorId: author.id, text: 'no replicas here' });
    await recordWrite(request);
    const [row] = await sql<{ lsn: string | null }>('select last_write_lsn::text as lsn from sessions where id = ?', [
      session.id,
    ]);
    expect(row?.lsn).to.equal(null);
  });
});
