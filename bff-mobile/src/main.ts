// Runs bff-mobile: reads the config, opens the database, serves the app, delivers push notifications,
// and shuts down cleanly on SIGTERM/SIGINT.
import http from 'node:http';
import { openDatabase } from '@microblog/domain';
import { createApp } from './app.ts';
import { appVersionMix, reportAppVersionMix } from './app-version-mix.ts';
import { loadConfig } from './config.ts';
import { jsonLogger } from './logger.ts';
import { startPushDispatcher } from './push/index.ts';
import { createRateLimiters } from './rate-limits.ts';

const config = loadConfig();
if (config.databaseUrl === null) throw new Error('DATABASE_URL is required');
const log = jsonLogger(config.logLevel);
const db = await openDatabase({ url: config.databaseUrl, replicaUrls: config.databaseReplicaUrls, tokenSecret: config.tokenSecret });
const limiters = createRateLimiters({}, config.redisUrl);
const mix = appVersionMix();
const app = createApp({ db, config, log, limiters, appVersionMix: mix });
const mixReport = reportAppVersionMix({ mix, log, intervalSeconds: config.appVersionMixIntervalSeconds });
const server = http.createServer(app.callback());
const push = startPushDispatcher({ db, baseUrl: config.pushBaseUrl, accessToken: config.pushAccessToken, log });

server.listen(config.port, () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  log({ level: 'info', msg: 'bff-mobile listening', url: `http://localhost:${port}`, pushBaseUrl: config.pushBaseUrl });
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log({ level: 'info', msg: 'shutting down', signal });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  mixReport.stop();
  await push.stop();
  await limiters.close();
  await db.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
