// Runs bff-mobile: reads the config, opens the database, serves the app, delivers push notifications,
// and shuts down cleanly on SIGTERM/SIGINT.
import { subscribe } from 'node:diagnostics_channel';
import { STATEMENT_TIMEOUT_CHANNEL, openDatabase } from '@microblog/domain';
import { startHttpServer } from '@microblog/bff-kit/http-server';
import { createMetrics, serveMetrics } from '@microblog/bff-kit/metrics';
import { createApp } from './app.ts';
import { appVersionMix, reportAppVersionMix } from './app-version-mix.ts';
import { loadConfig } from './config.ts';
import { jsonLogger } from './logger.ts';
import { startPushDispatcher } from './push/index.ts';
import { createRateLimiters } from './rate-limits.ts';

const config = loadConfig();
if (config.databaseUrl === null) throw new Error('DATABASE_URL is required');
const log = jsonLogger(config.logLevel);

// --- runtime (issue 10): metrics, database limits, statement timeouts logged and counted ---
const { runtime } = config;
const metrics = createMetrics({ service: 'bff-mobile' });
subscribe(STATEMENT_TIMEOUT_CHANNEL, () => {
  metrics.statementTimedOut();
  log({ level: 'warn', msg: 'database statement cancelled at statement_timeout', statementTimeoutMs: runtime.databaseStatementTimeoutMs });
});

const db = await openDatabase({
  url: config.databaseUrl,
  replicaUrls: config.databaseReplicaUrls,
  tokenSecret: config.tokenSecret,
  statementTimeoutMs: runtime.databaseStatementTimeoutMs,
  idleInTransactionTimeoutMs: runtime.databaseIdleInTransactionTimeoutMs,
  onConnectionAcquired: metrics.connectionAcquired,
});
metrics.observeDatabase(db);
const limiters = createRateLimiters({}, config.redisUrl);
const mix = appVersionMix({ onRecorded: metrics.appVersionSeen });
const app = createApp({ db, config, log, limiters, appVersionMix: mix, metrics });
const mixReport = reportAppVersionMix({ mix, log, intervalSeconds: config.appVersionMixIntervalSeconds });
const push = startPushDispatcher({ db, baseUrl: config.pushBaseUrl, accessToken: config.pushAccessToken, log, count: metrics.pushed });

// --- runtime (issue 10): the metrics port, the public server with its timeouts and graceful shutdown ---
const metricsServer = runtime.metricsPort === null ? null : await serveMetrics(metrics, runtime.metricsPort);
const server = await startHttpServer({
  handler: app.callback(),
  port: config.port,
  timeouts: runtime.serverTimeouts,
  shutdownGraceMs: runtime.shutdownGraceMs,
  log,
  // The tick in hand finishes; events it claimed but has not sent are handed back (their lease released).
  stopWork: () => push.stop(),
  async release() {
    mixReport.stop();
    await limiters.close();
    await metricsServer?.close();
    await db.close();
  },
});
log({ level: 'info', msg: 'bff-mobile listening', url: `http://localhost:${server.port}`, metricsPort: metricsServer?.port ?? null, pushBaseUrl: config.pushBaseUrl });
