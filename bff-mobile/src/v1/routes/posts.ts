// Writing, editing and deleting microposts (creation idempotent by Idempotency-Key), and search.
import { createHash } from 'node:crypto';
import { deleteMicropost, editMicropost, postMicropost, runIdempotent, searchMicroposts } from '@microblog/domain';
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

/** Registers the /v1/posts and /v1/search routes on `router`. */
export function postRoutes(router: Router, deps: RouteDeps): void {
  router.post('/v1/posts', deps.requireAuth, async (ctx) => {
    const headers = parseHeaders(ctx, CreatePostHeaders);
    const input = parseBody(ctx, PostTextBody);
    const { userId } = caller(ctx);
    const fingerprint = requestFingerprint(ctx.method, ctx.path, ctx.request.body);
    const answer = await runIdempotent(
      domain(ctx),
      { userId, key: headers['idempotency-key'], fingerprint },
      async (tx) => {
        await deps.hooks.insideCreatePost?.();
        // Counted inside the work: a replay is not a new post.
        await deps.throttles.post(userId);
        const post = await postMicropost(tx, { authorId: userId, text: input.text });
        return { status: 201, body: presentMicropost(post) };
      },
    );
    if (answer.replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.status = answer.status;
    ctx.body = answer.body;
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
