import { Migrator, type Migration as KyselyMigration, type MigrationResultSet } from 'kysely';
import type { Database } from './connection.js';
import type { Migration } from './migrations/column-types.js';
import * as m0001 from './migrations/0001_initial.js';
import * as m0002 from './migrations/0002_receipts_optout_templates.js';
import * as m0003 from './migrations/0003_lifecycle.js';
import * as m0004 from './migrations/0004_idempotency.js';
import * as m0005 from './migrations/0005_senders_schedule.js';
import * as m0007 from './migrations/0007_outbound_webhooks.js';
import * as m0008 from './migrations/0008_sender_rates.js';
import * as m0009 from './migrations/0009_expansion_without_log_fk.js';
import * as m0010 from './migrations/0010_blast_log_range.js';

/** Numbered, forward-only. Add a file and a line here; never edit one that has shipped. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_receipts_optout_templates': m0002,
  '0003_lifecycle': m0003,
  '0004_idempotency': m0004,
  '0005_senders_schedule': m0005,
  '0007_outbound_webhooks': m0007,
  '0008_sender_rates': m0008,
  '0009_expansion_without_log_fk': m0009,
  '0010_blast_log_range': m0010,
};

/**
 * Applies every pending migration. Safe when several processes start at once: PostgreSQL
 * serialises them with an advisory lock, SQLite with its write lock (see connection.ts).
 */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const migrations: Record<string, KyselyMigration> = {};
  for (const [name, migration] of Object.entries(MIGRATIONS)) {
    migrations[name] = { up: (db) => migration.up(db, database.engine) };
  }
  const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
