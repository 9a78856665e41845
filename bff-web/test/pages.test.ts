import { expect } from 'chai';
import { call, expectProblem, post, signUp, startApp, type SignedIn, type TestApp } from './helpers.ts';

function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(', ')) {
    const match = /^<([^>]+)>; rel="([a-z]+)"$/.exec(part);
    if (match) out[match[2]!] = match[1]!;
  }
  return out;
}

describe('timeline, user microposts and search: numbered pages', () => {
  let t: TestApp;
  before(async () => {
    t = await startApp();
  });
  after(() => t.close());

  it("when a user follows someone, then the timeline holds both users' posts, newest first", async () => {
    const me = await signUp(t);
    const friend = await signUp(t);
    const stranger = await signUp(t);
    await post(t, friend, 'friend one');
    await post(t, me, 'mine');
    await post(t, stranger, 'stranger');
    await post(t, friend, 'friend two');
    await call(t, 'follow', 'PUT', `/api/v1/users/${friend.username}/follow`, { cookie: me.cookie });
    const answer = await call(t, 'getTimeline', 'GET', '/api/v1/timeline', { cookie: me.cookie });
    expect(answer.status).to.equal(200);
    expect(answer.body.items.map((p: { text: string }) => p.text)).to.deep.equal(['friend two', 'mine', 'friend one']);
    expect(answer.body.page).to.deep.equal({ number: 1, size: 20, totalItems: 3, totalPages: 1 });
    expect(answer.body.items.map((p: { viewer: { canEdit: boolean } }) => p.viewer.canEdit)).to.deep.equal([
      false,
      true,
      false,
    ]);
  });

  it('when nobody is signed in, then the timeline is 401', async () => {
    expectProblem(await call(t, 'getTimeline', 'GET', '/api/v1/timeline'), 401, 'unauthenticated');
  });

  describe('with 5 posts and 2 per page', () => {
    let user: SignedIn;
    before(async () => {
      user = await signUp(t);
      for (let n = 1; n <= 5; n++) await post(t, user, `post ${n}`);
    });

    it('when page 2 is asked for, then it holds the middle posts and Link names first, prev, next and last', async () => {
      const answer = await call(
        t,
        'listUserMicroposts',
        'GET',
        `/api/v1/users/${user.username}/microposts?page=2&per_page=2`,
      );
      expect(answer.body.items.map((p: { text: string }) => p.text)).to.deep.equal(['post 3', 'post 2']);
      expect(answer.body.page).to.deep.equal({ number: 2, size: 2, totalItems: 5, totalPages: 3 });
      const base = `/api/v1/users/${user.username}/microposts`;
      expect(links(answer.headers.get('link'))).to.deep.equal({
        first: `${base}?page=1&per_page=2`,
        prev: `${base}?page=1&per_page=2`,
        next: `${base}?page=3&per_page=2`,
        last: `${base}?page=3&per_page=2`,
      });
    });

    it('when the first page is asked for, then there is no prev link', async () => {
      const answer = await call(t, 'getTimeline', 'GET', '/api/v1/timeline?per_page=2', { cookie: user.cookie });
      expect(Object.keys(links(answer.headers.get('link')))).to.deep.equal(['first', 'next', 'last']);
    });

    it('when the last page is asked for, then there is no next link', async () => {
      const answer = await call(t, 'getTimeline', 'GET', '/api/v1/timeline?page=3&per_page=2', { cookie: user.cookie });
      expect(answer.body.items.map((p: { text: string }) => p.text)).to.deep.equal(['post 1']);
      expect(Object.keys(links(answer.headers.get('link')))).to.deep.equal(['first', 'prev', 'last']);
    });

    it('when a page past the last is asked for, then 200 with no items', async () => {
      const answer = await call(
        t,
        'listUserMicroposts',
        'GET',
        `/api/v1/users/${user.username}/microposts?page=9&per_page=2`,
      );
      expect(answer.body.items).to.deep.equal([]);
      expect(answer.body.page.totalPages).to.equal(3);
      expect(links(answer.headers.get('link')).prev).to.match(/page=3&/);
    });
  });

  it('when page or per_page is out of range, not a number, or repeated, then 400 naming it', async () => {
    const me = await signUp(t);
    for (const [query, field] of [
      ['per_page=0', 'per_page'],
      ['per_page=101', 'per_page'],
      ['page=0', 'page'],
      ['page=10001', 'page'],
      ['page=abc', 'page'],
      ['page=1&page=2', 'page'],
    ] as const) {
      const answer = await call(t, 'getTimeline', 'GET', `/api/v1/timeline?${query}`, { cookie: me.cookie });
      expectProblem(answer, 400, 'bad_request');
      expect(answer.body.errors[0].field, query).to.equal(field);
    }
  });

  it("when a user's posts are listed for an unknown user, then 404", async () => {
    expectProblem(
      await call(t, 'listUserMicroposts', 'GET', '/api/v1/users/nobody_here_xyz/microposts'),
      404,
      'not_found',
    );
  });

  it('when someone searches, then matching posts come back and the Link header keeps q', async () => {
    const user = await signUp(t);
    const word = `zebra${Date.now().toString(36)}`;
    await post(t, user, `first ${word} sighting`);
    await post(t, user, 'nothing to see');
    await post(t, user, `second ${word} sighting`);
    const answer = await call(t, 'searchMicroposts', 'GET', `/api/v1/search?q=${word}&per_page=1`, {
      cookie: user.cookie,
    });
    expect(answer.body.items.map((p: { text: string }) => p.text)).to.deep.equal([`second ${word} sighting`]);
    expect(answer.body.items[0].viewer).to.deep.equal({ canEdit: true, canDelete: true });
    expect(answer.body.page).to.deep.equal({ number: 1, size: 1, totalItems: 2, totalPages: 2 });
    expect(links(answer.headers.get('link')).next).to.equal(`/api/v1/search?q=${word}&page=2&per_page=1`);
    const anonymous = await call(t, 'searchMicroposts', 'GET', `/api/v1/search?q=${word}`);
    expect(anonymous.body.items[0].viewer).to.deep.equal({ canEdit: false, canDelete: false });
  });

  it('when the search query is missing, too short or too long, then 400 on q', async () => {
    for (const q of ['', '?q=ab', `?q=${'x'.repeat(101)}`]) {
      const answer = await call(t, 'searchMicroposts', 'GET', `/api/v1/search${q}`);
      expectProblem(answer, 400, 'bad_request');
      expect(answer.body.errors[0].field).to.equal('q');
    }
  });
});
