import { FOLLOW_QUOTA } from '@microblog/domain';
import { expect } from 'chai';
import { call, expectProblem, signUp, startApp, type TestApp } from './helpers.ts';

describe('follow quota and invisible text', () => {
  let t: TestApp;
  before(async () => {
    t = await startApp();
  });
  after(() => t.close());

  it('when a user churns follow/unfollow past the quota, then 429 rate_limited with Retry-After and the target is not followed', async () => {
    const [churner, target] = [await signUp(t, 'churn'), await signUp(t, 'target')];
    for (let i = 0; i < FOLLOW_QUOTA.changes / 2; i++) {
      expect(
        (await call(t, 'follow', 'PUT', `/api/v1/users/${target.username}/follow`, { cookie: churner.cookie })).status,
      ).to.equal(200);
      expect(
        (await call(t, 'unfollow', 'DELETE', `/api/v1/users/${target.username}/follow`, { cookie: churner.cookie }))
          .status,
      ).to.equal(200);
    }
    const refused = await call(t, 'follow', 'PUT', `/api/v1/users/${target.username}/follow`, {
      cookie: churner.cookie,
    });
    expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, FOLLOW_QUOTA.windowSeconds);
    const profile = await call(t, 'getProfile', 'GET', `/api/v1/users/${target.username}`);
    expect(profile.body.counts.followers).to.equal(0);
  });

  it('when a post or a profile field is only zero-width characters, then 422 on that field and nothing is stored', async () => {
    const user = await signUp(t, 'zw');
    const answer = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
      cookie: user.cookie,
      body: { text: '\u200b\u200b' },
    });
    expectProblem(answer, 422, 'validation_failed');
    expect(answer.body.errors).to.deep.equal([
      { field: 'text', message: 'must not be only whitespace or invisible characters' },
    ]);
    const me = await call(t, 'updateMe', 'PATCH', '/api/v1/me', {
      cookie: user.cookie,
      body: { displayName: '\ufeff\u200d', bio: '\u2060' },
    });
    expectProblem(me, 422, 'validation_failed');
    expect(me.body.errors.map((e: { field: string }) => e.field).sort()).to.deep.equal(['bio', 'displayName']);
    const posts = await call(t, 'listUserMicroposts', 'GET', `/api/v1/users/${user.username}/microposts`);
    expect(posts.body.items).to.deep.equal([]);
  });
});
