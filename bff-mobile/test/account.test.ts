import { expect } from 'chai';
import { device, follow, post, signUp, startApp, TEST_PASSWORD } from './helpers.ts';

const NEW_PASSWORD = 'a much better passphrase 42';

describe('account control', () => {
  it('when the password is changed with the current one, then other devices are signed out, this one stays, and the new password works', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const other = await app.call('signIn', 'POST', '/v1/auth/token', {
      body: { username: user.username, password: TEST_PASSWORD, device: device('Tablet') },
    });
    const wrong = await app.call('changePassword', 'PUT', '/v1/me/password', {
      token: user.token,
      body: { currentPassword: 'not it at all', newPassword: NEW_PASSWORD },
    });
    expect(wrong.status).to.equal(422);
    expect(wrong.body.errors).to.deep.equal([{ field: 'currentPassword', message: 'is incorrect' }]);
    const changed = await app.call('changePassword', 'PUT', '/v1/me/password', {
      token: user.token,
      body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(changed.status).to.equal(204);
    expect((await app.call('getMe', 'GET', '/v1/me', { token: user.token })).status).to.equal(200);
    expect((await app.call('getMe', 'GET', '/v1/me', { token: other.body.accessToken })).status).to.equal(401);
    const old = await app.call('signIn', 'POST', '/v1/auth/token', {
      body: { username: user.username, password: TEST_PASSWORD, device: device() },
    });
    expect(old.status).to.equal(401);
    const fresh = await app.call('signIn', 'POST', '/v1/auth/token', {
      body: { username: user.username, password: NEW_PASSWORD, device: device() },
    });
    expect(fresh.status).to.equal(200);
  });

  it('when the account is deleted with its password, then its tokens, profile and posts are gone, the follower count moves, and the name is free', async () => {
    const app = await startApp();
    const [leaving, star] = [await signUp(app), await signUp(app)];
    await follow(app, leaving, star);
    const written = await post(app, leaving, 'last words');
    const wrong = await app.call('deleteAccount', 'POST', '/v1/me/deletion', {
      token: leaving.token,
      body: { password: 'not it at all' },
    });
    expect(wrong.status).to.equal(422);
    expect((await app.call('getPost', 'GET', `/v1/posts/${written.id}`)).status).to.equal(200);

    const deleted = await app.call('deleteAccount', 'POST', '/v1/me/deletion', {
      token: leaving.token,
      body: { password: TEST_PASSWORD },
    });
    expect(deleted.status).to.equal(204);
    expect((await app.call('getMe', 'GET', '/v1/me', { token: leaving.token })).status).to.equal(401);
    expect(
      (await app.call('refreshToken', 'POST', '/v1/auth/refresh', { body: { refreshToken: leaving.refreshToken } }))
        .status,
    ).to.equal(401);
    expect((await app.call('getProfile', 'GET', `/v1/users/${leaving.username}`)).status).to.equal(404);
    expect((await app.call('getPost', 'GET', `/v1/posts/${written.id}`)).status).to.equal(404);
    expect((await app.call('getProfile', 'GET', `/v1/users/${star.username}`)).body.counts.followers).to.equal(0);
    const again = await app.call('signUp', 'POST', '/v1/users', {
      body: { username: leaving.username, password: TEST_PASSWORD, device: device() },
    });
    expect(again.status).to.equal(201);
  });
});
