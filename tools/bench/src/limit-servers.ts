// The limit servers: what this machine can do for each hot read's answer. One bare `node:http` server (run in the
// ceilings' process, src/ceilings.ts) answers the BFFs' own paths:
//   GET /v1/me, GET /v1/timeline[?cursor=], GET /v1/users/:username/posts   (bff-mobile, Authorization: Bearer)
//   GET /api/v1/timeline?page=&per_page=                                      (bff-web, the __Host-session cookie)
// For each request it verifies the same token the BFF verifies (HS256 with node:crypto: algorithm, issuer, audience,
// exp; the BFFs' secrets are handed over at fork), sends ONE named prepared statement through `pg` that checks the
// session live and reads the answer, with its JSON text built by PostgreSQL, and writes the same bytes the BFF
// writes: same keys in the same order, gzip (level 6, the kit's `compression()`) when the client accepts it and the
// body is 1 KiB or more. Cursors and sync tokens are signed here with the key the domain derives from bff-mobile's
// TOKEN_SECRET (HKDF-SHA256, as libs/domain/src/keys.ts), so they are the BFF's tokens byte for byte; the sync
// token's horizon is the change sequence's last value, read in the same statement (the BFF's horizon is that
// value too whenever no write is in flight). No framework, no ORM, no validation library, no presenter: the
// distance between a BFF row and its limit server is what the BFF's own layers cost.
//
// Not reproduced: bff-web's `html` links http(s) URLs through linkify-it; here only mentions are linked (the
// benchmark's data has no URLs, and the bench compares every limit answer with the BFF's before measuring). No
// ETag or Link header is computed.
import { createHmac, createSecretKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import http from 'node:http';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Pool } from 'pg';

const gzip = promisify(gzipCallback);
// The kit's ONE_WRITE_MAX_BYTES (libs/bff-kit/src/one-write.ts); this server depends on no workspace package.
const ONE_WRITE_MAX_BYTES = 16 * 1024;

/** The secrets the BFFs were started with. */
export type LimitSecrets = { mobileJwtSecret: string; webJwtSecret: string; mobileTokenSecret: string };

// ---------------------------------------------------------------------------------------------------------------
// JSON text built by PostgreSQL, compact and in the presenters' key order (JSON.stringify's bytes): objects by
// concatenation, strings through to_json (it escapes exactly the characters JSON.stringify escapes).

const str = (expr: string) => `coalesce(to_json((${expr})::text)::text, 'null')`;
const iso = (expr: string) => `to_char((${expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const isoOrNull = (expr: string) => `coalesce('"' || ${iso(expr)} || '"', 'null')`;
const escapeHtml = (expr: string) =>
  `replace(replace(replace(replace(replace(${expr}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')`;
/** The millisecond position of a keyset cursor (Date#getTime of the timestamp the domain reads). */
const epochMs = (expr: string) => `floor(extract(epoch from ${expr}) * 1000)::bigint::text`;
const liveSession = (sid: string, uid: string) =>
  `select 1 from sessions s where s.id = ${sid} and s.user_id = ${uid} and s.revoked_at is null and s.expires_at > now()`;

/** bff-mobile's compact micropost (presentMicropost) of a row aliased `p`. */
const MOBILE_ITEM = `'{"id":"' || p.id || '","authorId":"' || p.author_id || '","text":' || ${str('p.text')}
  || ',"createdAt":"' || ${iso('p.created_at')} || '","editedAt":' || ${isoOrNull('p.edited_at')} || '}'`;
/**
 * bff-mobile's `users` map of the rows of `page` with `n <= ${size}`: each author once. JSON.stringify writes
 * integer-like keys in ascending numeric order (ids below 2^32 - 1, as in every benchmark data set): order by id.
 */
const mobileUsers = (
  size: string,
) => `'{' || coalesce((select string_agg('"' || a.author_id || '":{"id":"' || a.author_id
  || '","username":' || ${str('a.username')} || ',"displayName":' || ${str('a.display_name')} || '}', ',' order by a.author_id)
  from (select distinct author_id, username, display_name from page where n <= ${size}) a), '') || '}'`;

/** The next page's cursor position (ms, id): that of the page's last row, when a row follows it. */
const nextPosition = (
  size: string,
) => `(select ${epochMs('p.created_at')} from page p where p.n = ${size} and exists (select 1 from page where n > ${size})) as next_t,
       (select p.id::text from page p where p.n = ${size} and exists (select 1 from page where n > ${size})) as next_i`;

/**
 * bff-web's `html` (micropost-html.ts): the text escaped, each `@name` the post really mentions linked to its
 * author's page (as registered), newlines as <br>. (Escaping never makes or breaks a mention: an entity starts
 * with & and ends with ;, neither of which may touch a mention.) A post mentioning one user, the common case, takes
 * one regexp_replace; more are cut into mention tokens and the runs between them.
 */
const MENTION_BEFORE = '(?<![A-Za-z0-9_@])';
const MENTION_AFTER = '(?![A-Za-z0-9_])';
const WEB_HTML = `case when p.names is null then replace(${escapeHtml('p.text')}, E'\\n', '<br>') else replace(case
    when cardinality(p.names) = 0 then ${escapeHtml('p.text')}
    when cardinality(p.names) = 1 then regexp_replace(${escapeHtml('p.text')},
      '${MENTION_BEFORE}@(' || p.names[1] || ')${MENTION_AFTER}', '<a href="/users/' || p.names[1] || '">@\\1</a>', 'gi')
    else (select string_agg(case when r.username is not null
                                 then '<a href="/users/' || r.username || '">' || t.m[1] || '</a>'
                                 else ${escapeHtml('coalesce(t.m[1], t.m[2])')} end, '' order by t.n)
          from regexp_matches(p.text, '${MENTION_BEFORE}(@[A-Za-z0-9_]{3,30})${MENTION_AFTER}|([^@]+|@)', 'g')
               with ordinality t(m, n)
          left join lateral (select name as username from unnest(p.names) name
                             where lower(name) = lower(substr(t.m[1], 2)) limit 1) r on t.m[1] is not null)
  end, E'\\n', '<br>') end`;

/** bff-web's micropost (presentMicropost) of a row aliased `p` for the viewer `viewer`. */
const webItem = (
  viewer: string,
) => `'{"id":"' || p.id || '","text":' || ${str('p.text')} || ',"html":' || ${str(WEB_HTML)}
  || ',"createdAt":"' || ${iso('p.created_at')} || '","editedAt":' || ${isoOrNull('p.edited_at')}
  || ',"author":{"username":' || ${str('p.username')} || ',"displayName":' || ${str('p.display_name')}
  || '},"viewer":{"canEdit":' || (p.author_id = ${viewer})::text || ',"canDelete":' || (p.author_id = ${viewer})::text || '}}'`;

/** A named prepared statement. */
export type LimitStatement = { name: string; text: string };

/**
 * The statements, one per route and page shape: each checks the session and reads the whole answer in one round
 * trip. The page size is part of the text (and of the name) and the first page and a cursor's page are separate
 * statements, so that PostgreSQL can plan each once for good: a generic plan of `limit $n` guesses a tenth of the
 * table and of `$3 is null or (…) < ($3, $4)` can use no index, so either would be planned again on every execution.
 */
export const limitStatements = {
  /** $1 session, $2 user. */
  me: (): LimitStatement => ({
    name: 'limit_me',
    text: `
select '{"id":"' || u.id || '","username":' || ${str('u.username')} || ',"displayName":' || ${str('u.display_name')}
  || ',"bio":' || ${str('u.bio')} || ',"joinedAt":"' || ${iso('u.created_at')} || '","counts":{"posts":' || u.posts_count
  || ',"followers":' || u.followers_count || ',"following":' || u.following_count || '}}' as body
from sessions s join users u on u.id = s.user_id
where s.id = $1 and s.user_id = $2 and s.revoked_at is null and s.expires_at > now()`,
  }),

  /**
   * $1 session, $2 user (the owner), after a cursor $3/$4 (createdAt, id). The page is the domain's (its
   * `home_timeline_first_page` function, its `feed_page_after` statement: libs/domain/src/sql/feed.ts), one row
   * longer (that row only says there is more); the first page also reads the sync horizon.
   */
  homeTimeline: (size: number, after: boolean): LimitStatement => ({
    name: `limit_home_timeline_${after ? 'after' : 'first'}_${size}`,
    text: `
with page as (
  select p.id, p.author_id, p.text, p.created_at, p.edited_at, u.username, u.display_name,
         row_number() over (order by p.created_at desc, p.id desc) as n
  from (select micropost_id from home_feed
        where owner_id = $2 ${after ? 'and (created_at, micropost_id) < ($3::timestamptz, $4::bigint)' : ''}
        order by created_at desc, micropost_id desc limit ${size + 1}) f
  join microposts p on p.id = f.micropost_id
  join users u on u.id = p.author_id
)
select '[' || coalesce((select string_agg(${MOBILE_ITEM}, ',' order by p.n) from page p where p.n <= ${size}), '') || ']' as items,
       ${mobileUsers(String(size))} as users,
       ${nextPosition(String(size))},
       ${after ? 'null' : '(select (case when is_called then last_value else 0 end)::text from micropost_change_seq)'} as horizon
where exists (${liveSession('$1', '$2')})`,
  }),

  /**
   * $1 session or null (signed out), $2 its user, $3 the author's username key, after a cursor $4/$5. One row
   * always: `live` false answers 401, a null author_id 404.
   */
  userPosts: (size: number, after: boolean): LimitStatement => ({
    name: `limit_user_posts_${after ? 'after' : 'first'}_${size}`,
    text: `
with author as (select id, username, display_name from users where username_key = $3),
page as (
  select p.id, p.author_id, p.text, p.created_at, p.edited_at, a.username, a.display_name,
         row_number() over (order by p.created_at desc, p.id desc) as n
  from (select * from microposts p
        where p.author_id = (select id from author) and p.deleted_at is null
          ${after ? 'and (p.created_at, p.id) < ($4::timestamptz, $5::bigint)' : ''}
        order by p.created_at desc, p.id desc limit ${size + 1}) p
  cross join author a
)
select ($1::bigint is null or exists (${liveSession('$1', '$2')})) as live,
       (select id::text from author) as author_id,
       '[' || coalesce((select string_agg(${MOBILE_ITEM}, ',' order by p.n) from page p where p.n <= ${size}), '') || ']' as items,
       ${mobileUsers(String(size))} as users,
       ${nextPosition(String(size))}`,
  }),

  /**
   * $1 session, $2 user, $3 offset. The total as the domain reads it: the owner's line count in home_feed_sizes
   * (kept by home_feed's triggers).
   */
  webTimeline: (size: number): LimitStatement => ({
    name: `limit_web_timeline_${size}`,
    text: `
with page as (
  select p.id, p.author_id, p.text, p.created_at, p.edited_at, u.username, u.display_name,
         row_number() over (order by p.created_at desc, p.id desc) as n,
         -- The users the post mentions (only a post with an @ can have any), the last one first.
         case when position('@' in p.text) > 0 then
           array(select mu.username from mentions mn join users mu on mu.id = mn.user_id
                 where mn.micropost_id = p.id order by mn.id desc) end as names
  from (select micropost_id from home_feed where owner_id = $2
        order by created_at desc, micropost_id desc limit ${size} offset $3) f
  join microposts p on p.id = f.micropost_id
  join users u on u.id = p.author_id
)
select '[' || coalesce((select string_agg(${webItem('$2')}, ',' order by p.n) from page p), '') || ']' as items,
       coalesce((select items from home_feed_sizes where owner_id = $2), 0) as total
where exists (${liveSession('$1', '$2')})`,
  }),
};

// ---------------------------------------------------------------------------------------------------------------
// Tokens: the BFFs' JWTs (verified) and the domain's signed cursors and sync tokens (verified and made).

const ID = /^[1-9][0-9]{0,18}$/;

/** The (user, session) of a JWT signed with `key` (HS256, iss microblog, `audience`, exp required), or null. */
export function verifiedJwt(
  token: string | null | undefined,
  key: KeyObject,
  audience: string,
): { sub: string; sid: string } | null {
  if (!token) return null;
  const [head = '', body = '', signature = '', extra] = token.split('.');
  if (extra !== undefined) return null;
  const expected = createHmac('sha256', key).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const { alg } = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: unknown };
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    if (alg !== 'HS256' || claims.iss !== 'microblog' || claims.aud !== audience) return null;
    if (typeof claims.exp !== 'number' || Math.floor(Date.now() / 1000) >= claims.exp) return null;
    const { sub, sid } = claims;
    if (typeof sub !== 'string' || !ID.test(sub) || typeof sid !== 'string' || !ID.test(sid)) return null;
    return { sub, sid };
  } catch {
    return null;
  }
}

/** The domain's cursor key: HKDF-SHA256 of TOKEN_SECRET, salt `microblog`, info `cursor` (keys.ts). */
export function cursorKey(tokenSecret: string): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', tokenSecret, 'microblog', 'cursor', 32)));
}

/** `payload.signature`, both base64url (the domain's `sign`). */
export function signed(key: KeyObject, payload: string): string {
  const body = Buffer.from(payload).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

/** The position in a cursor signed for `scope`, or null when it does not verify or belongs to another list. */
export function cursorPosition(key: KeyObject, scope: string, cursor: string): { t: number; i: string } | null {
  const dot = cursor.indexOf('.');
  if (dot <= 0 || cursor.length > 1024) return null;
  const body = cursor.slice(0, dot);
  const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
  const expected = createHmac('sha256', key).update(body).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const { s, t, i } = JSON.parse(Buffer.from(body, 'base64url').toString()) as {
      s?: unknown;
      t?: unknown;
      i?: unknown;
    };
    if (s !== scope || typeof t !== 'number' || !Number.isSafeInteger(t) || typeof i !== 'string' || !ID.test(i))
      return null;
    return { t, i };
  } catch {
    return null;
  }
}

/** The value of one cookie (first occurrence) in a Cookie header, or null. */
function cookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------

type Answer = { status: number; body: string };
const problem = (status: number, code: string): Answer => ({ status, body: JSON.stringify({ code }) });
const UNAUTHENTICATED = problem(401, 'unauthenticated');

/** `?limit=` as the mobile contract reads it (1..50, default 20), or null when out of bounds. */
function pageLimit(value: string | null): number | null {
  if (value === null) return 20;
  if (!/^[0-9]{1,4}$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= 50 ? n : null;
}

function bounded(value: string | null, fallback: number, max: number): number | null {
  if (value === null) return fallback;
  if (!/^[1-9][0-9]{0,4}$/.test(value)) return null;
  const n = Number(value);
  return n <= max ? n : null;
}

/** Builds the limit server (not listening): `pool` is its connection pool, `secrets` the BFFs'. */
export function createLimitServer(pool: Pool, secrets: LimitSecrets): http.Server {
  // KeyObjects: Node 24's createHmac checks for one by catching a thrown brand check, so a Buffer key costs a stack
  // trace per signature (libs/domain/src/keys.ts signs with KeyObjects for the same reason).
  const mobileKey = createSecretKey(Buffer.from(secrets.mobileJwtSecret));
  const webKey = createSecretKey(Buffer.from(secrets.webJwtSecret));
  const cursors = cursorKey(secrets.mobileTokenSecret);
  const query = <R extends Record<string, unknown>>(statement: LimitStatement, values: unknown[]) =>
    pool.query<R>({ ...statement, values }).then((r) => r.rows[0]);
  // Each statement's text is built once (the pool prepares it once per connection).
  const built = new Map<string, LimitStatement>();
  const statement = (key: string, make: () => LimitStatement) => {
    let known = built.get(key);
    if (!known) built.set(key, (known = make()));
    return known;
  };
  const me = limitStatements.me();
  const bearer = (req: http.IncomingMessage) => {
    const header = req.headers.authorization;
    return header?.startsWith('Bearer ') ? verifiedJwt(header.slice(7), mobileKey, 'bff-mobile') : null;
  };
  const nextCursor = (scope: string, t: unknown, i: unknown) =>
    typeof t === 'string' && typeof i === 'string'
      ? JSON.stringify(signed(cursors, JSON.stringify({ s: scope, t: Number(t), i })))
      : 'null';
  type PageRow = { items: string; users: string; next_t: string | null; next_i: string | null };

  const routes: [RegExp, (req: http.IncomingMessage, url: URL, match: RegExpExecArray) => Promise<Answer>][] = [
    [
      /^\/v1\/me$/,
      async (req) => {
        const caller = bearer(req);
        if (!caller) return UNAUTHENTICATED;
        const row = await query<{ body: string }>(me, [caller.sid, caller.sub]);
        return row ? { status: 200, body: row.body } : UNAUTHENTICATED;
      },
    ],
    [
      /^\/v1\/timeline$/,
      async (req, url) => {
        const caller = bearer(req);
        if (!caller) return UNAUTHENTICATED;
        const limit = pageLimit(url.searchParams.get('limit'));
        const cursor = url.searchParams.get('cursor');
        const scope = `home:${caller.sub}`;
        const after = cursor === null ? null : cursorPosition(cursors, scope, cursor);
        if (limit === null || (cursor !== null && after === null)) return problem(400, 'bad_request');
        const row = await query<PageRow & { horizon: string | null }>(
          statement(`home ${limit} ${after !== null}`, () => limitStatements.homeTimeline(limit, after !== null)),
          after ? [caller.sid, caller.sub, new Date(after.t).toISOString(), after.i] : [caller.sid, caller.sub],
        );
        if (!row) return UNAUTHENTICATED;
        const sync =
          row.horizon === null
            ? ''
            : `,"syncToken":"${signed(cursors, JSON.stringify({ s: `sync:${caller.sub}`, q: row.horizon }))}"`;
        return {
          status: 200,
          body: `{"items":${row.items},"users":${row.users},"nextCursor":${nextCursor(scope, row.next_t, row.next_i)}${sync}}`,
        };
      },
    ],
    [
      /^\/v1\/users\/([^/]+)\/posts$/,
      async (req, url, match) => {
        const header = req.headers.authorization;
        const caller = header ? bearer(req) : null;
        if (header && !caller) return UNAUTHENTICATED;
        const username = decodeURIComponent(match[1] ?? '');
        const limit = pageLimit(url.searchParams.get('limit'));
        if (limit === null) return problem(400, 'bad_request');
        if (!/^[A-Za-z0-9_]{3,30}$/.test(username)) return problem(404, 'not_found');
        const cursor = url.searchParams.get('cursor');
        // The scope names the author's id, known once read: the cursor's own id is checked against it below.
        const claimed =
          cursor === null
            ? null
            : /"s":"user-posts:([0-9]+)"/.exec(Buffer.from(cursor.split('.')[0] ?? '', 'base64url').toString())?.[1];
        const after = cursor === null ? null : cursorPosition(cursors, `user-posts:${claimed ?? ''}`, cursor);
        if (cursor !== null && after === null) return problem(400, 'bad_request');
        const who = [caller?.sid ?? null, caller?.sub ?? null, username.toLowerCase()];
        const row = await query<PageRow & { live: boolean; author_id: string | null }>(
          statement(`user-posts ${limit} ${after !== null}`, () => limitStatements.userPosts(limit, after !== null)),
          after ? [...who, new Date(after.t).toISOString(), after.i] : who,
        );
        if (!row?.live) return UNAUTHENTICATED;
        if (row.author_id === null) return problem(404, 'not_found');
        if (cursor !== null && claimed !== row.author_id) return problem(400, 'bad_request');
        const scope = `user-posts:${row.author_id}`;
        return {
          status: 200,
          body: `{"items":${row.items},"users":${row.users},"nextCursor":${nextCursor(scope, row.next_t, row.next_i)}}`,
        };
      },
    ],
    [
      /^\/api\/v1\/timeline$/,
      async (req, url) => {
        const caller = verifiedJwt(cookie(req.headers.cookie, '__Host-session'), webKey, 'bff-web');
        if (!caller) return UNAUTHENTICATED;
        const number = bounded(url.searchParams.get('page'), 1, 10_000);
        const size = bounded(url.searchParams.get('per_page'), 20, 100);
        if (number === null || size === null) return problem(400, 'bad_request');
        const row = await query<{ items: string; total: number }>(
          statement(`web ${size}`, () => limitStatements.webTimeline(size)),
          [caller.sid, caller.sub, (number - 1) * size],
        );
        if (!row) return UNAUTHENTICATED;
        const pages = Math.max(1, Math.ceil(row.total / size));
        return {
          status: 200,
          body: `{"items":${row.items},"page":{"number":${number},"size":${size},"totalItems":${row.total},"totalPages":${pages}}}`,
        };
      },
    ],
  ];

  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://limit');
    let answer: Promise<Answer> = Promise.resolve(problem(404, 'not_found'));
    for (const [pattern, handle] of routes) {
      const match = req.method === 'GET' ? pattern.exec(url.pathname) : null;
      if (match) {
        answer = handle(req, url, match);
        break;
      }
    }
    answer
      .then(async ({ status, body }) => {
        const headers: http.OutgoingHttpHeaders = {
          'content-type': 'application/json; charset=utf-8',
          vary: 'Accept-Encoding',
        };
        // As the kit's compression(): gzip at level 6 from 1 KiB, when the client accepts it, into an output buffer cut
        // from Buffer's pool (the bytes do not depend on it).
        if (Buffer.byteLength(body) >= 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
          const zipped = await gzip(body, { level: 6, chunkSize: 4095 });
          res.writeHead(status, { ...headers, 'content-encoding': 'gzip', 'content-length': zipped.length });
          // As the kit's sendInOneWrite(): a small Buffer leaves in one write with the head, as a latin1 string.
          if (zipped.length <= ONE_WRITE_MAX_BYTES) res.end(zipped.toString('latin1'), 'latin1');
          else res.end(zipped);
        } else {
          res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
          res.end(body);
        }
      })
      .catch((error: unknown) => {
        console.error(`limit server ${url.pathname}: ${(error as Error).message}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: (error as Error).message }));
      });
  });
}
