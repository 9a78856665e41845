import { expect } from 'chai';
import { follow, post, signUp, startApp } from './helpers.ts';

describe('users', () => {
  it('when a signed-in viewer looks at a profile, then counts and the relationship are shown', async () => {
    const app = await startApp();
    const [viewer, alice] = [await signUp(app), await signUp(app, 'alice')];
    await follow(app, viewer, alice);
    await follow(app, alice, viewer);
    await post(app, alice, 'one');
    const answer = await app.call('getProfile', 'GET', `/v1/users/${alice.username.toUpperCase()}`, {
      token: viewer.token,
    });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.include({ id: alice.id, username: alice.username, displayName: 'alice user', bio: '' });
    expect(answer.body.counts).to.deep.equal({ posts: 1, followers: 1, following: 1 });
    expect(answer.body.relationship).to.deep.equal({ isSelf: false, isFollowing: true, followsYou: true });
    const self = await app.call('getProfile', 'GET', `/v1/users/${viewer.username}`, { token: viewer.token });
    expect(self.body.relationship).to.deep.equal({ isSelf: true, isFollowing: false, followsYou: false });
  });

  it('when signed out, then the profile is public with every relationship flag false; an unknown user is 404, a bad name 400', async () => {
    const app = await startApp();
    const alice = await signUp(app);
    const answer = await app.call('getProfile', 'GET', `/v1/users/${alice.username}`);
    expect(answer.body.relationship).to.deep.equal({ isSelf: false, isFollowing: false, followsYou: false });
    expect((await app.call('getProfile', 'GET', '/v1/users/nobody_here_at_all')).status).to.equal(404);
    expect((await app.call('getProfile', 'GET', '/v1/users/bad-name!')).status).to.equal(400);
  });

  it("when a user's posts are listed, then they come newest first in cursor pages with the author in users", async () => {
    const app = await startApp();
    const alice = await signUp(app);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.unshift((await post(app, alice, `p${i}`)).id);
    const first = await app.call('listUserPosts', 'GET', `/v1/users/${alice.username}/posts?limit=2`);
    expect(first.body.items.map((p: { id: string }) => p.id)).to.deep.equal(ids.slice(0, 2));
    expect(first.body.users).to.deep.equal({
      [alice.id]: { id: alice.id, username: alice.username, displayName: 'm user' },
    });
    const second = await app.call(
      'listUserPosts',
      'GET',
      `/v1/users/${alice.username}/posts?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((p: { id: string }) => p.id)).to.deep.equal(ids.slice(2));
    expect(second.body.nextCursor).to.equal(null);
    expect((await app.call('listUserPosts', 'GET', '/v1/users/nobody_here_at_all/posts')).status).to.equal(404);
  });

  it('when following twice and unfollowing twice, then each answers the relationship and the counts move once', async () => {
    const app = await startApp();
    const [viewer, alice] = [await signUp(app), await signUp(app)];
    for (let i = 0; i < 2; i++) {
      const answer = await app.call('follow', 'PUT', `/v1/users/${alice.username}/follow`, { token: viewer.token });
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ isSelf: false, isFollowing: true, followsYou: false });
    }
    expect((await app.call('getProfile', 'GET', `/v1/users/${alice.username}`)).body.counts.followers).to.equal(1);
    for (let i = 0; i < 2; i++) {
      const answer = await app.call('unfollow', 'DELETE', `/v1/users/${alice.username}/follow`, {
        token: viewer.token,
      });
      expect(answer.body).to.deep.equal({ isSelf: false, isFollowing: false, followsYou: false });
    }
    expect((await app.call('getProfile', 'GET', `/v1/users/${alice.username}`)).body.counts.followers).to.equal(0);
  });

  it('when following oneself, an unknown user, or without a token, then 422, 404 and 401', async () => {
    const app = await startApp();
    const viewer = await signUp(app);
    const self = await app.call('follow', 'PUT', `/v1/users/${viewer.username}/follow`, { token: viewer.token });
    expect(self.status).to.equal(422);
    expect(self.body.errors[0].field).to.equal('username');
    expect(
      (await app.call('follow', 'PUT', '/v1/users/nobody_here_at_all/follow', { token: viewer.token })).status,
    ).to.equal(404);
    expect(
      (await app.call('unfollow', 'DELETE', '/v1/users/nobody_here_at_all/follow', { token: viewer.token })).status,
    ).to.equal(404);
    expect((await app.call('follow', 'PUT', `/v1/users/${viewer.username}/follow`)).status).to.equal(401);
    expect((await app.call('unfollow', 'DELETE', `/v1/users/${viewer.username}/follow`)).status).to.equal(401);
    expect((await app.call('follow', 'PUT', '/v1/users/bad-name!/follow', { token: viewer.token })).status).to.equal(
      400,
    );
  });

  it('when followers and following are listed, then they are cursor pages of users', async () => {
    const app = await startApp();
    const [alice, b, c] = [await signUp(app), await signUp(app), await signUp(app)];
    await follow(app, b, alice);
    await follow(app, c, alice);
    const first = await app.call('listFollowers', 'GET', `/v1/users/${alice.username}/followers?limit=1`);
    expect(first.body.items).to.have.length(1);
    const second = await app.call(
      'listFollowers',
      'GET',
      `/v1/users/${alice.username}/followers?limit=1&cursor=${first.body.nextCursor}`,
    );
    expect([...first.body.items, ...second.body.items].map((u: { id: string }) => u.id)).to.have.members([b.id, c.id]);
    const following = await app.call('listFollowing', 'GET', `/v1/users/${b.username}/following`);
    expect(following.body).to.deep.equal({
      items: [{ id: alice.id, username: alice.username, displayName: 'm user' }],
      nextCursor: null,
    });
    expect((await app.call('listFollowers', 'GET', '/v1/users/nobody_here_at_all/followers')).status).to.equal(404);
    expect((await app.call('listFollowing', 'GET', '/v1/users/nobody_here_at_all/following')).status).to.equal(404);
    expect((await app.call('listFollowing', 'GET', `/v1/users/${b.username}/following?cursor=bad`)).status).to.equal(
      400,
    );
  });

  it('when searching, then matching posts come as a cursor page; a too-short query is 400', async () => {
    const app = await startApp();
    const alice = await signUp(app);
    const word = `zebra${Date.now()}`;
    const hit = await post(app, alice, `I saw a ${word} today`);
    await post(app, alice, 'nothing to see');
    const answer = await app.call('search', 'GET', `/v1/search?q=${word}`);
    expect(answer.status).to.equal(200);
    expect(answer.body.items.map((p: { id: string }) => p.id)).to.deep.equal([hit.id]);
    expect(answer.body.users[alice.id].username).to.equal(alice.username);
    expect((await app.call('search', 'GET', '/v1/search?q=ab')).status).to.equal(400);
    expect((await app.call('search', 'GET', '/v1/search')).status).to.equal(400);
    expect((await app.call('search', 'GET', `/v1/search?q=${word}`, { token: 'bad' })).status).to.equal(401);
  });
});
