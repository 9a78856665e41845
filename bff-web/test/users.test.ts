import { expect } from 'chai';
import { call, expectProblem, post, signUp, startApp, type TestApp } from './helpers.ts';

describe('profiles and follows', () => {
  let t: TestApp;
  before(async () => {
    t = await startApp();
  });
  after(() => t.close());

  it('when someone signed out reads a profile, then 200 with counts and every viewer flag false', async () => {
    const user = await signUp(t, 'prof', 'Pro File');
    await post(t, user, 'one');
    const answer = await call(t, 'getProfile', 'GET', `/api/v1/users/${user.username.toUpperCase()}`);
    expect(answer.status).to.equal(200);
    expect(answer.body).to.include({ username: user.username, displayName: 'Pro File', bio: '' });
    expect(answer.body.counts).to.deep.equal({ posts: 1, followers: 0, following: 0 });
    expect(answer.body.viewer).to.deep.equal({ isSelf: false, isFollowing: false, followsYou: false });
  });

  it('when users read their own profile, then isSelf is true', async () => {
    const user = await signUp(t);
    const answer = await call(t, 'getProfile', 'GET', `/api/v1/users/${user.username}`, { cookie: user.cookie });
    expect(answer.body.viewer).to.deep.equal({ isSelf: true, isFollowing: false, followsYou: false });
  });

  it('when the profile does not exist or the name is malformed, then 404; when it is too long, then 400', async () => {
    expectProblem(await call(t, 'getProfile', 'GET', '/api/v1/users/nobody_at_all_here'), 404, 'not_found');
    expectProblem(await call(t, 'getProfile', 'GET', '/api/v1/users/bad%20name'), 404, 'not_found');
    expectProblem(await call(t, 'getProfile', 'GET', `/api/v1/users/${'x'.repeat(65)}`), 400, 'bad_request');
  });

  it('when a user follows another, then 200 with the relationship, the counts move and the profile flags show it', async () => {
    const a = await signUp(t);
    const b = await signUp(t, 'web', 'Bee');
    const answer = await call(t, 'follow', 'PUT', `/api/v1/users/${b.username}/follow`, { cookie: a.cookie });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.equal({
      user: { username: b.username, displayName: 'Bee' },
      viewer: { isFollowing: true, followsYou: false },
    });
    const back = await call(t, 'follow', 'PUT', `/api/v1/users/${a.username}/follow`, { cookie: b.cookie });
    expect(back.body.viewer).to.deep.equal({ isFollowing: true, followsYou: true });
    const profile = await call(t, 'getProfile', 'GET', `/api/v1/users/${b.username}`, { cookie: a.cookie });
    expect(profile.body.viewer).to.deep.equal({ isSelf: false, isFollowing: true, followsYou: true });
    expect(profile.body.counts).to.include({ followers: 1, following: 1 });
  });

  it('when a user follows twice, then nothing changes the second time', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    await call(t, 'follow', 'PUT', `/api/v1/users/${b.username}/follow`, { cookie: a.cookie });
    const again = await call(t, 'follow', 'PUT', `/api/v1/users/${b.username}/follow`, { cookie: a.cookie });
    expect(again.status).to.equal(200);
    const profile = await call(t, 'getProfile', 'GET', `/api/v1/users/${b.username}`);
    expect(profile.body.counts.followers).to.equal(1);
  });

  it('when a user unfollows, then 200 with isFollowing false, idempotently', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    await call(t, 'follow', 'PUT', `/api/v1/users/${b.username}/follow`, { cookie: a.cookie });
    for (let i = 0; i < 2; i++) {
      const answer = await call(t, 'unfollow', 'DELETE', `/api/v1/users/${b.username}/follow`, { cookie: a.cookie });
      expect(answer.status).to.equal(200);
      expect(answer.body.viewer).to.deep.equal({ isFollowing: false, followsYou: false });
    }
    const profile = await call(t, 'getProfile', 'GET', `/api/v1/users/${b.username}`);
    expect(profile.body.counts.followers).to.equal(0);
  });

  it('when a user follows themselves, then 422 on username', async () => {
    const a = await signUp(t);
    const answer = await call(t, 'follow', 'PUT', `/api/v1/users/${a.username}/follow`, { cookie: a.cookie });
    expectProblem(answer, 422, 'validation_failed');
    expect(answer.body.errors[0].field).to.equal('username');
  });

  it('when the user to follow or unfollow does not exist, then 404; when signed out, then 401', async () => {
    const a = await signUp(t);
    expectProblem(await call(t, 'follow', 'PUT', '/api/v1/users/nobody_here_xyz/follow', { cookie: a.cookie }), 404);
    expectProblem(
      await call(t, 'unfollow', 'DELETE', '/api/v1/users/nobody_here_xyz/follow', { cookie: a.cookie }),
      404,
    );
    expectProblem(await call(t, 'follow', 'PUT', `/api/v1/users/${a.username}/follow`), 401);
    expectProblem(await call(t, 'unfollow', 'DELETE', `/api/v1/users/${a.username}/follow`), 401);
    expectProblem(await call(t, 'follow', 'PUT', `/api/v1/users/${'x'.repeat(65)}/follow`, { cookie: a.cookie }), 400);
  });

  it('when followers and following are listed, then each is a numbered page of users, newest first', async () => {
    const star = await signUp(t);
    const fans = [
      await signUp(t, 'fan', 'Fan One'),
      await signUp(t, 'fan', 'Fan Two'),
      await signUp(t, 'fan', 'Fan Three'),
    ];
    for (const fan of fans)
      await call(t, 'follow', 'PUT', `/api/v1/users/${star.username}/follow`, { cookie: fan.cookie });
    const followers = await call(t, 'listFollowers', 'GET', `/api/v1/users/${star.username}/followers?per_page=2`);
    expect(followers.body.items).to.deep.equal([
      { username: fans[2]!.username, displayName: 'Fan Three' },
      { username: fans[1]!.username, displayName: 'Fan Two' },
    ]);
    expect(followers.body.page).to.deep.equal({ number: 1, size: 2, totalItems: 3, totalPages: 2 });
    expect(followers.headers.get('link')).to.include('rel="next"');
    const following = await call(t, 'listFollowing', 'GET', `/api/v1/users/${fans[0]!.username}/following`);
    expect(following.body.items).to.deep.equal([{ username: star.username, displayName: 'Web User' }]);
  });

  it('when the follow lists of an unknown user are asked for, or with a bad page, then 404 or 400', async () => {
    expectProblem(await call(t, 'listFollowers', 'GET', '/api/v1/users/nobody_here_xyz/followers'), 404);
    expectProblem(await call(t, 'listFollowing', 'GET', '/api/v1/users/nobody_here_xyz/following'), 404);
    expectProblem(await call(t, 'listFollowers', 'GET', '/api/v1/users/nobody_here_xyz/followers?page=x'), 400);
  });
});
