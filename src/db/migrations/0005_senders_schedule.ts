import type { Kysely } from 'kysely';

/**
 * Several sending numbers managed through the API, rotation across them, daily caps with
 * warm-up, scheduled blasts and quiet hours.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const senders = db.schema.alterTable('senders');
  // Where the credentials come from: 'environment' (WA_GATEWAY, the default sender) or 'api'.
  await senders.addColumn('source', 'text', (c) => c.notNull().defaultTo('environment')).execute();
  await senders.addColumn('name', 'text').execute();
  await senders.addColumn('display_number', 'text').execute();
  // AES-256-GCM under SECRET_KEY (senders/credentials-cipher.ts); null for the environment's sender.
  await senders.addColumn('credentials', 'text').execute();
  // Null: SEND_DELAY_MIN_MS / SEND_DELAY_MAX_MS.
  await senders.addColumn('pause_min_ms', 'integer').execute();
  await senders.addColumn('pause_max_ms', 'integer').execute();
  await senders.addColumn('daily_cap', 'integer').execute();
  await senders.addColumn('warmup_start_cap', 'integer').execute();
  await senders.addColumn('warmup_days', 'integer').execute();
  await senders.addColumn('warmup_started_at', 'bigint').execute();
  // Requests made today (the local day in TIMEZONE named by sent_day), for the daily cap.
  await senders.addColumn('sent_day', 'text').execute();
  await senders.addColumn('sent_today', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // The daily cap is used up: no sends until this time (the next local day).
  await senders.addColumn('resting_until', 'bigint').execute();
  // Who paused it: 'admin' (stays paused until resumed) or 'provider' (an account-level error;
  // new credentials resume it).
  await senders.addColumn('paused_by', 'text').execute();
  await senders.addColumn('updated_at', 'bigint').execute();
  // Deleted senders stay as rows: past recipients still name the number that sent them.
  await senders.addColumn('deleted_at', 'bigint').execute();

  const blasts = db.schema.alterTable('whatsapp_blasts');
  await blasts.addColumn('send_at', 'bigint').execute();
  // 'HH:MM-HH:MM', 'off', or null for QUIET_HOURS.
  await blasts.addColumn('quiet_hours', 'text').execute();

  // A blast that names its senders; a blast with no rows here uses every active sender.
  await db.schema
    .createTable('blast_senders')
    .addColumn('blast_id', 'bigint', (c) => c.notNull().references('whatsapp_blasts.id'))
    .addColumn('sender_id', 'bigint', (c) => c.notNull().references('senders.id'))
    .addPrimaryKeyConstraint('blast_senders_pkey', ['blast_id', 'sender_id'])
    .execute();

  // Which number sent (or tried to send) each recipient.
  await db.schema.alterTable('whatsapp_blast_logs').addColumn('sender_id', 'bigint').execute();
}
