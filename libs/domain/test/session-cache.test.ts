import { expect } from 'chai';
import {
  changePassword,
  checkSession,
  openDatabase,
  revokeSession,
  rotateRefreshToken,
  startDeviceSession,
  startWebSession,
  type Database,
  type SentStatement,
  type SessionCacheOptions,
} from '../src/index.ts';
import { makeUser, TEST_PASSWORD, TEST_TOKEN_SECRET } from '../src/testing/index.ts';
import { context, expectDomainError, sql } from './helpers.ts';
import { suite } from './setup.ts';

// Two processes' worth of handles on one database: A is the suite's, B another with its own cache and listener.
const opened: Database[] = [];
let sent: SentStatement[] = [];

async function instanceB(cache: SessionCacheOptions = {}): Promise<Database> {
  const db = await openDatabase({
    url: suite.url(),
    tokenSecret: TEST_TOKEN_SECRET,
    sessionCache: cache,
    onQuery: (s) => sent.push(s),
  });
  opened.push(db);
  return db;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
  sent = [];
});

const sessionStatements = () => sent.filter((s) => /from sessions/.test(s.sql)).length;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Checks the session on `db` until one check is answered without a statement (the cache is warm). */
async function warm(db: Database, input: { sessionId: string; userId: string }): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const before = sessionStatements();
    await checkSession(db.context(), input);
    if (sessionStatements() === before) return;
    await pause(10);
  }
  expect.fail('the session cache never became warm');
}

/** Polls `db` until it refuses the session; returns how many ms after `since` that was (fails past `withinMs`). */
async function refusedWithin(
  db: Database,
  input: { sessionId: string; userId: string },
  since: number,
  withinMs: number,
): Promise<number> {
  for (;;) {
    const refused = await checkSession(db.context(), input).then(
      () => false,
      (error: { code?: string }) => {
        expect(error.code).to.equal('unauthenticated');
        return true;
      },
    );
    const elapsed = Date.now() - since;
    if (refused) return elapsed;
    if (elapsed > withinMs) expect.fail(`the session was still accepted ${elapsed} ms after its revocation`);
    // Let the notification in: a check answered from the cache never waits for I/O.
    await pause(1);
  }
}

const phone = { id: 'cache-device', name: 'Phone', platform: 'android' };

describe('session cache across instances', () => {
  it('when a session is warm on B and signed out on A, then B refuses it within 100 ms and A at once', async () => {
    const b = await instanceB();
    const user = await makeUser(context());
    const session = await startWebSession(context(), { userId: user.id });
    const input = { sessionId: session.id, userId: user.id };
    await warm(b, input);
    await warm(suite.database(), input);

    await revokeSession(context(), { ...input, reason: 'signed_out' });
    const revokedAt = Date.now();
    await expectDomainError(checkSession(context(), input), 'unauthenticated');
    const ms = await refusedWithin(b, input, revokedAt, 100);
    expect(ms).to.be.at.most(100);
  });

  it('when the password changes on A, then the other sessions warm on B are refused within 100 ms and the kept one still works', async () => {
    const b = await instanceB();
    const user = await makeUser(context());
    const kept = await startWebSession(context(), { userId: user.id });
    const other = await startDeviceSession(context(), { userId: user.id, device: phone });
    await warm(b, { sessionId: kept.id, userId: user.id });
    await warm(b, { sessionId: other.session.id, userId: user.id });

    await changePassword(context(), {
      userId: user.id,
      currentPassword: TEST_PASSWORD,
      newPassword: 'a brand new passphrase 42',
      keepSessionId: kept.id,
    });
    await refusedWithin(b, { sessionId: other.session.id, userId: user.id }, Date.now(), 100);
    expect((await checkSession(b.context(), { sessionId: kept.id, userId: user.id })).id).to.equal(kept.id);
  });

  it('when a rotated refresh token is replayed on A, then B refuses the device session within 100 ms', async () => {
    const b = await instanceB();
    const user = await makeUser(context());
    const { session, refreshToken } = await startDeviceSession(context(), { userId: user.id, device: phone });
    await rotateRefreshToken(context(), { refreshToken, reuseGraceMs: 0 });
    await warm(b, { sessionId: session.id, userId: user.id });

    await expectDomainError(rotateRefreshToken(context(), { refreshToken, reuseGraceMs: 0 }), 'invalid_grant');
    await refusedWithin(b, { sessionId: session.id, userId: user.id }, Date.now(), 100);
  });

  it('when the same device signs in again on A, then B refuses the replaced session within 100 ms', async () => {
    const b = await instanceB();
    const user = await makeUser(context());
    const old = await startDeviceSession(context(), { userId: user.id, device: phone });
    await warm(b, { sessionId: old.session.id, userId: user.id });

    const fresh = await startDeviceSession(context(), { userId: user.id, device: phone });
    await refusedWithin(b, { sessionId: old.session.id, userId: user.id }, Date.now(), 100);
    expect((await checkSession(b.context(), { sessionId: fresh.session.id, userId: user.id })).id).to.equal(
      fresh.session.id,
    );
  });

  it("when another user's id comes with a warm session id, then the cache does not answer for it and the check fails", async () => {
    const b = await instanceB();
    const owner = await makeUser(context());
    const intruder = await makeUser(context());
    const session = await startWebSession(context(), { userId: owner.id });
    await warm(b, { sessionId: session.id, userId: owner.id });

    await expectDomainError(
      checkSession(b.context(), { sessionId: session.id, userId: intruder.id }),
      'unauthenticated',
    );
    const answered = await checkSession(b.context(), { sessionId: session.id, userId: owner.id });
    expect(answered.userId).to.equal(owner.id);
  });

  it('when the listener loses its connection, then nothing is served from the cache until it is back, and a revocation it missed is never covered', async () => {
    const b = await instanceB();
    const user = await makeUser(context());
    const session = await startWebSession(context(), { userId: user.id });
    const input = { sessionId: session.id, userId: user.id };
    await warm(b, input);

    await sql(`select pg_terminate_backend(pid) from pg_stat_activity
               where datname = current_database() and application_name = 'microblog-cache-listener'`);
    const deadline = Date.now() + 5000;
    while (b.sessionCache?.listening && Date.now() < deadline) await pause(5);
    expect(b.sessionCache?.listening).to.equal(false);
    expect(b.sessionCache?.size).to.equal(0);

    // Revoked behind the listener's back: no notification reaches B.
    await sql("update sessions set revoked_at = now(), revoked_reason = 'test' where id = ?", [session.id]);
    await expectDomainError(checkSession(b.context(), input), 'unauthenticated');
    while (!b.sessionCache?.listening && Date.now() < deadline + 5000) await pause(10);
    expect(b.sessionCache?.listening, 'the listener reconnects').to.equal(true);
    await expectDomainError(checkSession(b.context(), input), 'unauthenticated');

    const next = await startWebSession(context(), { userId: user.id });
    await warm(b, { sessionId: next.id, userId: user.id });
  });

  it('when a revocation bypasses the notification, then the entry still ends with its TTL', async () => {
    const b = await instanceB({ ttlMs: 300 });
    const user = await makeUser(context());
    const session = await startWebSession(context(), { userId: user.id });
    const input = { sessionId: session.id, userId: user.id };
    await warm(b, input);

    // Replication's apply mode skips triggers: the one way left to revoke without notifying.
    await context().em.transactional(async (em) => {
      await em.execute('set local session_replication_role = replica');
      await em.execute("update sessions set revoked_at = now(), revoked_reason = 'test' where id = ?", [session.id]);
    });
    await refusedWithin(b, input, Date.now(), 2000);
  });

  it('when an operator revokes or deletes sessions by hand in SQL, then B refuses them within 100 ms', async () => {
    const b = await instanceB();
    const user = await makeUser(context());
    const [revoked, deleted] = [
      await startWebSession(context(), { userId: user.id }),
      await startWebSession(context(), { userId: user.id }),
    ];
    await warm(b, { sessionId: revoked.id, userId: user.id });
    await warm(b, { sessionId: deleted.id, userId: user.id });

    const since = Date.now();
    await sql("update sessions set revoked_at = now(), revoked_reason = 'operator' where id = ?", [revoked.id]);
    await refusedWithin(b, { sessionId: revoked.id, userId: user.id }, since, 100);

    await warm(b, { sessionId: deleted.id, userId: user.id });
    const later = Date.now();
    await sql('delete from sessions where id = ?', [deleted.id]);
    await refusedWithin(b, { sessionId: deleted.id, userId: user.id }, later, 100);
  });

  it('when more sessions are checked than the cache holds, then it keeps only that many', async () => {
    const b = await instanceB({ maxEntries: 3 });
    const user = await makeUser(context());
    for (let i = 0; i < 5; i++) {
      const session = await startWebSession(context(), { userId: user.id });
      await warm(b, { sessionId: session.id, userId: user.id });
    }
    expect(b.sessionCache?.size).to.equal(3);
  });

  it('when a session is checked warm, then no statement is sent; cold, exactly one', async () => {
    const b = await instanceB();
    const user = await makeUser(context());
    const session = await startWebSession(context(), { userId: user.id });
    const input = { sessionId: session.id, userId: user.id };
    await warm(b, input);
    sent = [];
    await checkSession(b.context(), input);
    expect(sent).to.have.length(0);
    b.sessionCache?.forgetUser(user.id);
    await checkSession(b.context(), input);
    expect(sent).to.have.length(1);
    expect(sent[0]?.values).to.deep.include.members([session.id, user.id]);
  });
});
