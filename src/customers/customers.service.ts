import type { Kysely } from 'kysely';
import type { Engine } from '../db/connection.js';
import type { DB } from '../db/schema.js';
import { AppError, invalid, notFound } from '../errors.js';
import { recordEvents } from '../events/outbox.repository.js';
import { normalizePhone } from '../phone/phone-number.js';
import { holdAutoIds, keepAutoIdsAbove } from './customer-ids.repository.js';
import * as repo from './customers.repository.js';
import { planForBatchLookups } from './import.repository.js';
import { CUSTOMER_FIELDS, MAX_CUSTOMER_ID, type CustomerFilter, type CustomerInput, type CustomerPatch } from './customers.schema.js';

export interface CustomerContext {
  db: Kysely<DB>;
  engine: Engine;
  countryCode: string;
  now: number;
}

export interface SavedCustomers {
  /** Every customer of the request as stored now, in the order given (only when asked for). */
  rows: repo.CustomerRow[] | undefined;
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Creates customers, or replaces those whose `id` exists (the integrator's own ids), in one
 * transaction: all or none. Each phone is checked once, here. Phone numbers are not unique in
 * the JSON API (two customers may share one, a blast sends to it once), so a given id never
 * merges with another customer that has the same number: it is that id's customer, nothing else.
 * `withRows: false` (a sync that only wants the counts) spares reading back what was not written.
 */
export async function saveCustomers(ctx: CustomerContext, inputs: CustomerInput[], withRows = true): Promise<SavedCustomers> {
  const prefix = (i: number) => (inputs.length > 1 ? `customers[${i}].` : '');
  inputs.forEach((input, i) => rejectReservedAttributes(input.attributes, prefix(i)));
  rejectRepeatedIds(inputs);
  const stored = await phonesAlreadyChecked(ctx, inputs);
  const withIds: repo.CustomerWithId[] = [];
  const withoutIds: repo.NewCustomerRow[] = [];
  for (const input of inputs) {
    const phone = input.phone ?? null;
    const same = input.id === undefined ? undefined : stored.get(input.id);
    const values = {
      name: input.name.trim(),
      status: input.status ?? 'active',
      attributes: canonicalJson(input.attributes ?? {}),
      ...(same && same.phone === storedPhoneText(phone) ? same : phoneColumns(phone, ctx.countryCode)),
    };
    if (input.id === undefined) withoutIds.push({ ...values, created_at: ctx.now, updated_at: ctx.now });
    else withIds.push({ id: input.id, ...values });
  }
  if (withIds.length > 0) await keepAutoIdsAbove(ctx.db, ctx.engine, withIds.reduce((max, c) => Math.max(max, c.id), 0));
  return ctx.db.transaction().execute(async (trx) => {
    await planForBatchLookups(trx, ctx.engine);
    // In id order, so two syncs touching the same customers lock them in the same order (no deadlock).
    const inIdOrder = [...withIds].sort((x, y) => x.id - y.id);
    const written = await repo.upsertCustomersById(trx, ctx.engine, inIdOrder, ctx.now, withRows);
    // After the given ids are stored: SQLite's next id is then above them too.
    let inserted: repo.CustomerRow[] = [];
    if (withoutIds.length > 0) {
      await holdAutoIds(trx, ctx.engine);
      inserted = await repo.insertCustomers(trx, withoutIds);
      if (inserted.some((row) => Number(row.id) > MAX_CUSTOMER_ID)) throw noIdsLeft();
    }
    await repo.rememberAttributeKeys(trx, inputs.flatMap((i) => Object.keys(i.attributes ?? {})));
    const createdWithId = written.filter((w) => w.created).length;
    const counts = {
      created: inserted.length + createdWithId,
      updated: written.length - createdWithId,
      unchanged: withIds.length - written.length,
    };
    if (!withRows) return { rows: undefined, ...counts };
    const byId = new Map(written.map((row) => [row.id, row as repo.CustomerRow]));
    const unchangedIds = withIds.map((c) => c.id).filter((id) => !byId.has(id));
    for (const row of await repo.findCustomers(trx, ctx.engine, unchangedIds)) byId.set(Number(row.id), row);
    let next = 0;
    const rows = inputs.map((input) => (input.id === undefined ? inserted[next++]! : byId.get(input.id)!));
    return { rows, ...counts };
  });
}

export async function getCustomer(ctx: CustomerContext, id: number) {
  const row = await repo.findCustomer(ctx.db, id);
  if (!row) throw notFound(`Customer ${id}`);
  return row;
}

export async function updateCustomer(ctx: CustomerContext, id: number, patch: CustomerPatch) {
  rejectReservedAttributes(patch.attributes, '');
  return ctx.db.transaction().execute(async (trx) => {
    const changes: repo.CustomerChanges = { updated_at: ctx.now };
    if (patch.name !== undefined) changes.name = patch.name.trim();
    if (patch.status !== undefined) changes.status = patch.status;
    if (patch.attributes !== undefined) changes.attributes = canonicalJson(patch.attributes);
    if (patch.phone !== undefined) Object.assign(changes, phoneColumns(patch.phone, ctx.countryCode));
    if (patch.opted_out === false) Object.assign(changes, { opted_out_at: null, opted_out_source: null });
    // An admin's opt-out is announced like a customer's own, so the integrator's system learns it.
    const optedOut = patch.opted_out === true ? await repo.optOutCustomer(trx, id, 'admin', ctx.now) : undefined;
    const row = await repo.updateCustomer(trx, id, changes);
    if (!row) throw notFound(`Customer ${id}`);
    if (optedOut) {
      const data = { customer_id: id, phone_number: optedOut.phone_normalized, source: 'admin', opted_out_at: new Date(ctx.now).toISOString() };
      await recordEvents(trx, [{ type: 'customer.opted_out', data }], ctx.now);
    }
    await repo.rememberAttributeKeys(trx, Object.keys(patch.attributes ?? {}));
    return row;
  });
}

export async function deleteCustomer(ctx: CustomerContext, id: number) {
  if (!(await repo.deleteCustomer(ctx.db, id))) throw notFound(`Customer ${id}`);
}

export async function listCustomers(ctx: CustomerContext, filter: CustomerFilter, page: number, perPage: number) {
  return repo.listCustomers(ctx.db, ctx.engine, filter, { offset: (page - 1) * perPage, limit: perPage });
}

type PhoneColumns = Pick<repo.CustomerWithId, 'phone' | 'phone_normalized' | 'phone_error'>;

/** The stored form of a phone: kept as entered, plus the number blasts use or why there is none. */
function phoneColumns(phone: string | null, countryCode: string): PhoneColumns {
  const check = normalizePhone(phone, countryCode);
  return {
    phone: storedPhoneText(phone),
    phone_normalized: check.ok ? check.number : null,
    phone_error: check.ok ? null : check.reason,
  };
}

function storedPhoneText(phone: string | null): string | null {
  return phone === null || phone.trim() === '' ? null : phone.trim();
}

/**
 * The phone columns of the given ids' customers, by id. A phone sent exactly as it is stored was
 * checked when it was stored, and checking it again would give the same answer: a re-sync of
 * unchanged customers reuses it instead of spending most of its CPU time (~7 µs a number) on
 * libphonenumber again. (A change of DEFAULT_COUNTRY_CODE therefore applies to numbers as they
 * are next changed, like every customer not in the sync.) One primary-key lookup per request.
 */
async function phonesAlreadyChecked(ctx: CustomerContext, inputs: CustomerInput[]): Promise<Map<number, PhoneColumns>> {
  const ids = inputs.filter((i) => i.id !== undefined && storedPhoneText(i.phone ?? null) !== null).map((i) => i.id!);
  if (ids.length === 0) return new Map();
  const lookup = (db: Kysely<DB>) => repo.storedPhones(db, ctx.engine, ids);
  // PostgreSQL: planned as the index lookup it is (see planForBatchLookups), in a read-only
  // transaction. SQLite: outside one, so it takes no write lock.
  const rows = ctx.engine === 'postgres'
    ? await ctx.db.transaction().execute(async (trx) => {
        await planForBatchLookups(trx, ctx.engine);
        return lookup(trx);
      })
    : await lookup(ctx.db);
  return new Map(rows.map((r) => [Number(r.id), { phone: r.phone, phone_normalized: r.phone_normalized, phone_error: r.phone_error }]));
}

/**
 * Ids the service gives continue above the largest id ever stored; past 2^53 − 1 a client could
 * no longer read them exactly, so they are refused rather than silently rounded.
 */
function noIdsLeft() {
  return new AppError(
    'conflict',
    `No customer id is left above the largest id in use: ids the service gives would exceed ${MAX_CUSTOMER_ID}. Give each new customer your own id.`,
    [{ field: 'id', message: 'is required: no id is left for the service to give' }],
  );
}

/** One id twice in one request would be two different customers under one id: refused, not merged. */
function rejectRepeatedIds(inputs: CustomerInput[]) {
  const firstAt = new Map<number, number>();
  const errors: { field: string; message: string }[] = [];
  inputs.forEach((input, i) => {
    if (input.id === undefined) return;
    const first = firstAt.get(input.id);
    if (first === undefined) firstAt.set(input.id, i);
    else errors.push({ field: `customers[${i}].id`, message: `repeats customers[${first}].id (${input.id}): each id at most once per request` });
  });
  if (errors.length > 0) throw invalid('The request names one customer id more than once.', errors.slice(0, 100));
}

/**
 * JSON text with the keys sorted: the same attributes always give the same text, so comparing
 * a stored value with a new one (unchanged customers are not rewritten) does not depend on the
 * order a client happened to send the keys in. (PostgreSQL's jsonb compares by value anyway.)
 */
function canonicalJson(attributes: Record<string, string | number>): string {
  const keys = Object.keys(attributes);
  // Most clients send the same keys in the same order every time; already sorted, the object
  // serialises as it is (attribute names never look like array indexes, which JavaScript would
  // move to the front).
  if (isSorted(keys)) return JSON.stringify(attributes);
  return JSON.stringify(Object.fromEntries(keys.sort().map((key) => [key, attributes[key]])));
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

function rejectReservedAttributes(attributes: Record<string, unknown> | undefined, prefix: string) {
  const clashes = Object.keys(attributes ?? {}).filter((k) => (CUSTOMER_FIELDS as readonly string[]).includes(k) || k === 'id');
  if (clashes.length > 0) {
    throw invalid('Attribute names may not repeat a customer field.', clashes.map((k) => ({
      field: `${prefix}attributes.${k}`,
      message: `"${k}" is a customer field, not an attribute`,
    })));
  }
}

/** What the API shows of a customer row. */
export function toCustomerResponse(row: repo.CustomerRow) {
  return {
    id: Number(row.id),
    name: row.name,
    phone: row.phone,
    whatsapp_number: row.phone_normalized,
    phone_error: row.phone_error,
    status: row.status,
    attributes: parseJsonObject(row.attributes),
    opted_out: row.opted_out_at !== null,
    opted_out_at: row.opted_out_at === null ? null : new Date(Number(row.opted_out_at)).toISOString(),
    opted_out_source: row.opted_out_source,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

/** jsonb arrives parsed (PostgreSQL); TEXT arrives as a string (SQLite). */
export function parseJsonObject(value: unknown): Record<string, string | number> {
  if (typeof value === 'string') return JSON.parse(value) as Record<string, string | number>;
  return (value ?? {}) as Record<string, string | number>;
}
