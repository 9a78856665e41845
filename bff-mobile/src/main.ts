// Runs bff-mobile: settings from the environment (one line per bad one, exit 2), the database, the app on
// MOBILE_PORT, push delivery. Shutdown, metrics and server timeouts come from the kit's runtime modules.
import http from 'node:http';
import { createLogger, createThrottles, exitWithProblems, logEntries, settingsOrExit } from '@microblog/bff-kit';
import { openDatabase } from '@microblog/domain';
import { createApp } from './app.ts';
import { appVersionMix, reportAppVersionMix } from './app-version-mix.ts';
import { startPushDispatcher } from './push/index.ts';
import { readSettings } from './settings.ts';

const settings = settingsOrExit(readSettings(process.env));
if (settings.databaseUrl === null) exitWithProblems(['DATABASE_URL: is required (a postgres:// URL)']);
const logger = createLogger({ service: 'bff-mobile', level: settings.logLevel, format: settings.logFormat });
const log = logEntries(logger);

const db = await openDatabase({ url: settings.databaseUrl, replicaUrls: settings.databaseReplicaUrls, tokenSecret: settings.tokenSecret });
const throttles = createThrottles('bff-mobile', {}, settings.redisUrl);
const mix = appVersionMix();
const app = createApp({ db, settings, logger, throttles, appVersionMix: mix });
const mixReport = reportAppVersionMix({ mix, log, intervalSeconds: settings.appVersionMixIntervalSeconds });
const push = startPushDispatcher({ db, baseUrl: settings.pushBaseUrl, accessToken: settings.pushAccessToken, log });
const server = http.createServer(app.callback());
server.listen(settings.port, () => logger.info({ url: `http://localhost:${settings.port}`, pushBaseUrl: settings.pushBaseUrl }, 'bff-mobile listening'));

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  mixReport.stop();
  await push.stop();
  await throttles.close();
  await db.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
