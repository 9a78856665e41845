import { randomUUID } from 'node:crypto';
import { getMicropost, openDatabase, runIdempotent, type SentStatement } from '@microblog/domain';
import { TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { expect } from 'chai';
import { requestFingerprint } from '../src/v1/routes/posts.ts';
import { post, signUp, startApp } from './helpers.ts';
import { suite } from './setup.ts';

describe('posts', () => {
  it('when the app posts with an Idempotency-Key, then 201 answers the compact micropost and it is stored', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const answer = await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'Hello  world ' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(answer.status).to.equal(201);
    expect(answer.body).to.include({ authorId: user.id, text: 'Hello  world ', editedAt: null });
    expect(Object.keys(answer.body)).to.have.members(['id', 'authorId', 'text', 'createdAt', 'editedAt']);
    expect(answer.headers.get('idempotent-replayed')).to.equal(null);
    const stored = await getMicropost(suite.database().context(), { id: answer.body.id });
    expect(stored.text).to.equal('Hello  world ');
  });

  it('when the Idempotency-Key is missing or not printable ASCII, then 400 and nothing is posted', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const missing = await app.call('createPost', 'POST', '/v1/posts', { token: user.token, body: { text: 'no key' } });
    expect(missing.status).to.equal(400);
    expect(missing.body.code).to.equal('bad_request');
    const tooLong = await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'long key' },
      headers: { 'idempotency-key': 'k'.repeat(256) },
    });
    expect(tooLong.status).to.equal(400);
    const page = await app.call('listUserPosts', 'GET', `/v1/users/${user.username}/posts`);
    expect(page.body.items).to.deep.equal([]);
  });

  it('when the same request is retried with the same key, then the first answer is replayed and only one post exists', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const key = randomUUID();
    const first = await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'once' },
      headers: { 'idempotency-key': key },
    });
    const again = await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'once' },
      headers: { 'idempotency-key': key },
    });
    expect(again.status).to.equal(201);
    expect(again.body).to.deep.equal(first.body);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    const page = await app.call('listUserPosts', 'GET', `/v1/users/${user.username}/posts`);
    expect(page.body.items.map((p: { id: string }) => p.id)).to.deep.equal([first.body.id]);
  });

  it('when another user uses the same key, then it is theirs alone (keys are per user)', async () => {
    const app = await startApp();
    const [a, b] = [await signUp(app), await signUp(app)];
    const key = randomUUID();
    const first = await app.call('createPost', 'POST', '/v1/posts', {
      token: a.token,
      body: { text: 'same' },
      headers: { 'idempotency-key': key },
    });
    const second = await app.call('createPost', 'POST', '/v1/posts', {
      token: b.token,
      body: { text: 'same' },
      headers: { 'idempotency-key': key },
    });
    expect(second.status).to.equal(201);
    expect(second.body.id).to.not.equal(first.body.id);
    expect(second.headers.get('idempotent-replayed')).to.equal(null);
  });

  it('when the same key comes with another body, then 422 idempotency_key_reused', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const key = randomUUID();
    await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'first' },
      headers: { 'idempotency-key': key },
    });
    const other = await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'second' },
      headers: { 'idempotency-key': key },
    });
    expect(other.status).to.equal(422);
    expect(other.body.code).to.equal('idempotency_key_reused');
  });

  it('when the same key arrives while the first request is still running, then 409 conflict, and the first completes', async () => {
    let release!: () => void;
    let entered!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let calls = 0;
    const app = await startApp({
      hooks: {
        insideCreatePost: async () => {
          calls += 1;
          if (calls === 1) {
            entered();
            await held;
          }
        },
      },
    });
    const user = await signUp(app);
    const key = randomUUID();
    const first = app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'slow' },
      headers: { 'idempotency-key': key },
    });
    await inside;
    const second = await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'slow' },
      headers: { 'idempotency-key': key },
    });
    expect(second.status).to.equal(409);
    expect(second.body.code).to.equal('conflict');
    release();
    expect((await first).status).to.equal(201);
  });

  it('when runIdempotent is called twice in parallel with one key, then one runs the work and the other is refused as in flight or replayed', async () => {
    const db = suite.database();
    const app = await startApp();
    const user = await signUp(app);
    const input = {
      userId: user.id,
      key: randomUUID(),
      fingerprint: requestFingerprint('POST', '/v1/posts', { text: 'x' }),
    };
    let runs = 0;
    const work = async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { status: 201, body: { ok: true } };
    };
    const results = await Promise.allSettled([
      runIdempotent(db.context(), input, work),
      runIdempotent(db.context(), input, work),
    ]);
    expect(runs).to.equal(1);
    const codes = results.map((r) =>
      r.status === 'fulfilled' ? (r.value.replayed ? 'replayed' : 'ran') : (r.reason as { code: string }).code,
    );
    expect(codes).to.include('ran');
    expect(codes.filter((c) => c !== 'ran')).to.satisfy((rest: string[]) =>
      rest.every((c) => c === 'conflict' || c === 'replayed'),
    );
  });

  it('when the text breaks the rules, then 422 names the field, and the key can be used again', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const key = randomUUID();
    for (const text of ['', '   ', 'x'.repeat(256), 'bad\u0007char']) {
      const answer = await app.call('createPost', 'POST', '/v1/posts', {
        token: user.token,
        body: { text },
        headers: { 'idempotency-key': key },
      });
      expect(answer.status, JSON.stringify(text)).to.equal(422);
      expect(answer.body.errors[0].field).to.equal('text');
    }
    const ok = await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'é'.normalize('NFD').repeat(255) },
      headers: { 'idempotency-key': key },
    });
    expect(ok.status).to.equal(201);
  });

  it('when the body has unknown fields or is not JSON, then 422 or 415', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const extra = await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'hi', html: '<b>' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(extra.status).to.equal(422);
    expect(extra.body.errors).to.deep.include({ field: 'html', message: 'is not a known field' });
    const text = await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      rawBody: 'hi',
      headers: { 'idempotency-key': randomUUID(), 'content-type': 'text/plain' },
    });
    expect(text.status).to.equal(415);
  });

  it('when the author edits, then the edited micropost comes back alone with editedAt set', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const created = await post(app, user, 'typo');
    const edited = await app.call('editPost', 'PATCH', `/v1/posts/${created.id}`, {
      token: user.token,
      body: { text: 'fixed' },
    });
    expect(edited.status).to.equal(200);
    expect(edited.body).to.include({ id: created.id, text: 'fixed', authorId: user.id });
    expect(edited.body.editedAt).to.be.a('string');
    expect((await getMicropost(suite.database().context(), { id: created.id })).text).to.equal('fixed');
  });

  it('when someone else edits or deletes a post, then 403 and nothing changes; an unknown or bad id is 404 or 400', async () => {
    const app = await startApp();
    const [author, other] = [await signUp(app), await signUp(app)];
    const created = await post(app, author, 'mine');
    const edit = await app.call('editPost', 'PATCH', `/v1/posts/${created.id}`, {
      token: other.token,
      body: { text: 'yours' },
    });
    expect(edit.status).to.equal(403);
    expect(edit.body.code).to.equal('forbidden');
    const del = await app.call('deletePost', 'DELETE', `/v1/posts/${created.id}`, { token: other.token });
    expect(del.status).to.equal(403);
    expect((await getMicropost(suite.database().context(), { id: created.id })).text).to.equal('mine');
    expect(
      (await app.call('editPost', 'PATCH', '/v1/posts/999999999999', { token: author.token, body: { text: 'x' } }))
        .status,
    ).to.equal(404);
    expect((await app.call('deletePost', 'DELETE', '/v1/posts/abc', { token: author.token })).status).to.equal(400);
    expect(
      (await app.call('editPost', 'PATCH', `/v1/posts/${created.id}`, { token: author.token, body: { text: '' } }))
        .status,
    ).to.equal(422);
    expect((await app.call('editPost', 'PATCH', `/v1/posts/${created.id}`, { body: { text: 'x' } })).status).to.equal(
      401,
    );
  });

  it('when the author deletes, then 204 and the post is gone (404 on a second delete)', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const created = await post(app, user, 'short-lived');
    expect((await app.call('deletePost', 'DELETE', `/v1/posts/${created.id}`, { token: user.token })).status).to.equal(
      204,
    );
    expect((await app.call('deletePost', 'DELETE', `/v1/posts/${created.id}`, { token: user.token })).status).to.equal(
      404,
    );
    const page = await app.call('listUserPosts', 'GET', `/v1/users/${user.username}/posts`);
    expect(page.body.items).to.deep.equal([]);
  });

  it('when a user posts more than the hourly limit, then 429 with Retry-After, and replays are not counted', async () => {
    const app = await startApp({ limits: { postsPerUser: { points: 2, durationSeconds: 3600 } } });
    const user = await signUp(app);
    const key = randomUUID();
    await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'one' },
      headers: { 'idempotency-key': key },
    });
    const replay = await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'one' },
      headers: { 'idempotency-key': key },
    });
    expect(replay.status).to.equal(201);
    await post(app, user, 'two');
    const third = await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'three' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(third.status).to.equal(429);
    expect(third.body.code).to.equal('rate_limited');
    expect(Number(third.headers.get('retry-after'))).to.be.greaterThan(0);
    const other = await signUp(app);
    expect(
      (
        await app.call('createPost', 'POST', '/v1/posts', {
          token: other.token,
          body: { text: 'fine' },
          headers: { 'idempotency-key': randomUUID() },
        })
      ).status,
    ).to.equal(201);
  });

  it('when over the post limit, then a retry of a post already made is still answered with it, byte for byte', async () => {
    const app = await startApp({ limits: { postsPerUser: { points: 1, durationSeconds: 3600 } } });
    const user = await signUp(app);
    const key = randomUUID();
    const send = () =>
      fetch(`${app.url}/v1/posts`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${user.token}`,
          'content-type': 'application/json',
          'accept-encoding': 'identity',
          'idempotency-key': key,
        },
        body: JSON.stringify({ text: 'the one' }),
      });
    const first = await send();
    const firstBody = await first.text();
    expect(first.status).to.equal(201);
    const over = await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'one too many' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(over.status).to.equal(429);
    const retry = await send();
    expect(retry.status).to.equal(201);
    expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    expect(await retry.text()).to.equal(firstBody);
    const reused = await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: 'another text' },
      headers: { 'idempotency-key': key },
    });
    expect(reused.status).to.equal(422);
    expect(reused.body.code).to.equal('idempotency_key_reused');
  });

  it('when the app sends one key several times at once, then one post is made and every other answer replays it or is 409', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        app.call('createPost', 'POST', '/v1/posts', {
          token: user.token,
          body: { text: 'at once' },
          headers: { 'idempotency-key': key },
        }),
      ),
    );
    const made = answers.filter((a) => a.status === 201 && a.headers.get('idempotent-replayed') === null);
    expect(made).to.have.length(1);
    for (const answer of answers) {
      if (answer.status === 201) expect(answer.body).to.deep.equal(made[0]!.body);
      else expect(answer.status).to.equal(409);
    }
    const page = await app.call('listUserPosts', 'GET', `/v1/users/${user.username}/posts`);
    expect(page.body.items.map((p: { id: string }) => p.id)).to.deep.equal([made[0]!.body.id]);
  });

  it('when a signed-in app posts with its session warm, then the request sends at most 2 statements to PostgreSQL (the post is one)', async () => {
    const sent: SentStatement[] = [];
    const db = await openDatabase({ url: suite.url(), tokenSecret: TEST_TOKEN_SECRET, onQuery: (s) => sent.push(s) });
    try {
      const app = await startApp({ db });
      const user = await signUp(app);
      const sessionChecks = () => sent.filter((s) => /from sessions/.test(s.sql)).length;
      const deadline = Date.now() + 5000;
      for (;;) {
        const before = sessionChecks();
        expect((await app.call('getMe', 'GET', '/v1/me', { token: user.token })).status).to.equal(200);
        if (sessionChecks() === before) break;
        if (Date.now() > deadline) expect.fail('the session cache never became warm');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      sent.length = 0;
      const created = await app.call('createPost', 'POST', '/v1/posts', {
        token: user.token,
        body: { text: 'two round trips at most' },
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(created.status).to.equal(201);
      expect(sent.length, sent.map((s) => s.sql).join('\n')).to.be.at.most(2);
      expect(sent.filter((s) => /post_micropost_committed\(/.test(s.sql))).to.have.length(1);
    } finally {
      await db.close();
    }
  });
});
