import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { follow, post, signUp, startApp } from './helpers.ts';

describe('finding people', () => {
  it('when searching a prefix, then accounts come as cursor pages; who-to-follow ranks people my follows follow', async () => {
    const app = await startApp();
    const tag = randomBytes(3).toString('hex');
    const [me, a, b] = [await signUp(app, `q${tag}`), await signUp(app, `q${tag}`), await signUp(app, `q${tag}`)];
    const first = await app.call('searchPeople', 'GET', `/v1/search/users?q=Q${tag}&limit=2`);
    expect(first.status).to.equal(200);
    expect(first.body.items).to.have.length(2);
    const second = await app.call(
      'searchPeople',
      'GET',
      `/v1/search/users?q=Q${tag}&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    const ids = [...first.body.items, ...second.body.items].map((u: { id: string }) => u.id);
    expect(ids.sort()).to.deep.equal([me.id, a.id, b.id].sort());
    expect((await app.call('searchPeople', 'GET', '/v1/search/users?q=')).status).to.equal(400);

    await follow(app, me, a);
    await follow(app, a, b);
    const suggestions = await app.call('getSuggestions', 'GET', '/v1/me/suggestions?limit=5', { token: me.token });
    expect(suggestions.body.items[0]).to.deep.equal({
      user: { id: b.id, username: b.username, displayName: `q${tag} user` },
      followedByYourFollows: 1,
    });
    expect((await app.call('getSuggestions', 'GET', '/v1/me/suggestions')).status).to.equal(401);
  });

  it('when searching posts by another word form or a prefix, then the post is found, newest or by relevance', async () => {
    const app = await startApp();
    const author = await signUp(app);
    const tag = `m${randomBytes(3).toString('hex')}`;
    const written = await post(app, author, `${tag} paginating timelines`);
    for (const q of [`${tag} pagination`, `${tag} timel`]) {
      for (const order of ['newest', 'relevance']) {
        const answer = await app.call('search', 'GET', `/v1/search?q=${encodeURIComponent(q)}&order=${order}`);
        expect(
          answer.body.items.map((p: { id: string }) => p.id),
          `${q} ${order}`,
        ).to.deep.equal([written.id]);
      }
    }
  });
});
