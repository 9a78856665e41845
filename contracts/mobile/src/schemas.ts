import * as z from 'zod';
import 'zod-openapi';

// Text rules (micropost, username, display name, bio, password) are enforced by the domain,
// which names the failing field precisely; these schemas bound sizes only loosely, for safety.

// ---------------------------------------------------------------- primitives

/** A 64-bit database id, carried as a decimal string so no client loses precision. */
export const Id = z
  .string()
  .regex(/^[1-9][0-9]{0,18}$/)
  .meta({ id: 'Id', description: 'A 64-bit identifier as a decimal string.', example: '1234' });

/** An ISO 8601 timestamp in UTC. */
export const Timestamp = z.iso
  .datetime()
  .meta({ id: 'Timestamp', description: 'ISO 8601 timestamp in UTC.', example: '2025-01-31T12:00:00.000Z' });

/** The platform of a device: `ios` or `android`. */
export const Platform = z.enum(['ios', 'android']).meta({ id: 'Platform' });

/** An opaque pagination cursor or sync token as it travels in a query string. */
const opaqueToken = (what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,512}$/)
    .meta({ description: `Opaque ${what} (1 to 512 of A-Z a-z 0-9 _ . -); a tampered or foreign one is 400.` });

const username = z.string().max(64).meta({
  description: 'Username: 3 to 30 of A-Z a-z 0-9 _, unique without regard to case (rule enforced by the server).',
  example: 'alice',
});
const displayName = z.string().max(200).meta({
  description:
    'Display name: 0 to 50 characters, if not empty not only whitespace or invisible characters (rule enforced by the server).',
  example: 'Alice Liddell',
});
const bio = z.string().max(1000).meta({
  description:
    'Bio: 0 to 160 characters, if not empty not only whitespace or invisible characters (rule enforced by the server).',
});
const password = z.string().max(1024).meta({
  description: 'Password: 8 to 128 characters, not the username, not a common password (rule enforced by the server).',
  format: 'password',
});
const micropostText = z
  .string()
  .max(2000)
  .meta({
    description:
      'Micropost text: 1 to 255 code points after NFC normalization, not only whitespace or invisible characters ' +
      '(zero-width, BOM, other Cf or Default_Ignorable_Code_Point), no NUL, lone surrogates ' +
      'or control characters other than \\n (rule enforced by the server, which answers 422 per field).',
    example: 'Hello @bob!',
  });
const pushToken = z
  .string()
  .regex(/^[\x21-\x7E]{1,255}$/)
  .meta({
    description: 'A push token as issued to the app (1 to 255 printable ASCII characters, no spaces).',
    example: 'ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]',
  });

// ---------------------------------------------------------------- request headers

const semver = z
  .string()
  .max(64)
  .regex(/^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/);

const appVersion = semver.optional().meta({
  description:
    "The app's version (semver). Below the supported minimum the answer is 426 `upgrade_required` with `minVersion`.",
  example: '1.4.2',
});

/** Headers every operation accepts (keys lower-cased, as Node delivers them; other headers pass through). */
export const AppVersionHeaders = z.looseObject({ 'x-app-version': appVersion });

/** Headers of a GET: the app version and `If-None-Match` for a conditional request (304). */
export const ConditionalGetHeaders = z.looseObject({
  'x-app-version': appVersion,
  'if-none-match': z
    .string()
    .max(1024)
    .optional()
    .meta({ description: 'An ETag from an earlier answer; unchanged: 304.' }),
});

/** Headers of POST /v1/posts: the app version and the required `Idempotency-Key`. */
export const CreatePostHeaders = z.looseObject({
  'x-app-version': appVersion,
  'idempotency-key': z
    .string()
    .regex(/^[\x20-\x7E]{1,255}$/)
    .meta({
      description:
        'Required, 1 to 255 printable ASCII characters, per user, kept 24 h. A retry with the same key and body ' +
        'replays the first answer; same key with another body: 422 `idempotency_key_reused`; ' +
        'same key still in flight: 409 `conflict`.',
      example: '6f1c2a9e-3b7d-4e0a-9c55-0d2f1b8a7e61',
    }),
});

// ---------------------------------------------------------------- request params and queries

/** Path parameter `{username}` (loosely bounded; the domain answers 404 for names that cannot exist). */
export const UsernameParams = z.strictObject({
  username: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,64}$/)
    .meta({ description: 'A username, matched without regard to case.', example: 'alice' }),
});

/** Path parameter `{id}` of a micropost. */
export const PostIdParams = z.strictObject({ id: Id });

/** Path parameter `{id}` of a device session. */
export const SessionIdParams = z.strictObject({ id: Id });

/** Path parameter `{token}` of a push token (percent-encoded in the path). */
export const PushTokenParams = z.strictObject({ token: pushToken });

const limit = z
  .string()
  .regex(/^[0-9]{1,4}$/)
  .default('20')
  .meta({ description: 'Page size, 1 to 50 (default 20).', example: '20' })
  .transform(Number)
  .pipe(z.number().int().min(1).max(50));

/** `?limit=&cursor=` of every cursor-paged list; omit the cursor for the first page. */
export const CursorPageQuery = z.object({
  limit,
  cursor: opaqueToken('cursor: the `nextCursor` of the previous page').optional(),
});

/** `?q=&limit=&cursor=` of the search. */
export const SearchQuery = z.object({
  q: z
    .string()
    .max(400)
    .refine(codePointsBetween(3, 100), { message: 'must be 3 to 100 characters' })
    .meta({
      description: 'Search terms, 3 to 100 characters (code points); otherwise 400.',
      example: 'koa',
      override: { minLength: 3, maxLength: 100 },
    }),
  limit,
  cursor: opaqueToken('cursor: the `nextCursor` of the previous page').optional(),
  order: z.enum(['newest', 'relevance']).optional().meta({
    description:
      '`newest` first (default) or best match first (`relevance`). English stemming; the last word also matches as a prefix.',
  }),
});

/** `?q=&limit=&cursor=` of the people search. */
export const PeopleSearchQuery = z.object({
  q: z
    .string()
    .max(200)
    .refine(codePointsBetween(1, 50), { message: 'must be 1 to 50 characters' })
    .meta({
      description:
        'A username or display-name prefix, 1 to 50 characters (a leading @ is ignored), without regard to case.',
      example: 'ali',
      override: { minLength: 1, maxLength: 50 },
    }),
  limit,
  cursor: opaqueToken('cursor: the `nextCursor` of the previous page').optional(),
});

/** `?limit=` of the suggestions. */
export const SuggestionsQuery = z.object({ limit });

/** `?since=&limit=` of the timeline delta sync. */
export const TimelineChangesQuery = z.object({
  since: opaqueToken(
    "sync token from the timeline's first page or the previous changes answer; an expired one is 400: reload the timeline",
  ),
  limit,
});

function codePointsBetween(min: number, max: number): (s: string) => boolean {
  return (s) => {
    const n = [...s].length;
    return n >= min && n <= max;
  };
}

// ---------------------------------------------------------------- request bodies

/** The device a session is opened for. */
export const Device = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/)
      .meta({ description: 'A stable id the app generates per install (1 to 128 of A-Z a-z 0-9 . _ : -).' }),
    name: z
      .string()
      .min(1)
      .max(100)
      .meta({ description: 'A name the user recognises, 1 to 100 characters.', example: "Alice's iPhone" }),
    platform: Platform,
  })
  .meta({ id: 'Device' });

/** POST /v1/users: sign up and open a device session. */
export const SignUpBody = z
  .strictObject({ username, password, displayName: displayName.optional(), device: Device })
  .meta({ id: 'SignUpBody' });

/** POST /v1/auth/token: sign in and open a device session. */
export const SignInBody = z.strictObject({ username, password, device: Device }).meta({ id: 'SignInBody' });

/** POST /v1/auth/refresh: trade a refresh token for a new token pair (rotation). */
export const RefreshBody = z
  .strictObject({
    refreshToken: z.string().min(1).max(512).meta({ description: 'The refresh token last issued to this device.' }),
  })
  .meta({ id: 'RefreshBody' });

/** PATCH /v1/me: change any of display name and bio. */
export const UpdateMeBody = z
  .strictObject({ displayName: displayName.optional(), bio: bio.optional() })
  .meta({ id: 'UpdateMeBody' });

/** POST /v1/posts and PATCH /v1/posts/{id}: the text of a micropost. */
export const PostTextBody = z.strictObject({ text: micropostText }).meta({ id: 'PostTextBody' });

/** PUT /v1/me/markers/timeline: move the read position, naming the version last read. */
export const MarkerUpdateBody = z
  .strictObject({
    lastReadId: Id,
    version: z.int().min(0).meta({ description: 'The `version` last read; a stale one is 409.' }),
  })
  .meta({ id: 'MarkerUpdateBody' });

/** PUT /v1/me/notifications/read-marker: everything up to this notification id is read. */
export const NotificationReadBody = z
  .strictObject({
    lastReadId: Id.meta({ description: 'The newest notification the user has seen (the marker never moves back).' }),
  })
  .meta({ id: 'NotificationReadBody' });

/** PUT /v1/me/password: the current password (re-authentication) and the new one. */
export const ChangePasswordBody = z
  .strictObject({
    currentPassword: z
      .string()
      .max(1024)
      .meta({ description: 'The current password; a wrong one is 422 on this field.', format: 'password' }),
    newPassword: password,
  })
  .meta({ id: 'ChangePasswordBody' });

/** POST /v1/me/deletion: the password again, to confirm. */
export const AccountDeletionBody = z
  .strictObject({
    password: z
      .string()
      .max(1024)
      .meta({ description: 'The current password; a wrong one is 422 on this field.', format: 'password' }),
  })
  .meta({ id: 'AccountDeletionBody' });

/** POST /v1/me/push-tokens: register a push token for the current device. */
export const PushTokenBody = z.strictObject({ token: pushToken, platform: Platform }).meta({ id: 'PushTokenBody' });

// ---------------------------------------------------------------- responses

/** A user as embedded in `users` maps and lists: `{ id, username, displayName }`. */
export const UserSummary = z
  .strictObject({ id: Id, username: z.string(), displayName: z.string() })
  .meta({ id: 'UserSummary' });

/** A compact micropost; its author is in the answer's `users` map. */
export const Micropost = z
  .strictObject({
    id: Id,
    authorId: Id,
    text: z.string(),
    createdAt: Timestamp,
    editedAt: Timestamp.nullable().meta({ description: 'When last edited; null until an edit.' }),
  })
  .meta({ id: 'Micropost' });

/** Each author once, keyed by id. */
export const UsersById = z
  .record(Id, UserSummary)
  .meta({ id: 'UsersById', description: 'Each user referenced by the items, once, keyed by id.' });

const nextCursor = z
  .string()
  .nullable()
  .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' });

/** A cursor page of microposts: `{ items, users, nextCursor }`. */
export const MicropostPage = z
  .strictObject({ items: z.array(Micropost), users: UsersById, nextCursor })
  .meta({ id: 'MicropostPage' });

/** One micropost with its author side-loaded (GET /v1/posts/{id}, the target of a push). */
export const PostWithUsers = z.strictObject({ post: Micropost, users: UsersById }).meta({ id: 'PostWithUsers' });

/** A page of the home timeline; the first page (no cursor) also carries `syncToken`. */
export const TimelinePage = z
  .strictObject({
    items: z.array(Micropost),
    users: UsersById,
    nextCursor,
    syncToken: z
      .string()
      .optional()
      .meta({ description: 'Present on the first page only: pass as `since` to /v1/timeline/changes.' }),
  })
  .meta({ id: 'TimelinePage' });

/** GET /v1/timeline/changes: microposts created or edited since the token, ids deleted since, a new token. */
export const TimelineChanges = z
  .strictObject({
    items: z.array(Micropost),
    users: UsersById,
    deleted: z.array(Id),
    syncToken: z.string().meta({ description: 'Pass as `since` next time.' }),
    hasMore: z.boolean().meta({ description: 'More changes wait: call again with the new `syncToken` at once.' }),
  })
  .meta({ id: 'TimelineChanges' });

/** A cursor page of users (followers, following): `{ items, nextCursor }`. */
export const UserPage = z.strictObject({ items: z.array(UserSummary), nextCursor }).meta({ id: 'UserPage' });

/** "Who to follow": people followed by those you follow (else popular accounts). */
export const SuggestionList = z
  .strictObject({
    items: z.array(
      z.strictObject({
        user: UserSummary,
        followedByYourFollows: z
          .int()
          .min(0)
          .meta({ description: 'How many of the people you follow follow them (0: a popular account).' }),
      }),
    ),
  })
  .meta({ id: 'SuggestionList' });

const count = z.int().min(0);

/** Counts shown on a profile. */
export const ProfileCounts = z
  .strictObject({ posts: count, followers: count, following: count })
  .meta({ id: 'ProfileCounts' });

/** How the signed-in viewer relates to a user; all false when signed out. */
export const Relationship = z
  .strictObject({ isSelf: z.boolean(), isFollowing: z.boolean(), followsYou: z.boolean() })
  .meta({ id: 'Relationship' });

/** The signed-in user's own profile (GET/PATCH /v1/me). */
export const OwnProfile = z
  .strictObject({
    id: Id,
    username: z.string(),
    displayName: z.string(),
    bio: z.string(),
    joinedAt: Timestamp,
    counts: ProfileCounts,
  })
  .meta({ id: 'OwnProfile' });

/** Another user's profile, with the viewer's relationship to them. */
export const Profile = z
  .strictObject({
    id: Id,
    username: z.string(),
    displayName: z.string(),
    bio: z.string(),
    joinedAt: Timestamp,
    counts: ProfileCounts,
    relationship: Relationship,
  })
  .meta({ id: 'Profile' });

/** A fresh token pair for a device session (sign up, sign in, refresh). */
export const TokenResponse = z
  .strictObject({
    accessToken: z.string().meta({ description: 'A JWT for `Authorization: Bearer`; lives 15 minutes.' }),
    tokenType: z.literal('Bearer'),
    expiresIn: z
      .int()
      .min(1)
      .max(900)
      .meta({ description: 'Seconds until the access token expires (900).', example: 900 }),
    refreshToken: z.string().meta({
      description: 'Opaque, single use: each refresh rotates it; presenting a rotated one revokes the session.',
    }),
    user: UserSummary,
  })
  .meta({ id: 'TokenResponse' });

/** One device session of the signed-in user. */
export const DeviceSession = z
  .strictObject({
    id: Id,
    deviceName: z.string(),
    platform: Platform,
    createdAt: Timestamp,
    lastUsedAt: Timestamp,
    current: z.boolean().meta({ description: 'True for the session making this request.' }),
  })
  .meta({ id: 'DeviceSession' });

/** GET /v1/me/sessions. */
export const DeviceSessionList = z.strictObject({ items: z.array(DeviceSession) }).meta({ id: 'DeviceSessionList' });

/** The timeline read position; initially `{ lastReadId: null, version: 0 }`. */
export const TimelineMarker = z
  .strictObject({
    lastReadId: Id.nullable(),
    version: z.int().min(0).meta({ description: 'Bumped by every successful PUT.' }),
  })
  .meta({ id: 'TimelineMarker' });

/** One inbox entry; its actor is in `users`, its post (a mention's, while it exists) in `posts`. */
export const NotificationItem = z
  .strictObject({
    id: Id,
    kind: z
      .enum(['mention', 'follow'])
      .meta({ description: '`mention`: actor mentioned you in postId; `follow`: actor followed you.' }),
    createdAt: Timestamp,
    actorId: Id,
    postId: Id.nullable().meta({ description: 'The post of a mention (null for a follow, or if the post is gone).' }),
    read: z.boolean().meta({ description: 'At or below the read marker.' }),
  })
  .meta({ id: 'NotificationItem' });

/** A cursor page of notifications, newest first, with actors and posts side-loaded. */
export const NotificationPage = z
  .strictObject({
    items: z.array(NotificationItem),
    users: UsersById,
    posts: z.record(Id, Micropost).meta({ description: 'Each post referenced by the items, once, keyed by id.' }),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ id: 'NotificationPage' });

/** The badge: unread notifications (capped) and the read marker. */
export const UnreadNotifications = z
  .strictObject({
    unread: z
      .int()
      .min(0)
      .max(100)
      .meta({ description: 'Notifications above the read marker, counted up to 100 (show "99+" at 100).' }),
    lastReadId: Id.nullable(),
  })
  .meta({ id: 'UnreadNotifications' });

/** A registered push token. */
export const PushTokenRegistration = z
  .strictObject({ token: z.string(), platform: Platform })
  .meta({ id: 'PushTokenRegistration' });

/** GET /healthz and /readyz. */
export const HealthStatus = z.strictObject({ status: z.literal('ok') }).meta({ id: 'HealthStatus' });

/** GET /openapi.json: this document. */
export const OpenApiDocumentBody = z
  .looseObject({ openapi: z.string(), info: z.looseObject({ version: z.string() }), paths: z.looseObject({}) })
  .meta({ description: 'The OpenAPI 3.1 document (this one).' });

/** GET /docs: an HTML rendering of the OpenAPI document. */
export const HtmlPage = z.string().meta({ description: 'An HTML page.' });

// ---------------------------------------------------------------- problems

/** One failed field: `field` is the dotted path into the body (or query/path parameter name). */
export const FieldError = z.strictObject({ field: z.string(), message: z.string() }).meta({ id: 'FieldError' });

const problemFields = {
  type: z.string().meta({ description: 'A URI naming the problem type.', example: 'about:blank' }),
  title: z.string(),
  status: z.int().min(100).max(599),
  code: z.string().meta({
    description:
      'Stable machine code: bad_request, unauthenticated, invalid_grant, forbidden, not_found, conflict, ' +
      'payload_too_large, unsupported_media_type, validation_failed, idempotency_key_reused, upgrade_required, ' +
      'rate_limited, unavailable.',
  }),
  detail: z.string().optional(),
  errors: z.array(FieldError).optional(),
};

/** An RFC 9457 problem (application/problem+json). */
export const Problem = z.strictObject(problemFields).meta({ id: 'Problem' });

/** 426: the app is older than the supported minimum, which `minVersion` names. */
export const UpgradeRequiredProblem = z
  .strictObject({
    ...problemFields,
    status: z.literal(426),
    code: z.literal('upgrade_required'),
    minVersion: z.string().meta({ description: 'The lowest app version served.', example: '1.0.0' }),
  })
  .meta({ id: 'UpgradeRequiredProblem' });

// ---------------------------------------------------------------- types

/** Parsed (output) types of the request schemas. */
export type Device = z.output<typeof Device>;
export type SignUpBody = z.output<typeof SignUpBody>;
export type SignInBody = z.output<typeof SignInBody>;
export type RefreshBody = z.output<typeof RefreshBody>;
export type UpdateMeBody = z.output<typeof UpdateMeBody>;
export type PostTextBody = z.output<typeof PostTextBody>;
export type MarkerUpdateBody = z.output<typeof MarkerUpdateBody>;
export type PushTokenBody = z.output<typeof PushTokenBody>;
export type ChangePasswordBody = z.output<typeof ChangePasswordBody>;
export type AccountDeletionBody = z.output<typeof AccountDeletionBody>;
export type NotificationReadBody = z.output<typeof NotificationReadBody>;
export type NotificationItem = z.output<typeof NotificationItem>;
export type NotificationPage = z.output<typeof NotificationPage>;
export type UnreadNotifications = z.output<typeof UnreadNotifications>;
export type CursorPageQuery = z.output<typeof CursorPageQuery>;
export type SearchQuery = z.output<typeof SearchQuery>;
export type TimelineChangesQuery = z.output<typeof TimelineChangesQuery>;
export type Platform = z.output<typeof Platform>;

/** Response types. */
export type UserSummary = z.output<typeof UserSummary>;
export type Micropost = z.output<typeof Micropost>;
export type UsersById = z.output<typeof UsersById>;
export type MicropostPage = z.output<typeof MicropostPage>;
export type PostWithUsers = z.output<typeof PostWithUsers>;
export type TimelinePage = z.output<typeof TimelinePage>;
export type TimelineChanges = z.output<typeof TimelineChanges>;
export type UserPage = z.output<typeof UserPage>;
export type SuggestionList = z.output<typeof SuggestionList>;
export type PeopleSearchQuery = z.output<typeof PeopleSearchQuery>;
export type SuggestionsQuery = z.output<typeof SuggestionsQuery>;
export type ProfileCounts = z.output<typeof ProfileCounts>;
export type Relationship = z.output<typeof Relationship>;
export type OwnProfile = z.output<typeof OwnProfile>;
export type Profile = z.output<typeof Profile>;
export type TokenResponse = z.output<typeof TokenResponse>;
export type DeviceSession = z.output<typeof DeviceSession>;
export type DeviceSessionList = z.output<typeof DeviceSessionList>;
export type TimelineMarker = z.output<typeof TimelineMarker>;
export type PushTokenRegistration = z.output<typeof PushTokenRegistration>;
export type HealthStatus = z.output<typeof HealthStatus>;
export type FieldError = z.output<typeof FieldError>;
export type Problem = z.output<typeof Problem>;
export type UpgradeRequiredProblem = z.output<typeof UpgradeRequiredProblem>;
