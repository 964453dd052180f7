import { sql, type Kysely } from 'kysely';
import type { Engine } from '../connection.js';
import { columnTypes } from './column-types.js';

/** Delivery receipts (delivered/read), opt-outs, and template blasts. */
export async function up(db: Kysely<any>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);

  await db.schema.alterTable('whatsapp_blast_logs').addColumn('delivered_at', 'bigint').execute();
  await db.schema.alterTable('whatsapp_blast_logs').addColumn('read_at', 'bigint').execute();
  // Receipts find their row by the provider's id.
  await db.schema
    .createIndex('whatsapp_blast_logs_provider_message_id')
    .on('whatsapp_blast_logs')
    .column('provider_message_id')
    .where(sql.ref('provider_message_id'), 'is not', null)
    .execute();

  await db.schema.alterTable('whatsapp_blasts').addColumn('delivered_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('whatsapp_blasts').addColumn('read_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  /** `{"name","language","body_params"}` when the blast sends an approved template. */
  await db.schema.alterTable('whatsapp_blasts').addColumn('template', 'text').execute();

  await db.schema.alterTable('customers').addColumn('opted_out_at', 'bigint').execute();
  await db.schema.alterTable('customers').addColumn('opted_out_source', 'text').execute();

  // Receipts that arrive before the worker has recorded the send they are about (a fast
  // provider can call back within milliseconds); applied once the row has its message id.
  await db.schema
    .createTable('whatsapp_receipt_backlog')
    .addColumn('id', t.id, t.idConstraints)
    .addColumn('provider_message_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('event_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('whatsapp_receipt_backlog_message').on('whatsapp_receipt_backlog').column('provider_message_id').execute();
}
