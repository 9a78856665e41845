import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { call, expectProblem, post, signUp, startApp, type TestApp } from './helpers.ts';

describe('finding people', () => {
  let t: TestApp;
  before(async () => {
    t = await startApp();
  });
  after(() => t.close());

  it('when searching a username or display-name prefix, then matching accounts come as a numbered page', async () => {
    const tag = randomBytes(3).toString('hex');
    const byUsername = await signUp(t, `p${tag}`, 'Zed');
    const byDisplayName = await signUp(t, 'other', `P${tag}er Doe`);
    const answer = await call(t, 'searchPeople', 'GET', `/api/v1/search/users?q=%40P${tag}`);
    expect(answer.status).to.equal(200);
    expect(answer.body.items).to.deep.equal([
      { username: byUsername.username, displayName: 'Zed' },
      { username: byDisplayName.username, displayName: `P${tag}er Doe` },
    ]);
    expect(answer.body.page).to.deep.include({ totalItems: 2 });
    expectProblem(await call(t, 'searchPeople', 'GET', '/api/v1/search/users?q='), 400, 'bad_request');
  });

  it('when asking who to follow, then people my follows follow come first; signed out it is 401', async () => {
    const [me, friend, theirs] = [
      await signUp(t, 'me'),
      await signUp(t, 'friend'),
      await signUp(t, 'theirs', 'Theirs'),
    ];
    await call(t, 'follow', 'PUT', `/api/v1/users/${friend.username}/follow`, { cookie: me.cookie });
    await call(t, 'follow', 'PUT', `/api/v1/users/${theirs.username}/follow`, { cookie: friend.cookie });
    const answer = await call(t, 'getSuggestions', 'GET', '/api/v1/suggestions', { cookie: me.cookie });
    expect(answer.body.items[0]).to.deep.equal({
      user: { username: theirs.username, displayName: 'Theirs' },
      followedByYourFollows: 1,
    });
    expect(answer.body.items.map((s: { user: { username: string } }) => s.user.username)).not.to.include.members([
      me.username,
      friend.username,
    ]);
    expectProblem(await call(t, 'getSuggestions', 'GET', '/api/v1/suggestions'), 401, 'unauthenticated');
  });

  it('when searching posts, then word forms match by stemming, the last word as a prefix, and order=relevance is accepted', async () => {
    const author = await signUp(t, 'stem');
    const tag = `s${randomBytes(3).toString('hex')}`;
    const written = await post(t, author, `${tag} notes on pagination`);
    for (const q of [`${tag} paginate`, `${tag} pagin`]) {
      const answer = await call(
        t,
        'searchMicroposts',
        'GET',
        `/api/v1/search?q=${encodeURIComponent(q)}&order=relevance`,
      );
      expect(
        answer.body.items.map((p: { id: string }) => p.id),
        q,
      ).to.deep.equal([written.id]);
    }
    expectProblem(await call(t, 'searchMicroposts', 'GET', `/api/v1/search?q=${tag}&order=best`), 400, 'bad_request');
  });
});
