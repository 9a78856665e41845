// bff-mobile's payloads for signing in through OpenID Connect providers (RFC 8252: the app runs the
// authorization request with PKCE in the system browser; bff-mobile redeems the code as the confidential client).
import * as z from 'zod';
import 'zod-openapi';
import { Device, Timestamp, TokenResponse } from './schemas.ts';

const providerId = z
  .string()
  .regex(/^[a-z0-9-]{1,32}$/)
  .meta({ description: 'A configured provider id (1 to 32 of a-z, 0-9 and -).', example: 'keycloak' });

/** `{provider}` in a path. */
export const ProviderParams = z.object({ provider: providerId });

/** One provider the app can offer, with what it needs to build the authorization request. */
export const IdentityProvider = z
  .strictObject({
    id: providerId,
    name: z.string().meta({ description: 'What the button says after "Sign in with".' }),
    issuer: z.url().meta({ description: 'Read its /.well-known/openid-configuration for the authorization endpoint.' }),
    clientId: z.string().meta({ description: 'The client_id to send in the authorization request.' }),
    redirectUris: z
      .array(z.string())
      .meta({ description: 'The redirect URIs this BFF accepts from the app for this provider.' }),
  })
  .meta({ id: 'IdentityProvider' });

/** GET /v1/auth/providers. */
export const IdentityProviderList = z
  .strictObject({ items: z.array(IdentityProvider) })
  .meta({ id: 'IdentityProviderList' });

/** What the app got back from the system browser, plus what it kept from its authorization request. */
const codeFields = {
  code: z
    .string()
    .min(1)
    .max(2048)
    .meta({ description: 'The authorization code from the redirect (after the app checked its `state`).' }),
  codeVerifier: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{43,128}$/)
    .meta({ description: 'The PKCE code_verifier (RFC 7636) whose S256 challenge the app sent.' }),
  redirectUri: z
    .string()
    .min(1)
    .max(512)
    .meta({ description: "The redirect_uri the app used; must be one of the provider's `redirectUris`." }),
  nonce: z.string().min(16).max(256).meta({ description: 'The nonce the app sent; the ID token must carry it.' }),
};

/** POST /v1/auth/providers/{provider}/token. */
export const ProviderTokenBody = z.strictObject({ ...codeFields, device: Device }).meta({ id: 'ProviderTokenBody' });

/** POST /v1/me/sign-in-methods/{provider}: link a provider to the signed-in account. */
export const ProviderLinkBody = z.strictObject(codeFields).meta({ id: 'ProviderLinkBody' });

/** POST /v1/auth/provider-signup. */
export const ProviderSignUpBody = z
  .strictObject({
    signupTicket: z.string().min(1).max(2048).meta({ description: 'From `username_required`; valid for 10 minutes.' }),
    username: z
      .string()
      .max(64)
      .meta({ description: 'Username: 3 to 30 of A-Z a-z 0-9 _, unique without regard to case.' }),
    device: Device,
  })
  .meta({ id: 'ProviderSignUpBody' });

/** The outcome of redeeming a provider code. */
export const ProviderSignInResult = z
  .discriminatedUnion('outcome', [
    TokenResponse.extend({ outcome: z.literal('signed_in') }).meta({ id: 'ProviderSignedIn' }),
    z
      .strictObject({
        outcome: z.literal('username_required'),
        signupTicket: z
          .string()
          .meta({ description: 'Send it back with the chosen username to POST /v1/auth/provider-signup.' }),
        suggestedUsername: z
          .string()
          .nullable()
          .meta({ description: "The provider's preferred username made to fit the rules, or null." }),
      })
      .meta({ id: 'ProviderUsernameRequired' }),
  ])
  .meta({
    id: 'ProviderSignInResult',
    description:
      '`signed_in`: a token pair for the device session. `username_required`: first sign-in whose preferred username is taken or invalid.',
  });

/** A linked provider sign-in. */
export const LinkedIdentity = z
  .strictObject({ provider: providerId, providerName: z.string(), linkedAt: Timestamp, lastUsedAt: Timestamp })
  .meta({ id: 'LinkedIdentity' });

/** The ways the signed-in account can sign in. */
export const SignInMethods = z.strictObject({ hasPassword: z.boolean(), identities: z.array(LinkedIdentity) }).meta({
  id: 'SignInMethods',
  description: 'The last way to sign in (no password and one identity) cannot be unlinked.',
});

export type ProviderTokenBody = z.output<typeof ProviderTokenBody>;
export type ProviderLinkBody = z.output<typeof ProviderLinkBody>;
export type ProviderSignUpBody = z.output<typeof ProviderSignUpBody>;
export type ProviderSignInResult = z.output<typeof ProviderSignInResult>;
export type SignInMethods = z.output<typeof SignInMethods>;
export type IdentityProviderList = z.output<typeof IdentityProviderList>;
