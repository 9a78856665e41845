// Signing in through a real OpenID provider (oidc-provider on a loopback port): the browser's part is played by
// fetch (the provider's sign-in form, then the /oidc/callback page's call to the API).
import { expect } from 'chai';
import { uniqueUsername } from '@microblog/domain/testing';
import { signInAtProvider, startOidcProvider, type RunningProvider } from '@microblog/domain/testing/oidc-provider';
import { call, sessionCookieOf, signUp, startApp, type Answer, type TestApp } from './helpers.ts';
import { suite } from './setup.ts';

const SECRET = 'web-client-secret-0123456789abcdef';

function providersEnv(issuer: string, id = 'dev'): Record<string, string> {
  return {
    OIDC_PROVIDERS: JSON.stringify([{ id, name: 'Dev ID', issuer, clientId: 'bff-web', clientSecret: SECRET }]),
  };
}

function oidcCookieOf(answer: Answer): string {
  const set = answer.headers.getSetCookie().find((c) => c.startsWith('__Host-oidc='));
  expect(set, 'the __Host-oidc cookie is set').to.be.a('string');
  expect(set)
    .to.match(/HttpOnly/)
    .and.match(/Secure/)
    .and.match(/SameSite=Strict/)
    .and.match(/Path=\//);
  return set!.split(';')[0]!;
}

async function rows<T>(text: string, params: unknown[]): Promise<T[]> {
  return suite.database().context().em.execute<T[]>(text, params);
}

type Person = { sub: string; username: string; password: string; name?: string };

async function startWithProvider(people: Person[]): Promise<{ app: TestApp; provider: RunningProvider }> {
  const provider = await startOidcProvider({ users: people });
  const app = await startApp({ env: providersEnv(provider.issuer) });
  provider.addClient({
    clientId: 'bff-web',
    clientSecret: SECRET,
    redirectUris: [`${app.origin}/oidc/callback`],
    postLogoutRedirectUris: [`${app.origin}/`],
  });
  return { app, provider };
}

/** Start → provider sign-in → the callback page's parameters and the transaction cookie. */
async function authorize(app: TestApp, person: Person, options: { purpose?: 'link'; cookie?: string } = {}) {
  const start = await call(app, 'startProviderSignIn', 'POST', '/api/v1/auth/providers/dev/authorization', {
    body: options.purpose ? { purpose: options.purpose } : {},
    cookie: options.cookie ?? null,
  });
  expect(start.status).to.equal(200);
  const callback = await signInAtProvider(start.body.authorizationUrl, person);
  expect(`${callback.origin}${callback.pathname}`).to.equal(`${app.origin}/oidc/callback`);
  const params = {
    code: callback.searchParams.get('code')!,
    state: callback.searchParams.get('state')!,
    iss: callback.searchParams.get('iss')!,
  };
  return { params, oidcCookie: oidcCookieOf(start) };
}

function finish(app: TestApp, body: unknown, cookie: string) {
  return call(app, 'finishProviderSignIn', 'POST', '/api/v1/auth/oidc/callback', { body, cookie });
}

describe('OpenID Connect sign-in on the web', () => {
  const ada: Person = {
    sub: `sub-${uniqueUsername()}`,
    username: uniqueUsername('ada'),
    password: 'ada-password',
    name: 'Ada Provider',
  };
  const taken: Person = { sub: `sub-${uniqueUsername()}`, username: '', password: 'taken-password' };
  const linker: Person = {
    sub: `sub-${uniqueUsername()}`,
    username: uniqueUsername('linker'),
    password: 'linker-password',
  };
  let app: TestApp;
  let provider: RunningProvider;

  before(async () => {
    ({ app, provider } = await startWithProvider([ada, taken, linker]));
  });
  after(async () => {
    await app.close();
    await provider.close();
  });

  it('when providers are configured, then they are listed for the buttons', async () => {
    const answer = await call(app, 'listIdentityProviders', 'GET', '/api/v1/auth/providers');
    expect(answer.body).to.deep.equal({ items: [{ id: 'dev', name: 'Dev ID' }] });
  });

  it('when a new person signs in at the provider, then an account is created, the session cookie set, and the identity stored', async () => {
    const { params, oidcCookie } = await authorize(app, ada);
    const answer = await finish(app, params, oidcCookie);
    expect(answer.status).to.equal(200);
    expect(answer.body.outcome).to.equal('signed_in');
    expect(answer.body.session.user).to.include({ username: ada.username, displayName: 'Ada Provider' });
    expect(answer.headers.getSetCookie().some((c) => c.startsWith('__Host-oidc=;'))).to.equal(true);
    const cookie = sessionCookieOf(answer);
    const me = await call(app, 'getSession', 'GET', '/api/v1/session', { cookie });
    expect(me.body.user.username).to.equal(ada.username);
    const stored = await rows<{ issuer: string; provider_id: string; identity_provider: string }>(
      `select e.issuer, e.provider_id, s.identity_provider from external_identities e join users u on u.id = e.user_id
       join sessions s on s.user_id = u.id where e.subject = ?`,
      [ada.sub],
    );
    expect(stored).to.deep.equal([{ issuer: provider.issuer, provider_id: 'dev', identity_provider: 'dev' }]);

    // Signing in again finds the same account.
    const again = await authorize(app, ada);
    const second = await finish(app, again.params, again.oidcCookie);
    expect(second.body.session.user.username).to.equal(ada.username);
    expect(await rows('select 1 from users where username = ?', [ada.username])).to.have.length(1);
  });

  it('when the state that comes back is not the one sent, then it is 401 and no account is created', async () => {
    const someone: Person = { sub: `sub-${uniqueUsername()}`, username: uniqueUsername('st'), password: 'p' };
    const { app: own, provider: ownProvider } = await startWithProvider([someone]);
    try {
      const { params, oidcCookie } = await authorize(own, someone);
      const answer = await finish(own, { ...params, state: 'forged-state' }, oidcCookie);
      expect(answer.status).to.equal(401);
      expect(answer.body.code).to.equal('unauthenticated');
      expect(answer.headers.getSetCookie().some((c) => c.startsWith('__Host-session='))).to.equal(false);
      expect(await rows('select 1 from external_identities where subject = ?', [someone.sub])).to.have.length(0);
    } finally {
      await own.close();
      await ownProvider.close();
    }
  });

  it('when the callback comes without the transaction cookie (another browser), then it is 401', async () => {
    const { params } = await authorize(app, ada);
    const answer = await finish(app, params, '');
    expect(answer.status).to.equal(401);
  });

  it('when a callback is replayed, then the second one is refused', async () => {
    const { params, oidcCookie } = await authorize(app, ada);
    expect((await finish(app, params, oidcCookie)).status).to.equal(200);
    const replay = await finish(app, params, oidcCookie);
    expect(replay.status).to.equal(401);
    expect(replay.headers.getSetCookie().some((c) => c.startsWith('__Host-session='))).to.equal(false);
  });

  it('when the preferred username is taken, then the person chooses one, and the account has no password to fall back on', async () => {
    const existing = await signUp(app, 'taken');
    taken.username = existing.username;
    const { params, oidcCookie } = await authorize(app, taken);
    const first = await finish(app, params, oidcCookie);
    expect(first.body).to.deep.equal({ outcome: 'username_required', suggestedUsername: existing.username });
    const ticketCookie = oidcCookieOf(first);
    const clash = await call(app, 'finishProviderSignUp', 'POST', '/api/v1/auth/oidc/signup', {
      body: { username: existing.username.toUpperCase() },
      cookie: ticketCookie,
    });
    expect(clash.status).to.equal(409);
    const chosen = uniqueUsername('chosen');
    const created = await call(app, 'finishProviderSignUp', 'POST', '/api/v1/auth/oidc/signup', {
      body: { username: chosen },
      cookie: ticketCookie,
    });
    expect(created.status).to.equal(201);
    expect(created.body.user.username).to.equal(chosen);
    const cookie = sessionCookieOf(created);
    const methods = await call(app, 'getSignInMethods', 'GET', '/api/v1/me/sign-in-methods', { cookie });
    expect(methods.body.hasPassword).to.equal(false);
    expect(
      methods.body.identities.map((i: { provider: string; providerName: string }) => [i.provider, i.providerName]),
    ).to.deep.equal([['dev', 'Dev ID']]);
    const unlink = await call(app, 'unlinkProvider', 'DELETE', '/api/v1/me/sign-in-methods/dev', { cookie });
    expect(unlink.status).to.equal(409);
    expect(await rows('select 1 from external_identities where subject = ?', [taken.sub])).to.have.length(1);
    // The ticket cookie was spent with the sign-up.
    const reuse = await call(app, 'finishProviderSignUp', 'POST', '/api/v1/auth/oidc/signup', {
      body: { username: uniqueUsername() },
      cookie: ticketCookie,
    });
    expect(reuse.status).to.equal(409);
  });

  it('when a signed-in user links the provider, then it is listed; another account linking the same sign-in is a conflict', async () => {
    const owner = await signUp(app, 'owner');
    const linking = await authorize(app, linker, { purpose: 'link', cookie: owner.cookie });
    const linked = await finish(app, linking.params, `${owner.cookie}; ${linking.oidcCookie}`);
    expect(linked.body.outcome).to.equal('linked');
    expect(linked.body.signInMethods.hasPassword).to.equal(true);
    expect(linked.body.signInMethods.identities).to.have.length(1);

    const other = await signUp(app, 'other');
    const stealing = await authorize(app, linker, { purpose: 'link', cookie: other.cookie });
    const conflict = await finish(app, stealing.params, `${other.cookie}; ${stealing.oidcCookie}`);
    expect(conflict.status).to.equal(409);
    const otherMethods = await call(app, 'getSignInMethods', 'GET', '/api/v1/me/sign-in-methods', {
      cookie: other.cookie,
    });
    expect(otherMethods.body.identities).to.deep.equal([]);

    // With a password left, the owner may unlink it.
    const unlinked = await call(app, 'unlinkProvider', 'DELETE', '/api/v1/me/sign-in-methods/dev', {
      cookie: owner.cookie,
    });
    expect(unlinked.body).to.deep.equal({ hasPassword: true, identities: [] });
  });

  it('when linking is asked for while signed out, then it is 401', async () => {
    const answer = await call(app, 'startProviderSignIn', 'POST', '/api/v1/auth/providers/dev/authorization', {
      body: { purpose: 'link' },
    });
    expect(answer.status).to.equal(401);
  });

  it('when the provider is unknown, then starting is 404', async () => {
    const answer = await call(app, 'startProviderSignIn', 'POST', '/api/v1/auth/providers/nope/authorization', {
      body: {},
    });
    expect(answer.status).to.equal(404);
  });

  it("when a provider session signs out, then the local session ends and the provider's end-session URL is given", async () => {
    const { params, oidcCookie } = await authorize(app, ada);
    const cookie = sessionCookieOf(await finish(app, params, oidcCookie));
    const out = await call(app, 'signOutWithProvider', 'POST', '/api/v1/auth/sign-out', { cookie });
    const url = new URL(out.body.endSessionUrl);
    expect(url.origin).to.equal(provider.issuer);
    expect(url.searchParams.get('post_logout_redirect_uri')).to.equal(`${app.origin}/`);
    expect(url.searchParams.get('client_id')).to.equal('bff-web');
    expect((await call(app, 'getSession', 'GET', '/api/v1/session', { cookie })).status).to.equal(401);
    const password = await signUp(app, 'pw');
    const plain = await call(app, 'signOutWithProvider', 'POST', '/api/v1/auth/sign-out', { cookie: password.cookie });
    expect(plain.body).to.deep.equal({ endSessionUrl: null });
  });

  it('when the provider goes down between the sign-in and the callback, then it is 503 and no account is half-created', async () => {
    const someone: Person = { sub: `sub-${uniqueUsername()}`, username: uniqueUsername('down'), password: 'p' };
    const { app: own, provider: ownProvider } = await startWithProvider([someone]);
    try {
      const { params, oidcCookie } = await authorize(own, someone);
      await ownProvider.close();
      const answer = await finish(own, params, oidcCookie);
      expect(answer.status).to.equal(503);
      expect(answer.body.code).to.equal('unavailable');
      expect(answer.headers.get('retry-after')).to.equal('5');
      expect(await rows('select 1 from users where username = ?', [someone.username])).to.have.length(0);
      expect(await rows('select 1 from external_identities where subject = ?', [someone.sub])).to.have.length(0);
    } finally {
      await own.close();
    }
  });

  it('when the provider cannot be reached at all, then starting a sign-in is 503', async () => {
    const down = await startOidcProvider({ users: [] });
    await down.close();
    const own = await startApp({ env: providersEnv(down.issuer) });
    try {
      const answer = await call(own, 'startProviderSignIn', 'POST', '/api/v1/auth/providers/dev/authorization', {
        body: {},
      });
      expect(answer.status).to.equal(503);
      expect(answer.body.detail).to.match(/provider/);
    } finally {
      await own.close();
    }
  });
});
