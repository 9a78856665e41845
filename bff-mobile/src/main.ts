// Runs bff-mobile: settings from the environment (one line per bad one, exit 2), the database, metrics on their own
// port, the app on MOBILE_PORT behind the kit's HTTP server (timeouts that suit a balancer, graceful shutdown), and
// push delivery, which hands back the outbox events it holds when the process stops, and the fan-out worker.
import { createLogger, createThrottles, exitWithProblems, logEntries, settingsOrExit } from '@microblog/bff-kit';
import { startHttpServer } from '@microblog/bff-kit/http-server';
import { createMetrics, databaseOptions, serveMetrics, watchStatementTimeouts } from '@microblog/bff-kit/metrics';
import { openDatabase, startFanOutWorker, STATEMENT_TIMEOUT_CHANNEL } from '@microblog/domain';
import { createApp } from './app.ts';
import { appVersionMix, reportAppVersionMix } from './app-version-mix.ts';
import { startPushDispatcher } from './push/index.ts';
import { readSettings } from './settings.ts';

const settings = settingsOrExit(readSettings(process.env));
if (settings.databaseUrl === null) exitWithProblems(['DATABASE_URL: is required (a postgres:// URL)']);
const logger = createLogger({ service: 'bff-mobile', level: settings.logLevel, format: settings.logFormat });
const log = logEntries(logger);
const { runtime } = settings;

const metrics = createMetrics({ service: 'bff-mobile' });
watchStatementTimeouts(metrics, STATEMENT_TIMEOUT_CHANNEL, () =>
  log({
    level: 'warn',
    msg: 'database statement cancelled at statement_timeout',
    statementTimeoutMs: runtime.databaseStatementTimeoutMs,
  }),
);
const db = await openDatabase(databaseOptions(metrics, { ...settings, databaseUrl: settings.databaseUrl }));
metrics.observeDatabase(db);
const throttles = createThrottles('bff-mobile', {}, settings.redisUrl);
const mix = appVersionMix({ onRecorded: metrics.appVersionSeen });
const app = createApp({ db, settings, logger, throttles, appVersionMix: mix, metrics });
const mixReport = reportAppVersionMix({ mix, log, intervalSeconds: settings.appVersionMixIntervalSeconds });
const push = startPushDispatcher({
  db,
  baseUrl: settings.pushBaseUrl,
  accessToken: settings.pushAccessToken,
  log,
  count: metrics.pushed,
});
// Followers' lines of posts by authors past FAN_OUT_MAX_FOLLOWERS, shared with every other BFF process.
const fanOut = startFanOutWorker(db, { log });

const metricsServer = runtime.metricsPort === null ? null : await serveMetrics(metrics, runtime.metricsPort);
const server = await startHttpServer({
  handler: app.callback(),
  port: settings.port,
  timeouts: runtime.serverTimeouts,
  shutdownGraceMs: runtime.shutdownGraceMs,
  log,
  // The tick in hand finishes; events it claimed but has not sent are handed back (their lease released). A fan-out
  // chunk under way commits; the rest of that post is delivered by the next worker.
  stopWork: async () => {
    await Promise.all([push.stop(), fanOut.stop()]);
  },
  async release() {
    mixReport.stop();
    await throttles.close();
    await metricsServer?.close();
    await db.close();
  },
});
log({
  level: 'info',
  msg: 'bff-mobile listening',
  url: `http://localhost:${server.port}`,
  metricsPort: metricsServer?.port ?? null,
  pushBaseUrl: settings.pushBaseUrl,
});
