// What every BFF does to what it sends: compression (brotli or gzip over 1 KiB) and validation (a weak ETag on
// every GET 200 that has none yet, 304 when If-None-Match has it); and answers kept by the domain's answer cache,
// sent with the ETag and compressed bytes made once, when they were first needed.
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { AnswerCache } from '@microblog/domain';
import type { Context, Middleware } from 'koa';
import compress from 'koa-compress';

const COMPRESSION_THRESHOLD = 1024;
const BROTLI_QUALITY = 4;
const GZIP_LEVEL = 6;

/**
 * Brotli (quality 4, cheap enough per request) or gzip, for answers of 1 KiB and more. A JSON or text body in memory
 * is compressed at once on this thread (a few dozen microseconds for a page): zlib's asynchronous streams would hand
 * each answer to the thread pool and back, which on two cores cost a timeline page more waiting than compressing.
 * Streams (files) are left to koa-compress, which is asked only about answers it could change: not an answer already
 * encoded (every cached page), without a body, or under the threshold (a profile).
 */
export function compression(): Middleware {
  const streams = compress({
    threshold: COMPRESSION_THRESHOLD,
    br: { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } },
    gzip: { level: GZIP_LEVEL },
    deflate: false,
  });
  const nothingMore = () => Promise.resolve();
  return async (ctx, next) => {
    // What koa-compress does first, on every answer.
    varyOn(ctx, 'Accept-Encoding');
    await next();
    compressInMemory(ctx);
    if (!leftAsIs(ctx)) await streams(ctx, nothingMore);
  };
}

const EMPTY_BODY_STATUSES = new Set([204, 205, 304]);

// One header field name (RFC 9110 token), not `*`.
const FIELD_NAME = /^[!#$%&'^_`|~0-9A-Za-z+.-]+$/;

/**
 * `ctx.vary(field)` for one field name, without parsing the Vary header when it is empty or names a single field
 * (every answer here: Accept-Encoding, then the credentials' header). Anything else goes to Koa's `vary`.
 */
function varyOn(ctx: Context, field: string): void {
  const res = ctx.res;
  if (res.headersSent) return;
  const current = res.getHeader('Vary');
  if (typeof current === 'string' || current === undefined) {
    if (current === undefined || current === '') {
      if (FIELD_NAME.test(field)) {
        res.setHeader('Vary', field);
        return;
      }
    } else if (FIELD_NAME.test(current) && FIELD_NAME.test(field)) {
      if (current.toLowerCase() !== field.toLowerCase()) res.setHeader('Vary', `${current}, ${field}`);
      return;
    }
  }
  ctx.vary(field);
}

/** Whether koa-compress would return at once without touching the answer (its own first checks, in its terms). */
function leftAsIs(ctx: Context): boolean {
  if (!ctx.body || ctx.method === 'HEAD' || EMPTY_BODY_STATUSES.has(ctx.status)) return true;
  if (ctx.response.get('Content-Encoding')) return true;
  // Its threshold, unless a route overrode its options for this answer.
  if ((ctx as { compress?: unknown }).compress !== undefined) return false;
  const size = ctx.response.length;
  return size !== undefined && size < COMPRESSION_THRESHOLD;
}

type Encoding = 'br' | 'gzip' | 'identity';

// The choice for each Accept-Encoding value seen (clients send a handful of distinct ones); past the cap, each
// request negotiates afresh.
const chosenByHeader = new Map<string, Encoding>();
const CHOSEN_BY_HEADER_MAX = 256;

/** The encoding koa-compress would choose for this request: brotli, else gzip, else none. */
function chosenEncoding(ctx: Context): Encoding {
  const header = ctx.req.headers['accept-encoding'];
  const known = header === undefined ? undefined : chosenByHeader.get(header);
  if (known !== undefined) return known;
  const accepted = ctx.acceptsEncodings('br', 'gzip', 'identity');
  const encoding = accepted === 'br' || accepted === 'gzip' ? accepted : 'identity';
  if (header !== undefined && chosenByHeader.size < CHOSEN_BY_HEADER_MAX) chosenByHeader.set(header, encoding);
  return encoding;
}

// zlib's output buffer: below half of Buffer.poolSize (8 KiB), so it is cut from Buffer's shared pool instead of being a
// 16 KiB allocation of its own per answer (a quarter of gzip's time on a page). The bytes made do not depend on it.
const OUTPUT_CHUNK = 4095;

function compressed(encoding: 'br' | 'gzip', content: Buffer): Buffer {
  return encoding === 'br'
    ? brotliCompressSync(content, {
        chunkSize: OUTPUT_CHUNK,
        params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: content.length },
      })
    : gzipSync(content, { level: GZIP_LEVEL, chunkSize: OUTPUT_CHUNK });
}

const IN_MEMORY_TYPES = /^(application\/(json|problem\+json|javascript)|text\/)/;

function compressInMemory(ctx: Context): void {
  const body: unknown = ctx.body;
  if (body == null || ctx.method === 'HEAD' || ctx.response.get('Content-Encoding')) return;
  if (ctx.status === 204 || ctx.status === 304) return;
  if (!IN_MEMORY_TYPES.test(String(ctx.response.get('Content-Type')))) return;
  let content: Buffer;
  if (Buffer.isBuffer(body)) content = body;
  else if (typeof body === 'string') content = Buffer.from(body);
  else if (typeof (body as { pipe?: unknown }).pipe === 'function') return;
  else content = Buffer.from(JSON.stringify(body));
  if (content.length < COMPRESSION_THRESHOLD) return;
  varyOn(ctx, 'Accept-Encoding');
  const encoding = chosenEncoding(ctx);
  if (encoding === 'identity') return;
  ctx.body = compressed(encoding, content);
  ctx.set('Content-Encoding', encoding);
}

/**
 * A JSON answer serialized once: its bytes, their ETag, the headers that go with it (a Link header), and each
 * compressed form once it has been asked for.
 */
export type SerializedAnswer = {
  readonly json: Buffer;
  readonly etag: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly encoded: { br?: Buffer; gzip?: Buffer };
};

/** The weak ETag of a body's bytes. */
function etagOf(content: string | Buffer): string {
  return `W/"${createHash('sha256').update(content).digest('base64url').slice(0, 27)}"`;
}

/** Serializes `body` as the JSON a route would send, with the headers that go with it. */
export function serializeAnswer(body: unknown, headers: Record<string, string> = {}): SerializedAnswer {
  const json = Buffer.from(JSON.stringify(body));
  return { json, etag: etagOf(json), headers, encoded: {} };
}

// Set by sendAnswer on the context: the ETag the etags middleware uses instead of hashing the (possibly compressed)
// body again. A property of the request's own context rather than a WeakMap entry per request, which the garbage
// collector pays for.
const ANSWER_ETAG = Symbol('answerETag');
type WithAnswerETag = { [ANSWER_ETAG]?: string };

/**
 * Sends a serialized answer as `compression()` and `etags()` would have sent its body: the same Content-Type, the
 * encoding koa-compress would choose (brotli first) over the same threshold, made once and kept on the answer.
 */
export function sendAnswer(ctx: Context, answer: SerializedAnswer): void {
  ctx.set(answer.headers);
  // The header Koa sets for a JSON body, without looking the type up on every answer.
  ctx.set('Content-Type', 'application/json; charset=utf-8');
  (ctx as WithAnswerETag)[ANSWER_ETAG] = answer.etag;
  if (answer.json.length < COMPRESSION_THRESHOLD) {
    ctx.body = answer.json;
    return;
  }
  varyOn(ctx, 'Accept-Encoding');
  const encoding = chosenEncoding(ctx);
  if (encoding === 'identity') {
    ctx.body = answer.json;
    return;
  }
  ctx.body = answer.encoded[encoding] ??= compressed(encoding, answer.json);
  ctx.set('Content-Encoding', encoding);
}

/**
 * Answers from the answer cache under `key` (which must name the user and everything else the answer varies with),
 * or with what `load` reads, serialized once and cached unless something it depends on changed meanwhile. Without a
 * cache (turned off), every request loads.
 */
export async function sendCachedAnswer(
  ctx: Context,
  cache: AnswerCache | null,
  key: string,
  load: () => Promise<{ body: unknown; dependsOn: readonly string[]; headers?: Record<string, string> }>,
): Promise<void> {
  // A hit is answered at once, without a loader or a promise of the cache's own.
  const cached = cache?.cached<SerializedAnswer>(key);
  if (cached !== undefined) {
    sendAnswer(ctx, cached);
    return;
  }
  const read = async () => {
    const { body, dependsOn, headers } = await load();
    const answer = serializeAnswer(body, headers);
    // Room for the JSON and up to two compressed forms, which are smaller.
    return { value: answer, dependsOn, bytes: 2 * answer.json.length + 256 };
  };
  sendAnswer(ctx, cache === null ? (await read()).value : await cache.answer(key, read));
}

/** Whether an If-None-Match header names `etag` (weak comparison, RFC 9110 13.1.2). */
export function matchesETag(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/** What the ETag hashes: the body as sent; a JSON object serialized (to bytes, once: hashed, measured, compressed). */
function hashable(body: unknown): { content: string | Buffer; serialized: boolean } | null {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return { content: body, serialized: false };
  if (body !== null && typeof body === 'object' && typeof (body as { pipe?: unknown }).pipe !== 'function')
    return { content: Buffer.from(JSON.stringify(body)), serialized: true };
  return null;
}

/**
 * A weak ETag (hash of the body) on every GET/HEAD 200 of a JSON object, string or buffer; files set their own
 * (sendFile). A matching If-None-Match answers 304 without a body. `vary` names the request headers the answer
 * depends on (the credentials), and answers without a Cache-Control become `private, no-cache`.
 */
export function etags(options: { vary?: string } = {}): Middleware {
  return async (ctx, next) => {
    await next();
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.status !== 200 || ctx.body == null) return;
    const preset = (ctx as WithAnswerETag)[ANSWER_ETAG];
    const body = preset === undefined ? hashable(ctx.body) : null;
    if ((preset === undefined && body === null) || ctx.response.get('ETag')) return;
    const etag = preset ?? etagOf(body!.content);
    // The JSON just made is the body from here on: compression and Koa need neither serialize the object again nor
    // encode the text to UTF-8 again (Koa keeps the Content-Type the object gave, application/json).
    if (body?.serialized) ctx.body = body.content;
    ctx.set('ETag', etag);
    if (!ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'private, no-cache');
    if (options.vary !== undefined) varyOn(ctx, options.vary);
    const ifNoneMatch = ctx.get('if-none-match');
    if (ifNoneMatch !== '' && matchesETag(ifNoneMatch, etag)) {
      ctx.status = 304;
      ctx.body = null;
      ctx.set('ETag', etag);
    }
  };
}
