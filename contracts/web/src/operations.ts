// The single source of truth for bff-web's routes: the OpenAPI document, the response validator
// and the BFF's request parsing all read this table.
import type * as z from 'zod';
import {
  AccountDeletionRequest,
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
  NotificationPage,
  PeopleSearchQuery,
  SessionIdParams,
  SignedInDeviceList,
  SuggestionList,
  NotificationReadRequest,
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
  UnreadNotifications,
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
    description:
      'Creates the user and signs them in: sets the `__Host-session` cookie. Throttled: 20 per client address per hour.',
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
  listMySessions: {
    method: 'get',
    path: '/api/v1/me/sessions',
    summary: 'Where I am signed in: browsers and app devices, most recently used first',
    auth: 'required',
    request: {},
    responses: { 200: SignedInDeviceList, 401: UnauthenticatedProblem, ...unavailable },
  },
  revokeMySession: {
    method: 'delete',
    path: '/api/v1/me/sessions/{id}',
    summary: 'Sign out one browser or device',
    description: "Takes effect at once (its next request is 401). Another user's or an unknown session is 404.",
    auth: 'required',
    request: { params: SessionIdParams, headers: CsrfHeaders },
    responses: {
      204: null,
      400: BadRequestProblem,
      401: UnauthenticatedProblem,
      403: ForbiddenProblem,
      404: NotFoundProblem,
      ...unavailable,
    },
  },
  deleteAccount: {
    method: 'post',
    path: '/api/v1/me/deletion',
    summary: 'Delete my account',
    description:
      'Needs the password (422 on `password` when wrong). In one transaction: my posts, follows both ways, sessions, ' +
      'push tokens, notifications and feed lines are removed; the counters of others stay exact. The username is ' +
      'free again at once. Answers 204 and clears the session cookie.',
    auth: 'required',
    request: { body: AccountDeletionRequest, headers: CsrfHeaders },
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
    description:
      "The viewer's own microposts and those of everyone the viewer follows, newest first, ties broken by id.",
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
      'Idempotent. Following yourself answers 422 validation_failed with an error on `username`. ' +
      'Follow quota: 100 follows plus unfollows that change something, per user per hour, shared with the mobile ' +
      'app (429 rate_limited with `Retry-After`).',
    auth: 'required',
    request: { params: UsernameParams, headers: CsrfHeaders },
    responses: {
      200: Relationship,
      400: BadRequestProblem,
      401: UnauthenticatedProblem,
      403: ForbiddenProblem,
      404: NotFoundProblem,
      422: ValidationProblem,
      429: RateLimitedProblem,
      ...unavailable,
    },
  },
  unfollow: {
    method: 'delete',
    path: '/api/v1/users/{username}/follow',
    summary: 'Unfollow a user',
    description: 'Idempotent. Counts against the follow quota (see follow; 429).',
    auth: 'required',
    request: { params: UsernameParams, headers: CsrfHeaders },
    responses: {
      200: Relationship,
      400: BadRequestProblem,
      401: UnauthenticatedProblem,
      403: ForbiddenProblem,
      404: NotFoundProblem,
      429: RateLimitedProblem,
      ...unavailable,
    },
  },
  listNotifications: {
    method: 'get',
    path: '/api/v1/notifications',
    summary: 'My notifications (mentions, new followers), newest first',
    description:
      'Written in the same transaction as the mention or follow; a follower who unfollows and follows again ' +
      'notifies once per day; a deleted post takes its mention notifications with it.',
    auth: 'required',
    request: { query: PageQuery },
    responses: { 200: NotificationPage, 400: BadRequestProblem, 401: UnauthenticatedProblem, ...unavailable },
  },
  getUnreadNotifications: {
    method: 'get',
    path: '/api/v1/notifications/unread',
    summary: 'The unread count for the header badge',
    description: 'Counted up to 100; one short index range scan, cheap to poll.',
    auth: 'required',
    request: {},
    responses: { 200: UnreadNotifications, 401: UnauthenticatedProblem, ...unavailable },
  },
  markNotificationsRead: {
    method: 'put',
    path: '/api/v1/notifications/read-marker',
    summary: 'Mark my notifications read up to an id',
    description: 'Moves the marker forward only, never past my newest notification; answers the new count.',
    auth: 'required',
    request: { body: NotificationReadRequest, headers: CsrfHeaders },
    responses: { 200: UnreadNotifications, ...jsonWrite, 401: UnauthenticatedProblem, ...unavailable },
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
    description:
      'English stemming (`paginate` finds "pagination"); the last word also matches as a prefix; `order=relevance` ranks best matches first.',
    auth: 'optional',
    request: { query: SearchQuery },
    responses: { 200: MicropostPage, 400: BadRequestProblem, ...unavailable },
  },
  searchPeople: {
    method: 'get',
    path: '/api/v1/search/users',
    summary: 'Accounts whose username or display name starts with q',
    description: 'Username matches first, then display-name matches, each alphabetical. Used for @-completion too.',
    auth: 'optional',
    request: { query: PeopleSearchQuery },
    responses: { 200: UserPage, 400: BadRequestProblem, ...unavailable },
  },
  getSuggestions: {
    method: 'get',
    path: '/api/v1/suggestions',
    summary: 'Who to follow (10 at most)',
    description:
      'People followed by the people I follow, most such follows first; never me or whom I follow. Popular accounts when that finds nobody.',
    auth: 'required',
    request: {},
    responses: { 200: SuggestionList, 401: UnauthenticatedProblem, ...unavailable },
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
