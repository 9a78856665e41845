// Route dispatch with what @koa/router works out per request worked out once per method and path: which layers
// match, the route template, and the composed chain of the matched routes' middleware. @koa/router's own dispatch
// (15.x) does that on every request: it tests every route's regular expression (with a debug call each), reads
// the Host header, and builds and composes a new middleware chain, which was a tenth of a cached answer's time.
// What a request sees is what @koa/router's `routes()` gives it (route-dispatch.test.ts compares the two).
import type { Router } from '@koa/router';
import compose from 'koa-compose';
import type { Middleware, ParameterizedContext } from 'koa';

/** What the dispatch reads of a @koa/router layer (all of it there in 15.x). */
type Layer = {
  path: string | RegExp;
  name?: string | undefined;
  methods: string[];
  stack: Middleware[];
  captures(path: string): string[];
  params(path: string, captures: string[], existing?: Record<string, string>): Record<string, string>;
};

/** What the dispatch reads of a @koa/router router. */
type RouterInternals = {
  stack: Layer[];
  host?: unknown;
  exclusive?: boolean;
  opts: { routerPath?: string };
  match(path: string, method: string): { path: Layer[]; pathAndMethod: Layer[]; route: boolean };
  _events?: { _handlers?: Map<string, unknown[]> };
};

/** The fields @koa/router's dispatch sets on a context. */
type RouterContext = {
  path: string;
  method: string;
  newRouterPath?: string;
  routerPath?: string;
  matched?: Layer[];
  router?: unknown;
  routeMatched?: boolean;
  _matchedRoute?: string | RegExp;
  _matchedRouteName?: string;
  captures?: string[];
  params?: Record<string, string>;
  routerName?: string | undefined;
  request: { params?: Record<string, string> };
};

/** One method and path, worked out: the layers its path matches, and what runs when a route matched. */
type Plan = {
  matched: Layer[];
  route: boolean;
  matchedRoute: string | RegExp | undefined;
  matchedRouteName: string | undefined;
  run: ((ctx: RouterContext, next: () => Promise<unknown>) => Promise<unknown>) | null;
};

// Distinct method-and-path pairs remembered per router; the oldest is forgotten first. Paths with parameters
// (a username, an id) are as many as the ids asked for, so the bound matters; past it a request is planned afresh.
const PLANS_MAX = 5000;

/**
 * The router's middleware followed by its `allowedMethods({ throw: true })`, in one layer: `router.routes()` with
 * each method and path planned once. Falls back to the two middleware of @koa/router for what the plans do not
 * cover (a host option, a routerPath option, exclusive routing, not-found handlers).
 */
export function dispatch<S, C>(router: Router<S, C>): Middleware<S, C> {
  const internals = router as unknown as RouterInternals;
  // Runs after the router (after the matched route, or at once when none matched), as when mounted next to it.
  const allowed = router.allowedMethods({ throw: true }) as unknown as (
    ctx: unknown,
    next: () => Promise<unknown>,
  ) => Promise<unknown>;
  const notFoundHandlers = internals['_events']?.['_handlers'];
  if (
    internals.host !== undefined ||
    internals.exclusive === true ||
    internals.opts.routerPath !== undefined ||
    notFoundHandlers === undefined ||
    notFoundHandlers.size > 0
  ) {
    const routes = router.routes() as unknown as (ctx: unknown, next: () => Promise<unknown>) => Promise<unknown>;
    const both = (ctx: unknown, next: () => Promise<unknown>) => routes(ctx, () => allowed(ctx, next));
    return Object.assign(both, { router }) as unknown as Middleware<S, C>;
  }

  const byMethod = new Map<string, Map<string, Plan>>();
  let planned = 0;
  let layerCount = internals.stack.length;

  const plan = (method: string, path: string): Plan => {
    const { path: matched, pathAndMethod, route } = internals.match(path, method);
    let matchedRoute: string | RegExp | undefined;
    let matchedRouteName: string | undefined;
    let run: Plan['run'] = null;
    if (route) {
      // @koa/router's _setMatchedRouteInfo: the last matched layer that is a route (has methods).
      const routeLayer = pathAndMethod.toReversed().find((layer) => layer.methods.length > 0);
      matchedRoute = routeLayer?.path;
      matchedRouteName = routeLayer?.name || undefined;
      // @koa/router's _buildMiddlewareChain: before each layer's middleware, its params and route fields.
      const chain: Array<(ctx: RouterContext, next: () => Promise<unknown>) => unknown> = [];
      for (const layer of pathAndMethod) {
        const captures = layer.captures(path);
        chain.push(
          (ctx, next) => {
            ctx.captures = captures.slice();
            ctx.request.params = layer.params(path, ctx.captures, ctx.params);
            ctx.params = ctx.request.params;
            ctx.routerPath = layer.path as string;
            ctx.routerName = layer.name || undefined;
            ctx['_matchedRoute'] = layer.path;
            if (layer.name) ctx['_matchedRouteName'] = layer.name;
            return next();
          },
          ...(layer.stack as unknown as typeof chain),
        );
      }
      run = compose(chain as never) as unknown as Plan['run'];
    }
    return { matched, route, matchedRoute, matchedRouteName, run };
  };

  const planFor = (method: string, path: string): Plan => {
    // Routes added after the first request: start again.
    if (internals.stack.length !== layerCount) {
      byMethod.clear();
      planned = 0;
      layerCount = internals.stack.length;
    }
    let paths = byMethod.get(method);
    const known = paths?.get(path);
    if (known !== undefined) return known;
    const made = plan(method, path);
    if (planned >= PLANS_MAX) {
      // Forget the oldest plan of the biggest method table (in practice GET's).
      let biggest: Map<string, Plan> | undefined;
      for (const table of byMethod.values()) if (biggest === undefined || table.size > biggest.size) biggest = table;
      const oldest = biggest?.keys().next();
      if (biggest !== undefined && oldest !== undefined && !oldest.done) {
        biggest.delete(oldest.value);
        planned--;
      }
    }
    if (paths === undefined) {
      paths = new Map();
      byMethod.set(method, paths);
    }
    paths.set(path, made);
    planned++;
    return made;
  };

  const middleware = (context: ParameterizedContext<S, C>, next: () => Promise<unknown>): Promise<unknown> => {
    const ctx = context as unknown as RouterContext;
    const path = ctx.newRouterPath || ctx.path || ctx.routerPath || '';
    const found = planFor(ctx.method, path);
    // The next router's dispatch appends to the same list (@koa/router's _storeMatchedRoutes).
    if (ctx.matched) ctx.matched.push(...found.matched);
    else ctx.matched = found.matched.slice();
    ctx.router = router;
    ctx.routeMatched = found.route;
    const then = () => allowed(ctx, next);
    if (found.run === null) return then();
    if (found.matchedRoute !== undefined) {
      ctx['_matchedRoute'] = found.matchedRoute;
      if (found.matchedRouteName !== undefined) ctx['_matchedRouteName'] = found.matchedRouteName;
    }
    return found.run(ctx, then);
  };
  // As on routes(): OpenTelemetry's Koa instrumentation recognizes a router's dispatch by it and traces its routes.
  return Object.assign(middleware, { router }) as unknown as Middleware<S, C>;
}
