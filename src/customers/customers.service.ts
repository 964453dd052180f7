import type { Kysely } from 'kysely';
import type { Engine } from '../db/connection.js';
import type { DB } from '../db/schema.js';
import { invalid, notFound } from '../errors.js';
import { normalizePhone } from '../phone/phone-number.js';
import * as repo from './customers.repository.js';
import { CUSTOMER_FIELDS, type CustomerFilter, type CustomerInput, type CustomerPatch } from './customers.schema.js';

export interface CustomerContext {
  db: Kysely<DB>;
  engine: Engine;
  countryCode: string;
  now: number;
}

/** Creates customers in one transaction; all or none. Each phone is checked once, here. */
export async function createCustomers(ctx: CustomerContext, inputs: CustomerInput[]) {
  inputs.forEach((input, i) => rejectReservedAttributes(input.attributes, inputs.length > 1 ? `customers[${i}].` : ''));
  const rows = inputs.map((input) => ({
    name: input.name.trim(),
    status: input.status ?? 'active',
    attributes: JSON.stringify(input.attributes ?? {}),
    ...phoneColumns(input.phone ?? null, ctx.countryCode),
    created_at: ctx.now,
    updated_at: ctx.now,
  }));
  return ctx.db.transaction().execute(async (trx) => {
    const inserted = await repo.insertCustomers(trx, rows);
    await repo.rememberAttributeKeys(trx, inputs.flatMap((i) => Object.keys(i.attributes ?? {})));
    return inserted;
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
    if (patch.attributes !== undefined) changes.attributes = JSON.stringify(patch.attributes);
    if (patch.phone !== undefined) Object.assign(changes, phoneColumns(patch.phone, ctx.countryCode));
    if (patch.opted_out === false) Object.assign(changes, { opted_out_at: null, opted_out_source: null });
    if (patch.opted_out === true) Object.assign(changes, { opted_out_at: ctx.now, opted_out_source: 'admin' });
    const row = await repo.updateCustomer(trx, id, changes);
    if (!row) throw notFound(`Customer ${id}`);
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

/** The stored form of a phone: kept as entered, plus the number blasts use or why there is none. */
function phoneColumns(phone: string | null, countryCode: string) {
  const check = normalizePhone(phone, countryCode);
  return {
    phone: phone === null || phone.trim() === '' ? null : phone.trim(),
    phone_normalized: check.ok ? check.number : null,
    phone_error: check.ok ? null : check.reason,
  };
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
