// The development OpenID provider that `npm start` offers: both BFFs' settings it hands out work against it.
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { identityProviders, readIdentityProviders } from '@microblog/domain';
import { signInAtProvider } from '@microblog/domain/testing/oidc-provider';
import { DEV_APP_REDIRECT_URI, devSubject, startDevProvider, type DevProvider } from '../lib/dev-oidc-provider.ts';

describe('the development OpenID provider', () => {
  let provider: DevProvider;
  const user = { username: 'alice', password: 'demo-password-123', displayName: 'Alice Archer' };

  before(async () => {
    provider = await startDevProvider({ port: 0, webOrigin: 'http://localhost:3999', users: [user] });
  });
  after(() => provider.close());

  it('when bff-web uses its settings, then a demo user signs in with the code flow and is who they say', async () => {
    const settings = readIdentityProviders(provider.webEnv);
    expect(settings.map((s) => [s.id, s.name, s.issuer])).to.deep.equal([['dev', 'Dev ID (local)', provider.issuer]]);
    const rp = identityProviders(settings);
    const redirectUri = 'http://localhost:3999/oidc/callback';
    const request = await rp.authorizationRequest('dev', redirectUri);
    const back = await signInAtProvider(request.url, user);
    const identity = await rp.redeemCode('dev', {
      code: back.searchParams.get('code')!,
      redirectUri,
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
      state: { received: back.searchParams.get('state')!, expected: request.state },
      iss: back.searchParams.get('iss') ?? undefined,
    });
    expect(identity).to.deep.include({
      subject: devSubject('alice'),
      preferredUsername: 'alice',
      displayName: 'Alice Archer',
    });
    expect(await rp.endSessionUrl('dev', 'http://localhost:3999/')).to.match(new RegExp(`^${provider.issuer}/`));
  });

  it("when bff-mobile uses its settings, then the app's redirect URI and client work the RFC 8252 way", async () => {
    const settings = readIdentityProviders(provider.mobileEnv);
    expect(settings[0]!.appRedirectUris).to.deep.equal([DEV_APP_REDIRECT_URI]);
    const codeVerifier = randomBytes(32).toString('base64url');
    const nonce = randomBytes(16).toString('base64url');
    const url = new URL(`${provider.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: settings[0]!.clientId,
      response_type: 'code',
      scope: 'openid profile',
      redirect_uri: DEV_APP_REDIRECT_URI,
      code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      nonce,
    }).toString();
    const back = await signInAtProvider(url.href, user);
    const identity = await identityProviders(settings).redeemCode('dev', {
      code: back.searchParams.get('code')!,
      redirectUri: DEV_APP_REDIRECT_URI,
      codeVerifier,
      nonce,
    });
    expect(identity.subject).to.equal(devSubject('alice'));
  });
});
