import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import net from 'node:net';
import { expect } from 'chai';
import { Client } from 'pg';
import {
  getProfile,
  openDatabase,
  STATEMENT_TIMEOUT_CHANNEL,
  translateError,
  Unavailable,
  type Database,
} from '../src/index.ts';
import { makeUser, TEST_TOKEN_SECRET } from '../src/testing/index.ts';
import { expectDomainError } from './helpers.ts';
import { suite } from './setup.ts';

/** Holds an ACCESS EXCLUSIVE lock on `table` in a connection of its own until `release()`. */
async function lockTable(url: string, table: string): Promise<{ release(): Promise<void> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('begin');
  await client.query(`lock table ${table} in access exclusive mode`);
  return {
    async release() {
      await client.query('rollback');
      await client.end();
    },
  };
}

describe('runtime limits of the pooled connections', () => {
  let db: Database;
  const acquired: number[] = [];

  before(async () => {
    db = await openDatabase({
      url: suite.url(),
      tokenSecret: TEST_TOKEN_SECRET,
      poolSize: 2,
      statementTimeoutMs: 300,
      idleInTransactionTimeoutMs: 400,
      onConnectionAcquired: (seconds) => acquired.push(seconds),
    });
  });
  after(() => db.close());

  it('starts every pooled connection with the statement and idle-in-transaction timeouts', async () => {
    const [row] = await db
      .context()
      .em.execute<Array<{ statement: string; idle: string }>>(
        `select current_setting('statement_timeout') as statement, current_setting('idle_in_transaction_session_timeout') as idle`,
      );
    expect(row).to.deep.equal({ statement: '300ms', idle: '400ms' });
  });

  it('keeps the defaults of 5 s and 10 s when nothing is configured', async () => {
    const defaults = await openDatabase({ url: suite.url(), tokenSecret: TEST_TOKEN_SECRET, poolSize: 1 });
    try {
      const [row] = await defaults
        .context()
        .em.execute<Array<{ statement: string; idle: string }>>(
          `select current_setting('statement_timeout') as statement, current_setting('idle_in_transaction_session_timeout') as idle`,
        );
      expect(row).to.deep.equal({ statement: '5s', idle: '10s' });
    } finally {
      await defaults.close();
    }
  });

  it('turns a statement cancelled by the timeout into Unavailable and announces it', async () => {
    const user = await makeUser(db.context());
    const announced: unknown[] = [];
    const listener = (message: unknown) => announced.push(message);
    subscribe(STATEMENT_TIMEOUT_CHANNEL, listener);
    const lock = await lockTable(suite.url(), 'users');
    try {
      const error = await expectDomainError<Unavailable>(
        getProfile(db.context(), { username: user.username }),
        'unavailable',
      );
      expect(error).to.be.instanceOf(Unavailable);
      expect(error.message).to.equal('a database statement took too long');
      expect(announced).to.have.length(1);
    } finally {
      unsubscribe(STATEMENT_TIMEOUT_CHANNEL, listener);
      await lock.release();
    }
  });

  it('ends a transaction left idle past the idle-in-transaction limit: the next statement in it is Unavailable', async () => {
    const work = db.context().em.transactional(async (tx) => {
      await tx.execute('select 1');
      await new Promise((resolve) => setTimeout(resolve, 700));
      await tx.execute('select 1');
    });
    const error = await work.then(
      () => null,
      (e: unknown) => translateError(e),
    );
    expect(error).to.be.instanceOf(Unavailable);
    // The connection the server ended went back to the pool (and was dropped there), not leaked as checked out.
    const stats = db.poolStats();
    expect(stats.idle).to.equal(stats.size);
    expect(await db.context().em.execute('select 1 as one')).to.deep.equal([{ one: 1 }]);
  });

  it('reports the pool size, idle and waiting connections and times each acquisition', async () => {
    acquired.length = 0;
    await Promise.all([1, 2, 3].map(() => db.context().em.execute('select pg_sleep(0.05)')));
    const stats = db.poolStats();
    expect(stats.max).to.equal(2);
    expect(stats.size).to.be.within(1, 2);
    expect(stats.idle).to.equal(stats.size);
    expect(stats.waiting).to.equal(0);
    expect(acquired).to.have.length(3);
    // The third statement had to wait for one of the two connections.
    expect(Math.max(...acquired)).to.be.greaterThan(0.03);
  });

  it('answers readiness from a connection of its own while every pooled connection is stuck', async () => {
    const lock = await lockTable(suite.url(), 'users');
    try {
      const stuck = [1, 2, 3].map(() =>
        db
          .context()
          .em.execute('select count(*) from users')
          .catch((e: unknown) => e),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(db.poolStats().waiting).to.equal(1);
      expect(await db.isReachable()).to.equal(true);
      await Promise.all(stuck);
    } finally {
      await lock.release();
    }
  });

  it('says not reachable within about a second when the server accepts connections but never answers', async () => {
    // A black hole: it accepts the TCP connection and then says nothing, as a hung server would.
    const sockets: net.Socket[] = [];
    const silentServer = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    const port = (silentServer.address() as net.AddressInfo).port;
    const silent = await openDatabase({
      url: `postgres://postgres@127.0.0.1:${port}/none`,
      tokenSecret: TEST_TOKEN_SECRET,
    });
    try {
      const started = Date.now();
      expect(await silent.isReachable()).to.equal(false);
      const waited = Date.now() - started;
      expect(waited).to.be.within(900, 2500);
    } finally {
      await silent.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silentServer.close(resolve));
    }
  });

  it('counts the undelivered outbox events and the age of the oldest', async () => {
    const before = await db.outboxBacklog();
    const em = db.context().em;
    const [row] = await em.execute<Array<{ id: string }>>(
      `insert into outbox_events (type, payload, created_at, available_at)
       values ('user.followed', '{}', now() - interval '90 seconds', now() + interval '1 hour') returning id`,
    );
    const after = await db.outboxBacklog();
    expect(after.pending).to.equal(before.pending + 1);
    expect(after.oldestAgeSeconds).to.be.at.least(90);
    await em.execute(`update outbox_events set processed_at = now() where id = ?`, [row!.id]);
    expect((await db.outboxBacklog()).pending).to.equal(before.pending);
  });
});
