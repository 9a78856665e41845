import type * as z from 'zod';
import {
  AccountDeletionBody,
  AppVersionHeaders,
  ChangePasswordBody,
  ConditionalGetHeaders,
  CreatePostHeaders,
  CursorPageQuery,
  DeviceSessionList,
  HealthStatus,
  HtmlPage,
  MarkerUpdateBody,
  Micropost,
  MicropostPage,
  NotificationPage,
  NotificationReadBody,
  OpenApiDocumentBody,
  OwnProfile,
  PostIdParams,
  PostTextBody,
  PostWithUsers,
  PeopleSearchQuery,
  SuggestionList,
  SuggestionsQuery,
  Problem,
  Profile,
  PushTokenBody,
  PushTokenParams,
  PushTokenRegistration,
  RefreshBody,
  Relationship,
  SearchQuery,
  SessionIdParams,
  SignInBody,
  SignUpBody,
  TimelineChanges,
  TimelineChangesQuery,
  TimelineMarker,
  TimelinePage,
  TokenResponse,
  UpdateMeBody,
  UnreadNotifications,
  UpgradeRequiredProblem,
  UserPage,
  UsernameParams,
} from './schemas.ts';
import { identityOperations } from './identity-operations.ts';

/** Every API route is under this prefix. */
export const BASE_PATH = '/v1';

/** A status code an operation may answer. */
export type HttpStatus = 200 | 201 | 204 | 304 | 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 426 | 429 | 503;

/** One HTTP operation: route, auth, request schemas and a schema per documented status (null: no body). */
export type Operation = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  description?: string;
  tag: string;
  auth: 'none' | 'optional' | 'required';
  /** Outside /v1: no X-App-Version check, no 426, no ETag (health checks, the document itself). */
  unversioned?: true;
  request: {
    body?: z.ZodType;
    query?: z.ZodObject;
    params?: z.ZodObject;
    headers?: z.ZodObject;
  };
  responses: Partial<Record<HttpStatus, z.ZodType | null>>;
};

// Statuses almost every /v1 operation can answer: an old app (426) and a lost database (503).
const always = { 426: UpgradeRequiredProblem, 503: Problem } as const;
// A GET answers `If-None-Match` with 304 and no body; a bad query or path parameter is 400.
const conditional = { 304: null, 400: Problem } as const;
// A write with a JSON body: bad JSON (400), too large (413), not JSON (415), fields broken (422).
const jsonBody = { 400: Problem, 413: Problem, 415: Problem, 422: Problem } as const;

/** bff-mobile's operations, keyed by operationId: the single source of truth for routes and the OpenAPI document. */
export const operations = {
  // ------------------------------------------------------------ auth
  signUp: {
    method: 'post',
    path: '/v1/users',
    summary: 'Sign up and open a device session',
    description: 'Creates the account and answers a token pair for the given device. 409 `conflict`: username taken.',
    tag: 'auth',
    auth: 'none',
    request: { body: SignUpBody, headers: AppVersionHeaders },
    responses: { 201: TokenResponse, ...jsonBody, 409: Problem, 429: Problem, ...always },
  },
  signIn: {
    method: 'post',
    path: '/v1/auth/token',
    summary: 'Sign in and open a device session',
    description:
      'A wrong password and an unknown user answer the same 401 `unauthenticated`, at the same cost. ' +
      'Throttled: 10 failures per account and 100 attempts per client address per 15 minutes (429).',
    tag: 'auth',
    auth: 'none',
    request: { body: SignInBody, headers: AppVersionHeaders },
    responses: { 200: TokenResponse, ...jsonBody, 401: Problem, 429: Problem, ...always },
  },
  refreshToken: {
    method: 'post',
    path: '/v1/auth/refresh',
    summary: 'Rotate the refresh token',
    description:
      'Answers a new token pair; the presented refresh token is spent. An unknown, expired or already rotated ' +
      'token is 401 `invalid_grant`, and a rotated one also revokes the whole device session (reuse detection). ' +
      'Concurrent refreshes with one token yield exactly one successor.',
    tag: 'auth',
    auth: 'none',
    request: { body: RefreshBody, headers: AppVersionHeaders },
    responses: { 200: TokenResponse, ...jsonBody, 401: Problem, ...always },
  },
  signOut: {
    method: 'post',
    path: '/v1/auth/logout',
    summary: 'Sign out: revoke this device session',
    tag: 'auth',
    auth: 'required',
    request: { headers: AppVersionHeaders },
    responses: { 204: null, 401: Problem, ...always },
  },
  listSessions: {
    method: 'get',
    path: '/v1/me/sessions',
    summary: "The signed-in user's device sessions, the current one marked",
    tag: 'auth',
    auth: 'required',
    request: { headers: ConditionalGetHeaders },
    responses: { 200: DeviceSessionList, ...conditional, 401: Problem, ...always },
  },
  revokeSession: {
    method: 'delete',
    path: '/v1/me/sessions/{id}',
    summary: 'Revoke one of my device sessions',
    description: "404 when no such session is the signed-in user's.",
    tag: 'auth',
    auth: 'required',
    request: { params: SessionIdParams, headers: AppVersionHeaders },
    responses: { 204: null, 400: Problem, 401: Problem, 404: Problem, ...always },
  },

  // ------------------------------------------------------------ me
  getMe: {
    method: 'get',
    path: '/v1/me',
    summary: 'My own profile',
    tag: 'me',
    auth: 'required',
    request: { headers: ConditionalGetHeaders },
    responses: { 200: OwnProfile, ...conditional, 401: Problem, ...always },
  },
  updateMe: {
    method: 'patch',
    path: '/v1/me',
    summary: 'Edit my display name and bio',
    tag: 'me',
    auth: 'required',
    request: { body: UpdateMeBody, headers: AppVersionHeaders },
    responses: { 200: OwnProfile, ...jsonBody, 401: Problem, ...always },
  },
  getTimelineMarker: {
    method: 'get',
    path: '/v1/me/markers/timeline',
    summary: 'My timeline read position',
    description: 'Initially `{ lastReadId: null, version: 0 }`.',
    tag: 'me',
    auth: 'required',
    request: { headers: ConditionalGetHeaders },
    responses: { 200: TimelineMarker, ...conditional, 401: Problem, ...always },
  },
  putTimelineMarker: {
    method: 'put',
    path: '/v1/me/markers/timeline',
    summary: 'Move my timeline read position',
    description:
      'Send the `version` last read; on success it is bumped. 409 `conflict` when another device moved the ' +
      'marker since: GET it again and retry.',
    tag: 'me',
    auth: 'required',
    request: { body: MarkerUpdateBody, headers: AppVersionHeaders },
    responses: { 200: TimelineMarker, ...jsonBody, 401: Problem, 409: Problem, ...always },
  },
  changePassword: {
    method: 'put',
    path: '/v1/me/password',
    summary: 'Change my password',
    description:
      'Needs the current password (422 on `currentPassword` when wrong). Signs out every other device; this one stays.',
    tag: 'me',
    auth: 'required',
    request: { body: ChangePasswordBody, headers: AppVersionHeaders },
    responses: { 204: null, ...jsonBody, 401: Problem, ...always },
  },
  deleteAccount: {
    method: 'post',
    path: '/v1/me/deletion',
    summary: 'Delete my account',
    description:
      'Needs the password (422 on `password` when wrong). In one transaction: my posts, follows both ways, sessions, ' +
      'push tokens, notifications and feed lines are removed; the counters of others stay exact. The username is ' +
      'free again at once. Every token of the account stops working.',
    tag: 'me',
    auth: 'required',
    request: { body: AccountDeletionBody, headers: AppVersionHeaders },
    responses: { 204: null, ...jsonBody, 401: Problem, ...always },
  },
  listNotifications: {
    method: 'get',
    path: '/v1/me/notifications',
    summary: 'My notifications (mentions, new followers), newest first, cursor-paged',
    description:
      'The durable inbox: written in the same transaction as the mention or follow. A push only announces an ' +
      'entry (best effort; its `data.notificationId` names it). A follower who unfollows and follows again ' +
      'notifies once per day; a deleted post takes its mention notifications with it.',
    tag: 'notifications',
    auth: 'required',
    request: { query: CursorPageQuery, headers: ConditionalGetHeaders },
    responses: { 200: NotificationPage, ...conditional, 401: Problem, ...always },
  },
  getUnreadNotifications: {
    method: 'get',
    path: '/v1/me/notifications/unread',
    summary: 'The unread count (capped at 100) and the read marker',
    description: 'Cheap to poll: one short index range scan; send `If-None-Match` to get 304 while nothing changed.',
    tag: 'notifications',
    auth: 'required',
    request: { headers: ConditionalGetHeaders },
    responses: { 200: UnreadNotifications, ...conditional, 401: Problem, ...always },
  },
  markNotificationsRead: {
    method: 'put',
    path: '/v1/me/notifications/read-marker',
    summary: 'Mark my notifications read up to an id',
    description: 'Moves the marker forward only, and never past my newest notification. Answers the new count.',
    tag: 'notifications',
    auth: 'required',
    request: { body: NotificationReadBody, headers: AppVersionHeaders },
    responses: { 200: UnreadNotifications, ...jsonBody, 401: Problem, ...always },
  },
  registerPushToken: {
    method: 'post',
    path: '/v1/me/push-tokens',
    summary: 'Register a push token for this device',
    description:
      'Follows and mentions of the signed-in user are pushed to it. Registering a token again (from this or ' +
      'another device) moves it to this device session and answers 201 all the same.',
    tag: 'me',
    auth: 'required',
    request: { body: PushTokenBody, headers: AppVersionHeaders },
    responses: { 201: PushTokenRegistration, ...jsonBody, 401: Problem, ...always },
  },
  unregisterPushToken: {
    method: 'delete',
    path: '/v1/me/push-tokens/{token}',
    summary: 'Unregister a push token',
    description: 'Idempotent: 204 also when the token is not (or no longer) registered to the signed-in user.',
    tag: 'me',
    auth: 'required',
    request: { params: PushTokenParams, headers: AppVersionHeaders },
    responses: { 204: null, 400: Problem, 401: Problem, ...always },
  },

  // ------------------------------------------------------------ users
  getProfile: {
    method: 'get',
    path: '/v1/users/{username}',
    summary: 'A profile with counts and relationship',
    description: 'Public; the relationship flags are all false when signed out.',
    tag: 'users',
    auth: 'optional',
    request: { params: UsernameParams, headers: ConditionalGetHeaders },
    responses: { 200: Profile, ...conditional, 401: Problem, 404: Problem, ...always },
  },
  listUserPosts: {
    method: 'get',
    path: '/v1/users/{username}/posts',
    summary: "A user's microposts, newest first, cursor-paged",
    tag: 'users',
    auth: 'optional',
    request: { params: UsernameParams, query: CursorPageQuery, headers: ConditionalGetHeaders },
    responses: { 200: MicropostPage, ...conditional, 401: Problem, 404: Problem, ...always },
  },
  follow: {
    method: 'put',
    path: '/v1/users/{username}/follow',
    summary: 'Follow a user (idempotent)',
    description:
      'Answers the relationship after the change. Following oneself is 422 `validation_failed`. ' +
      'Follow quota: 100 follows plus unfollows that change something, per user per hour, shared with the web (429 ' +
      '`rate_limited` with `Retry-After`).',
    tag: 'users',
    auth: 'required',
    request: { params: UsernameParams, headers: AppVersionHeaders },
    responses: { 200: Relationship, 400: Problem, 401: Problem, 404: Problem, 422: Problem, 429: Problem, ...always },
  },
  unfollow: {
    method: 'delete',
    path: '/v1/users/{username}/follow',
    summary: 'Unfollow a user (idempotent)',
    description: 'Answers the relationship after the change. Counts against the follow quota (see follow; 429).',
    tag: 'users',
    auth: 'required',
    request: { params: UsernameParams, headers: AppVersionHeaders },
    responses: { 200: Relationship, 400: Problem, 401: Problem, 404: Problem, 429: Problem, ...always },
  },
  listFollowers: {
    method: 'get',
    path: '/v1/users/{username}/followers',
    summary: 'Who follows a user, cursor-paged',
    tag: 'users',
    auth: 'optional',
    request: { params: UsernameParams, query: CursorPageQuery, headers: ConditionalGetHeaders },
    responses: { 200: UserPage, ...conditional, 401: Problem, 404: Problem, ...always },
  },
  listFollowing: {
    method: 'get',
    path: '/v1/users/{username}/following',
    summary: 'Whom a user follows, cursor-paged',
    tag: 'users',
    auth: 'optional',
    request: { params: UsernameParams, query: CursorPageQuery, headers: ConditionalGetHeaders },
    responses: { 200: UserPage, ...conditional, 401: Problem, 404: Problem, ...always },
  },

  // ------------------------------------------------------------ timeline
  getTimeline: {
    method: 'get',
    path: '/v1/timeline',
    summary: 'Home timeline, newest first, cursor-paged',
    description:
      'My microposts and those of everyone I follow, ties broken by id. The first page (no cursor) also ' +
      'carries `syncToken` for /v1/timeline/changes.',
    tag: 'timeline',
    auth: 'required',
    request: { query: CursorPageQuery, headers: ConditionalGetHeaders },
    responses: { 200: TimelinePage, ...conditional, 401: Problem, ...always },
  },
  getTimelineChanges: {
    method: 'get',
    path: '/v1/timeline/changes',
    summary: 'Timeline delta sync for an offline cache',
    description:
      'Microposts created or edited since the token, the ids deleted since, and a new token. While `hasMore` ' +
      'is true, call again with the new token. A tampered, foreign or expired token is 400: reload page one.',
    tag: 'timeline',
    auth: 'required',
    request: { query: TimelineChangesQuery, headers: ConditionalGetHeaders },
    responses: { 200: TimelineChanges, ...conditional, 401: Problem, ...always },
  },

  // ------------------------------------------------------------ posts
  createPost: {
    method: 'post',
    path: '/v1/posts',
    summary: 'Write a micropost (idempotent by Idempotency-Key)',
    description:
      'A retry with the same key and body replays the first answer. Same key, other body: 422 ' +
      '`idempotency_key_reused`; same key still in flight: 409 `conflict`. Keys are per user and kept 24 h. ' +
      'Throttled: 300 per user per hour (429).',
    tag: 'posts',
    auth: 'required',
    request: { body: PostTextBody, headers: CreatePostHeaders },
    responses: { 201: Micropost, ...jsonBody, 401: Problem, 409: Problem, 429: Problem, ...always },
  },
  editPost: {
    method: 'patch',
    path: '/v1/posts/{id}',
    summary: 'Edit my micropost',
    description: 'Author only (403 `forbidden` else). Answers the edited micropost alone.',
    tag: 'posts',
    auth: 'required',
    request: { params: PostIdParams, body: PostTextBody, headers: AppVersionHeaders },
    responses: { 200: Micropost, ...jsonBody, 401: Problem, 403: Problem, 404: Problem, ...always },
  },
  getPost: {
    method: 'get',
    path: '/v1/posts/{id}',
    summary: 'One micropost, with its author in users',
    description:
      'Public. A deleted or unknown post is 404 `not_found`. The address a push and a notification point to.',
    tag: 'posts',
    auth: 'optional',
    request: { params: PostIdParams, headers: ConditionalGetHeaders },
    responses: { 200: PostWithUsers, ...conditional, 401: Problem, 404: Problem, ...always },
  },
  deletePost: {
    method: 'delete',
    path: '/v1/posts/{id}',
    summary: 'Delete my micropost',
    description: 'Author only (403 `forbidden` else).',
    tag: 'posts',
    auth: 'required',
    request: { params: PostIdParams, headers: AppVersionHeaders },
    responses: { 204: null, 400: Problem, 401: Problem, 403: Problem, 404: Problem, ...always },
  },
  search: {
    method: 'get',
    path: '/v1/search',
    summary: 'Full-text search of microposts, cursor-paged',
    description:
      'English stemming (`paginate` finds "pagination"); the last word also matches as a prefix; `order=relevance` ranks best matches first.',
    tag: 'posts',
    auth: 'optional',
    request: { query: SearchQuery, headers: ConditionalGetHeaders },
    responses: { 200: MicropostPage, ...conditional, 401: Problem, ...always },
  },
  searchPeople: {
    method: 'get',
    path: '/v1/search/users',
    summary: 'Accounts whose username or display name starts with q, cursor-paged',
    description: 'Username matches first, then display-name matches, each alphabetical. For @-completion too.',
    tag: 'users',
    auth: 'optional',
    request: { query: PeopleSearchQuery, headers: ConditionalGetHeaders },
    responses: { 200: UserPage, ...conditional, 401: Problem, ...always },
  },
  getSuggestions: {
    method: 'get',
    path: '/v1/me/suggestions',
    summary: 'Who to follow',
    description:
      'People followed by the people I follow, most such follows first; never me or whom I follow. Popular accounts when that finds nobody.',
    tag: 'users',
    auth: 'required',
    request: { query: SuggestionsQuery, headers: ConditionalGetHeaders },
    responses: { 200: SuggestionList, ...conditional, 401: Problem, ...always },
  },

  // ------------------------------------------------------------ operations (not versioned)
  healthz: {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process is up (no database check)',
    tag: 'ops',
    auth: 'none',
    unversioned: true,
    request: {},
    responses: { 200: HealthStatus },
  },
  readyz: {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: the database is reachable',
    tag: 'ops',
    auth: 'none',
    unversioned: true,
    request: {},
    responses: { 200: HealthStatus, 503: Problem },
  },
  getOpenApiDocument: {
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI document',
    tag: 'ops',
    auth: 'none',
    unversioned: true,
    request: {},
    responses: { 200: OpenApiDocumentBody },
  },
  getDocs: {
    method: 'get',
    path: '/docs',
    summary: 'A readable rendering of this document (HTML)',
    tag: 'ops',
    auth: 'none',
    unversioned: true,
    request: {},
    responses: { 200: HtmlPage },
  },
  ...identityOperations,
} as const satisfies Record<string, Operation>;

/** The operationIds of bff-mobile. */
export type OperationId = keyof typeof operations;
