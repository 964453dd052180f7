import { sql, type Kysely } from 'kysely';
import type { Engine } from '../db/connection.js';
import type { DB } from '../db/schema.js';

/**
 * The set-based SQL of the CSV import: per batch one lookup, one INSERT and one UPDATE, each
 * taking the whole batch as a single JSON parameter (no 65,535-parameter limit, one statement
 * to parse). The two engines spell "rows of a JSON array" differently, hence a pair of each.
 */

export interface ImportedCustomer {
  name: string;
  /** As entered in the file. */
  phone: string;
  phone_normalized: string;
  status: string;
  attributes: Record<string, string>;
}

export interface CustomerUpdate {
  id: number;
  name: string;
  /** null keeps the stored status. */
  status: string | null;
  /** Merged into the stored attributes (the file's values win). */
  attributes: Record<string, string>;
}

/**
 * Makes PostgreSQL plan this transaction's statements for what they are: a batch's worth of
 * rows found through an index (phone_normalized, the primary key). While an import fills a fresh
 * table the planner has no statistics yet and guesses that a 1,000-number lookup matches half
 * the table: it scanned all of it for every batch (a million-row import became quadratic), and
 * with scans ruled out it still started parallel workers, ~15 ms per batch for ~2 ms of work.
 */
export async function planForBatchLookups(db: Kysely<DB>, engine: Engine): Promise<void> {
  if (engine !== 'postgres') return;
  await sql`SELECT set_config('enable_seqscan', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)`.execute(db);
}

/**
 * The customer each number belongs to: the oldest one when several share it (the JSON API
 * allows that), so an import updates exactly one customer per number.
 */
export async function customerIdsByPhone(db: Kysely<DB>, engine: Engine, phones: string[]): Promise<Map<string, number>> {
  if (phones.length === 0) return new Map();
  const inList = engine === 'postgres'
    ? sql`= ANY (${phones}::text[])`
    : sql`IN (SELECT value FROM json_each(${JSON.stringify(phones)}))`;
  const { rows } = await sql<{ phone_normalized: string; id: number }>`
    SELECT phone_normalized, MIN(id) AS id FROM customers
    WHERE phone_normalized ${inList}
    GROUP BY phone_normalized`.execute(db);
  return new Map(rows.map((r) => [r.phone_normalized, Number(r.id)]));
}

export async function insertImportedCustomers(db: Kysely<DB>, engine: Engine, rows: ImportedCustomer[], now: number): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(rows);
  if (engine === 'postgres') {
    await sql`
      INSERT INTO customers (name, phone, phone_normalized, status, attributes, created_at, updated_at)
      SELECT v.name, v.phone, v.phone_normalized, v.status, v.attributes, ${now}::bigint, ${now}::bigint
      FROM json_to_recordset(${json}::json) AS v(name text, phone text, phone_normalized text, status text, attributes jsonb)`.execute(db);
    return;
  }
  await sql`
    INSERT INTO customers (name, phone, phone_normalized, status, attributes, created_at, updated_at)
    SELECT value ->> 'name', value ->> 'phone', value ->> 'phone_normalized', value ->> 'status',
           json(value ->> 'attributes'), ${now}, ${now}
    FROM json_each(${json}) ORDER BY key`.execute(db);
}

/** Name and status replaced (status only when given), attributes merged; opt-outs untouched. */
export async function updateImportedCustomers(db: Kysely<DB>, engine: Engine, rows: CustomerUpdate[], now: number): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(rows);
  if (engine === 'postgres') {
    await sql`
      UPDATE customers AS c
      SET name = v.name, status = COALESCE(v.status, c.status), attributes = c.attributes || v.attributes, updated_at = ${now}::bigint
      FROM json_to_recordset(${json}::json) AS v(id bigint, name text, status text, attributes jsonb)
      WHERE c.id = v.id`.execute(db);
    return;
  }
  // json_patch merges objects (RFC 7396); import values are never null, so nothing is removed.
  await sql`
    UPDATE customers
    SET name = v.name, status = COALESCE(v.status, customers.status),
        attributes = json_patch(customers.attributes, v.attributes), updated_at = ${now}
    FROM (SELECT value ->> 'id' AS id, value ->> 'name' AS name, value ->> 'status' AS status,
                 value ->> 'attributes' AS attributes
          FROM json_each(${json})) AS v
    WHERE customers.id = v.id`.execute(db);
}
