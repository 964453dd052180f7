import { sql, type Expression, type ExpressionBuilder, type Insertable, type Kysely, type SqlBool, type Updateable } from 'kysely';
import type { Engine } from '../db/connection.js';
import type { CustomersTable, DB } from '../db/schema.js';
import type { CustomerFilter } from './customers.schema.js';

export type CustomerRow = Awaited<ReturnType<typeof findCustomer>> & {};
export type NewCustomerRow = Insertable<CustomersTable>;
export type CustomerChanges = Updateable<CustomersTable>;

/** Rows per INSERT: 8 columns each stays far below PostgreSQL's 65,535-parameter limit. */
const INSERT_CHUNK = 1000;

export async function insertCustomers(db: Kysely<DB>, rows: NewCustomerRow[]) {
  const inserted = [];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK);
    inserted.push(...(await db.insertInto('customers').values(chunk).returningAll().execute()));
  }
  return inserted;
}

/** A customer as the JSON API stores it, under the integrator's own id. */
export interface CustomerWithId {
  id: number;
  name: string;
  phone: string | null;
  phone_normalized: string | null;
  phone_error: string | null;
  status: string;
  /** JSON text of the attributes object. */
  attributes: string;
}

export interface UpsertedCustomer {
  id: number;
  /** true: created now; false: it existed and changed. */
  created: boolean;
}

/**
 * Creates each customer under its id, or sets the one with that id to the values given
 * (opt-outs are not among them): one statement for the whole batch, its rows as a single JSON
 * parameter. Returns the customers created or changed, with their full rows when `fullRows`.
 *
 * A customer whose stored values already equal the given ones is not written at all (the
 * DO UPDATE's WHERE) and not returned: a daily sync of a million unchanged customers makes no
 * new row versions (no dead tuples to vacuum, no index churn), and updated_at keeps meaning
 * "last changed".
 */
export async function upsertCustomersById(
  db: Kysely<DB>,
  engine: Engine,
  rows: CustomerWithId[],
  now: number,
  fullRows: boolean,
): Promise<(UpsertedCustomer & Partial<CustomerRow>)[]> {
  if (rows.length === 0) return [];
  const json = JSON.stringify(rows);
  if (engine === 'postgres') {
    // xmax = 0: the row version was inserted by this statement, not updated.
    const returning = fullRows ? sql`c.*, (c.xmax = 0) AS created` : sql`c.id, (c.xmax = 0) AS created`;
    const { rows: written } = await sql<UpsertedCustomer & CustomerRow>`
      INSERT INTO customers AS c (id, name, phone, phone_normalized, phone_error, status, attributes, created_at, updated_at)
      SELECT v.id, v.name, v.phone, v.phone_normalized, v.phone_error, v.status, v.attributes::jsonb, ${now}::bigint, ${now}::bigint
      FROM json_to_recordset(${json}::json)
        AS v(id bigint, name text, phone text, phone_normalized text, phone_error text, status text, attributes text)
      ON CONFLICT (id) DO UPDATE
      SET name = excluded.name, phone = excluded.phone, phone_normalized = excluded.phone_normalized,
          phone_error = excluded.phone_error, status = excluded.status, attributes = excluded.attributes,
          updated_at = excluded.updated_at
      WHERE (c.name, c.phone, c.phone_normalized, c.phone_error, c.status, c.attributes)
            IS DISTINCT FROM (excluded.name, excluded.phone, excluded.phone_normalized, excluded.phone_error, excluded.status, excluded.attributes)
      RETURNING ${returning}`.execute(db);
    return written.map((row) => ({ ...row, id: Number(row.id) }));
  }
  // SQLite has no xmax; the ids that exist beforehand tell, exactly, since the transaction holds
  // the file's write lock.
  const existing = new Set((await findCustomerIds(db, engine, rows.map((r) => r.id))));
  // The WHERE true: without it, SQLite would parse `ON CONFLICT` as a join constraint.
  const { rows: written } = await sql<CustomerRow>`
    INSERT INTO customers (id, name, phone, phone_normalized, phone_error, status, attributes, created_at, updated_at)
    SELECT value ->> 'id', value ->> 'name', value ->> 'phone', value ->> 'phone_normalized', value ->> 'phone_error',
           value ->> 'status', value ->> 'attributes', ${now}, ${now}
    FROM json_each(${json}) WHERE true
    ON CONFLICT (id) DO UPDATE
    SET name = excluded.name, phone = excluded.phone, phone_normalized = excluded.phone_normalized,
        phone_error = excluded.phone_error, status = excluded.status, attributes = excluded.attributes,
        updated_at = excluded.updated_at
    WHERE (customers.name, customers.phone, customers.phone_normalized, customers.phone_error, customers.status, customers.attributes)
          IS DISTINCT FROM (excluded.name, excluded.phone, excluded.phone_normalized, excluded.phone_error, excluded.status, excluded.attributes)
    RETURNING ${fullRows ? sql`*` : sql`id`}`.execute(db);
  return written.map((row) => ({ ...row, id: Number(row.id), created: !existing.has(Number(row.id)) }));
}

async function findCustomerIds(db: Kysely<DB>, engine: Engine, ids: number[]): Promise<number[]> {
  const rows = await db.selectFrom('customers').select('id').where((eb) => customerIdIn(eb, engine, JSON.stringify(ids))).execute();
  return rows.map((r) => Number(r.id));
}

/** The phone columns stored for these ids (those that exist). */
export async function storedPhones(db: Kysely<DB>, engine: Engine, ids: number[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('customers')
    .select(['id', 'phone', 'phone_normalized', 'phone_error'])
    .where((eb) => customerIdIn(eb, engine, JSON.stringify(ids)))
    .execute();
}

export async function findCustomers(db: Kysely<DB>, engine: Engine, ids: number[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('customers').selectAll().where((eb) => customerIdIn(eb, engine, JSON.stringify(ids))).execute();
}

export async function rememberAttributeKeys(db: Kysely<DB>, keys: Iterable<string>) {
  const values = [...new Set(keys)].map((key) => ({ key }));
  if (values.length === 0) return;
  await db.insertInto('customer_attribute_keys').values(values).onConflict((oc) => oc.column('key').doNothing()).execute();
}

export async function knownAttributeKeys(db: Kysely<DB>): Promise<Set<string>> {
  const rows = await db.selectFrom('customer_attribute_keys').select('key').execute();
  return new Set(rows.map((r) => r.key));
}

/** The statuses customers have, for a filter's choices (at most `limit`, alphabetical). */
export async function customerStatuses(db: Kysely<DB>, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('customers').select('status').distinct().orderBy('status').limit(limit).execute();
  return rows.map((r) => r.status);
}

export async function findCustomer(db: Kysely<DB>, id: number) {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateCustomer(db: Kysely<DB>, id: number, changes: CustomerChanges) {
  return db.updateTable('customers').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
}

/**
 * Opts one customer out unless they already are (keeping the first opt-out's time and source).
 * The condition is in the UPDATE itself, so of two concurrent opt-outs only one returns the row.
 */
export async function optOutCustomer(db: Kysely<DB>, id: number, source: string, now: number) {
  return db
    .updateTable('customers')
    .set({ opted_out_at: now, opted_out_source: source, updated_at: now })
    .where('id', '=', id)
    .where('opted_out_at', 'is', null)
    .returning(['id', 'phone_normalized'])
    .executeTakeFirst();
}

export async function deleteCustomer(db: Kysely<DB>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('customers').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function listCustomers(
  db: Kysely<DB>,
  engine: Engine,
  filter: CustomerFilter,
  page: { offset: number; limit: number },
) {
  const where = (eb: ExpressionBuilder<DB, 'customers'>) => customerFilterCondition(eb, engine, filter);
  const [rows, total] = await Promise.all([
    db.selectFrom('customers').selectAll().where(where).orderBy('id').offset(page.offset).limit(page.limit).execute(),
    db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).where(where).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** The ids among `ids` that name no customer. */
export async function missingCustomerIds(db: Kysely<DB>, engine: Engine, ids: number[]): Promise<number[]> {
  const found = await db
    .selectFrom('customers')
    .select('id')
    .where((eb) => customerIdIn(eb, engine, JSON.stringify(ids)))
    .execute();
  const existing = new Set(found.map((r) => Number(r.id)));
  return ids.filter((id) => !existing.has(id));
}

// --- Dialect-specific SQL: the only places where the two engines differ. ---

/** `customers.id` is in a JSON array of ids (one parameter, whatever the array's length). */
export function customerIdIn(eb: ExpressionBuilder<DB, 'customers'>, engine: Engine, idsJson: string): Expression<SqlBool> {
  return engine === 'postgres'
    ? sql<SqlBool>`${eb.ref('customers.id')} = ANY (SELECT jsonb_array_elements_text(${idsJson}::jsonb)::bigint)`
    : sql<SqlBool>`${eb.ref('customers.id')} IN (SELECT value FROM json_each(${idsJson}))`;
}

/** `text` anywhere in the name (any case), or in the phone number as given or normalised. */
export function customerSearchCondition(eb: ExpressionBuilder<DB, 'customers'>, engine: Engine, text: string): Expression<SqlBool> {
  const pattern = containsPattern(text);
  const like = engine === 'postgres' ? sql`ILIKE` : sql`LIKE`;
  return eb.or([
    sql<SqlBool>`${eb.ref('customers.name')} ${like} ${pattern} ESCAPE '\\'`,
    sql<SqlBool>`${eb.ref('customers.phone')} LIKE ${pattern} ESCAPE '\\'`,
    sql<SqlBool>`${eb.ref('customers.phone_normalized')} LIKE ${pattern} ESCAPE '\\'`,
  ]);
}

/** A LIKE pattern (with ESCAPE '\\') matching `text` anywhere, its own % and _ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The SQL form of a CustomerFilter; an empty filter matches every customer. */
export function customerFilterCondition(
  eb: ExpressionBuilder<DB, 'customers'>,
  engine: Engine,
  filter: CustomerFilter,
): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.status !== undefined) {
    const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
    conditions.push(eb('customers.status', 'in', statuses));
  }
  if (filter.search !== undefined) conditions.push(customerSearchCondition(eb, engine, filter.search));
  for (const [key, value] of Object.entries(filter.attributes ?? {})) {
    conditions.push(
      engine === 'postgres'
        ? sql<SqlBool>`${eb.ref('customers.attributes')} @> ${JSON.stringify({ [key]: value })}::jsonb`
        : sql<SqlBool>`json_extract(${eb.ref('customers.attributes')}, ${`$."${key}"`}) = ${value}`,
    );
  }
  return eb.and(conditions);
}
