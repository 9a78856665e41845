import { expect } from 'chai';
import { IDEMPOTENCY_TTL_MS, postMicropost, runIdempotent } from '../src/index.ts';
import { makeUser } from '../src/testing/index.ts';
import { context, expectDomainError, sql } from './helpers.ts';

async function postCount(userId: string): Promise<number> {
  const [row] = await sql<{ n: number }>('select count(*)::int as n from microposts where author_id = ?', [userId]);
  return row?.n ?? 0;
}

describe('idempotent writes', () => {
  it('when a request is retried with the same key and fingerprint, then the first answer is replayed and one post exists', async () => {
    const user = await makeUser(context());
    const work = async (tx: Parameters<Parameters<typeof runIdempotent>[2]>[0]) => {
      const post = await postMicropost(tx, { authorId: user.id, text: 'once' });
      return { status: 201, body: { id: post.id } };
    };
    const first = await runIdempotent(context(), { userId: user.id, key: 'k-1', fingerprint: 'f' }, work);
    const retry = await runIdempotent(context(), { userId: user.id, key: 'k-1', fingerprint: 'f' }, work);
    expect(first.replayed).to.equal(false);
    expect(retry).to.deep.equal({ status: 201, body: first.body, replayed: true });
    expect(await postCount(user.id)).to.equal(1);
  });

  it('when the same key comes with another request, then it is refused and nothing more is written', async () => {
    const user = await makeUser(context());
    await runIdempotent(context(), { userId: user.id, key: 'k', fingerprint: 'a' }, async (tx) => {
      await postMicropost(tx, { authorId: user.id, text: 'a' });
      return { status: 201, body: {} };
    });
    await expectDomainError(
      runIdempotent(context(), { userId: user.id, key: 'k', fingerprint: 'b' }, async (tx) => {
        await postMicropost(tx, { authorId: user.id, text: 'b' });
        return { status: 201, body: {} };
      }),
      'idempotency_key_reused',
    );
    expect(await postCount(user.id)).to.equal(1);
  });

  it('when a duplicate arrives while the first is still running, then it is a conflict', async () => {
    const user = await makeUser(context());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = runIdempotent(context(), { userId: user.id, key: 'slow', fingerprint: 'f' }, async (tx) => {
      started();
      await gate;
      await postMicropost(tx, { authorId: user.id, text: 'slow' });
      return { status: 201, body: {} };
    });
    await running;
    await expectDomainError(
      runIdempotent(context(), { userId: user.id, key: 'slow', fingerprint: 'f' }, async () => ({
        status: 201,
        body: {},
      })),
      'conflict',
    );
    release();
    await first;
    expect(await postCount(user.id)).to.equal(1);
  });

  it('when the work fails, then neither the post nor the key is kept, and a retry runs again', async () => {
    const user = await makeUser(context());
    await expectDomainError(
      runIdempotent(context(), { userId: user.id, key: 'boom', fingerprint: 'f' }, async (tx) => {
        await postMicropost(tx, { authorId: user.id, text: 'will roll back' });
        await postMicropost(tx, { authorId: user.id, text: '' });
        return { status: 201, body: {} };
      }),
      'validation_failed',
    );
    expect(await postCount(user.id)).to.equal(0);
    const [keys] = await sql<{ n: number }>(
      "select count(*)::int as n from idempotency_records where user_id = ? and key = 'boom'",
      [user.id],
    );
    expect(keys?.n).to.equal(0);
  });

  it('when keys belong to different users, then they do not collide; and a key older than 24 hours is forgotten', async () => {
    const [a, b] = [await makeUser(context()), await makeUser(context())];
    const one = await runIdempotent(context(), { userId: a.id, key: 'same', fingerprint: 'x' }, async () => ({
      status: 201,
      body: { who: 'a' },
    }));
    const two = await runIdempotent(context(), { userId: b.id, key: 'same', fingerprint: 'y' }, async () => ({
      status: 201,
      body: { who: 'b' },
    }));
    expect([one.replayed, two.replayed]).to.deep.equal([false, false]);
    await sql("update idempotency_records set expires_at = now() - interval '1 second' where user_id = ?", [a.id]);
    const again = await runIdempotent(context(), { userId: a.id, key: 'same', fingerprint: 'z' }, async () => ({
      status: 201,
      body: { who: 'a2' },
    }));
    expect(again).to.deep.equal({ status: 201, body: { who: 'a2' }, replayed: false });
    expect(IDEMPOTENCY_TTL_MS).to.equal(24 * 3600_000);
  });

  it('when the key is not printable ASCII or too long, then it is refused', async () => {
    const user = await makeUser(context());
    for (const key of ['', 'é', 'x'.repeat(256), 'tab\there']) {
      await expectDomainError(
        runIdempotent(context(), { userId: user.id, key, fingerprint: 'f' }, async () => ({ status: 201, body: {} })),
        'validation_failed',
      );
    }
  });
});
