import { expect } from 'chai';
import { follow, post, signUp, startApp, TEST_PASSWORD, type AppUser, type TestApp } from './helpers.ts';

type Page = {
  items: Array<{ id: string; authorId: string; text: string }>;
  users: Record<string, { id: string; username: string }>;
  nextCursor: string | null;
  syncToken?: string;
};

async function page(app: TestApp, user: AppUser, query: string): Promise<Page> {
  const answer = await app.call('getTimeline', 'GET', `/v1/timeline${query}`, { token: user.token });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  return answer.body as Page;
}

describe('home timeline', () => {
  it('when the viewer follows someone, then the timeline holds both, newest first, each author once in users', async () => {
    const app = await startApp();
    const [viewer, alice] = [await signUp(app, 'viewer'), await signUp(app, 'alice')];
    await follow(app, viewer, alice);
    const p1 = await post(app, alice, 'a1');
    const p2 = await post(app, viewer, 'v1');
    const p3 = await post(app, alice, 'a2');
    const first = await page(app, viewer, '');
    expect(first.items.map((p) => p.id)).to.deep.equal([p3.id, p2.id, p1.id]);
    expect(Object.keys(first.users)).to.have.members([viewer.id, alice.id]);
    expect(first.users[alice.id]).to.deep.equal({ id: alice.id, username: alice.username, displayName: 'alice user' });
    expect(first.nextCursor).to.equal(null);
    expect(first.syncToken).to.be.a('string');
  });

  it('when the timeline is paged, then only the first page carries a syncToken and the last has no nextCursor', async () => {
    const app = await startApp();
    const viewer = await signUp(app);
    for (let i = 0; i < 5; i++) await post(app, viewer, `p${i}`);
    const first = await page(app, viewer, '?limit=2');
    expect(first.items).to.have.length(2);
    expect(first.syncToken).to.be.a('string');
    const second = await page(app, viewer, `?limit=2&cursor=${first.nextCursor}`);
    expect(second).to.not.have.property('syncToken');
    const third = await page(app, viewer, `?limit=2&cursor=${second.nextCursor}`);
    expect(third.items).to.have.length(1);
    expect(third.nextCursor).to.equal(null);
  });

  it('when others keep posting while the app scrolls, then walking all pages yields every older post once, in order, with no gaps', async () => {
    const app = await startApp();
    const [viewer, alice, bob] = [await signUp(app, 'viewer'), await signUp(app, 'alice'), await signUp(app, 'bob')];
    await follow(app, viewer, alice);
    await follow(app, viewer, bob);
    const before: string[] = [];
    for (let i = 0; i < 12; i++) before.unshift((await post(app, i % 2 ? alice : bob, `old ${i}`)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let n = 0;
    do {
      const current: Page = await page(app, viewer, cursor ? `?limit=5&cursor=${cursor}` : '?limit=5');
      seen.push(...current.items.map((p) => p.id));
      cursor = current.nextCursor;
      // Between two pages, new posts arrive at the top.
      await post(app, alice, `new ${n}`);
      await post(app, bob, `new ${n++}`);
    } while (cursor !== null);
    expect(new Set(seen).size).to.equal(seen.length);
    expect(seen).to.deep.equal(before);
  });

  it('when the cursor is tampered with, malformed, or belongs to another list, then 400', async () => {
    const app = await startApp();
    const [viewer, other] = [await signUp(app), await signUp(app)];
    for (let i = 0; i < 3; i++) await post(app, viewer, `p${i}`);
    const first = await page(app, viewer, '?limit=1');
    const cursor = first.nextCursor!;
    const tampered = cursor.slice(0, -2) + (cursor.endsWith('AA') ? 'BB' : 'AA');
    for (const bad of [tampered, 'garbage', '%21%21']) {
      const answer = await app.call('getTimeline', 'GET', `/v1/timeline?cursor=${bad}`, { token: viewer.token });
      expect(answer.status, bad).to.equal(400);
      expect(answer.body.code).to.equal('bad_request');
    }
    const foreign = await app.call('getTimeline', 'GET', `/v1/timeline?cursor=${cursor}`, { token: other.token });
    expect(foreign.status).to.equal(400);
    const otherList = await app.call('listUserPosts', 'GET', `/v1/users/${viewer.username}/posts?cursor=${cursor}`);
    expect(otherList.status).to.equal(400);
  });

  it('when limit is out of 1..50 or repeated, then 400', async () => {
    const app = await startApp();
    const viewer = await signUp(app);
    for (const q of ['?limit=0', '?limit=51', '?limit=abc', '?limit=1&limit=2']) {
      const answer = await app.call('getTimeline', 'GET', `/v1/timeline${q}`, { token: viewer.token });
      expect(answer.status, q).to.equal(400);
    }
  });

  it('when there is no token, then 401', async () => {
    const app = await startApp();
    expect((await app.call('getTimeline', 'GET', '/v1/timeline')).status).to.equal(401);
    expect((await app.call('getTimelineChanges', 'GET', '/v1/timeline/changes?since=abc')).status).to.equal(401);
  });
});

describe('timeline delta sync', () => {
  it('when posts are created, edited and deleted after the first page, then changes return them and a new token', async () => {
    const app = await startApp();
    const [viewer, alice] = [await signUp(app), await signUp(app)];
    await follow(app, viewer, alice);
    const old = await post(app, alice, 'old');
    const doomed = await post(app, alice, 'doomed');
    const first = await page(app, viewer, '');
    const created = await post(app, alice, 'new');
    await app.call('editPost', 'PATCH', `/v1/posts/${old.id}`, { token: alice.token, body: { text: 'old, edited' } });
    await app.call('deletePost', 'DELETE', `/v1/posts/${doomed.id}`, { token: alice.token });
    const changes = await app.call('getTimelineChanges', 'GET', `/v1/timeline/changes?since=${first.syncToken}`, {
      token: viewer.token,
    });
    expect(changes.status).to.equal(200);
    const byId = new Map(changes.body.items.map((p: { id: string; text: string }) => [p.id, p.text]));
    expect(byId.get(created.id)).to.equal('new');
    expect(byId.get(old.id)).to.equal('old, edited');
    expect(changes.body.deleted).to.deep.equal([doomed.id]);
    expect(changes.body.users[alice.id].username).to.equal(alice.username);
    expect(changes.body.hasMore).to.equal(false);
    const none = await app.call('getTimelineChanges', 'GET', `/v1/timeline/changes?since=${changes.body.syncToken}`, {
      token: viewer.token,
    });
    expect(none.body.items).to.deep.equal([]);
    expect(none.body.deleted).to.deep.equal([]);
  });

  it('when there are more changes than the limit, then hasMore says to call again', async () => {
    const app = await startApp();
    const viewer = await signUp(app);
    const first = await page(app, viewer, '');
    for (let i = 0; i < 3; i++) await post(app, viewer, `p${i}`);
    const batch = await app.call('getTimelineChanges', 'GET', `/v1/timeline/changes?since=${first.syncToken}&limit=2`, {
      token: viewer.token,
    });
    expect(batch.body.items).to.have.length(2);
    expect(batch.body.hasMore).to.equal(true);
    const rest = await app.call(
      'getTimelineChanges',
      'GET',
      `/v1/timeline/changes?since=${batch.body.syncToken}&limit=2`,
      { token: viewer.token },
    );
    expect(rest.body.items).to.have.length(1);
    expect(rest.body.hasMore).to.equal(false);
  });

  it("when the sync token is missing, tampered or another user's, then 400", async () => {
    const app = await startApp();
    const [viewer, other] = [await signUp(app), await signUp(app)];
    const first = await page(app, viewer, '');
    expect(
      (await app.call('getTimelineChanges', 'GET', '/v1/timeline/changes', { token: viewer.token })).status,
    ).to.equal(400);
    expect(
      (await app.call('getTimelineChanges', 'GET', '/v1/timeline/changes?since=abc.def', { token: viewer.token }))
        .status,
    ).to.equal(400);
    expect(
      (
        await app.call('getTimelineChanges', 'GET', `/v1/timeline/changes?since=${first.syncToken}`, {
          token: other.token,
        })
      ).status,
    ).to.equal(400);
  });

  it('when an account the viewer follows is deleted, then the older sync token is 400 (reload the timeline), and the reloaded first page is without its posts and syncs on', async () => {
    const app = await startApp();
    const [viewer, leaving, staying] = [await signUp(app), await signUp(app), await signUp(app)];
    await follow(app, viewer, leaving);
    await follow(app, viewer, staying);
    const gone = await post(app, leaving, 'about to go');
    const kept = await post(app, staying, 'still here');
    const before = await page(app, viewer, '');
    expect(before.items.map((p) => p.id)).to.deep.equal([kept.id, gone.id]);

    const deleted = await app.call('deleteAccount', 'POST', '/v1/me/deletion', {
      token: leaving.token,
      body: { password: TEST_PASSWORD },
    });
    expect(deleted.status).to.equal(204);
    const refused = await app.call('getTimelineChanges', 'GET', `/v1/timeline/changes?since=${before.syncToken}`, {
      token: viewer.token,
    });
    expect(refused.status).to.equal(400);
    expect(refused.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(refused.body).to.include({ code: 'bad_request' });
    expect(refused.body.detail).to.match(/reload the timeline/);

    const reloaded = await page(app, viewer, '');
    expect(reloaded.items.map((p) => p.id)).to.deep.equal([kept.id]);
    expect(Object.keys(reloaded.users)).not.to.include(leaving.id);
    const later = await post(app, staying, 'after');
    const changes = await app.call('getTimelineChanges', 'GET', `/v1/timeline/changes?since=${reloaded.syncToken}`, {
      token: viewer.token,
    });
    expect(changes.status).to.equal(200);
    expect(changes.body.items.map((p: { id: string }) => p.id)).to.deep.equal([later.id]);
  });
});
