// Starts bff-web: settings from the environment (one line per bad one, exit 2), the database, the app on WEB_PORT.
// Shutdown, metrics and server timeouts come from the kit's runtime modules.
import http from 'node:http';
import { createLogger, exitWithProblems, settingsOrExit } from '@microblog/bff-kit';
import { openDatabase } from '@microblog/domain';
import { createApp } from './app.ts';
import { readSettings } from './settings.ts';

const settings = settingsOrExit(readSettings(process.env));
if (settings.databaseUrl === null) exitWithProblems(['DATABASE_URL: is required (a postgres:// URL)']);
const logger = createLogger({ service: 'bff-web', level: settings.logLevel, format: settings.logFormat });

const db = await openDatabase({ url: settings.databaseUrl, replicaUrls: settings.databaseReplicaUrls, tokenSecret: settings.tokenSecret });
const app = createApp({ db, settings, logger });
const server = http.createServer(app.callback());
server.listen(settings.port, () => logger.info(`bff-web listening on http://localhost:${settings.port}`));

let stopping = false;
function stop(signal: string): void {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  server.close(() => void db.close().then(() => process.exit(0)));
  server.closeIdleConnections();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
