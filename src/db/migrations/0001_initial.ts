import { sql, type Kysely } from 'kysely';
import type { Engine } from '../connection.js';
import { columnTypes } from './column-types.js';

export async function up(db: Kysely<any>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);

  await db.schema
    .createTable('admins')
    .addColumn('id', t.id, t.idConstraints)
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('admin_tokens')
    .addColumn('id', t.id, t.idConstraints)
    .addColumn('admin_id', 'bigint', (c) => c.notNull().references('admins.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('admin_tokens_admin_id').on('admin_tokens').column('admin_id').execute();

  await db.schema
    .createTable('customers')
    .addColumn('id', t.id, t.idConstraints)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('phone_normalized', 'text')
    .addColumn('phone_error', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('attributes', t.json, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('customers_status_id').on('customers').columns(['status', 'id']).execute();
  await db.schema.createIndex('customers_phone_normalized').on('customers').column('phone_normalized').execute();

  // Every attribute key any customer has had: lets a blast reject `{nmae}` without a table scan.
  await db.schema
    .createTable('customer_attribute_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .execute();

  // One row per sending number. `next_send_at` is the pacing shared by every worker; the lease
  // says which worker may send from it now.
  await db.schema
    .createTable('senders')
    .addColumn('id', t.id, t.idConstraints)
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('next_send_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('paused_reason', 'text')
    .addColumn('paused_at', 'bigint')
    .addColumn('credentials_fingerprint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('blast_images')
    .addColumn('id', t.id, t.idConstraints)
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content', t.bytes, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('whatsapp_blasts')
    .addColumn('id', t.id, t.idConstraints)
    .addColumn('admin_id', 'bigint', (c) => c.notNull().references('admins.id'))
    .addColumn('title', 'text')
    .addColumn('message_template', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_params', 'text')
    .addColumn('image_id', 'bigint', (c) => c.references('blast_images.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('target_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pending_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sent_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expanded_at', 'bigint')
    .addColumn('started_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .execute();
  // The worker's "which blasts still have work" lookup; finished blasts fall out of it.
  await db.schema
    .createIndex('whatsapp_blasts_active')
    .on('whatsapp_blasts')
    .columns(['status', 'id'])
    .where(sql.ref('status'), 'in', ['queued', 'processing'])
    .execute();
  await db.schema.createIndex('whatsapp_blasts_admin_id').on('whatsapp_blasts').columns(['admin_id', 'id']).execute();

  // Logs keep the customer id and number as history: no foreign key to customers, so deleting a
  // customer leaves past blasts intact (and a million-row expansion checks no constraint).
  await db.schema
    .createTable('whatsapp_blast_logs')
    .addColumn('id', t.id, t.idConstraints)
    .addColumn('blast_id', 'bigint', (c) => c.notNull().references('whatsapp_blasts.id'))
    .addColumn('customer_id', 'bigint', (c) => c.notNull())
    .addColumn('phone_number', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_message', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('claim_owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('provider_message_id', 'text')
    .addColumn('sent_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // Listing a blast's recipients in order, and claiming its pending ones in order.
  await db.schema.createIndex('whatsapp_blast_logs_blast_id').on('whatsapp_blast_logs').columns(['blast_id', 'id']).execute();
  await db.schema
    .createIndex('whatsapp_blast_logs_blast_status')
    .on('whatsapp_blast_logs')
    .columns(['blast_id', 'status', 'id'])
    .execute();
  // Recovery of work held by dead workers looks only at in-flight rows: a tiny partial index.
  await db.schema
    .createIndex('whatsapp_blast_logs_in_flight')
    .on('whatsapp_blast_logs')
    .column('lease_expires_at')
    .where(sql.ref('status'), '=', 'sending')
    .execute();

  if (engine === 'postgres') {
    // The hot table churns row versions at the head of the queue; vacuum it early and often
    // (see shared notes: claims slowed 80x as dead versions piled up under default settings).
    await sql`ALTER TABLE whatsapp_blast_logs SET (
      autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
      autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0, fillfactor = 90)`.execute(db);
    await sql`ALTER TABLE senders SET (fillfactor = 50)`.execute(db);
  }
}
