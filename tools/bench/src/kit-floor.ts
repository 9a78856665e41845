// The kit floor: Koa with the per-answer layers every BFF answer goes through (libs/bff-kit, in bff-mobile's order),
// answering a fixed JSON body kept serialized, as a cache hit is. What no answer of the BFFs can cost less than while
// it keeps the operational and security layers the project requires: its request id and log line, the request
// metrics, the one error mapper, the security headers, the compression negotiation, the ETag, routing and the
// one-write send. A BFF row's distance to it is what the BFF itself adds (authentication, session check, API
// version headers, the caches' lookups, its routes); the floor's distance to bare Koa is what those layers cost.
import { Router } from '@koa/router';
import {
  API_CSP,
  compression,
  createLogger,
  errorHandler,
  etags,
  requestLogging,
  securityHeaders,
  sendAnswer,
  sendInOneWrite,
  serializeAnswer,
  useRouters,
  type DomainProblems,
} from '@microblog/bff-kit';
import { createMetrics } from '@microblog/bff-kit/metrics';
import Koa from 'koa';

/** The path the floor answers (bff-mobile's profile route, so that the metrics label it the same way). */
const KIT_FLOOR_PATH = '/v1/me';

/** A Koa app with the kit's layers answering `body` at KIT_FLOOR_PATH, as bff-mobile answers a cached profile. */
export function kitFloorApp(body: unknown): Koa {
  // As the BFFs run in the benchmark: LOG_LEVEL=warn, HSTS on (production), process metrics collected.
  const logger = createLogger({ service: 'kit-floor', level: 'warn', format: 'json' });
  const metrics = createMetrics({ service: 'kit-floor' });
  const answer = serializeAnswer(body);
  const app = new Koa({ proxy: true, maxIpsCount: 1 });
  app.silent = true;
  app.use(sendInOneWrite());
  app.use(metrics.requests());
  app.use(requestLogging(logger));
  // No domain error reaches it: the fixed answer cannot fail.
  app.use(errorHandler({ logger, domainProblems: {} as DomainProblems }));
  app.use(securityHeaders({ csp: API_CSP, hsts: true }));
  app.use(compression());
  app.use(etags({ vary: 'Authorization' }));
  const router = new Router();
  router.get(KIT_FLOOR_PATH, (ctx) => sendAnswer(ctx, answer));
  useRouters(app, [router]);
  return app;
}
