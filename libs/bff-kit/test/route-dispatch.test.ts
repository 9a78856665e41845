// The kit's route dispatch against @koa/router's own: the same requests through `useRouters` and through
// `routes()` + `allowedMethods({ throw: true })` must see the same routing fields and get the same answers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '@koa/router';
import { expect } from 'chai';
import Koa from 'koa';
import { useRouters } from '../src/index.ts';
import { dispatch } from '../src/route-dispatch.ts';

type Fields = Record<string, unknown>;

// What @koa/router leaves on a context, as the answer's body.
function routingFields(ctx: Koa.Context): Fields {
  const c = ctx as unknown as Record<string, unknown> & { matched?: Array<{ path: unknown }> };
  return {
    matched: c.matched?.map((layer) => String(layer.path)) ?? null,
    routeMatched: c.routeMatched ?? null,
    matchedRoute: c['_matchedRoute'] === undefined ? null : String(c['_matchedRoute']),
    matchedRouteName: c['_matchedRouteName'] ?? null,
    params: c.params ?? null,
    requestParams: (ctx.request as unknown as { params?: unknown }).params ?? null,
    captures: c.captures ?? null,
    routerPath: c.routerPath ?? null,
    routerName: c.routerName ?? null,
    routerIsSet: c.router !== undefined,
  };
}

function routers(): Router[] {
  const ops = new Router();
  ops.get('healthz', '/healthz', (ctx) => {
    ctx.body = routingFields(ctx);
  });
  const v1 = new Router({ prefix: '/api/v1' });
  const stamp: Koa.Middleware = async (ctx, next) => {
    ctx.set('X-Stamp', String(ctx.params?.name ?? '-'));
    await next();
  };
  v1.get('getMe', '/me', (ctx) => {
    ctx.body = routingFields(ctx);
  });
  v1.patch('/me', (ctx) => {
    ctx.body = routingFields(ctx);
  });
  v1.get('getUser', '/users/:name', stamp, (ctx) => {
    ctx.body = routingFields(ctx);
  });
  v1.get('/users/:name/posts/:id', (ctx) => {
    ctx.body = routingFields(ctx);
  });
  v1.delete('deletePost', '/posts/:id', (ctx) => {
    ctx.status = 204;
  });
  return [ops, v1];
}

// The routers, then what answers when no route did (a static-file server would sit here), inside an error catcher.
function app(mount: (app: Koa, routers: Router[]) => void): Koa {
  const koa = new Koa();
  koa.silent = true;
  koa.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const e = error as { status?: number; headers?: Record<string, string> };
      ctx.status = e.status ?? 500;
      ctx.body = { error: ctx.status, allow: e.headers?.Allow ?? null, ...routingFields(ctx) };
    }
  });
  mount(koa, routers());
  koa.use((ctx) => {
    ctx.status = 404;
    ctx.body = { unanswered: true, ...routingFields(ctx) };
  });
  return koa;
}

async function serve(koa: Koa): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(koa.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(url: string, method: string, path: string) {
  const response = await fetch(url + path, { method });
  const text = await response.text();
  return {
    status: response.status,
    allow: response.headers.get('allow'),
    stamp: response.headers.get('x-stamp'),
    body: text === '' ? null : (JSON.parse(text) as unknown),
  };
}

describe('route dispatch (useRouters)', () => {
  it("when the same requests go through useRouters and through @koa/router's routes() and allowedMethods(), then each sees the same routing fields and gets the same answer, also when asked again", async () => {
    const ours = await serve(app((koa, list) => useRouters(koa, list)));
    const theirs = await serve(
      app((koa, list) => {
        for (const router of list) {
          koa.use(router.routes());
          koa.use(router.allowedMethods({ throw: true }));
        }
      }),
    );
    try {
      const requests: Array<[string, string]> = [
        ['GET', '/healthz'],
        ['HEAD', '/healthz'],
        ['GET', '/api/v1/me'],
        ['GET', '/API/V1/ME'],
        ['GET', '/api/v1/me/'],
        ['PATCH', '/api/v1/me'],
        ['POST', '/api/v1/me'],
        ['OPTIONS', '/api/v1/me'],
        ['PROPFIND', '/api/v1/me'],
        ['GET', '/api/v1/users/ada'],
        ['GET', '/api/v1/users/grace%20hopper'],
        ['GET', '/api/v1/users/ada/posts/42'],
        ['DELETE', '/api/v1/posts/7'],
        ['GET', '/api/v1/posts/7'],
        ['GET', '/api/v1/nothing'],
        ['GET', '/index.html'],
        ['POST', '/healthz'],
      ];
      for (let round = 0; round < 2; round++) {
        for (const [method, path] of requests) {
          const [a, b] = [await answer(ours.url, method, path), await answer(theirs.url, method, path)];
          expect(a, `${method} ${path}`).to.deep.equal(b);
        }
      }
    } finally {
      await ours.close();
      await theirs.close();
    }
  });

  it('when more distinct paths are asked than plans are kept, then every one is still routed with its own parameters', async () => {
    const [, v1] = routers() as [Router, Router];
    const middleware = dispatch(v1) as unknown as (ctx: unknown, next: () => Promise<unknown>) => Promise<unknown>;
    const request = async (name: string) => {
      const ctx = { method: 'GET', path: `/api/v1/users/${name}`, request: {}, set() {}, body: undefined as unknown };
      await middleware(ctx, async () => {});
      return ctx.body as Fields;
    };
    for (let i = 0; i < 5200; i++) expect((await request(`u${i}`)).params).to.deep.equal({ name: `u${i}` });
    expect((await request('u0')).params).to.deep.equal({ name: 'u0' });
    expect((await request('u5199')).params).to.deep.equal({ name: 'u5199' });
  });
});
