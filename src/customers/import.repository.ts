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
  /** Rows matched by id carry their number (it replaces the stored one); rows matched by number keep it. */
  phone?: string;
  phone_normalized?: string;
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

/** Rows of a file with an id column: each creates the customer with that id, unless it exists. */
export interface ImportedCustomerWithId extends ImportedCustomer {
  id: number;
}

/** Creates the customers whose id no customer has; returns their ids. The others are updates. */
export async function insertImportedCustomersWithIds(db: Kysely<DB>, engine: Engine, rows: ImportedCustomerWithId[], now: number): Promise<number[]> {
  if (rows.length === 0) return [];
  const json = JSON.stringify(rows);
  const { rows: created } = engine === 'postgres'
    ? await sql<{ id: number }>`
        INSERT INTO customers (id, name, phone, phone_normalized, status, attributes, created_at, updated_at)
        SELECT v.id, v.name, v.phone, v.phone_normalized, v.status, v.attributes, ${now}::bigint, ${now}::bigint
        FROM json_to_recordset(${json}::json) AS v(id bigint, name text, phone text, phone_normalized text, status text, attributes jsonb)
        ON CONFLICT (id) DO NOTHING
        RETURNING id`.execute(db)
    : await sql<{ id: number }>`
        INSERT INTO customers (id, name, phone, phone_normalized, status, attributes, created_at, updated_at)
        SELECT value ->> 'id', value ->> 'name', value ->> 'phone', value ->> 'phone_normalized', value ->> 'status',
               json(value ->> 'attributes'), ${now}, ${now}
        FROM json_each(${json}) WHERE true
        ON CONFLICT (id) DO NOTHING
        RETURNING id`.execute(db);
  return created.map((r) => Number(r.id));
}

/** Every customer id holding each number (several when the JSON API stored a number twice). */
export async function customersHoldingNumbers(db: Kysely<DB>, engine: Engine, phones: string[]): Promise<Map<string, number[]>> {
  const holders = new Map<string, number[]>();
  if (phones.length === 0) return holders;
  const inList = engine === 'postgres'
    ? sql`= ANY (${phones}::text[])`
    : sql`IN (SELECT value FROM json_each(${JSON.stringify(phones)}))`;
  const { rows } = await sql<{ phone_normalized: string; id: number }>`
    SELECT phone_normalized, id FROM customers WHERE phone_normalized ${inList}`.execute(db);
  for (const row of rows) holders.set(row.phone_normalized, [...(holders.get(row.phone_normalized) ?? []), Number(row.id)]);
  return holders;
}

/**
 * Name replaced, status only when given, attributes merged, the number replaced when the row
 * carries one; opt-outs untouched. A customer these values would not change is not written.
 * Returns how many were written.
 */
export async function updateImportedCustomers(db: Kysely<DB>, engine: Engine, rows: CustomerUpdate[], now: number): Promise<number> {
  if (rows.length === 0) return 0;
  const json = JSON.stringify(rows);
  if (engine === 'postgres') {
    const { rows: written } = await sql<{ id: number }>`
      UPDATE customers AS c
      SET name = v.name, status = COALESCE(v.status, c.status), attributes = c.attributes || v.attributes,
          phone = COALESCE(v.phone, c.phone), phone_normalized = COALESCE(v.phone_normalized, c.phone_normalized),
          phone_error = CASE WHEN v.phone_normalized IS NULL THEN c.phone_error END, updated_at = ${now}::bigint
      FROM json_to_recordset(${json}::json) AS v(id bigint, name text, status text, attributes jsonb, phone text, phone_normalized text)
      WHERE c.id = v.id
        AND (c.name, c.status, c.attributes, c.phone, c.phone_normalized, c.phone_error)
            IS DISTINCT FROM (v.name, COALESCE(v.status, c.status), c.attributes || v.attributes, COALESCE(v.phone, c.phone),
                              COALESCE(v.phone_normalized, c.phone_normalized), CASE WHEN v.phone_normalized IS NULL THEN c.phone_error END)
      RETURNING c.id`.execute(db);
    return written.length;
  }
  // json_patch merges objects (RFC 7396); import values are never null, so nothing is removed.
  const { rows: written } = await sql<{ id: number }>`
    UPDATE customers
    SET name = v.name, status = COALESCE(v.status, customers.status),
        attributes = json_patch(customers.attributes, v.attributes),
        phone = COALESCE(v.phone, customers.phone), phone_normalized = COALESCE(v.phone_normalized, customers.phone_normalized),
        phone_error = CASE WHEN v.phone_normalized IS NULL THEN customers.phone_error END, updated_at = ${now}
    FROM (SELECT value ->> 'id' AS id, value ->> 'name' AS name, value ->> 'status' AS status,
                 value ->> 'attributes' AS attributes, value ->> 'phone' AS phone, value ->> 'phone_normalized' AS phone_normalized
          FROM json_each(${json})) AS v
    WHERE customers.id = v.id
      AND (customers.name, customers.status, customers.attributes, customers.phone, customers.phone_normalized, customers.phone_error)
          IS DISTINCT FROM (v.name, COALESCE(v.status, customers.status), json_patch(customers.attributes, v.attributes),
                            COALESCE(v.phone, customers.phone), COALESCE(v.phone_normalized, customers.phone_normalized),
                            CASE WHEN v.phone_normalized IS NULL THEN customers.phone_error END)
    RETURNING id`.execute(db);
  return written.length;
}
