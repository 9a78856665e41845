// Prometheus metrics (prom-client) of one BFF process, served on a port of their own (METRICS_PORT), never through
// the public app. Every label value comes from a closed set or is capped, so a client cannot grow the series count:
// routes are @koa/router templates (or `unmatched`), never raw paths; no user ids anywhere.
import { subscribe, unsubscribe, channel } from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import client from 'prom-client';
import type { RuntimeSettings } from './settings.ts';

/** What the metrics read from the database handle (structural, so the kit needs no domain or ORM import). */
export type DatabaseGauges = {
  poolStats(): { size: number; idle: number; waiting: number; max: number };
  outboxBacklog?(timeoutMs?: number): Promise<{
    pending: number;
    oldestAgeSeconds: number;
    pendingFanOuts: number;
    oldestFanOutAgeSeconds: number;
  }>;
};

/** How a push notification attempt ended. */
export type PushOutcome = 'sent' | 'retried' | 'failed' | 'dropped';

/** The minimal Koa context the request middleware reads (keeps Koa a type-only concern). */
type RequestContext = { method: string; status: number };

/** The route template @koa/router matched (it stores it as `_matchedRoute`), or the fixed `unmatched`. */
function routeTemplate(ctx: RequestContext): string {
  const matched = (ctx as Record<string, unknown>)['_matchedRoute'];
  return typeof matched === 'string' ? matched : UNMATCHED_ROUTE;
}
type Next = () => Promise<unknown>;

/** Where BFF code announces a request refused by a rate limiter (subscribe to count it). */
export const RATE_LIMITED_CHANNEL = 'microblog.bff.rate-limited';
const rateLimitedChannel = channel(RATE_LIMITED_CHANNEL);

/** Announces that `limiter` refused a request: counted by every metrics registry that listens. */
export function reportRateLimited(limiter: string): void {
  if (rateLimitedChannel.hasSubscribers) rateLimitedChannel.publish({ limiter });
}

/** The label of a request nobody routed (a 404, a static file, a 405): a fixed value, never the path. */
export const UNMATCHED_ROUTE = 'unmatched';
/** App versions past the cap of distinct ones per API version count under this label. */
export const OTHER_APP_VERSION = 'other';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const LIMITER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** One process's metrics and the hooks that feed them. */
export type Metrics = {
  readonly registry: client.Registry;
  /** Koa middleware: request duration by route template, method and status, and requests in flight. Use it first. */
  requests(): (ctx: RequestContext, next: Next) => Promise<void>;
  /** Pass to openDatabase's `onConnectionAcquired`. */
  connectionAcquired(waitedSeconds: number): void;
  /** Samples pool and outbox gauges from this database at every scrape. */
  observeDatabase(db: DatabaseGauges): void;
  /** Counts one statement cancelled by statement_timeout. */
  statementTimedOut(): void;
  /** Counts one push notification outcome. */
  pushed(outcome: PushOutcome): void;
  /** Counts one request of `appVersion` (already bounded by the caller's mix) under `apiVersion`. */
  appVersionSeen(apiVersion: string, appVersion: string): void;
  /** The text exposition, as a scrape sees it. */
  scrape(): Promise<string>;
  /** Stops listening to the channels. */
  close(): void;
};

export type MetricsOptions = {
  /** The `service` label on every series (`bff-web`, `bff-mobile`). */
  service: string;
  /** Process and Node.js runtime metrics (default true). */
  defaultMetrics?: boolean;
  /** Distinct app versions kept per API version before the rest count as `other` (default 50). */
  maxAppVersions?: number;
  /** How long a scrape waits for the outbox query (default 1000 ms). */
  outboxTimeoutMs?: number;
};

/** A registry of its own (not prom-client's global one), so two apps in one test process don't collide. */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics ?? true) client.collectDefaultMetrics({ register: registry });
  const maxAppVersions = options.maxAppVersions ?? 50;
  const outboxTimeoutMs = options.outboxTimeoutMs ?? 1000;
  const registers = [registry];

  const duration = new client.Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Time from the first byte of a request to its response, by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  // Counted in a plain number and read at scrape time (a gauge's inc and dec hash its labels every time).
  let requestsInFlight = 0;
  const inFlight = new client.Gauge({
    name: 'http_server_requests_in_flight',
    help: 'Requests being answered right now',
    registers,
    collect() {
      this.set(requestsInFlight);
    },
  });
  const acquire = new client.Histogram({
    name: 'db_pool_acquire_seconds',
    help: 'How long a request for a pooled database connection waited',
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers,
  });
  const statementTimeouts = new client.Counter({
    name: 'db_statement_timeouts_total',
    help: 'Statements PostgreSQL cancelled at statement_timeout (answered 503 unavailable)',
    registers,
  });
  const rateLimited = new client.Counter({
    name: 'rate_limit_rejections_total',
    help: 'Requests refused with 429 by a rate limiter, by limiter',
    labelNames: ['limiter'] as const,
    registers,
  });
  const push = new client.Counter({
    name: 'push_notifications_total',
    help: 'Push notification attempts by outcome: sent, retried (scheduled again), failed (given up), dropped (device no longer registered)',
    labelNames: ['outcome'] as const,
    registers,
  });
  // Counted in plain numbers per API version and app version, published at scrape time: on every request, a
  // counter's inc would hash its labels.
  const appVersionCounts = new Map<string, Map<string, number>>();
  const appVersions = new client.Counter({
    name: 'app_version_requests_total',
    help: 'Requests by API version and X-App-Version (unknown when absent, invalid when not a version, other past the cap)',
    labelNames: ['api_version', 'app_version'] as const,
    registers,
    collect() {
      this.reset();
      for (const [apiVersion, counts] of appVersionCounts)
        for (const [appVersion, count] of counts) this.inc({ api_version: apiVersion, app_version: appVersion }, count);
    },
  });
  // Read by their collect() at scrape time only: registered, never touched per request.
  void inFlight;
  void appVersions;

  const onRateLimited = (message: unknown) => {
    const limiter = (message as { limiter?: unknown }).limiter;
    rateLimited.inc({ limiter: typeof limiter === 'string' && LIMITER_NAME.test(limiter) ? limiter : 'other' });
  };
  subscribe(RATE_LIMITED_CHANNEL, onRateLimited);

  return {
    registry,
    requests() {
      return async (ctx, next) => {
        const started = performance.now();
        requestsInFlight++;
        let failed = false;
        try {
          await next();
        } catch (error) {
          failed = true;
          throw error;
        } finally {
          requestsInFlight--;
          const route = routeTemplate(ctx);
          const method = METHODS.has(ctx.method) ? ctx.method : 'OTHER';
          const status = failed ? '500' : String(ctx.status);
          duration.observe({ route, method, status }, (performance.now() - started) / 1000);
        }
      };
    },
    connectionAcquired: (seconds) => acquire.observe(seconds),
    observeDatabase(db) {
      const pool = (name: string, help: string, read: (s: ReturnType<DatabaseGauges['poolStats']>) => number) =>
        new client.Gauge({
          name,
          help,
          registers,
          collect() {
            this.set(read(db.poolStats()));
          },
        });
      pool('db_pool_connections', 'Open pooled database connections (idle and in use)', (s) => s.size);
      pool('db_pool_idle_connections', 'Pooled database connections nobody holds', (s) => s.idle);
      pool('db_pool_waiting_requests', 'Requests queued for a pooled connection', (s) => s.waiting);
      pool('db_pool_max_connections', 'The most connections the pool opens', (s) => s.max);
      if (db.outboxBacklog) {
        const backlog = db.outboxBacklog.bind(db);
        // The four gauges come from one query per scrape, shared by whichever collects first.
        let sample: Promise<Awaited<ReturnType<typeof backlog>> | null> | null = null;
        const read = () => {
          sample ??= backlog(outboxTimeoutMs)
            .catch(() => null)
            .finally(() => setImmediate(() => (sample = null)));
          return sample;
        };
        const gauge = (
          name: string,
          help: string,
          pick: (value: NonNullable<Awaited<ReturnType<typeof read>>>) => number,
        ) =>
          new client.Gauge({
            name,
            help,
            registers,
            async collect() {
              const value = await read();
              this.set(value === null ? Number.NaN : pick(value));
            },
          });
        gauge(
          'outbox_pending_events',
          'Outbox events not delivered yet (NaN when the scrape-time query failed or timed out)',
          (v) => v.pending,
        );
        gauge(
          'outbox_oldest_event_age_seconds',
          'Age of the oldest undelivered outbox event (0 when none; NaN when the scrape-time query failed)',
          (v) => v.oldestAgeSeconds,
        );
        gauge(
          'fan_out_pending_posts',
          'Posts of authors past FAN_OUT_MAX_FOLLOWERS whose followers the fan-out worker has not all reached (NaN when the query failed)',
          (v) => v.pendingFanOuts,
        );
        gauge(
          'fan_out_oldest_post_age_seconds',
          'Age of the oldest post still waiting for the fan-out worker: its lag (0 when none; NaN when the query failed)',
          (v) => v.oldestFanOutAgeSeconds,
        );
      }
    },
    statementTimedOut: () => statementTimeouts.inc(),
    pushed: (outcome) => push.inc({ outcome }),
    appVersionSeen(apiVersion, appVersion) {
      let counts = appVersionCounts.get(apiVersion);
      if (counts === undefined) {
        // API versions come from the BFF's own registry, a handful; the cap is only a guard.
        if (appVersionCounts.size >= 20) return;
        counts = new Map();
        appVersionCounts.set(apiVersion, counts);
      }
      let count = counts.get(appVersion);
      if (count === undefined && counts.size >= maxAppVersions) {
        appVersion = OTHER_APP_VERSION;
        count = counts.get(appVersion);
      }
      counts.set(appVersion, (count ?? 0) + 1);
    },
    scrape: () => registry.metrics(),
    close: () => unsubscribe(RATE_LIMITED_CHANNEL, onRateLimited),
  };
}

/** A running metrics endpoint. */
export type MetricsServer = { readonly port: number; close(): Promise<void> };

/**
 * Serves `GET /metrics` (and nothing else) on `port` (0: any free port). Separate from the app's server so that the
 * balancer, which routes only the app's port, never exposes it.
 */
export async function serveMetrics(
  metrics: Pick<Metrics, 'registry'>,
  port: number,
  host?: string,
): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) =>
        res
          .writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' })
          .end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('metrics could not be collected\n'),
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Counts every statement the domain reports cancelled at statement_timeout on `channelName`, then calls `onTimeout`. */
export function watchStatementTimeouts(metrics: Metrics, channelName: string, onTimeout: () => void): void {
  subscribe(channelName, () => {
    metrics.statementTimedOut();
    onTimeout();
  });
}

/**
 * What a BFF hands the domain's `openDatabase`: where the database is, the signing secret, the per-connection limits
 * of its runtime settings, and this registry's timer of pool checkouts.
 */
export function databaseOptions(
  metrics: Metrics,
  settings: { databaseUrl: string; databaseReplicaUrls: string[]; tokenSecret: string; runtime: RuntimeSettings },
) {
  return {
    url: settings.databaseUrl,
    replicaUrls: settings.databaseReplicaUrls,
    tokenSecret: settings.tokenSecret,
    statementTimeoutMs: settings.runtime.databaseStatementTimeoutMs,
    idleInTransactionTimeoutMs: settings.runtime.databaseIdleInTransactionTimeoutMs,
    fanOutMaxFollowers: settings.runtime.fanOutMaxFollowers,
    onConnectionAcquired: metrics.connectionAcquired,
  };
}
