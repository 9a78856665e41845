// bff-web's payloads for signing in through OpenID Connect providers and managing linked sign-ins.
import * as z from 'zod';
import 'zod-openapi';
import { SessionInfo, Timestamp } from './schemas.ts';

const providerId = z
  .string()
  .regex(/^[a-z0-9-]{1,32}$/)
  .meta({ description: 'A configured provider id (1 to 32 of a-z, 0-9 and -).', example: 'keycloak' });

/** `{provider}` in a path. */
export const ProviderParams = z.object({ provider: providerId });
export type ProviderParams = z.infer<typeof ProviderParams>;

/** One configured OpenID Connect provider, for a "Sign in with …" button. */
export const IdentityProvider = z
  .strictObject({
    id: providerId,
    name: z.string().meta({ description: 'What the button says after "Sign in with".', example: 'Keycloak' }),
  })
  .meta({ id: 'IdentityProvider' });
export type IdentityProvider = z.infer<typeof IdentityProvider>;

/** GET /api/v1/auth/providers. */
export const IdentityProviderList = z
  .strictObject({ items: z.array(IdentityProvider) })
  .meta({ id: 'IdentityProviderList' });
export type IdentityProviderList = z.infer<typeof IdentityProviderList>;

/** POST /api/v1/auth/providers/{provider}/authorization. */
export const OidcAuthorizationRequest = z
  .strictObject({
    purpose: z.enum(['sign_in', 'link']).exactOptional().meta({
      description:
        '`sign_in` (default), or `link` to add this provider to the signed-in account (401 when signed out).',
    }),
  })
  .meta({ id: 'OidcAuthorizationRequest' });
export type OidcAuthorizationRequest = z.infer<typeof OidcAuthorizationRequest>;

/** Where to send the browser next. */
export const OidcAuthorization = z
  .strictObject({
    authorizationUrl: z.url().meta({
      description:
        "The provider's authorization endpoint with a fresh state, nonce and S256 PKCE challenge; navigate the window there.",
    }),
  })
  .meta({ id: 'OidcAuthorization' });
export type OidcAuthorization = z.infer<typeof OidcAuthorization>;

/** POST /api/v1/auth/oidc/callback: what the provider put in the query of `/oidc/callback`. */
export const OidcCallbackRequest = z
  .strictObject({
    code: z.string().min(1).max(2048),
    state: z.string().min(1).max(512),
    iss: z
      .string()
      .max(512)
      .exactOptional()
      .meta({ description: 'The `iss` parameter (RFC 9207) when the provider sent one.' }),
  })
  .meta({ id: 'OidcCallbackRequest' });
export type OidcCallbackRequest = z.infer<typeof OidcCallbackRequest>;

/** A linked provider sign-in. */
export const LinkedIdentity = z
  .strictObject({
    provider: providerId,
    providerName: z.string(),
    linkedAt: Timestamp,
    lastUsedAt: Timestamp,
  })
  .meta({ id: 'LinkedIdentity' });
export type LinkedIdentity = z.infer<typeof LinkedIdentity>;

/** The ways the signed-in account can sign in. */
export const SignInMethods = z
  .strictObject({
    hasPassword: z.boolean(),
    identities: z.array(LinkedIdentity),
  })
  .meta({
    id: 'SignInMethods',
    description: 'The last way to sign in (no password and one identity) cannot be unlinked.',
  });
export type SignInMethods = z.infer<typeof SignInMethods>;

/** The outcome of a provider callback. */
export const OidcCallbackResult = z
  .discriminatedUnion('outcome', [
    z.strictObject({ outcome: z.literal('signed_in'), session: SessionInfo }),
    z.strictObject({
      outcome: z.literal('username_required'),
      suggestedUsername: z
        .string()
        .nullable()
        .meta({ description: "The provider's preferred username made to fit the rules, when it did; null otherwise." }),
    }),
    z.strictObject({ outcome: z.literal('linked'), signInMethods: SignInMethods }),
  ])
  .meta({
    id: 'OidcCallbackResult',
    description:
      '`signed_in`: the session cookie is set. `username_required`: first sign-in whose preferred username is taken or invalid; ' +
      'choose one with POST /api/v1/auth/oidc/signup within 10 minutes. `linked`: the provider was added to the signed-in account.',
  });
export type OidcCallbackResult = z.infer<typeof OidcCallbackResult>;

/** POST /api/v1/auth/oidc/signup. */
export const OidcSignUpRequest = z
  .strictObject({
    username: z
      .string()
      .max(64)
      .meta({ description: 'Username: 3 to 30 of A-Z a-z 0-9 _, unique without regard to case.' }),
  })
  .meta({ id: 'OidcSignUpRequest' });
export type OidcSignUpRequest = z.infer<typeof OidcSignUpRequest>;

/** POST /api/v1/auth/sign-out. */
export const SignOutResult = z
  .strictObject({
    endSessionUrl: z.url().nullable().meta({
      description:
        "Where to send the browser to end the provider's session too (RP-initiated logout), or null (password session, or the provider has none).",
    }),
  })
  .meta({ id: 'SignOutResult' });
export type SignOutResult = z.infer<typeof SignOutResult>;
