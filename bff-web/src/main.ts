// Starts bff-web: settings from the environment (one line per bad one, exit 2), the database, metrics on their own
// port, the app on WEB_PORT behind the kit's HTTP server (timeouts that suit a balancer, graceful shutdown), and the
// fan-out worker.
import { createLogger, createThrottles, exitWithProblems, logEntries, settingsOrExit } from '@microblog/bff-kit';
import { startHttpServer } from '@microblog/bff-kit/http-server';
import { createMetrics, databaseOptions, serveMetrics, watchStatementTimeouts } from '@microblog/bff-kit/metrics';
import { openDatabase, startFanOutWorker, STATEMENT_TIMEOUT_CHANNEL } from '@microblog/domain';
import { createApp, timelineStreams } from './app.ts';
import { readSettings } from './settings.ts';

const settings = settingsOrExit(readSettings(process.env));
if (settings.databaseUrl === null) exitWithProblems(['DATABASE_URL: is required (a postgres:// URL)']);
const logger = createLogger({ service: 'bff-web', level: settings.logLevel, format: settings.logFormat });
const { runtime } = settings;

const metrics = createMetrics({ service: 'bff-web' });
watchStatementTimeouts(metrics, STATEMENT_TIMEOUT_CHANNEL, () =>
  logger.warn(
    { statementTimeoutMs: runtime.databaseStatementTimeoutMs },
    'database statement cancelled at statement_timeout',
  ),
);
const db = await openDatabase(databaseOptions(metrics, { ...settings, databaseUrl: settings.databaseUrl }));
metrics.observeDatabase(db);
const throttles = createThrottles('bff-web', {}, settings.redisUrl);
const streams = timelineStreams({ db, settings: settings.streams, listenUrl: settings.databaseUrl, logger });
const app = createApp({ db, settings, logger, throttles, streams, metrics });
// Followers' lines of posts by authors past FAN_OUT_MAX_FOLLOWERS, shared with every other BFF process.
const fanOut = startFanOutWorker(db, { log: logEntries(logger) });

const metricsServer = runtime.metricsPort === null ? null : await serveMetrics(metrics, runtime.metricsPort);
const server = await startHttpServer({
  handler: app.callback(),
  port: settings.port,
  timeouts: runtime.serverTimeouts,
  shutdownGraceMs: runtime.shutdownGraceMs,
  log: ({ level, msg, ...fields }) => logger[level](fields, msg),
  // Open live timelines would keep the server from draining; EventSource reconnects to another instance.
  // A fan-out chunk under way commits; the rest of that post is delivered by the next worker.
  stopWork: async () => {
    await Promise.all([streams.close(), fanOut.stop()]);
  },
  async release() {
    await throttles.close();
    await metricsServer?.close();
    await db.close();
  },
});
logger.info(
  { port: server.port, metricsPort: metricsServer?.port ?? null },
  `bff-web listening on http://localhost:${server.port}`,
);
