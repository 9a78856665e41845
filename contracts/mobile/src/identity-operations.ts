// bff-mobile's routes for OpenID Connect sign-in (RFC 8252 native-app pattern) and linked sign-ins.
import { AppVersionHeaders, ConditionalGetHeaders, Problem, TokenResponse, UpgradeRequiredProblem } from './schemas.ts';
import {
  IdentityProviderList,
  ProviderLinkBody,
  ProviderParams,
  ProviderSignInResult,
  ProviderSignUpBody,
  ProviderTokenBody,
  SignInMethods,
} from './identity-schemas.ts';
import type { Operation } from './operations.ts';

const always = { 426: UpgradeRequiredProblem, 503: Problem } as const;
const conditional = { 304: null, 400: Problem } as const;
const jsonBody = { 400: Problem, 413: Problem, 415: Problem, 422: Problem } as const;
const redeem =
  "bff-mobile redeems the code at the provider's token endpoint as the confidential client (with the app's PKCE verifier) and " +
  "validates the ID token (issuer, audience, nonce, expiry, signature by the provider's keys). 401 `unauthenticated` when the " +
  'provider refuses the code or the ID token fails a check; 503 `unavailable` when the provider cannot be reached (nothing is created).';

export const identityOperations = {
  listIdentityProviders: {
    method: 'get',
    path: '/v1/auth/providers',
    summary: 'The OpenID Connect providers the app can offer',
    tag: 'auth',
    auth: 'none',
    request: { headers: ConditionalGetHeaders },
    responses: { 200: IdentityProviderList, ...conditional, ...always },
  },
  signInWithProvider: {
    method: 'post',
    path: '/v1/auth/providers/{provider}/token',
    summary: 'Sign in with a provider and open a device session',
    description: `${redeem} A first sign-in creates the account when the provider's preferred username is free and valid. Throttled like sign-in.`,
    tag: 'auth',
    auth: 'none',
    request: { params: ProviderParams, body: ProviderTokenBody, headers: AppVersionHeaders },
    responses: { 200: ProviderSignInResult, ...jsonBody, 401: Problem, 404: Problem, 429: Problem, ...always },
  },
  signUpWithProvider: {
    method: 'post',
    path: '/v1/auth/provider-signup',
    summary: 'Choose a username for a first provider sign-in',
    description: '400 `bad_request` for an altered or expired ticket; 409 `conflict` when the username is taken.',
    tag: 'auth',
    auth: 'none',
    request: { body: ProviderSignUpBody, headers: AppVersionHeaders },
    responses: { 201: TokenResponse, ...jsonBody, 409: Problem, 429: Problem, ...always },
  },
  getSignInMethods: {
    method: 'get',
    path: '/v1/me/sign-in-methods',
    summary: 'How my account can sign in',
    tag: 'auth',
    auth: 'required',
    request: { headers: ConditionalGetHeaders },
    responses: { 200: SignInMethods, ...conditional, 401: Problem, ...always },
  },
  linkProvider: {
    method: 'post',
    path: '/v1/me/sign-in-methods/{provider}',
    summary: 'Link a provider to my account',
    description: `${redeem} 409 \`conflict\` when that sign-in belongs to another account, or another sign-in at this provider is linked.`,
    tag: 'auth',
    auth: 'required',
    request: { params: ProviderParams, body: ProviderLinkBody, headers: AppVersionHeaders },
    responses: { 200: SignInMethods, ...jsonBody, 401: Problem, 404: Problem, 409: Problem, ...always },
  },
  unlinkProvider: {
    method: 'delete',
    path: '/v1/me/sign-in-methods/{provider}',
    summary: 'Unlink a provider from my account',
    description: '409 `conflict` when it is the last way to sign in (no password, no other provider).',
    tag: 'auth',
    auth: 'required',
    request: { params: ProviderParams, headers: AppVersionHeaders },
    responses: { 200: SignInMethods, 400: Problem, 401: Problem, 404: Problem, 409: Problem, ...always },
  },
} as const satisfies Record<string, Operation>;
