import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { uniqueUsername } from '@microblog/domain/testing';
import { device, JWT_SECRET, signUp, startApp, TEST_PASSWORD } from './helpers.ts';

describe('sign-up and sign-in', () => {
  it('when an app signs up, then it gets a 15-minute bearer token for bff-mobile naming the user and device session, and a refresh token', async () => {
    const app = await startApp();
    const username = uniqueUsername('signup');
    const answer = await app.call('signUp', 'POST', '/v1/users', {
      body: { username, password: TEST_PASSWORD, displayName: 'Signer', device: device() },
    });
    expect(answer.status).to.equal(201);
    expect(answer.headers.get('cache-control')).to.equal('no-store');
    expect(answer.body).to.include({ tokenType: 'Bearer', expiresIn: 900 });
    expect(answer.body.user).to.deep.include({ username, displayName: 'Signer' });
    const claims = jwt.verify(answer.body.accessToken, JWT_SECRET, {
      algorithms: ['HS256'],
      audience: 'bff-mobile',
      issuer: 'microblog',
    }) as jwt.JwtPayload;
    expect(claims.sub).to.equal(answer.body.user.id);
    expect(claims.sid).to.match(/^[1-9][0-9]*$/);
    expect(claims.exp! - claims.iat!).to.equal(900);
    expect(answer.body.refreshToken).to.be.a('string').and.not.equal('');
    const me = await app.call('getMe', 'GET', '/v1/me', { token: answer.body.accessToken });
    expect(me.body).to.include({ id: answer.body.user.id, username });
  });

  it('when the username is taken in another letter case, then sign-up is 409 conflict', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const answer = await app.call('signUp', 'POST', '/v1/users', {
      body: { username: user.username.toUpperCase(), password: TEST_PASSWORD, device: device() },
    });
    expect(answer.status).to.equal(409);
    expect(answer.body.code).to.equal('conflict');
  });

  it('when the sign-up body breaks the rules, then it is 422 with an error per field', async () => {
    const app = await startApp();
    const schema = await app.call('signUp', 'POST', '/v1/users', {
      body: { username: 'abc', password: 'x', device: { id: 'd', name: '', platform: 'windows' }, extra: 1 },
    });
    expect(schema.status).to.equal(422);
    expect(schema.body.code).to.equal('validation_failed');
    const fields = schema.body.errors.map((e: { field: string }) => e.field);
    expect(fields).to.include.members(['device.name', 'device.platform', 'extra']);
    const rules = await app.call('signUp', 'POST', '/v1/users', {
      body: { username: 'a!', password: 'short', device: device() },
    });
    expect(rules.status).to.equal(422);
    expect(rules.body.errors.map((e: { field: string }) => e.field)).to.include.members(['username', 'password']);
  });

  it('when an app signs in with the right password, then it gets a token pair; a wrong password or unknown user is the same 401', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const ok = await app.call('signIn', 'POST', '/v1/auth/token', {
      body: { username: user.username, password: TEST_PASSWORD, device: device() },
    });
    expect(ok.status).to.equal(200);
    expect(ok.body.user.id).to.equal(user.id);
    const wrong = await app.call('signIn', 'POST', '/v1/auth/token', {
      body: { username: user.username, password: 'not the password at all', device: device() },
    });
    const unknown = await app.call('signIn', 'POST', '/v1/auth/token', {
      body: { username: uniqueUsername('nobody'), password: TEST_PASSWORD, device: device() },
    });
    for (const answer of [wrong, unknown]) {
      expect(answer.status).to.equal(401);
      expect(answer.body.code).to.equal('unauthenticated');
      expect(answer.headers.get('www-authenticate')).to.equal('Bearer realm="bff-mobile"');
    }
    expect(wrong.body.detail).to.equal(unknown.body.detail);
  });

  it('when the sign-in body is missing the device, then it is 422', async () => {
    const app = await startApp();
    const answer = await app.call('signIn', 'POST', '/v1/auth/token', {
      body: { username: 'someone', password: TEST_PASSWORD },
    });
    expect(answer.status).to.equal(422);
    expect(answer.body.errors).to.deep.include({
      field: 'device',
      message: answer.body.errors.find((e: { field: string }) => e.field === 'device').message,
    });
  });

  it('when the same device signs in again, then its previous session ends', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const again = await app.call('signIn', 'POST', '/v1/auth/token', {
      body: {
        username: user.username,
        password: TEST_PASSWORD,
        device: { id: user.deviceId, name: 'Same phone', platform: 'android' },
      },
    });
    expect(again.status).to.equal(200);
    const old = await app.call('getMe', 'GET', '/v1/me', { token: user.token });
    expect(old.status).to.equal(401);
    const fresh = await app.call('getMe', 'GET', '/v1/me', { token: again.body.accessToken });
    expect(fresh.status).to.equal(200);
  });

  it('when the app signs out, then the same access token is refused at once and its refresh token is dead', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const out = await app.call('signOut', 'POST', '/v1/auth/logout', { token: user.token });
    expect(out.status).to.equal(204);
    const after = await app.call('getMe', 'GET', '/v1/me', { token: user.token });
    expect(after.status).to.equal(401);
    expect(after.headers.get('www-authenticate')).to.equal('Bearer realm="bff-mobile", error="invalid_token"');
    const refresh = await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    expect(refresh.status).to.equal(401);
    expect(refresh.body.code).to.equal('invalid_grant');
  });

  it('when sign-out has no token, then it is 401 with a Bearer challenge', async () => {
    const app = await startApp();
    const answer = await app.call('signOut', 'POST', '/v1/auth/logout');
    expect(answer.status).to.equal(401);
    expect(answer.headers.get('www-authenticate')).to.equal('Bearer realm="bff-mobile"');
  });

  it('when a request id is sane it is echoed, otherwise a new one is made', async () => {
    const app = await startApp();
    const sane = await app.call('healthz', 'GET', '/healthz', { headers: { 'x-request-id': 'abc.DEF_1-2' } });
    expect(sane.headers.get('x-request-id')).to.equal('abc.DEF_1-2');
    const insane = await app.call('healthz', 'GET', '/healthz', { headers: { 'x-request-id': 'no spaces <allowed>' } });
    expect(insane.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    expect(app.logs.some((l) => l.msg === 'request' && l.requestId === 'abc.DEF_1-2' && l.status === 200)).to.equal(
      true,
    );
  });
});
