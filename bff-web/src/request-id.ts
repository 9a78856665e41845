// Gives every request an id (the client's, when sane) and logs one JSON line per request.
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from './logger.ts';

const SANE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Echoes a sane `X-Request-Id` or makes one, then logs method, path, status and duration. */
export function requestIdAndAccessLog(logger: Logger): Middleware {
  return async (ctx, next) => {
    const sent = ctx.get('X-Request-Id');
    const id = SANE_ID.test(sent) ? sent : randomUUID();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    const started = performance.now();
    try {
      await next();
    } finally {
      logger.info({
        msg: 'request',
        requestId: id,
        method: ctx.method,
        path: ctx.path,
        status: ctx.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      });
    }
  };
}
