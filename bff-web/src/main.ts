// Starts bff-web: config from the environment, the database, the app on WEB_PORT; stops cleanly on SIGTERM/SIGINT.
import { subscribe } from 'node:diagnostics_channel';
import { STATEMENT_TIMEOUT_CHANNEL, openDatabase } from '@microblog/domain';
import { startHttpServer } from '@microblog/bff-kit/http-server';
import { createMetrics, serveMetrics } from '@microblog/bff-kit/metrics';
import { Redis } from 'ioredis';
import { createApp } from './app.ts';
import { readConfig } from './config.ts';
import { createLogger } from './logger.ts';

const config = readConfig();
const logger = createLogger(config.logLevel);
if (config.databaseUrl === null) throw new Error('DATABASE_URL: is required');

// --- runtime (issue 10): metrics, database limits, statement timeouts logged and counted ---
const { runtime } = config;
const metrics = createMetrics({ service: 'bff-web' });
subscribe(STATEMENT_TIMEOUT_CHANNEL, () => {
  metrics.statementTimedOut();
  logger.warn({ msg: 'database statement cancelled at statement_timeout', statementTimeoutMs: runtime.databaseStatementTimeoutMs });
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
// enableOfflineQueue off: a dead Redis fails fast, and the limiters fall back to memory.
const redis = config.redisUrl === null ? null : new Redis(config.redisUrl, { enableOfflineQueue: false });
const app = createApp({ db, config, logger, redis, metrics });

// --- runtime (issue 10): the metrics port, the public server with its timeouts and graceful shutdown ---
const metricsServer = runtime.metricsPort === null ? null : await serveMetrics(metrics, runtime.metricsPort);
const server = await startHttpServer({
  handler: app.callback(),
  port: config.port,
  timeouts: runtime.serverTimeouts,
  shutdownGraceMs: runtime.shutdownGraceMs,
  log: (entry) => logger[entry.level](entry),
  async release() {
    redis?.disconnect();
    await metricsServer?.close();
    await db.close();
  },
});
logger.info({ msg: `bff-web listening on http://localhost:${server.port}`, port: server.port, metricsPort: metricsServer?.port ?? null });
