import { changePassword, checkSession, countPushTokens, pushTargets, startWebSession } from '@microblog/domain';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { device, post, signUp, startApp, TEST_PASSWORD } from './helpers.ts';
import { suite } from './setup.ts';

const sidOf = (token: string) => String((jwt.decode(token) as jwt.JwtPayload).sid);

describe('me', () => {
  it('when the user edits display name and bio, then PATCH answers the own profile and GET shows it', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const patched = await app.call('updateMe', 'PATCH', '/v1/me', {
      token: user.token,
      body: { displayName: 'New Name', bio: 'Hi there' },
    });
    expect(patched.status).to.equal(200);
    expect(patched.body).to.deep.include({ id: user.id, displayName: 'New Name', bio: 'Hi there' });
    const me = await app.call('getMe', 'GET', '/v1/me', { token: user.token });
    expect(me.body).to.deep.include({
      displayName: 'New Name',
      bio: 'Hi there',
      counts: { posts: 0, followers: 0, following: 0 },
    });
  });

  it('when the profile edit breaks a rule or has unknown fields, then 422 per field; without a token 401', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const tooLong = await app.call('updateMe', 'PATCH', '/v1/me', {
      token: user.token,
      body: { displayName: 'x'.repeat(51) },
    });
    expect(tooLong.status).to.equal(422);
    expect(tooLong.body.errors[0].field).to.equal('displayName');
    const unknown = await app.call('updateMe', 'PATCH', '/v1/me', { token: user.token, body: { username: 'hijack' } });
    expect(unknown.status).to.equal(422);
    expect((await app.call('updateMe', 'PATCH', '/v1/me', { body: { bio: 'x' } })).status).to.equal(401);
    expect((await app.call('getMe', 'GET', '/v1/me')).status).to.equal(401);
  });

  it("when the password changes elsewhere, then this device's access token stops working on the next request", async () => {
    const app = await startApp();
    const user = await signUp(app);
    await changePassword(suite.database().context(), {
      userId: user.id,
      currentPassword: TEST_PASSWORD,
      newPassword: 'another long passphrase 42',
      keepSessionId: null,
    });
    const answer = await app.call('getMe', 'GET', '/v1/me', { token: user.token });
    expect(answer.status).to.equal(401);
  });
});

describe('timeline marker', () => {
  it('when nothing was read yet, then it is null/0; each PUT with the last version bumps it; a stale version is 409', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const p = await post(app, user, 'read me');
    const initial = await app.call('getTimelineMarker', 'GET', '/v1/me/markers/timeline', { token: user.token });
    expect(initial.body).to.deep.equal({ lastReadId: null, version: 0 });
    const first = await app.call('putTimelineMarker', 'PUT', '/v1/me/markers/timeline', {
      token: user.token,
      body: { lastReadId: p.id, version: 0 },
    });
    expect(first.body).to.deep.equal({ lastReadId: p.id, version: 1 });
    const stale = await app.call('putTimelineMarker', 'PUT', '/v1/me/markers/timeline', {
      token: user.token,
      body: { lastReadId: p.id, version: 0 },
    });
    expect(stale.status).to.equal(409);
    expect(stale.body.code).to.equal('conflict');
    const second = await app.call('putTimelineMarker', 'PUT', '/v1/me/markers/timeline', {
      token: user.token,
      body: { lastReadId: p.id, version: 1 },
    });
    expect(second.body.version).to.equal(2);
    expect(
      (await app.call('getTimelineMarker', 'GET', '/v1/me/markers/timeline', { token: user.token })).body,
    ).to.deep.equal({ lastReadId: p.id, version: 2 });
  });

  it('when the marker body is invalid or there is no token, then 422 or 401', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const bad = await app.call('putTimelineMarker', 'PUT', '/v1/me/markers/timeline', {
      token: user.token,
      body: { lastReadId: 'x', version: -1 },
    });
    expect(bad.status).to.equal(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).to.have.members(['lastReadId', 'version']);
    expect(
      (await app.call('putTimelineMarker', 'PUT', '/v1/me/markers/timeline', { body: { lastReadId: '1', version: 0 } }))
        .status,
    ).to.equal(401);
    expect((await app.call('getTimelineMarker', 'GET', '/v1/me/markers/timeline')).status).to.equal(401);
  });
});

describe('device sessions', () => {
  it('when the user lists sessions, then every device is there and the current one is marked', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const other = await app.call('signIn', 'POST', '/v1/auth/token', {
      body: { username: user.username, password: TEST_PASSWORD, device: { ...device('Tablet'), platform: 'android' } },
    });
    const list = await app.call('listSessions', 'GET', '/v1/me/sessions', { token: user.token });
    expect(list.status).to.equal(200);
    const items = list.body.items as Array<{ id: string; current: boolean; deviceName: string; platform: string }>;
    expect(items.map((s) => s.id)).to.have.members([sidOf(user.token), sidOf(other.body.accessToken)]);
    expect(items.find((s) => s.current)?.id).to.equal(sidOf(user.token));
    expect(items.find((s) => !s.current)).to.include({ deviceName: 'Tablet', platform: 'android' });
  });

  it("when the user revokes another device, then that device is signed out at once; others' sessions are 404", async () => {
    const app = await startApp();
    const [user, stranger] = [await signUp(app), await signUp(app)];
    const tablet = await app.call('signIn', 'POST', '/v1/auth/token', {
      body: { username: user.username, password: TEST_PASSWORD, device: device('Tablet') },
    });
    const revoke = await app.call('revokeSession', 'DELETE', `/v1/me/sessions/${sidOf(tablet.body.accessToken)}`, {
      token: user.token,
    });
    expect(revoke.status).to.equal(204);
    expect((await app.call('getMe', 'GET', '/v1/me', { token: tablet.body.accessToken })).status).to.equal(401);
    expect((await app.call('getMe', 'GET', '/v1/me', { token: user.token })).status).to.equal(200);
    const foreign = await app.call('revokeSession', 'DELETE', `/v1/me/sessions/${sidOf(stranger.token)}`, {
      token: user.token,
    });
    expect(foreign.status).to.equal(404);
    expect((await app.call('getMe', 'GET', '/v1/me', { token: stranger.token })).status).to.equal(200);
    expect((await app.call('revokeSession', 'DELETE', '/v1/me/sessions/abc', { token: user.token })).status).to.equal(
      400,
    );
    expect((await app.call('revokeSession', 'DELETE', '/v1/me/sessions/1')).status).to.equal(401);
    expect((await app.call('listSessions', 'GET', '/v1/me/sessions')).status).to.equal(401);
  });

  it("when the id is one of the user's web sessions, then it is 404 like any session the list does not show, and the web session stays signed in", async () => {
    const app = await startApp();
    const user = await signUp(app);
    const web = await startWebSession(suite.database().context(), { userId: user.id });
    const list = await app.call('listSessions', 'GET', '/v1/me/sessions', { token: user.token });
    expect((list.body.items as Array<{ id: string }>).map((s) => s.id)).not.to.include(web.id);

    const revoke = await app.call('revokeSession', 'DELETE', `/v1/me/sessions/${web.id}`, { token: user.token });
    expect(revoke.status).to.equal(404);
    expect(revoke.body).to.include({ code: 'not_found' });
    const still = await checkSession(suite.database().context(), { sessionId: web.id, userId: user.id });
    expect(still.userId).to.equal(user.id);
    const stored = await suite
      .database()
      .context()
      .em.execute<{ revoked_at: Date | null }[]>('select revoked_at from sessions where id = ?', [web.id]);
    expect(stored).to.deep.equal([{ revoked_at: null }]);
  });
});

describe('push tokens', () => {
  it('when the app registers a push token, then it is stored for this device; registering again is 201 too; unregister removes it', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const token = `ExponentPushToken[${user.id}abc]`;
    const first = await app.call('registerPushToken', 'POST', '/v1/me/push-tokens', {
      token: user.token,
      body: { token, platform: 'ios' },
    });
    expect(first.status).to.equal(201);
    expect(first.body).to.deep.equal({ token, platform: 'ios' });
    const again = await app.call('registerPushToken', 'POST', '/v1/me/push-tokens', {
      token: user.token,
      body: { token, platform: 'ios' },
    });
    expect(again.status).to.equal(201);
    const ctx = suite.database().context();
    expect(await pushTargets(ctx, { userIds: [user.id] })).to.deep.equal([{ token, platform: 'ios', userId: user.id }]);
    const removed = await app.call('unregisterPushToken', 'DELETE', `/v1/me/push-tokens/${encodeURIComponent(token)}`, {
      token: user.token,
    });
    expect(removed.status).to.equal(204);
    expect(await countPushTokens(suite.database().context(), { userId: user.id })).to.equal(0);
    const unknown = await app.call('unregisterPushToken', 'DELETE', `/v1/me/push-tokens/${encodeURIComponent(token)}`, {
      token: user.token,
    });
    expect(unknown.status).to.equal(204);
  });

  it('when the device signs out, then its push tokens go with the session', async () => {
    const app = await startApp();
    const user = await signUp(app);
    await app.call('registerPushToken', 'POST', '/v1/me/push-tokens', {
      token: user.token,
      body: { token: `tok-${user.id}`, platform: 'android' },
    });
    await app.call('signOut', 'POST', '/v1/auth/logout', { token: user.token });
    expect(await countPushTokens(suite.database().context(), { userId: user.id })).to.equal(0);
  });

  it('when the push token body is invalid or there is no bearer token, then 422 or 401', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const bad = await app.call('registerPushToken', 'POST', '/v1/me/push-tokens', {
      token: user.token,
      body: { token: 'has space', platform: 'windows' },
    });
    expect(bad.status).to.equal(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).to.have.members(['token', 'platform']);
    expect(
      (await app.call('registerPushToken', 'POST', '/v1/me/push-tokens', { body: { token: 't', platform: 'ios' } }))
        .status,
    ).to.equal(401);
    expect((await app.call('unregisterPushToken', 'DELETE', '/v1/me/push-tokens/t')).status).to.equal(401);
    expect(
      (await app.call('unregisterPushToken', 'DELETE', `/v1/me/push-tokens/${'x'.repeat(256)}`, { token: user.token }))
        .status,
    ).to.equal(400);
  });
});
