import { randomUUID } from 'node:crypto';
import { FOLLOW_QUOTA } from '@microblog/domain';
import { expect } from 'chai';
import { signUp, startApp } from './helpers.ts';

describe('follow quota and invisible text', () => {
  it('when a user churns follow/unfollow past the quota, then 429 rate_limited with Retry-After and the target is not followed', async () => {
    const app = await startApp();
    const [churner, target] = [await signUp(app), await signUp(app)];
    for (let i = 0; i < FOLLOW_QUOTA.changes / 2; i++) {
      expect(
        (await app.call('follow', 'PUT', `/v1/users/${target.username}/follow`, { token: churner.token })).status,
      ).to.equal(200);
      expect(
        (await app.call('unfollow', 'DELETE', `/v1/users/${target.username}/follow`, { token: churner.token })).status,
      ).to.equal(200);
    }
    const refused = await app.call('follow', 'PUT', `/v1/users/${target.username}/follow`, { token: churner.token });
    expect(refused.status).to.equal(429);
    expect(refused.body.code).to.equal('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, FOLLOW_QUOTA.windowSeconds);
    const profile = await app.call('getProfile', 'GET', `/v1/users/${target.username}`);
    expect(profile.body.counts.followers).to.equal(0);
  });

  it('when a post or a profile field is only zero-width characters, then 422 on that field and nothing is stored', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const answer = await app.call('createPost', 'POST', '/v1/posts', {
      token: user.token,
      body: { text: '\u200b\u200b' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(answer.status).to.equal(422);
    expect(answer.body.errors).to.deep.equal([
      { field: 'text', message: 'must not be only whitespace or invisible characters' },
    ]);
    const me = await app.call('updateMe', 'PATCH', '/v1/me', {
      token: user.token,
      body: { displayName: '\ufeff\u200d', bio: '\u2060' },
    });
    expect(me.status).to.equal(422);
    expect(me.body.errors.map((e: { field: string }) => e.field).sort()).to.deep.equal(['bio', 'displayName']);
    const posts = await app.call('listUserPosts', 'GET', `/v1/users/${user.username}/posts`);
    expect(posts.body.items).to.deep.equal([]);
  });
});
