import { expect } from 'chai';
import nock from 'nock';
import { identityProviders, type IdentityProviders, type VerifiedIdentity } from '../src/index.ts';
import { linkIdentity, listIdentities, signInWithIdentity, signUpWithIdentity, unlinkIdentity } from '../src/index.ts';
import { makeUser, uniqueUsername } from '../src/testing/index.ts';
import { signInAtProvider, startOidcProvider, type RunningProvider } from '../src/testing/oidc-provider.ts';
import { context, expectDomainError, sql } from './helpers.ts';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const CLIENT = {
  clientId: 'microblog',
  clientSecret: 'test-client-secret-0123456789abcdef',
  redirectUris: [REDIRECT_URI],
};

describe('OpenID Connect sign-in', () => {
  let provider: RunningProvider;
  let providers: IdentityProviders;
  const alice = { sub: 'sub-alice', username: 'alice', password: 'alice-password' };

  before(async () => {
    provider = await startOidcProvider({ users: [alice], clients: [CLIENT] });
    providers = identityProviders([
      {
        id: 'dev',
        name: 'Dev',
        issuer: provider.issuer,
        clientId: CLIENT.clientId,
        clientSecret: CLIENT.clientSecret,
        idTokenSigningAlg: 'RS256',
        appRedirectUris: [],
      },
    ]);
  });
  after(async () => {
    nock.cleanAll();
    await provider.close();
  });
  afterEach(() => nock.cleanAll());

  /** Runs the whole flow up to the provider's redirect back. */
  async function authorize() {
    const request = await providers.authorizationRequest('dev', REDIRECT_URI);
    const callback = await signInAtProvider(request.url, alice);
    return {
      request,
      callback,
      code: callback.searchParams.get('code')!,
      state: callback.searchParams.get('state')!,
      iss: callback.searchParams.get('iss') ?? undefined,
    };
  }

  function redemption(
    flow: Awaited<ReturnType<typeof authorize>>,
    overrides: { expectedState?: string; nonce?: string } = {},
  ) {
    return {
      code: flow.code,
      redirectUri: REDIRECT_URI,
      codeVerifier: flow.request.codeVerifier,
      nonce: overrides.nonce ?? flow.request.nonce,
      state: { received: flow.state, expected: overrides.expectedState ?? flow.request.state },
      iss: flow.iss,
    };
  }

  it('when the person signs in at the provider, then the code redeems to their verified identity', async () => {
    const flow = await authorize();
    expect(new URL(flow.request.url).searchParams.get('code_challenge_method')).to.equal('S256');
    const identity = await providers.redeemCode('dev', redemption(flow));
    expect(identity).to.deep.equal({
      providerId: 'dev',
      issuer: provider.issuer,
      subject: 'sub-alice',
      preferredUsername: 'alice',
      displayName: null,
    });
  });

  it('when the state that came back differs from the one sent, then the answer is rejected', async () => {
    const flow = await authorize();
    await expectDomainError(
      providers.redeemCode('dev', redemption(flow, { expectedState: 'another-state' })),
      'identity_rejected',
    );
  });

  it('when a code is redeemed twice, then the second time is rejected', async () => {
    const flow = await authorize();
    await providers.redeemCode('dev', redemption(flow));
    await expectDomainError(providers.redeemCode('dev', redemption(flow)), 'identity_rejected');
  });

  it('when the ID token carries another nonce, then it is rejected', async () => {
    const flow = await authorize();
    await expectDomainError(
      providers.redeemCode('dev', redemption(flow, { nonce: 'not-the-nonce-we-sent' })),
      'identity_rejected',
    );
  });

  it('when the PKCE verifier is wrong, then the provider refuses the code', async () => {
    const flow = await authorize();
    const input = { ...redemption(flow), codeVerifier: 'x'.repeat(43) };
    await expectDomainError(providers.redeemCode('dev', input), 'identity_rejected');
  });

  describe('when the token endpoint answers with a forged ID token (discovery and keys stay real)', () => {
    async function redeemWithIdToken(makeToken: (claims: Record<string, unknown>) => Promise<string>) {
      const flow = await authorize();
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: provider.issuer,
        sub: 'sub-mallory',
        aud: CLIENT.clientId,
        iat: now,
        exp: now + 300,
        nonce: flow.request.nonce,
      };
      const idToken = await makeToken(claims);
      nock(provider.issuer)
        .post('/token')
        .reply(200, { access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token: idToken });
      return providers.redeemCode('dev', redemption(flow));
    }

    it('a well-formed one signed by the provider is accepted (the control case)', async () => {
      const identity = await redeemWithIdToken((claims) => provider.signIdToken(claims));
      expect(identity.subject).to.equal('sub-mallory');
    });

    it('for another audience, then it is rejected', async () => {
      await expectDomainError(
        redeemWithIdToken((claims) => provider.signIdToken({ ...claims, aud: 'someone-else' })),
        'identity_rejected',
      );
    });

    it('expired, then it is rejected', async () => {
      const past = Math.floor(Date.now() / 1000) - 3600;
      await expectDomainError(
        redeemWithIdToken((claims) => provider.signIdToken({ ...claims, iat: past - 300, exp: past })),
        'identity_rejected',
      );
    });

    it('signed by a key the provider does not publish, then it is rejected', async () => {
      await expectDomainError(
        redeemWithIdToken((claims) => provider.signIdToken(claims, { key: 'unknown' })),
        'identity_rejected',
      );
    });

    it('unsigned (alg none), then it is rejected', async () => {
      await expectDomainError(
        redeemWithIdToken((claims) => provider.signIdToken(claims, { alg: 'none' })),
        'identity_rejected',
      );
    });

    it('from another issuer, then it is rejected', async () => {
      await expectDomainError(
        redeemWithIdToken((claims) => provider.signIdToken({ ...claims, iss: 'https://evil.example' })),
        'identity_rejected',
      );
    });
  });

  it('when the provider cannot be reached, then it reads as unavailable', async () => {
    const down = identityProviders([
      {
        id: 'down',
        name: 'Down',
        issuer: 'http://127.0.0.1:9',
        clientId: 'x',
        clientSecret: 'y',
        idTokenSigningAlg: 'RS256',
        appRedirectUris: [],
      },
    ]);
    await expectDomainError(down.authorizationRequest('down', REDIRECT_URI), 'identity_provider_unavailable');
  });
});

describe('accounts from provider identities', () => {
  const identity = (overrides: Partial<VerifiedIdentity> = {}): VerifiedIdentity => ({
    providerId: 'dev',
    issuer: 'https://id.example',
    subject: `sub-${uniqueUsername()}`,
    preferredUsername: uniqueUsername('oidc'),
    displayName: 'Olga Idc',
    ...overrides,
  });

  it('when a new identity brings a free, valid username, then a passwordless user is created and linked', async () => {
    const who = identity();
    const result = await signInWithIdentity(context(), who);
    expect(result.status).to.equal('signed_in');
    if (result.status !== 'signed_in') return;
    expect(result.user.username).to.equal(who.preferredUsername);
    expect(result.user.displayName).to.equal('Olga Idc');
    const [row] = await sql<{ password_hash: string | null; subject: string }>(
      'select u.password_hash, e.subject from users u join external_identities e on e.user_id = u.id where u.id = ?',
      [result.user.id],
    );
    expect(row).to.deep.equal({ password_hash: null, subject: who.subject });
    const again = await signInWithIdentity(context(), who);
    expect(again).to.include({ status: 'signed_in', created: false });
  });

  it('when the preferred username is taken, then a ticket asks for another, and the chosen one creates the account', async () => {
    const taken = await makeUser(context());
    const who = identity({ preferredUsername: taken.username.toUpperCase() });
    const result = await signInWithIdentity(context(), who);
    expect(result.status).to.equal('username_required');
    if (result.status !== 'username_required') return;
    await expectDomainError(
      signUpWithIdentity(context(), { signupTicket: result.signupTicket, username: taken.username }),
      'conflict',
    );
    await expectDomainError(
      signUpWithIdentity(context(), { signupTicket: result.signupTicket, username: 'no' }),
      'validation_failed',
    );
    await expectDomainError(
      signUpWithIdentity(context(), { signupTicket: `${result.signupTicket}x`, username: uniqueUsername() }),
      'bad_cursor',
    );
    const chosen = uniqueUsername('chosen');
    const user = await signUpWithIdentity(context(), { signupTicket: result.signupTicket, username: chosen });
    expect(user.username).to.equal(chosen);
    await expectDomainError(
      signUpWithIdentity(context(), { signupTicket: result.signupTicket, username: uniqueUsername() }),
      'conflict',
    );
  });

  it('when the preferred username is not a valid one, then it is cleaned up as a suggestion', async () => {
    const result = await signInWithIdentity(context(), identity({ preferredUsername: 'x' }));
    expect(result).to.include({ status: 'username_required', suggestedUsername: null });
  });

  it('when linking an identity that belongs to another account, then it is a conflict and nothing changes', async () => {
    const owner = await signInWithIdentity(context(), identity());
    const who = identity();
    await signInWithIdentity(context(), who);
    const other = await makeUser(context());
    await expectDomainError(linkIdentity(context(), { userId: other.id, identity: who }), 'conflict');
    expect((await listIdentities(context(), { userId: other.id })).identities).to.have.length(0);
    expect(owner.status).to.equal('signed_in');
  });

  it('when linking a second identity at the same issuer, then it is a conflict; linking the same one again is a no-op', async () => {
    const user = await makeUser(context());
    const first = identity();
    await linkIdentity(context(), { userId: user.id, identity: first });
    const again = await linkIdentity(context(), { userId: user.id, identity: first });
    expect(again.identities.map((i) => i.providerId)).to.deep.equal(['dev']);
    await expectDomainError(linkIdentity(context(), { userId: user.id, identity: identity() }), 'conflict');
  });

  it('when a passwordless user unlinks their last identity, then it is refused; with a second one linked, it is allowed', async () => {
    const created = await signInWithIdentity(context(), identity());
    if (created.status !== 'signed_in') throw new Error('expected a new user');
    const userId = created.user.id;
    await expectDomainError(unlinkIdentity(context(), { userId, providerId: 'dev' }), 'conflict');
    await linkIdentity(context(), {
      userId,
      identity: identity({ providerId: 'other', issuer: 'https://other.example' }),
    });
    const after = await unlinkIdentity(context(), { userId, providerId: 'dev' });
    expect(after).to.deep.include({ hasPassword: false });
    expect(after.identities.map((i) => i.providerId)).to.deep.equal(['other']);
    await expectDomainError(unlinkIdentity(context(), { userId, providerId: 'other' }), 'conflict');
  });

  it('when a user with a password unlinks their only identity, then it is allowed', async () => {
    const user = await makeUser(context());
    await linkIdentity(context(), { userId: user.id, identity: identity() });
    const after = await unlinkIdentity(context(), { userId: user.id, providerId: 'dev' });
    expect(after).to.deep.equal({ hasPassword: true, identities: [] });
  });
});
