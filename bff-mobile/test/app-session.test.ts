import { expect } from 'chai';
import { follow, post, signUp, startApp, type AppUser, type TestApp } from './helpers.ts';

type Post = { id: string; authorId: string; text: string; createdAt: string; editedAt: string | null };

/** The app's offline cache: posts by id, plus what it needs to sync. */
class LocalTimeline {
  posts = new Map<string, Post>();
  syncToken: string | null = null;
  cursor: string | null = null;
  private readonly app: TestApp;
  private readonly user: AppUser;
  constructor(app: TestApp, user: AppUser) {
    this.app = app;
    this.user = user;
  }
  async scroll(limit: number): Promise<void> {
    const query = this.cursor ? `?limit=${limit}&cursor=${this.cursor}` : `?limit=${limit}`;
    const answer = await this.app.call('getTimeline', 'GET', `/v1/timeline${query}`, { token: this.user.token });
    expect(answer.status).to.equal(200);
    for (const p of answer.body.items as Post[]) this.posts.set(p.id, p);
    if (answer.body.syncToken) this.syncToken = answer.body.syncToken;
    this.cursor = answer.body.nextCursor;
  }
  async sync(): Promise<void> {
    let hasMore = true;
    while (hasMore) {
      const answer = await this.app.call('getTimelineChanges', 'GET', `/v1/timeline/changes?since=${this.syncToken}&limit=3`, { token: this.user.token });
      expect(answer.status).to.equal(200);
      for (const p of answer.body.items as Post[]) this.posts.set(p.id, p);
      for (const id of answer.body.deleted as string[]) this.posts.delete(id);
      this.syncToken = answer.body.syncToken;
      hasMore = answer.body.hasMore;
    }
  }
  /** Newest first, as the app renders it. */
  rendered(): Post[] {
    return [...this.posts.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || Number(BigInt(b.id) - BigInt(a.id)));
  }
}

async function fullWalk(app: TestApp, user: AppUser): Promise<Post[]> {
  const all: Post[] = [];
  let cursor: string | null = null;
  do {
    const answer: { body: { items: Post[]; nextCursor: string | null } } = await app.call('getTimeline', 'GET', `/v1/timeline?limit=50${cursor ? `&cursor=${cursor}` : ''}`, { token: user.token });
    all.push(...answer.body.items);
    cursor = answer.body.nextCursor;
  } while (cursor !== null);
  return all;
}

describe('an app session', () => {
  it('when the app scrolls three pages, goes offline while others post, edit and delete, then syncs, its cache equals the server timeline', async () => {
    const app = await startApp();
    const [me, alice, bob] = [await signUp(app, 'me'), await signUp(app, 'alice'), await signUp(app, 'bob')];
    await follow(app, me, alice);
    await follow(app, me, bob);
    const history: Post[] = [];
    for (let i = 0; i < 20; i++) history.push(await post(app, [alice, bob, me][i % 3]!, `history ${i}`));

    const local = new LocalTimeline(app, me);
    for (let i = 0; i < 3; i++) await local.scroll(5);
    expect(local.posts.size).to.equal(15);

    // Offline: the app stops polling while the world moves on.
    const fresh = [await post(app, alice, 'while you were away'), await post(app, bob, 'me too')];
    const edited = history[19]!; // on the first page the app saw
    const deleted = history[18]!;
    const unseenEdit = history[1]!; // below what the app scrolled to
    const authorOf = (p: Post) => [alice, bob, me].find((u) => u.id === p.authorId)!;
    await app.call('editPost', 'PATCH', `/v1/posts/${edited.id}`, { token: authorOf(edited).token, body: { text: 'edited while offline' } });
    await app.call('deletePost', 'DELETE', `/v1/posts/${deleted.id}`, { token: authorOf(deleted).token });
    await app.call('editPost', 'PATCH', `/v1/posts/${unseenEdit.id}`, { token: authorOf(unseenEdit).token, body: { text: 'edited far below' } });

    // Back online: sync, then keep scrolling to the end.
    await local.sync();
    expect(local.posts.get(edited.id)?.text).to.equal('edited while offline');
    expect(local.posts.get(edited.id)?.editedAt).to.be.a('string');
    expect(local.posts.has(deleted.id)).to.equal(false);
    for (const p of fresh) expect(local.posts.has(p.id)).to.equal(true);
    while (local.cursor !== null) await local.scroll(5);

    expect(local.rendered()).to.deep.equal(await fullWalk(app, me));
  });
});
