// @microblog/web-contract: bff-web's API as zod schemas, an operation table and an OpenAPI 3.1 document.

/** A 64-bit identifier as a decimal string. */
export { Id } from './schemas.ts';
/** An ISO 8601 instant in UTC. */
export { Timestamp } from './schemas.ts';

/** Body of POST /api/v1/users (sign up). */
export { SignUpRequest } from './schemas.ts';
/** Body of POST /api/v1/session (sign in). */
export { SignInRequest } from './schemas.ts';
/** Body of PATCH /api/v1/me. */
export { UpdateMeRequest } from './schemas.ts';
/** Body of PUT /api/v1/me/password. */
export { ChangePasswordRequest } from './schemas.ts';
/** Body of POST /api/v1/microposts and PATCH /api/v1/microposts/{id}. */
export { MicropostTextRequest } from './schemas.ts';

/** `?page=&per_page=` parsed to numbers (defaults 1 and 20). */
export { PageQuery } from './schemas.ts';
/** `?q=&page=&per_page=` of GET /api/v1/search. */
export { SearchQuery } from './schemas.ts';
/** `{username}` path parameter. */
export { UsernameParams } from './schemas.ts';
/** `{id}` path parameter of a micropost. */
export { MicropostIdParams } from './schemas.ts';
/** The `X-CSRF: 1` header required on every non-GET request. */
export { CsrfHeaders } from './schemas.ts';

/** `{ username, displayName }`: a user in a list, a micropost's author. */
export { UserSummary } from './schemas.ts';
/** A micropost shaped for rendering. */
export { Micropost } from './schemas.ts';
/** `{ posts, followers, following }`. */
export { Counts } from './schemas.ts';
/** A user's profile with the viewer's relationship flags. */
export { Profile } from './schemas.ts';
/** The signed-in user's own profile (answer of PATCH /api/v1/me). */
export { CurrentUser } from './schemas.ts';
/** `{ user, expiresAt }`: answer of sign-up, sign-in and GET /api/v1/session. */
export { SessionInfo } from './schemas.ts';
/** `{ user, viewer: { isFollowing, followsYou } }`: answer of follow and unfollow. */
export { Relationship } from './schemas.ts';
/** `{ number, size, totalItems, totalPages }` of a numbered page. */
export { PageInfo } from './schemas.ts';
/** A numbered page of microposts. */
export { MicropostPage } from './schemas.ts';
/** A numbered page of users. */
export { UserPage } from './schemas.ts';
/** `{ password }` of POST /api/v1/me/deletion. */
export { AccountDeletionRequest } from './schemas.ts';
/** Path params `{ id }` of a session. */
export { SessionIdParams } from './schemas.ts';
/** One signed-in browser or device. */
export { SignedInDevice } from './schemas.ts';
/** `{ items: SignedInDevice[] }`. */
export { SignedInDeviceList } from './schemas.ts';
/** `{ items: [{ user, followedByYourFollows }] }`: who to follow. */
export { SuggestionList } from './schemas.ts';
/** Query `?q=1..50 chars&page=&per_page=` of the people search. */
export { PeopleSearchQuery } from './schemas.ts';
/** One notification `{ id, kind, createdAt, actor, micropost, read }`. */
export { Notification } from './schemas.ts';
/** A numbered page of notifications. */
export { NotificationPage } from './schemas.ts';
/** `{ unread, lastReadId }`: the header badge. */
export { UnreadNotifications } from './schemas.ts';
/** `{ lastReadId }` of PUT /api/v1/notifications/read-marker. */
export { NotificationReadRequest } from './schemas.ts';
/** `{ status: 'ok' }` of GET /healthz and GET /readyz. */
export { HealthStatus } from './schemas.ts';
/** The body of GET /openapi.json. */
export { OpenApiJson } from './schemas.ts';
/** The body of GET /docs (HTML). */
export { DocsHtml } from './schemas.ts';

/** Every problem `code` bff-web answers with. */
export { ProblemCode } from './schemas.ts';
/** `{ field, message }` in a problem's `errors`. */
export { FieldError } from './schemas.ts';
/** Any error response (application/problem+json). */
export { Problem } from './schemas.ts';
/** 400 bad_request. */
export { BadRequestProblem } from './schemas.ts';
/** 401 unauthenticated. */
export { UnauthenticatedProblem } from './schemas.ts';
/** 403 forbidden or csrf_failed. */
export { ForbiddenProblem } from './schemas.ts';
/** 404 not_found. */
export { NotFoundProblem } from './schemas.ts';
/** 409 conflict. */
export { ConflictProblem } from './schemas.ts';
/** 413 payload_too_large. */
export { PayloadTooLargeProblem } from './schemas.ts';
/** 415 unsupported_media_type. */
export { UnsupportedMediaTypeProblem } from './schemas.ts';
/** 422 validation_failed, with a non-empty `errors`. */
export { ValidationProblem } from './schemas.ts';
/** 429 rate_limited. */
export { RateLimitedProblem } from './schemas.ts';
/** 503 unavailable. */
export { UnavailableProblem } from './schemas.ts';

/** Schemas of OpenID Connect sign-in and linked sign-ins. */
export {
  IdentityProvider,
  IdentityProviderList,
  LinkedIdentity,
  OidcAuthorization,
  OidcAuthorizationRequest,
  OidcCallbackRequest,
  OidcCallbackResult,
  OidcSignUpRequest,
  ProviderParams,
  SignInMethods,
  SignOutResult,
} from './identity-schemas.ts';

/** The live timeline stream: the `changes` event's data and the stream body. */
export { TimelineChangesEvent, TimelineEventStream, TimelineNotificationsEvent } from './live-operations.ts';

/** The table of every bff-web operation: method, path, auth, request and response schemas. */
export { operations } from './operations.ts';
/** The shape of one entry of `operations`. */
export type { Operation } from './operations.ts';
/** A lower-case HTTP method. */
export type { HttpMethod } from './operations.ts';
/** The name of an operation (a key of `operations`, its OpenAPI operationId). */
export type { OperationId } from './operations.ts';

/** Builds the OpenAPI 3.1 document from `operations`. */
export { buildOpenApiDocument } from './openapi.ts';
/** The type of that document. */
export type { OpenApiDocument } from './openapi.ts';
/** Checks a response body against the contract for an operation and status (for BFF tests). */
export { validateResponse } from './validate.ts';
/** The verdict of validateResponse. */
export type { ResponseValidation } from './validate.ts';
/** The request schemas of one operation. */
export { requestSchemas } from './validate.ts';
/** Turns a ZodError into problem `errors` (`field` is the dotted path). */
export { formatIssues } from './format-issues.ts';

/** Creates a typed fetch client of bff-web that sends `X-CSRF: 1` on writes (zod-free at `@microblog/web-contract/client`). */
export { createWebClient } from './client.ts';
/** The middleware that adds `X-CSRF: 1` to every non-GET request. */
export { csrfHeader } from './client.ts';
/** The client, its options, and the paths it accepts (the generated `paths` with X-CSRF supplied). */
export type { WebClient, WebClientOptions, WebPaths } from './client.ts';
/** Types generated from openapi.json by openapi-typescript: every path and every component schema. */
export type { components, paths } from './generated/openapi-types.ts';
