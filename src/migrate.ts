import { ConfigError, environment, loadConfig } from './config.js';
import { connect } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';

/** `npm run migrate`: applies pending migrations and exits (the service also does this at start). */
try {
  const config = loadConfig(environment());
  const database = connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrateToLatest(database);
    process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
  } finally {
    await database.close();
  }
} catch (error) {
  process.stderr.write(`migration failed: ${(error as Error).message}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
