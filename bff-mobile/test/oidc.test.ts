// The app's OpenID Connect sign-in (RFC 8252) against a real provider (oidc-provider on a loopback port): the test
// plays the app, which builds the authorization request with PKCE, lets the "system browser" sign in, and hands
// the code, verifier, redirect URI and nonce to bff-mobile.
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { identityProviders, readIdentityProviders } from '@microblog/domain';
import { uniqueUsername } from '@microblog/domain/testing';
import { signInAtProvider, startOidcProvider, type RunningProvider } from '@microblog/domain/testing/oidc-provider';
import { device, signUp, startApp, type TestApp } from './helpers.ts';
import { suite } from './setup.ts';

const SECRET = 'mobile-client-secret-0123456789abcdef';
const APP_REDIRECT = 'com.example.microblog:/oauth2redirect';
const V = { 'x-app-version': '1.2.0' };

type Person = { sub: string; username: string; password: string };

function settings(issuer: string) {
  return readIdentityProviders({
    OIDC_PROVIDERS: JSON.stringify([
      { id: 'dev', name: 'Dev ID', issuer, clientId: 'bff-mobile', appRedirectUris: [APP_REDIRECT] },
    ]),
    OIDC_CLIENT_SECRET_DEV: SECRET,
  });
}

async function rows(text: string, params: unknown[]): Promise<unknown[]> {
  return suite.database().context().em.execute(text, params);
}

/** What the app does before calling bff-mobile: authorization request with PKCE, sign-in in the browser. */
async function appAuthorizes(issuer: string, person: Person) {
  const codeVerifier = randomBytes(32).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: 'bff-mobile',
    response_type: 'code',
    scope: 'openid profile',
    redirect_uri: APP_REDIRECT,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    nonce,
  }).toString();
  const back = await signInAtProvider(url.href, person);
  expect(back.searchParams.get('state')).to.equal(state);
  return { code: back.searchParams.get('code')!, codeVerifier, redirectUri: APP_REDIRECT, nonce };
}

describe('OpenID Connect sign-in for the app', () => {
  let provider: RunningProvider;
  const people: Person[] = [];
  const person = (prefix: string): Person => {
    const p = { sub: `sub-${uniqueUsername()}`, username: uniqueUsername(prefix), password: `${prefix}-password` };
    people.push(p);
    return p;
  };
  const kim = person('kim');
  const lee = person('lee');
  const linkee = person('link');
  const down = person('down');

  before(async () => {
    provider = await startOidcProvider({
      users: people,
      clients: [
        { clientId: 'bff-mobile', clientSecret: SECRET, redirectUris: [APP_REDIRECT], applicationType: 'native' },
      ],
    });
  });
  after(() => provider.close());

  const start = (): Promise<TestApp> => startApp({ settings: { identityProviders: settings(provider.issuer) } });

  it('when the app lists providers, then it gets what it needs for the authorization request', async () => {
    const app = await start();
    const answer = await app.call('listIdentityProviders', 'GET', '/v1/auth/providers', { headers: V });
    expect(answer.body.items).to.deep.equal([
      { id: 'dev', name: 'Dev ID', issuer: provider.issuer, clientId: 'bff-mobile', redirectUris: [APP_REDIRECT] },
    ]);
  });

  it('when the app hands over a fresh code, then a device session opens whose refresh token rotates with reuse detection', async () => {
    const app = await start();
    const body = { ...(await appAuthorizes(provider.issuer, kim)), device: device() };
    const answer = await app.call('signInWithProvider', 'POST', '/v1/auth/providers/dev/token', { body, headers: V });
    expect(answer.status).to.equal(200);
    expect(answer.body.outcome).to.equal('signed_in');
    expect(answer.body.user.username).to.equal(kim.username);
    const me = await app.call('getMe', 'GET', '/v1/me', { token: answer.body.accessToken, headers: V });
    expect(me.body.username).to.equal(kim.username);
    expect(await rows(`select identity_provider from sessions where device_id = ?`, [body.device.id])).to.deep.equal([
      { identity_provider: 'dev' },
    ]);

    const rotated = await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: answer.body.refreshToken },
      headers: V,
    });
    expect(rotated.status).to.equal(200);
    const reused = await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: answer.body.refreshToken },
      headers: V,
    });
    expect(reused.status).to.equal(401);
    const after = await app.call('refreshToken', 'POST', '/v1/auth/refresh', {
      body: { refreshToken: rotated.body.refreshToken },
      headers: V,
    });
    expect(after.status, 'reuse revoked the whole device session').to.equal(401);

    // The same code a second time is refused by the provider.
    const replay = await app.call('signInWithProvider', 'POST', '/v1/auth/providers/dev/token', { body, headers: V });
    expect(replay.status).to.equal(401);
    expect(replay.body.detail).to.equal("the sign-in provider's answer was not accepted; start again");
    const refusal = app.logs.find((entry) => entry.msg === 'provider sign-in refused');
    expect(refusal, 'operators learn why').to.include({ level: 'warn', code: 'identity_rejected' });
    expect(JSON.stringify(app.logs))
      .not.to.include(body.code)
      .and.not.to.include(body.codeVerifier)
      .and.not.to.include(SECRET);
  });

  it('when the nonce or verifier is not the one of the request, then it is 401', async () => {
    const app = await start();
    const wrongNonce = { ...(await appAuthorizes(provider.issuer, kim)), device: device() };
    expect(
      (
        await app.call('signInWithProvider', 'POST', '/v1/auth/providers/dev/token', {
          body: { ...wrongNonce, nonce: 'n'.repeat(22) },
          headers: V,
        })
      ).status,
    ).to.equal(401);
    const wrongVerifier = { ...(await appAuthorizes(provider.issuer, kim)), device: device() };
    expect(
      (
        await app.call('signInWithProvider', 'POST', '/v1/auth/providers/dev/token', {
          body: { ...wrongVerifier, codeVerifier: 'v'.repeat(43) },
          headers: V,
        })
      ).status,
    ).to.equal(401);
  });

  it('when the redirect URI is not one configured for the app, then it is 422 and the provider is not asked', async () => {
    const app = await start();
    const body = {
      ...(await appAuthorizes(provider.issuer, kim)),
      redirectUri: 'https://evil.example/cb',
      device: device(),
    };
    const answer = await app.call('signInWithProvider', 'POST', '/v1/auth/providers/dev/token', { body, headers: V });
    expect(answer.status).to.equal(422);
    expect(answer.body.errors).to.deep.equal([
      { field: 'redirectUri', message: 'is not a redirect URI configured for this provider' },
    ]);
  });

  it('when the preferred username is taken, then the app gets a ticket and signs up with a chosen name', async () => {
    const app = await start();
    const holder = await signUp(app, 'holder');
    lee.username = holder.username;
    const body = { ...(await appAuthorizes(provider.issuer, lee)), device: device() };
    const first = await app.call('signInWithProvider', 'POST', '/v1/auth/providers/dev/token', { body, headers: V });
    expect(first.body).to.include({ outcome: 'username_required', suggestedUsername: holder.username });
    const taken = await app.call('signUpWithProvider', 'POST', '/v1/auth/provider-signup', {
      body: { signupTicket: first.body.signupTicket, username: holder.username, device: device() },
      headers: V,
    });
    expect(taken.status).to.equal(409);
    const forged = await app.call('signUpWithProvider', 'POST', '/v1/auth/provider-signup', {
      body: { signupTicket: `${first.body.signupTicket}A`, username: uniqueUsername(), device: device() },
      headers: V,
    });
    expect(forged.status).to.equal(400);
    const chosen = uniqueUsername('lee');
    const created = await app.call('signUpWithProvider', 'POST', '/v1/auth/provider-signup', {
      body: { signupTicket: first.body.signupTicket, username: chosen, device: device() },
      headers: V,
    });
    expect(created.status).to.equal(201);
    expect(created.body.user.username).to.equal(chosen);
    const methods = await app.call('getSignInMethods', 'GET', '/v1/me/sign-in-methods', {
      token: created.body.accessToken,
      headers: V,
    });
    expect(methods.body.hasPassword).to.equal(false);
    const unlink = await app.call('unlinkProvider', 'DELETE', '/v1/me/sign-in-methods/dev', {
      token: created.body.accessToken,
      headers: V,
    });
    expect(unlink.status).to.equal(409);
  });

  it('when a signed-in user links a provider sign-in that another account owns, then it is a conflict', async () => {
    const app = await start();
    const owner = await signUp(app, 'owner');
    const linked = await app.call('linkProvider', 'POST', '/v1/me/sign-in-methods/dev', {
      token: owner.token,
      body: await appAuthorizes(provider.issuer, linkee),
      headers: V,
    });
    expect(linked.status).to.equal(200);
    expect(linked.body.identities.map((i: { provider: string }) => i.provider)).to.deep.equal(['dev']);
    const other = await signUp(app, 'other');
    const conflict = await app.call('linkProvider', 'POST', '/v1/me/sign-in-methods/dev', {
      token: other.token,
      body: await appAuthorizes(provider.issuer, linkee),
      headers: V,
    });
    expect(conflict.status).to.equal(409);
    const unlinked = await app.call('unlinkProvider', 'DELETE', '/v1/me/sign-in-methods/dev', {
      token: owner.token,
      headers: V,
    });
    expect(unlinked.body).to.deep.equal({ hasPassword: true, identities: [] });
  });

  it('when the provider is down at redemption, then it is 503 and no account is created', async () => {
    const own = await startOidcProvider({
      users: [down],
      clients: [
        { clientId: 'bff-mobile', clientSecret: SECRET, redirectUris: [APP_REDIRECT], applicationType: 'native' },
      ],
    });
    const app = await startApp({ settings: { identityProviders: settings(own.issuer) } });
    // Discovery done while the provider was up (the app's own request also needs it up).
    await identityProviders(settings(own.issuer)).authorizationRequest('dev', APP_REDIRECT);
    const body = { ...(await appAuthorizes(own.issuer, down)), device: device() };
    await own.close();
    const answer = await app.call('signInWithProvider', 'POST', '/v1/auth/providers/dev/token', { body, headers: V });
    expect(answer.status).to.equal(503);
    expect(answer.headers.get('retry-after')).to.equal('5');
    expect(await rows('select 1 from users where username = ?', [down.username])).to.have.length(0);
  });
});
