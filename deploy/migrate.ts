// The image's migration command: applies every pending committed migration to DATABASE_URL and exits
// (0 when the schema is up to date, 1 on failure). The development `npm run db:migrate` also starts an embedded
// PostgreSQL when DATABASE_URL is unset; a deployment always names its database, so this needs no dev dependency.
import { migrate } from '@microblog/domain';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(1);
}
try {
  const applied = await migrate(url);
  console.log(
    JSON.stringify({ level: 'info', msg: applied.length ? 'migrations applied' : 'database is up to date', applied }),
  );
} catch (error) {
  console.error(JSON.stringify({ level: 'error', msg: 'migration failed', error: (error as Error).message }));
  process.exitCode = 1;
}
