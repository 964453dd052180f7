import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Engine } from '../db/connection.js';
import type { DB, TargetType } from '../db/schema.js';
import { customerFilterCondition, customerIdIn } from '../customers/customers.repository.js';
import type { CustomerFilter } from '../customers/customers.schema.js';

export const OPTED_OUT = 'the customer opted out of WhatsApp messages';

export type UnexpandedBlast = { id: number; target_type: TargetType; target_params: string | null };

/** Locks the oldest blast whose recipients are not resolved yet; other workers skip it. */
export async function lockNextUnexpandedBlast(db: Kysely<DB>, engine: Engine): Promise<UnexpandedBlast | undefined> {
  let query = db
    .selectFrom('whatsapp_blasts')
    .select(['id', 'target_type', 'target_params'])
    .where('status', 'in', ['scheduled', 'queued'])
    .where('expanded_at', 'is', null)
    .orderBy('id')
    .limit(1);
  // SQLite has no row locks: the caller's BEGIN IMMEDIATE already excludes other writers.
  if (engine === 'postgres') query = query.forUpdate().skipLocked();
  const row = await query.executeTakeFirst();
  return row && { ...row, id: Number(row.id) };
}

/**
 * Resolves a blast's audience into recipient rows with one INSERT … SELECT, never row by row
 * through JavaScript. Numbers were checked when the customer was saved (phone_normalized or
 * phone_error), so here each customer becomes `pending`, or `skipped` with the reason: opted out,
 * no usable number, or the same number as an earlier customer of this blast. Returns how many
 * rows it inserted.
 */
export async function insertRecipients(db: Kysely<DB>, engine: Engine, blast: UnexpandedBlast, now: number): Promise<number> {
  const audience = audienceWithDuplicates(db, engine, blast);
  const rows = db.selectFrom(audience.as('c')).select([
    sql<number>`CAST(${blast.id} AS BIGINT)`.as('blast_id'),
    'c.id as customer_id',
    sql<string>`COALESCE(c.phone_normalized, c.phone)`.as('phone_number'),
    sql<string>`CASE WHEN c.phone_normalized IS NULL OR c.duplicate_of IS NOT NULL OR c.opted_out_at IS NOT NULL THEN 'skipped' ELSE 'pending' END`.as('status'),
    sql<string>`CASE WHEN c.opted_out_at IS NOT NULL THEN ${OPTED_OUT}
      WHEN c.phone_normalized IS NULL THEN COALESCE(c.phone_error, 'no phone number')
      WHEN c.duplicate_of IS NOT NULL THEN 'duplicate number: customer ' || CAST(c.duplicate_of AS TEXT) || ' has the same number'
      ELSE NULL END`.as('error_message'),
    sql<number>`CAST(${now} AS BIGINT)`.as('updated_at'),
  ]);
  const result = await db
    .insertInto('whatsapp_blast_logs')
    .columns(['blast_id', 'customer_id', 'phone_number', 'status', 'error_message', 'updated_at'])
    .expression(rows)
    .executeTakeFirstOrThrow();
  if (result.numInsertedOrUpdatedRows === undefined) throw new Error('the database did not say how many recipient rows it inserted');
  return Number(result.numInsertedOrUpdatedRows);
}

/**
 * The audience's customers, each with `duplicate_of`: the audience's first (lowest id) customer
 * with the same number, when that is another customer; NULL otherwise. Only numbers that two or
 * more customers of the audience share are grouped, and the customers are matched against that
 * (usually tiny) set by hash: ranking every customer with a window function instead sorted the
 * whole audience by number and cost two to three times as much CPU (docs/benchmarks.md, expand).
 */
function audienceWithDuplicates(db: Kysely<DB>, engine: Engine, target: { target_type: TargetType; target_params: string | null }) {
  const shared = db
    .selectFrom('customers')
    .select(['customers.phone_normalized', (eb) => eb.fn.min('customers.id').as('first_id')])
    .where('customers.phone_normalized', 'is not', null)
    .where((eb) => audienceCondition(eb, engine, target))
    .groupBy('customers.phone_normalized')
    .having((eb) => eb.fn.countAll(), '>', 1);
  return db
    .selectFrom('customers')
    .where((eb) => audienceCondition(eb, engine, target))
    .leftJoin(shared.as('shared'), 'shared.phone_normalized', 'customers.phone_normalized')
    .select([
      'customers.id',
      'customers.phone',
      'customers.phone_normalized',
      'customers.phone_error',
      'customers.opted_out_at',
      sql<number | null>`CASE WHEN shared.first_id <> customers.id THEN shared.first_id ELSE NULL END`.as('duplicate_of'),
    ]);
}

/**
 * How many customers an audience has, and how many insertRecipients would make `pending` (the
 * rest it skips: opted out, no usable number, a number already in the blast). One query.
 */
export async function countAudience(
  db: Kysely<DB>,
  engine: Engine,
  target: { target_type: TargetType; target_params: string | null },
): Promise<{ total: number; sendable: number }> {
  const row = await db
    .selectFrom(audienceWithDuplicates(db, engine, target).as('c'))
    .select([
      (eb) => eb.fn.countAll<number>().as('total'),
      sql<number>`COALESCE(SUM(CASE WHEN c.phone_normalized IS NOT NULL AND c.duplicate_of IS NULL AND c.opted_out_at IS NULL THEN 1 ELSE 0 END), 0)`.as('sendable'),
    ])
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), sendable: Number(row.sendable) };
}

/** Which customers a blast targets, as SQL. */
export function audienceCondition(
  eb: ExpressionBuilder<DB, 'customers'>,
  engine: Engine,
  target: { target_type: TargetType; target_params: string | null },
): Expression<SqlBool> {
  if (target.target_type === 'selected') return customerIdIn(eb, engine, target.target_params ?? '[]');
  if (target.target_type === 'filter') return customerFilterCondition(eb, engine, JSON.parse(target.target_params ?? '{}') as CustomerFilter);
  return eb.lit(true);
}

/** The first few customers of an audience, for a preview. */
export async function sampleAudience(db: Kysely<DB>, engine: Engine, target: { target_type: TargetType; target_params: string | null }, limit: number) {
  return db
    .selectFrom('customers')
    .select(['id', 'name', 'phone', 'phone_normalized', 'phone_error', 'status', 'attributes', 'opted_out_at'])
    .where((eb) => audienceCondition(eb, engine, target))
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * Sets the blast's counters and its id range (first_log_id … last_log_id, which listings use
 * instead of an index on (blast_id, id)) right after its `inserted` rows were written, all of
 * them `pending` or `skipped`. Only the skipped ones are counted (usually few); the first and
 * last id of each status are the ends of its stretch of the (blast_id, status, id) index. So
 * this costs a few index probes, where a GROUP BY status over the million rows cost 0.2–0.5 s.
 */
export async function markExpanded(db: Kysely<DB>, blastId: number, inserted: number, now: number): Promise<{ total: number; pending: number }> {
  const ofStatus = (status: 'pending' | 'skipped') => db.selectFrom('whatsapp_blast_logs').where('blast_id', '=', blastId).where('status', '=', status);
  const ends = await db
    .selectNoFrom([
      ofStatus('skipped').select((eb) => eb.fn.countAll<number>().as('n')).as('skipped'),
      ofStatus('pending').select((eb) => eb.fn.min('id').as('id')).as('first_pending'),
      ofStatus('pending').select((eb) => eb.fn.max('id').as('id')).as('last_pending'),
      ofStatus('skipped').select((eb) => eb.fn.min('id').as('id')).as('first_skipped'),
      ofStatus('skipped').select((eb) => eb.fn.max('id').as('id')).as('last_skipped'),
    ])
    .executeTakeFirstOrThrow();
  const skipped = Number(ends.skipped ?? 0);
  const pending = inserted - skipped;
  const present = (ids: (number | null)[]) => ids.filter((id): id is number => id !== null).map(Number);
  const firsts = present([ends.first_pending, ends.first_skipped]);
  const lasts = present([ends.last_pending, ends.last_skipped]);
  await db
    .updateTable('whatsapp_blasts')
    .set({
      target_count: inserted,
      pending_count: pending,
      skipped_count: skipped,
      expanded_at: now,
      first_log_id: firsts.length > 0 ? Math.min(...firsts) : null,
      last_log_id: lasts.length > 0 ? Math.max(...lasts) : null,
    })
    .where('id', '=', blastId)
    .execute();
  return { total: inserted, pending };
}
