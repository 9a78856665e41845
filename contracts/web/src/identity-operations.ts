// bff-web's routes for OpenID Connect sign-in and linked sign-ins, merged into the operation table.
import {
  BadRequestProblem,
  ConflictProblem,
  CsrfHeaders,
  ForbiddenProblem,
  NotFoundProblem,
  PayloadTooLargeProblem,
  SessionInfo,
  UnauthenticatedProblem,
  UnavailableProblem,
  UnsupportedMediaTypeProblem,
  ValidationProblem,
} from './schemas.ts';
import {
  IdentityProviderList,
  OidcAuthorization,
  OidcAuthorizationRequest,
  OidcCallbackRequest,
  OidcCallbackResult,
  OidcSignUpRequest,
  ProviderParams,
  SignInMethods,
  SignOutResult,
} from './identity-schemas.ts';
import type { Operation } from './operations.ts';

const jsonWrite = {
  400: BadRequestProblem,
  403: ForbiddenProblem,
  413: PayloadTooLargeProblem,
  415: UnsupportedMediaTypeProblem,
  422: ValidationProblem,
} as const;
const unavailable = { 503: UnavailableProblem } as const;

export const identityOperations = {
  listIdentityProviders: {
    method: 'get',
    path: '/api/v1/auth/providers',
    summary: 'The OpenID Connect providers one can sign in with',
    auth: 'none',
    request: {},
    responses: { 200: IdentityProviderList, ...unavailable },
  },
  startProviderSignIn: {
    method: 'post',
    path: '/api/v1/auth/providers/{provider}/authorization',
    summary: 'Start signing in (or linking) with a provider',
    description:
      'Answers the authorization URL (code flow, S256 PKCE, state, nonce) and sets the short-lived `__Host-oidc` cookie that ' +
      'holds what the callback checks. The provider redirects back to `/oidc/callback` of this origin. 503 when the provider cannot be reached.',
    auth: 'optional',
    request: { params: ProviderParams, body: OidcAuthorizationRequest, headers: CsrfHeaders },
    responses: {
      200: OidcAuthorization,
      ...jsonWrite,
      401: UnauthenticatedProblem,
      404: NotFoundProblem,
      ...unavailable,
    },
  },
  finishProviderSignIn: {
    method: 'post',
    path: '/api/v1/auth/oidc/callback',
    summary: "Finish signing in with the provider's answer",
    description:
      'Redeems the code as the confidential client and validates the ID token (issuer, audience, nonce, expiry, signature by the ' +
      "provider's keys). 401 when the answer fails a check or the `__Host-oidc` cookie is missing or expired; 503 when the provider " +
      'cannot be reached (nothing is created); 409 when linking a sign-in that belongs to another account.',
    auth: 'optional',
    request: { body: OidcCallbackRequest, headers: CsrfHeaders },
    responses: {
      200: OidcCallbackResult,
      ...jsonWrite,
      401: UnauthenticatedProblem,
      409: ConflictProblem,
      ...unavailable,
    },
  },
  finishProviderSignUp: {
    method: 'post',
    path: '/api/v1/auth/oidc/signup',
    summary: 'Choose a username for a first provider sign-in',
    description:
      'After `username_required`: creates the account linked to the provider sign-in and sets the session cookie. 409 when the name is taken.',
    auth: 'none',
    request: { body: OidcSignUpRequest, headers: CsrfHeaders },
    responses: { 201: SessionInfo, ...jsonWrite, 401: UnauthenticatedProblem, 409: ConflictProblem, ...unavailable },
  },
  signOutWithProvider: {
    method: 'post',
    path: '/api/v1/auth/sign-out',
    summary: "Sign out, and learn where to end the provider's session",
    description:
      "Revokes the session and clears the cookie like DELETE /api/v1/session; answers the provider's end-session URL when the session came from one.",
    auth: 'optional',
    request: { headers: CsrfHeaders },
    responses: { 200: SignOutResult, 403: ForbiddenProblem, ...unavailable },
  },
  getSignInMethods: {
    method: 'get',
    path: '/api/v1/me/sign-in-methods',
    summary: 'How my account can sign in',
    auth: 'required',
    request: {},
    responses: { 200: SignInMethods, 401: UnauthenticatedProblem, ...unavailable },
  },
  unlinkProvider: {
    method: 'delete',
    path: '/api/v1/me/sign-in-methods/{provider}',
    summary: 'Unlink a provider from my account',
    description: '409 when it is the last way to sign in (no password, no other provider).',
    auth: 'required',
    request: { params: ProviderParams, headers: CsrfHeaders },
    responses: {
      200: SignInMethods,
      400: BadRequestProblem,
      401: UnauthenticatedProblem,
      403: ForbiddenProblem,
      404: NotFoundProblem,
      409: ConflictProblem,
      ...unavailable,
    },
  },
} as const satisfies Record<string, Operation>;
