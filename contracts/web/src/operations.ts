// The single source of truth for bff-web's routes: the OpenAPI document, the response validator
// and the BFF's request parsing all read this table.
import type * as z from 'zod';
import {
  BadRequestProblem,
  ChangePasswordRequest,
  ConflictProblem,
  CsrfHeaders,
  CurrentUser,
  ForbiddenProblem,
  HealthStatus,
  Micropost,
  MicropostIdParams,
  MicropostPage,
  MicropostTextRequest,
  NotFoundProblem,
  PageQuery,
  PayloadTooLargeProblem,
  Profile,
  RateLimitedProblem,
  Relationship,
  SearchQuery,
  SessionInfo,
  SignInRequest,
  SignUpRequest,
  UnauthenticatedProblem,
  UnavailableProblem,
  UnsupportedMediaTypeProblem,
  UpdateMeRequest,
  UserPage,
  UsernameParams,
  ValidationProblem,
  OpenApiJson,
  DocsHtml,
} from './schemas.ts';
import { identityOperations } from './identity-operations.ts';
import { liveOperations } from './live-operations.ts';

/** An HTTP method, lower-case as OpenAPI spells it. */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One route: where it is, who may call it, what it accepts and every status it may answer. */
export type Operation = {
  method: HttpMethod;
  /** OpenAPI `{param}` style. */
  path: string;
  summary: string;
  description?: string;
  /** none: the cookie is ignored; optional: viewer fields when signed in (a bad cookie reads as signed out); required: 401 without. */
  auth: 'none' | 'optional' | 'required';
  request: {
    body?: z.ZodType;
    query?: z.ZodObject;
    params?: z.ZodObject;
    headers?: z.ZodObject;
  };
  /** Status → body schema; `null` for a response without a body (204). */
  responses: { readonly [status: number]: z.ZodType | null };
  /** Media type of the success body when it is not application/json. */
  contentType?: string;
};

// Error statuses shared by families of routes, spelled once.
const unavailable = { 503: UnavailableProblem } as const;
/** Every non-GET: CSRF failure, and (with a body) bad JSON, size and media type. */
const jsonWrite = {
  400: BadRequestProblem,
  403: ForbiddenProblem,
  413: PayloadTooLargeProblem,
  415: UnsupportedMediaTypeProblem,
  422: ValidationProblem,
} as const;

export const operations = {
  signUp: {
    method: 'post',
    path: '/api/v1/users',
    summary: 'Sign up',
    description: 'Creates the user and signs them in: sets the `__Host-session` cookie. Throttled: 20 per client address per hour.',
    auth: 'none',
    request: { body: SignUpRequest, headers: CsrfHeaders },
    responses: { 201: SessionInfo, ...jsonWrite, 409: ConflictProblem, 429: RateLimitedProblem, ...unavailable },
  },
  signIn: {
    method: 'post',
    path: '/api/v1/session',
    summary: 'Sign in',
    description:
      'Sets the `__Host-session` cookie. An unknown user and a wrong password answer the same 401. ' +
      'Throttled: 10 failures per account per 15 minutes, 100 attempts per client address per 15 minutes.',
    auth: 'none',
    request: { body: SignInRequest, headers: CsrfHeaders },
    responses: { 200: SessionInfo, ...jsonWrite, 401: UnauthenticatedProblem, 429: RateLimitedProblem, ...unavailable },
  },
  getSession: {
    method: 'get',
    path: '/api/v1/session',
    summary: 'Who am I, and when the session expires',
    auth: 'required',
    request: {},
    responses: { 200: SessionInfo, 401: UnauthenticatedProblem, ...unavailable },
  },
  signOut: {
    method: 'delete',
    path: '/api/v1/session',
    summary: 'Sign out',
    description: 'Revokes the session and clears the cookie. Idempotent: 204 also without a (valid) session.',
    auth: 'optional',
    request: { headers: CsrfHeaders },
    responses: { 204: null, 403: ForbiddenProblem, ...unavailable },
  },
  getProfile: {
    method: 'get',
    path: '/api/v1/users/{username}',
    summary: "A user's profile",
    description: 'Public; the viewer flags are filled in when signed in.',
    auth: 'optional',
    request: { params: UsernameParams },
    responses: { 200: Profile, 400: BadRequestProblem, 404: NotFoundProblem, ...unavailable },
  },
  updateMe: {
    method: 'patch',
    path: '/api/v1/me',
    summary: 'Edit my profile',
    auth: 'required',
    request: { body: UpdateMeRequest, headers: CsrfHeaders },
    responses: { 200: CurrentUser, ...jsonWrite, 401: UnauthenticatedProblem, ...unavailable },
  },
  changePassword: {
    method: 'put',
    path: '/api/v1/me/password',
    summary: 'Change my password',
    description: 'Revokes every other session of the user; this one stays signed in.',
    auth: 'required',
    request: { body: ChangePasswordRequest, headers: CsrfHeaders },
    responses: { 204: null, ...jsonWrite, 401: UnauthenticatedProblem, ...unavailable },
  },
  listUserMicroposts: {
    method: 'get',
    path: '/api/v1/users/{username}/microposts',
    summary: "A user's microposts, newest first",
    auth: 'optional',
    request: { params: UsernameParams, query: PageQuery },
    responses: { 200: MicropostPage, 400: BadRequestProblem, 404: NotFoundProblem, ...unavailable },
  },
  getTimeline: {
    method: 'get',
    path: '/api/v1/timeline',
    summary: 'Home timeline',
    description: "The viewer's own microposts and those of everyone the viewer follows, newest first, ties broken by id.",
    auth: 'required',
    request: { query: PageQuery },
    responses: { 200: MicropostPage, 400: BadRequestProblem, 401: UnauthenticatedProblem, ...unavailable },
  },
  createMicropost: {
    method: 'post',
    path: '/api/v1/microposts',
    summary: 'Post a micropost',
    description: 'Throttled: 300 per user per hour.',
    auth: 'required',
    request: { body: MicropostTextRequest, headers: CsrfHeaders },
    responses: { 201: Micropost, ...jsonWrite, 401: UnauthenticatedProblem, 429: RateLimitedProblem, ...unavailable },
  },
  getMicropost: {
    method: 'get',
    path: '/api/v1/microposts/{id}',
    summary: 'One micropost',
    description: 'Public; the viewer flags are filled in when signed in.',
    auth: 'optional',
    request: { params: MicropostIdParams },
    responses: { 200: Micropost, 400: BadRequestProblem, 404: NotFoundProblem, ...unavailable },
  },
  editMicropost: {
    method: 'patch',
    path: '/api/v1/microposts/{id}',
    summary: 'Edit a micropost',
    description: 'Author only (403 forbidden else); sets editedAt.',
    auth: 'required',
    request: { params: MicropostIdParams, body: MicropostTextRequest, headers: CsrfHeaders },
    responses: { 200: Micropost, ...jsonWrite, 401: UnauthenticatedProblem, 404: NotFoundProblem, ...unavailable },
  },
  deleteMicropost: {
    method: 'delete',
    path: '/api/v1/microposts/{id}',
    summary: 'Delete a micropost',
    description: 'Author only (403 forbidden else).',
    auth: 'required',
    request: { params: MicropostIdParams, headers: CsrfHeaders },
    responses: {
      204: null,
      400: BadRequestProblem,
      401: UnauthenticatedProblem,
      403: ForbiddenProblem,
      404: NotFoundProblem,
      ...unavailable,
    },
  },
  follow: {
    method: 'put',
    path: '/api/v1/users/{username}/follow',
    summary: 'Follow a user',
    description:
      'Idempotent. Following yourself answers 422 validation_failed with an error on `username`.',
    auth: 'required',
    request: { params: UsernameParams, headers: CsrfHeaders },
    responses: {
      200: Relationship,
      400: BadRequestProblem,
      401: UnauthenticatedProblem,
      403: ForbiddenProblem,
      404: NotFoundProblem,
      422: ValidationProblem,
      ...unavailable,
    },
  },
  unfollow: {
    method: 'delete',
    path: '/api/v1/users/{username}/follow',
    summary: 'Unfollow a user',
    description: 'Idempotent.',
    auth: 'required',
    request: { params: UsernameParams, headers: CsrfHeaders },
    responses: {
      200: Relationship,
      400: BadRequestProblem,
      401: UnauthenticatedProblem,
      403: ForbiddenProblem,
      404: NotFoundProblem,
      ...unavailable,
    },
  },
  listFollowers: {
    method: 'get',
    path: '/api/v1/users/{username}/followers',
    summary: 'Who follows a user',
    auth: 'none',
    request: { params: UsernameParams, query: PageQuery },
    responses: { 200: UserPage, 400: BadRequestProblem, 404: NotFoundProblem, ...unavailable },
  },
  listFollowing: {
    method: 'get',
    path: '/api/v1/users/{username}/following',
    summary: 'Whom a user follows',
    auth: 'none',
    request: { params: UsernameParams, query: PageQuery },
    responses: { 200: UserPage, 400: BadRequestProblem, 404: NotFoundProblem, ...unavailable },
  },
  searchMicroposts: {
    method: 'get',
    path: '/api/v1/search',
    summary: 'Full-text search of microposts',
    auth: 'optional',
    request: { query: SearchQuery },
    responses: { 200: MicropostPage, 400: BadRequestProblem, ...unavailable },
  },
  healthz: {
    method: 'get',
    path: '/healthz',
    summary: 'The process is alive (does not touch the database)',
    auth: 'none',
    request: {},
    responses: { 200: HealthStatus },
  },
  readyz: {
    method: 'get',
    path: '/readyz',
    summary: 'The database is reachable',
    auth: 'none',
    request: {},
    responses: { 200: HealthStatus, ...unavailable },
  },
  getOpenApiDocument: {
    method: 'get',
    path: '/openapi.json',
    summary: 'This contract as an OpenAPI 3.1 document',
    auth: 'none',
    request: {},
    responses: { 200: OpenApiJson },
  },
  getDocs: {
    method: 'get',
    path: '/docs',
    summary: 'A readable rendering of this contract',
    auth: 'none',
    request: {},
    responses: { 200: DocsHtml },
    contentType: 'text/html',
  },
  ...identityOperations,
  ...liveOperations,
} as const satisfies Record<string, Operation>;

/** The name of one of bff-web's operations. */
export type OperationId = keyof typeof operations;
