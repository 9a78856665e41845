// @microblog/mobile-contract: bff-mobile's API. Each schema is also a type of the same name (its parsed output).

export {
  /** A 64-bit id as a decimal string (/^[1-9][0-9]{0,18}$/). */
  Id,
  /** An ISO 8601 UTC timestamp. */
  Timestamp,
  /** Device platform: 'ios' | 'android'. */
  Platform,
  /** Request headers of every /v1 operation: optional X-App-Version (semver). */
  AppVersionHeaders,
  /** Request headers of a /v1 GET: X-App-Version and If-None-Match. */
  ConditionalGetHeaders,
  /** Request headers of POST /v1/posts: X-App-Version and the required Idempotency-Key. */
  CreatePostHeaders,
  /** Path params `{ username }`. */
  UsernameParams,
  /** Path params `{ id }` of a micropost. */
  PostIdParams,
  /** Path params `{ id }` of a device session. */
  SessionIdParams,
  /** Path params `{ token }` of a push token. */
  PushTokenParams,
  /** Query `?limit=1..50 (default 20)&cursor=` of cursor-paged lists. */
  CursorPageQuery,
  /** Query `?q=3..100 chars&limit=&cursor=` of the search. */
  SearchQuery,
  /** Query `?since=&limit=` of the timeline delta sync. */
  TimelineChangesQuery,
  /** `{ id, name, platform }` of the device a session is opened for. */
  Device,
  /** Body of POST /v1/users. */
  SignUpBody,
  /** Body of POST /v1/auth/token. */
  SignInBody,
  /** Body of POST /v1/auth/refresh. */
  RefreshBody,
  /** Body of PATCH /v1/me. */
  UpdateMeBody,
  /** Body `{ text }` of POST /v1/posts and PATCH /v1/posts/{id}. */
  PostTextBody,
  /** Body of PUT /v1/me/markers/timeline. */
  MarkerUpdateBody,
  /** Body of POST /v1/me/push-tokens. */
  PushTokenBody,
  /** `{ id, username, displayName }`. */
  UserSummary,
  /** Compact micropost `{ id, authorId, text, createdAt, editedAt }`. */
  Micropost,
  /** `users` map: id → UserSummary. */
  UsersById,
  /** `{ items: Micropost[], users, nextCursor }`. */
  MicropostPage,
  /** `{ post: Micropost, users }` of GET /v1/posts/{id}. */
  PostWithUsers,
  /** MicropostPage plus `syncToken` on the first page. */
  TimelinePage,
  /** `{ items, users, deleted, syncToken, hasMore }` of the delta sync. */
  TimelineChanges,
  /** `{ items: UserSummary[], nextCursor }` of followers/following. */
  UserPage,
  /** `{ items: [{ user, followedByYourFollows }] }`: who to follow. */
  SuggestionList,
  /** Query `?q=1..50 chars&limit=&cursor=` of the people search. */
  PeopleSearchQuery,
  /** Query `?limit=` of the suggestions. */
  SuggestionsQuery,
  /** `{ posts, followers, following }`. */
  ProfileCounts,
  /** `{ isSelf, isFollowing, followsYou }`. */
  Relationship,
  /** Own profile of GET/PATCH /v1/me. */
  OwnProfile,
  /** A user's profile with counts and relationship. */
  Profile,
  /** `{ accessToken, tokenType, expiresIn, refreshToken, user }`. */
  TokenResponse,
  /** One device session `{ id, deviceName, platform, createdAt, lastUsedAt, current }`. */
  DeviceSession,
  /** `{ items: DeviceSession[] }`. */
  DeviceSessionList,
  /** Read position `{ lastReadId, version }`. */
  TimelineMarker,
  /** `{ token, platform }` of a registered push token. */
  PushTokenRegistration,
  /** One inbox entry `{ id, kind, createdAt, actorId, postId, read }`. */
  NotificationItem,
  /** `{ items, users, posts, nextCursor }` of GET /v1/me/notifications. */
  NotificationPage,
  /** `{ unread, lastReadId }`: the badge. */
  UnreadNotifications,
  /** `{ lastReadId }` of PUT /v1/me/notifications/read-marker. */
  NotificationReadBody,
  /** `{ currentPassword, newPassword }` of PUT /v1/me/password. */
  ChangePasswordBody,
  /** `{ password }` of POST /v1/me/deletion. */
  AccountDeletionBody,
  /** `{ status: 'ok' }` of /healthz and /readyz. */
  HealthStatus,
  /** The body of GET /openapi.json (loosely checked). */
  OpenApiDocumentBody,
  /** The HTML body of GET /docs. */
  HtmlPage,
  /** `{ field, message }` in a problem's `errors`. */
  FieldError,
  /** RFC 9457 problem `{ type, title, status, code, detail?, errors? }`. */
  Problem,
  /** The 426 problem, which adds `minVersion`. */
  UpgradeRequiredProblem,
} from './schemas.ts';

/** Schemas of OpenID Connect sign-in and linked sign-ins (1.1.0). */
export {
  IdentityProvider,
  IdentityProviderList,
  LinkedIdentity,
  ProviderLinkBody,
  ProviderParams,
  ProviderSignInResult,
  ProviderSignUpBody,
  ProviderTokenBody,
  SignInMethods,
} from './identity-schemas.ts';

export {
  /** The operation table keyed by operationId: the single source of truth. */
  operations,
  /** '/v1'. */
  BASE_PATH,
} from './operations.ts';
export type {
  /** Shape of one entry of the operation table. */
  Operation,
  /** The operationIds. */
  OperationId,
  /** The status codes an operation may document. */
  HttpStatus,
} from './operations.ts';

export {
  /** Builds the OpenAPI 3.1 document from the operation table. */
  buildOpenApiDocument,
} from './openapi.ts';
export type {
  /** The document buildOpenApiDocument returns. */
  OpenApiDocument,
} from './openapi.ts';

export {
  /** Checks a response (status, body) against the contract, for the BFF's tests. */
  validateResponse,
  /** The request schemas of an operation. */
  requestSchemas,
  /** Zod issues as problem `errors` ({ field: dotted path, message }). */
  formatIssues,
} from './validate.ts';
export type {
  /** `{ ok: true } | { ok: false, errors }`. */
  ValidationResult,
} from './validate.ts';

export {
  /** Creates a typed fetch client of bff-mobile that sends the bearer token and X-App-Version. */
  createMobileClient,
} from './client.ts';
export type {
  /** The client: openapi-fetch's `Client<paths>` plus `setTokenProvider`. */
  MobileClient,
  /** `{ baseUrl, fetch?, appVersion?, token? }`. */
  MobileClientOptions,
  /** Gives the current access token (or nothing when signed out). */
  TokenProvider,
} from './client.ts';
export type {
  /** Every path of the API, generated from openapi.json by openapi-typescript. */
  paths,
  /** Every component (schemas, parameters, headers), generated from openapi.json. */
  components,
} from './generated/openapi-types.ts';
