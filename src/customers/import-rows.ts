import { invalid } from '../errors.js';
import { normalizePhone } from '../phone/phone-number.js';
import { AttributeKey, Attributes, MAX_CUSTOMER_ID } from './customers.schema.js';

/** What one CSV line means: the header's columns, and a data row checked against them. */

// The same limits the JSON API applies (CustomerInput).
const NAME_MAX = 200;
const STATUS_MAX = 50;
const ATTRIBUTE_VALUE_MAX = 2000;
const ATTRIBUTE_KEY = new RegExp(AttributeKey.pattern!);
const MAX_ATTRIBUTE_COLUMNS = Attributes.maxProperties ?? 100;

export interface Columns {
  /** The integrator's own customer id: with this column, rows are matched by id, not by number. */
  id: number | undefined;
  name: number;
  phone: number;
  status: number | undefined;
  attributes: { key: string; index: number }[];
  width: number;
}

/** The first line names the columns; anything wrong with it stops the import before any row. */
export function readHeader(cells: string[]): Columns {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const known: Partial<Record<'id' | 'name' | 'phone' | 'status', number>> = {};
  const attributes: Columns['attributes'] = [];
  cells.forEach((cell, index) => {
    const column = `column ${index + 1}`;
    const label = cell.trim();
    if (label === '') {
      if (index === cells.length - 1 && index > 0) return; // a trailing comma on the header line
      problems.push(`${column} has no name`);
      return;
    }
    const lower = label.toLowerCase();
    const identity = lower === 'id' || lower === 'name' || lower === 'phone' || lower === 'status' ? lower : label;
    if (seen.has(identity)) {
      problems.push(`${column} "${label}" repeats column ${seen.get(identity)! + 1}`);
      return;
    }
    seen.set(identity, index);
    if (identity === 'id' || identity === 'name' || identity === 'phone' || identity === 'status') known[identity] = index;
    else if (!ATTRIBUTE_KEY.test(label)) {
      problems.push(`${column} "${label}" is not a valid attribute name (letters, digits and _, not starting with a digit, at most 64 characters)`);
    } else attributes.push({ key: label, index });
  });
  if (known.name === undefined) problems.push('the "name" column is missing');
  if (known.phone === undefined) problems.push('the "phone" column is missing');
  if (attributes.length > MAX_ATTRIBUTE_COLUMNS) problems.push(`${attributes.length} attribute columns: at most ${MAX_ATTRIBUTE_COLUMNS} are allowed`);
  if (problems.length > 0) {
    throw invalid(
      'The CSV header is invalid: the first line must name the columns (name, phone, optional id and status, then attributes). Nothing was imported.',
      problems.map((message) => ({ field: 'file', message })),
    );
  }
  return { id: known.id, name: known.name!, phone: known.phone!, status: known.status, attributes, width: cells.length };
}

export interface Pending {
  /** The integrator's id, in a file with an id column. */
  id: number | undefined;
  name: string;
  phone: string;
  status: string | null;
  attributes: Record<string, string>;
}

export type RowCheck = { ok: true; number: string; customer: Pending } | { ok: false; reason: string };

export function checkRow(fields: string[], columns: Columns, countryCode: string): RowCheck {
  const problems: string[] = [];
  // PostgreSQL text cannot hold a NUL; the first chunk of a file with one is refused as binary,
  // a NUL further on rejects its row.
  if (fields.some((field) => field.includes('\u0000'))) return { ok: false, reason: 'the row contains a NUL character' };
  if (fields.length > columns.width && fields.slice(columns.width).some((f) => f.trim() !== '')) {
    problems.push(`the row has ${fields.length} fields, the header has ${columns.width}`);
  }
  const id = columns.id === undefined ? undefined : checkId((fields[columns.id] ?? '').trim(), problems);
  const name = (fields[columns.name] ?? '').trim();
  if (name === '') problems.push('name is empty');
  else if (name.length > NAME_MAX) problems.push(`name is longer than ${NAME_MAX} characters`);
  const phone = (fields[columns.phone] ?? '').trim();
  const number = normalizePhone(phone, countryCode);
  if (!number.ok) problems.push(number.reason);
  const status = columns.status === undefined ? '' : (fields[columns.status] ?? '').trim();
  if (status.length > STATUS_MAX) problems.push(`status is longer than ${STATUS_MAX} characters`);
  const attributes: Record<string, string> = {};
  for (const { key, index } of columns.attributes) {
    // An empty cell sets nothing: it neither stores "" nor erases a value the customer has.
    const value = (fields[index] ?? '').trim();
    if (value === '') continue;
    if (value.length > ATTRIBUTE_VALUE_MAX) problems.push(`${key} is longer than ${ATTRIBUTE_VALUE_MAX} characters`);
    attributes[key] = value;
  }
  if (problems.length > 0 || !number.ok) return { ok: false, reason: problems.join('; ') };
  return { ok: true, number: number.number, customer: { id, name, phone, status: status === '' ? null : status, attributes } };
}

/** A cell of the id column: a whole number from 1 to 2^53 − 1, on every row of the file. */
function checkId(cell: string, problems: string[]): number | undefined {
  if (cell === '') {
    problems.push('id is empty (a file with an id column needs one on every row)');
    return undefined;
  }
  const id = /^[1-9][0-9]{0,15}$/.test(cell) ? Number(cell) : NaN;
  if (!(id <= MAX_CUSTOMER_ID)) {
    problems.push(`id "${cell.slice(0, 30)}" is not a whole number from 1 to ${MAX_CUSTOMER_ID}`);
    return undefined;
  }
  return id;
}

