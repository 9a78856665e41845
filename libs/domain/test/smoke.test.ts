import { expect } from 'chai';
import { followUser, homeTimeline, postMicropost } from '../src/index.ts';
import { makeUser } from '../src/testing/index.ts';
import { suite } from './setup.ts';

describe('smoke', () => {
  it('when a user follows another who posts, then the post is on the home timeline', async () => {
    const ctx = suite.database().context();
    const alice = await makeUser(ctx);
    const bob = await makeUser(ctx);
    await followUser(ctx, { followerId: alice.id, username: bob.username });
    const post = await postMicropost(ctx, { authorId: bob.id, text: `hello @${alice.username}` });
    const page = await homeTimeline(suite.database().context(), { viewerId: alice.id, paging: { kind: 'cursor', cursor: null, limit: 20 } });
    expect(page.items.map((p) => p.id)).to.deep.equal([post.id]);
    expect(page.items[0]?.mentions).to.deep.equal([alice.username]);
    const numbered = await homeTimeline(suite.database().context(), { viewerId: alice.id, paging: { kind: 'page', number: 1, size: 20 } });
    expect(numbered.totalItems).to.equal(1);
  });
});
