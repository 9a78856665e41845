// Starts bff-web: config from the environment, the database, the app on WEB_PORT; stops cleanly on SIGTERM/SIGINT.
import http from 'node:http';
import { openDatabase } from '@microblog/domain';
import { Redis } from 'ioredis';
import { createApp, timelineStreams } from './app.ts';
import { readConfig } from './config.ts';
import { createLogger } from './logger.ts';

const config = readConfig();
const logger = createLogger(config.logLevel);
if (config.databaseUrl === null) throw new Error('DATABASE_URL: is required');

const db = await openDatabase({ url: config.databaseUrl, replicaUrls: config.databaseReplicaUrls, tokenSecret: config.tokenSecret });
// enableOfflineQueue off: a dead Redis fails fast, and the limiters fall back to memory.
const redis = config.redisUrl === null ? null : new Redis(config.redisUrl, { enableOfflineQueue: false });
const streams = timelineStreams({ db, settings: config.streams, listenUrl: config.databaseUrl, logger });
const app = createApp({ db, config, logger, redis, streams });
const server = http.createServer(app.callback());
server.listen(config.port, () => {
  logger.info({ msg: `bff-web listening on http://localhost:${config.port}` });
});

let stopping = false;
function stop(signal: string): void {
  if (stopping) return;
  stopping = true;
  logger.info({ msg: 'stopping', signal });
  // Open live timelines would keep the server from closing; EventSource reconnects to another instance.
  void streams.close();
  server.close(() => {
    void (async () => {
      redis?.disconnect();
      await db.close();
      process.exit(0);
    })();
  });
  server.closeIdleConnections();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
