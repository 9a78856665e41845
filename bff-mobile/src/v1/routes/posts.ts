// Writing, editing and deleting microposts (creation idempotent by Idempotency-Key), and search.
import { createHash } from 'node:crypto';
import {
  deleteMicropost,
  DomainError,
  editMicropost,
  findPostByIdempotencyKey,
  postMicropostOnce,
  searchMicroposts,
  type DomainContext,
  type MicropostView,
} from '@microblog/domain';
import { CreatePostHeaders, PostIdParams, PostTextBody, SearchQuery } from '@microblog/mobile-contract';
import type { Router } from '@koa/router';
import { caller, domain } from '../../state.ts';
import type { RouteDeps } from '../deps.ts';
import { parseBody, parseHeaders, parseParams, parseQuery } from '../parse.ts';
import { presentMicropost, presentMicropostPage } from '../presenters.ts';

/** JSON with object keys sorted at every level, so equal bodies hash equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What makes two requests "the same" for an idempotency key. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}

/**
 * Posts once per Idempotency-Key, counting only new posts against the post throttle, as when the throttle was
 * counted inside the idempotent work: it is counted before the one statement (so concurrent posts cannot pass the
 * limit together) and given back when the key says this was not a new post (a replay, a reused key, the same key
 * still in flight). Over the limit, a retry of a post already made is still answered with it.
 */
async function postCountingNewPostsOnly(
  ctx: DomainContext,
  deps: RouteDeps,
  request: { authorId: string; text: string; key: string; fingerprint: string },
): Promise<{ post: MicropostView; replayed: boolean }> {
  try {
    await deps.throttles.post(request.authorId);
  } catch (refusal) {
    // (What the refused attempt counted changes nothing: the limit is reached either way until the window ends.)
    const earlier = await findPostByIdempotencyKey(ctx, { userId: request.authorId, ...request });
    if (earlier === null) throw refusal;
    return { post: earlier, replayed: true };
  }
  try {
    const answer = await postMicropostOnce(ctx, { ...request, beforeCommit: deps.hooks.insideCreatePost });
    if (answer.replayed) await deps.throttles.refundPost(request.authorId);
    return answer;
  } catch (error) {
    if (error instanceof DomainError && (error.code === 'conflict' || error.code === 'idempotency_key_reused')) {
      await deps.throttles.refundPost(request.authorId);
    }
    throw error;
  }
}

/** Registers the /v1/posts and /v1/search routes on `router`. */
export function postRoutes(router: Router, deps: RouteDeps): void {
  router.post('/v1/posts', deps.requireAuth, async (ctx) => {
    const headers = parseHeaders(ctx, CreatePostHeaders);
    const input = parseBody(ctx, PostTextBody);
    const request = {
      authorId: caller(ctx).userId,
      text: input.text,
      key: headers['idempotency-key'],
      fingerprint: requestFingerprint(ctx.method, ctx.path, ctx.request.body),
    };
    const answer = await postCountingNewPostsOnly(domain(ctx), deps, request);
    if (answer.replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.status = 201;
    // A replay presents the stored view of the first post, so its body is the first answer's, byte for byte.
    ctx.body = presentMicropost(answer.post);
  });

  router.patch('/v1/posts/:id', deps.requireAuth, async (ctx) => {
    const { id } = parseParams(ctx, PostIdParams);
    const input = parseBody(ctx, PostTextBody);
    ctx.body = presentMicropost(
      await editMicropost(domain(ctx), { actorId: caller(ctx).userId, micropostId: id, text: input.text }),
    );
  });

  router.delete('/v1/posts/:id', deps.requireAuth, async (ctx) => {
    const { id } = parseParams(ctx, PostIdParams);
    await deleteMicropost(domain(ctx), { actorId: caller(ctx).userId, micropostId: id });
    ctx.status = 204;
  });

  router.get('/v1/search', deps.optionalAuth, async (ctx) => {
    const { q, cursor, limit, order } = parseQuery(ctx, SearchQuery);
    ctx.body = presentMicropostPage(
      await searchMicroposts(domain(ctx), {
        query: q,
        order,
        paging: { kind: 'cursor', cursor: cursor ?? null, limit },
      }),
    );
  });
}
