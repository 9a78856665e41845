// Bearer tokens travel in the Authorization header only: one in the query string or body is refused (400),
// because URLs end up in logs and histories.
import type { Middleware } from 'koa';
import { HttpProblem } from '@microblog/bff-kit';

const TOKEN_FIELDS = ['access_token', 'accessToken'];

/** 400 bad_request when a token is offered anywhere but the Authorization header. */
export function headerOnlyTokens(): Middleware {
  return (ctx, next) => {
    const body = ctx.request.body as Record<string, unknown> | undefined;
    // Without a query string or a body (most requests) there is nothing to parse or look at.
    if (ctx.querystring === '' && body === undefined) return next();
    const query = ctx.query;
    const inQuery = TOKEN_FIELDS.some((f) => Object.hasOwn(query, f));
    const inBody = body !== undefined && TOKEN_FIELDS.some((f) => Object.hasOwn(body, f));
    if (inQuery || inBody) {
      throw new HttpProblem(
        400,
        'bad_request',
        'send the access token in the Authorization: Bearer header, never in the URL or body',
      );
    }
    return next();
  };
}
