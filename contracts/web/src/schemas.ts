// bff-web's payloads. Requests bound sizes loosely and leave the precise text rules to the
// domain (so its per-field messages reach the client); responses are strict so that a
// presenter leaking a field fails the BFF's tests.
import * as z from 'zod';
import 'zod-openapi';

// ---------------------------------------------------------------------------------------------
// Building blocks

/** A 64-bit identifier as a decimal string, so no client loses precision. */
export const Id = z
  .string()
  .regex(/^[1-9][0-9]{0,18}$/)
  // Past the signed 64-bit range the database would fail, so such an id is a bad id, not a 500.
  // Equal-length digit strings compare like their numbers.
  .refine((s) => s.length < 19 || s <= '9223372036854775807', { message: 'must be at most 9223372036854775807' })
  .meta({
    id: 'Id',
    description: 'A 64-bit identifier as a decimal string (no leading zeros), 1 to 9223372036854775807.',
    example: '1234',
  });
export type Id = z.infer<typeof Id>;

/** An ISO 8601 instant in UTC, as produced by Date#toISOString(). */
export const Timestamp = z.iso
  .datetime()
  .meta({ id: 'Timestamp', description: 'An ISO 8601 instant in UTC.', example: '2025-01-31T09:30:00.000Z' });
export type Timestamp = z.infer<typeof Timestamp>;

const usernameRules = '3 to 30 of A-Z a-z 0-9 _, unique without regard to case.';
const notBlank =
  'if not empty, not only whitespace or invisible characters (zero-width, BOM, other Cf or Default_Ignorable_Code_Point)';
const displayNameRules = `0 to 50 characters (Unicode code points); ${notBlank}.`;
const bioRules = `0 to 160 characters (Unicode code points); ${notBlank}.`;
const textRules =
  '1 to 255 characters (Unicode code points) after NFC normalization; not only whitespace or invisible characters ' +
  '(zero-width, BOM, other Cf or Default_Ignorable_Code_Point); ' +
  'no NUL, lone surrogates or control characters other than \\n. `@username` tokens naming an existing user are mentions.';
const passwordRules = '8 to 128 characters, not equal to the username, not a common password.';
const domainEnforced = ' Enforced by the service, which answers 422 validation_failed with a message for this field.';

// Loose, safety-only bounds for request strings; the real rules are in the descriptions.
const usernameInput = z
  .string()
  .max(64)
  .meta({ description: `Username: ${usernameRules}${domainEnforced}` });
const passwordInput = (what: string): z.ZodString =>
  z
    .string()
    .max(1024)
    .meta({ description: `${what}: ${passwordRules}${domainEnforced}` });
const displayNameInput = z
  .string()
  .max(500)
  .meta({ description: `Display name: ${displayNameRules}${domainEnforced}` });
const bioInput = z
  .string()
  .max(2000)
  .meta({ description: `Bio: ${bioRules}${domainEnforced}` });
const textInput = z
  .string()
  .max(2000)
  .meta({ description: `Micropost text: ${textRules}${domainEnforced}` });

// Responses carry what the domain stored, so they can be checked precisely.
const username = z
  .string()
  .regex(/^[A-Za-z0-9_]{3,30}$/)
  .meta({ description: 'Username, shown as registered.', example: 'ada_l' });
const displayName = z.string().meta({ description: 'Display name; may be empty.', example: 'Ada Lovelace' });
const bio = z.string().meta({ description: 'Bio; may be empty.' });
const count = z.int().min(0);

// ---------------------------------------------------------------------------------------------
// Request bodies (unknown keys are a 422, no coercion, no trimming)

/** POST /api/v1/users: sign up. */
export const SignUpRequest = z
  .strictObject({
    username: usernameInput,
    password: passwordInput('Password'),
    displayName: displayNameInput.exactOptional(),
  })
  .meta({ id: 'SignUpRequest' });
export type SignUpRequest = z.infer<typeof SignUpRequest>;

/** POST /api/v1/session: sign in. */
export const SignInRequest = z
  .strictObject({
    username: z.string().max(64).meta({ description: 'Username, in any letter case.' }),
    password: z.string().max(1024),
  })
  .meta({
    id: 'SignInRequest',
    description: 'Wrong username and wrong password answer the same 401 unauthenticated.',
  });
export type SignInRequest = z.infer<typeof SignInRequest>;

/** PATCH /api/v1/me: edit the profile; absent fields are left unchanged. */
export const UpdateMeRequest = z
  .strictObject({ displayName: displayNameInput.exactOptional(), bio: bioInput.exactOptional() })
  .meta({ id: 'UpdateMeRequest', description: 'Absent fields are left unchanged.' });
export type UpdateMeRequest = z.infer<typeof UpdateMeRequest>;

/** PUT /api/v1/me/password: change the password. */
export const ChangePasswordRequest = z
  .strictObject({
    currentPassword: z.string().max(1024).meta({
      description: 'The current password; a wrong one answers 422 validation_failed on this field.',
    }),
    newPassword: passwordInput('New password'),
  })
  .meta({ id: 'ChangePasswordRequest' });
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

/** POST /api/v1/me/deletion: the password again, to confirm. */
export const AccountDeletionRequest = z
  .strictObject({
    password: z
      .string()
      .max(1024)
      .meta({ description: 'The current password; a wrong one answers 422 validation_failed on this field.' }),
  })
  .meta({ id: 'AccountDeletionRequest' });
export type AccountDeletionRequest = z.infer<typeof AccountDeletionRequest>;

/** POST /api/v1/microposts and PATCH /api/v1/microposts/{id}: the text of a micropost. */
export const MicropostTextRequest = z.strictObject({ text: textInput }).meta({ id: 'MicropostTextRequest' });
export type MicropostTextRequest = z.infer<typeof MicropostTextRequest>;

// ---------------------------------------------------------------------------------------------
// Query, path and header parameters: strings in, never coerced (an array must fail)

/** `?page=&per_page=`: page 1..10000 (default 1), per_page 1..100 (default 20). Unknown query keys are ignored. */
export const PageQuery = z.object({
  page: z
    .string()
    .regex(/^[1-9][0-9]{0,4}$/)
    .transform(Number)
    .pipe(z.int().min(1).max(10000))
    .prefault('1')
    .meta({ description: 'Page number, 1 to 10000.', example: '1' }),
  per_page: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/)
    .transform(Number)
    .pipe(z.int().min(1).max(100))
    .prefault('20')
    .meta({ description: 'Items per page, 1 to 100.', example: '20' }),
});
export type PageQuery = z.output<typeof PageQuery>;

const codePoints = (s: string): number => [...s].length;

/** `GET /api/v1/search?q=`: 3 to 100 characters (code points), plus the page parameters. */
export const SearchQuery = PageQuery.extend({
  q: z
    .string()
    // 100 code points are at most 200 UTF-16 units; check that first so a huge value costs nothing.
    .refine((s) => s.length <= 200 && codePoints(s) >= 3 && codePoints(s) <= 100, {
      message: 'must be 3 to 100 characters',
    })
    .meta({ description: 'Full-text query, 3 to 100 characters (Unicode code points).', minLength: 3, maxLength: 100 }),
  order: z.enum(['newest', 'relevance']).optional().meta({
    description:
      '`newest` first (default) or best match first (`relevance`). English stemming; the last word also matches as a prefix.',
  }),
});
export type SearchQuery = z.output<typeof SearchQuery>;

/** `?q=&page=&per_page=` of the people search. */
export const PeopleSearchQuery = PageQuery.extend({
  q: z
    .string()
    .refine((s) => s.length <= 100 && codePoints(s) >= 1 && codePoints(s) <= 50, {
      message: 'must be 1 to 50 characters',
    })
    .meta({
      description:
        'A username or display-name prefix, 1 to 50 characters (a leading @ is ignored), without regard to case.',
      minLength: 1,
      maxLength: 50,
    }),
});
export type PeopleSearchQuery = z.output<typeof PeopleSearchQuery>;

/** `{username}` in a path: any 1..64 characters; whether the user exists is the domain's answer (404). */
export const UsernameParams = z.object({
  username: z.string().min(1).max(64).meta({ description: 'Username, in any letter case.', example: 'ada_l' }),
});
export type UsernameParams = z.infer<typeof UsernameParams>;

/** `{id}` of a session in a path. */
export const SessionIdParams = z.object({ id: Id });
export type SessionIdParams = z.output<typeof SessionIdParams>;

/** `{id}` of a micropost in a path. */
export const MicropostIdParams = z.object({ id: Id });
export type MicropostIdParams = z.infer<typeof MicropostIdParams>;

/** The CSRF header every non-GET `/api` request carries (keys lower-case, as Node presents headers). */
export const CsrfHeaders = z.object({
  'x-csrf': z.literal('1').meta({
    description:
      '`X-CSRF` (header names are case-insensitive) must be `1` on every non-GET request (with, where the browser sends them, `Origin` equal to the ' +
      'BFF origin and `Sec-Fetch-Site: same-origin`); otherwise 403 csrf_failed and nothing is written.',
  }),
});
export type CsrfHeaders = z.infer<typeof CsrfHeaders>;

// ---------------------------------------------------------------------------------------------
// Responses (strict: an unknown key fails)

/** A user in a list, and a micropost's author. */
export const UserSummary = z.strictObject({ username, displayName }).meta({ id: 'UserSummary' });
export type UserSummary = z.infer<typeof UserSummary>;

/** A micropost shaped for rendering. */
export const Micropost = z
  .strictObject({
    id: Id,
    text: z.string().meta({ description: 'The text as written (not escaped).' }),
    html: z.string().meta({ description: 'The text HTML-escaped, with mentions and URLs linked.' }),
    createdAt: Timestamp,
    editedAt: Timestamp.nullable().meta({ description: 'Null until the first edit.' }),
    author: UserSummary,
    viewer: z
      .strictObject({ canEdit: z.boolean(), canDelete: z.boolean() })
      .meta({ description: 'What the signed-in viewer may do; false when signed out.' }),
  })
  .meta({ id: 'Micropost' });
export type Micropost = z.infer<typeof Micropost>;

/** How many posts, followers and followed users a user has. */
export const Counts = z.strictObject({ posts: count, followers: count, following: count }).meta({ id: 'Counts' });
export type Counts = z.infer<typeof Counts>;

/** A user's public profile, with the viewer's relationship to them. */
export const Profile = z
  .strictObject({
    username,
    displayName,
    bio,
    joinedAt: Timestamp,
    counts: Counts,
    viewer: z
      .strictObject({ isSelf: z.boolean(), isFollowing: z.boolean(), followsYou: z.boolean() })
      .meta({ description: 'All false when signed out.' }),
  })
  .meta({ id: 'Profile' });
export type Profile = z.infer<typeof Profile>;

/** The signed-in user's own profile. */
export const CurrentUser = z
  .strictObject({ username, displayName, bio, joinedAt: Timestamp, counts: Counts })
  .meta({ id: 'CurrentUser' });
export type CurrentUser = z.infer<typeof CurrentUser>;

/** Who is signed in and when the session expires (sign up, sign in, who am I). */
export const SessionInfo = z
  .strictObject({
    user: CurrentUser,
    expiresAt: z.iso.datetime().meta({ description: 'When the session cookie stops being accepted (UTC).' }),
  })
  .meta({ id: 'SessionInfo' });
export type SessionInfo = z.infer<typeof SessionInfo>;

/** The viewer's relationship with a user, after follow or unfollow. */
export const Relationship = z
  .strictObject({
    user: UserSummary,
    viewer: z
      .strictObject({
        isFollowing: z.boolean().meta({ description: 'The viewer follows this user.' }),
        followsYou: z.boolean().meta({ description: 'This user follows the viewer.' }),
      })
      .meta({ description: 'The signed-in viewer, after the change.' }),
  })
  .meta({ id: 'Relationship' });
export type Relationship = z.infer<typeof Relationship>;

/** Where a numbered page sits in the whole list. */
export const PageInfo = z
  .strictObject({
    number: z
      .int()
      .min(1)
      .max(10000)
      .meta({ description: 'This page, as requested (may be past the last page, then items is empty).' }),
    size: z.int().min(1).max(100).meta({ description: 'per_page, as requested.' }),
    totalItems: count,
    totalPages: z
      .int()
      .min(1)
      .meta({ description: 'max(1, ceil(totalItems / size)): an empty list still has one (empty) page.' }),
  })
  .meta({
    id: 'PageInfo',
    description:
      'The response also carries an RFC 8288 `Link` header with first, prev, next and last (prev/next only where they exist).',
  });
export type PageInfo = z.infer<typeof PageInfo>;

/** Builds the `{ items, page }` envelope of a numbered page of `item`. */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z.strictObject({ items: z.array(item), page: PageInfo }).meta({ id });
}

/** A numbered page of microposts. */
export const MicropostPage = pageOf(Micropost, 'MicropostPage');
export type MicropostPage = z.infer<typeof MicropostPage>;

/** A numbered page of users. */
export const UserPage = pageOf(UserSummary, 'UserPage');
export type UserPage = z.infer<typeof UserPage>;

/** One signed-in browser or device of the user. */
export const SignedInDevice = z
  .strictObject({
    id: Id,
    kind: z.enum(['web', 'mobile']).meta({ description: '`web`: a browser session; `mobile`: the app on a device.' }),
    deviceName: z.string().nullable().meta({ description: 'The device name the app gave; null for a browser.' }),
    platform: z.string().nullable().meta({ description: '`ios` or `android` for the app; null for a browser.' }),
    createdAt: Timestamp,
    lastUsedAt: Timestamp,
    current: z.boolean().meta({ description: 'True for the session making this request.' }),
  })
  .meta({ id: 'SignedInDevice' });
export type SignedInDevice = z.infer<typeof SignedInDevice>;

/** GET /api/v1/me/sessions. */
export const SignedInDeviceList = z.strictObject({ items: z.array(SignedInDevice) }).meta({ id: 'SignedInDeviceList' });
export type SignedInDeviceList = z.infer<typeof SignedInDeviceList>;

/** "Who to follow": people followed by those you follow (else popular accounts). */
export const SuggestionList = z
  .strictObject({
    items: z.array(
      z.strictObject({
        user: UserSummary,
        followedByYourFollows: count.meta({
          description: 'How many of the people you follow follow them (0: a popular account).',
        }),
      }),
    ),
  })
  .meta({ id: 'SuggestionList' });
export type SuggestionList = z.infer<typeof SuggestionList>;

/** One entry of the notifications inbox: a mention (with its post while it exists) or a new follower. */
export const Notification = z
  .strictObject({
    id: Id,
    kind: z
      .enum(['mention', 'follow'])
      .meta({ description: '`mention`: actor mentioned you in `micropost`; `follow`: actor followed you.' }),
    createdAt: Timestamp,
    actor: UserSummary,
    micropost: Micropost.nullable().meta({ description: 'The post of a mention; null for a follow.' }),
    read: z.boolean().meta({ description: 'At or below the read marker.' }),
  })
  .meta({ id: 'Notification' });
export type Notification = z.infer<typeof Notification>;

/** A numbered page of notifications, newest first. */
export const NotificationPage = pageOf(Notification, 'NotificationPage');
export type NotificationPage = z.infer<typeof NotificationPage>;

/** The header badge: unread notifications (counted up to 100) and the read marker. */
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
export type UnreadNotifications = z.infer<typeof UnreadNotifications>;

/** PUT /api/v1/notifications/read-marker: everything up to this id is read (the marker never moves back). */
export const NotificationReadRequest = z.strictObject({ lastReadId: Id }).meta({ id: 'NotificationReadRequest' });
export type NotificationReadRequest = z.infer<typeof NotificationReadRequest>;

/** GET /healthz and GET /readyz. */
export const HealthStatus = z.strictObject({ status: z.literal('ok') }).meta({ id: 'HealthStatus' });
export type HealthStatus = z.infer<typeof HealthStatus>;

/** GET /openapi.json: an OpenAPI 3.1 document. */
export const OpenApiJson = z
  .looseObject({ openapi: z.string().regex(/^3\.1\./) })
  .meta({ description: 'An OpenAPI 3.1 document.' });
export type OpenApiJson = z.infer<typeof OpenApiJson>;

/** GET /docs: an HTML page. */
export const DocsHtml = z.string().meta({ description: 'An HTML page rendering this contract.' });
export type DocsHtml = z.infer<typeof DocsHtml>;

// ---------------------------------------------------------------------------------------------
// Errors: application/problem+json (RFC 9457)

/** Every `code` bff-web may answer with. */
export const ProblemCode = z
  .enum([
    'bad_request',
    'unauthenticated',
    'forbidden',
    'csrf_failed',
    'not_found',
    'conflict',
    'payload_too_large',
    'unsupported_media_type',
    'validation_failed',
    'rate_limited',
    'unavailable',
  ])
  .meta({ id: 'ProblemCode' });
export type ProblemCode = z.infer<typeof ProblemCode>;

/** One field's failure; `field` is the dotted path (`''` for the body or query as a whole). */
export const FieldError = z.strictObject({ field: z.string(), message: z.string() }).meta({ id: 'FieldError' });
export type FieldError = z.infer<typeof FieldError>;

/** An error response (RFC 9457); never a stack trace, SQL or internal message. */
export const Problem = z
  .strictObject({
    type: z.string().meta({ description: 'A URI naming the problem type.' }),
    title: z.string(),
    status: z.int().min(400).max(599),
    code: ProblemCode,
    detail: z.string().exactOptional(),
    errors: z.array(FieldError).exactOptional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;

function problemOf<const S extends number, const C extends readonly [ProblemCode, ...ProblemCode[]]>(
  status: S,
  codes: C,
  id: string,
  description: string,
) {
  return Problem.extend({ status: z.literal(status), code: z.enum(codes) }).meta({ id, description });
}

/** 400: unparseable JSON, non-object body, bad query parameter or bad path parameter. */
export const BadRequestProblem = problemOf(
  400,
  ['bad_request'],
  'BadRequestProblem',
  'Unparseable JSON, a body that is not an object, or a bad query or path parameter (`errors` names them).',
);
/** 401: no, bad, expired or revoked session (or wrong credentials at sign-in). */
export const UnauthenticatedProblem = problemOf(
  401,
  ['unauthenticated'],
  'UnauthenticatedProblem',
  'No, bad, expired or revoked session cookie; at sign-in, an unknown user or a wrong password (answered alike).',
);
/** 403: another user's micropost (`forbidden`) or a failed CSRF check (`csrf_failed`). */
export const ForbiddenProblem = problemOf(
  403,
  ['forbidden', 'csrf_failed'],
  'ForbiddenProblem',
  '`csrf_failed`: a non-GET without `X-CSRF: 1` or from another origin; nothing was written. ' +
    "`forbidden`: acting on another user's micropost.",
);
/** 404: no such user or micropost (also when soft-deleted). */
export const NotFoundProblem = problemOf(
  404,
  ['not_found'],
  'NotFoundProblem',
  'No such user or micropost (also when deleted).',
);
/** 409: the username is taken. */
export const ConflictProblem = problemOf(409, ['conflict'], 'ConflictProblem', 'The username is taken.');
/** 413: the body is over the size limit. */
export const PayloadTooLargeProblem = problemOf(
  413,
  ['payload_too_large'],
  'PayloadTooLargeProblem',
  'The body is over the size limit.',
);
/** 415: a write whose body is not application/json. */
export const UnsupportedMediaTypeProblem = problemOf(
  415,
  ['unsupported_media_type'],
  'UnsupportedMediaTypeProblem',
  'The body is not `application/json`.',
);
/** 422: body fields break the rules; `errors` lists each field. */
export const ValidationProblem = Problem.extend({
  status: z.literal(422),
  code: z.literal('validation_failed'),
  errors: z.array(FieldError).min(1),
}).meta({
  id: 'ValidationProblem',
  description: 'Body fields break the rules (or unknown keys were sent); `errors` lists each field by dotted path.',
});
/** 429: throttled; see the Retry-After header. */
export const RateLimitedProblem = problemOf(
  429,
  ['rate_limited'],
  'RateLimitedProblem',
  "Too many attempts; retry after the `Retry-After` header's seconds.",
);
/** 503: the database is unreachable; see the Retry-After header. */
export const UnavailableProblem = problemOf(
  503,
  ['unavailable'],
  'UnavailableProblem',
  "The database is unreachable; retry after the `Retry-After` header's seconds.",
);
