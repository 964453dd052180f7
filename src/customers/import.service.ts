import { finished, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { invalid } from '../errors.js';
import { holdAutoIds, keepAutoIdsAbove } from './customer-ids.repository.js';
import { rememberAttributeKeys } from './customers.repository.js';
import type { CustomerContext } from './customers.service.js';
import { CsvRecordParser, CsvTextCheck, isBlankLine, LineCounter, type CsvItem } from './csv-records.js';
import { checkRow, readHeader, type Columns, type Pending } from './import-rows.js';
import * as repo from './import.repository.js';

/**
 * CSV import of customers, streamed end to end: bytes → text check → csv-parse → batches of
 * rows, each batch written in its own transaction with set-based SQL. Memory holds at most two
 * batches (one being written while the next is parsed), whatever the size of the file.
 *
 * Rows are keyed by their sanitised phone number: a number that belongs to a customer updates
 * that customer, a new one creates a customer. Unlike the JSON API, which stores a customer with
 * an unusable phone and says why (phone_error), an import REJECTS such a row: the number is the
 * row's identity here, and without one the row could only ever be inserted again on every
 * re-import of the same file, piling up duplicates nobody can message.
 *
 * A file with an `id` column (the integrator's own customer ids) is keyed by id instead: every
 * row needs one; an id a customer has updates it (its number too), a new id creates the customer
 * with that id. A number still names one customer in an import: a row whose number another
 * customer already has (or an earlier row of the file gives to another id) is rejected with its
 * line and the owner's id, never merged into that customer and never made a second holder of it.
 *
 * A customer a row would not change is not written; the answer counts it as `unchanged`.
 *
 * A failure part-way (a database error, an upload over the size limit) leaves the batches
 * already committed in place; importing the same file again is safe, because it is an upsert.
 */

export interface RejectedRow {
  line: number;
  reason: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** The first MAX_REJECTED_ROWS_LISTED rejected rows, in file order. */
  rejected_rows: RejectedRow[];
  rejected_rows_truncated: boolean;
}

export interface ImportProgress {
  /** Data rows read so far (the header excluded), whatever became of them. */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Bytes of the file parsed so far. */
  bytes: number;
}

export interface ImportOptions {
  /** Rows per transaction. */
  batchSize?: number;
  /** Called after every batch is committed, and at the end. */
  onProgress?: (progress: ImportProgress) => void;
  /** Aborting stops the import with the signal's reason; committed batches stay. */
  signal?: AbortSignal;
}

export const IMPORT_BATCH_SIZE = 1000;
/** Enough to fix a file by; the counts stay exact beyond it. */
export const MAX_REJECTED_ROWS_LISTED = 1000;

/** Reads a CSV from `source` into the customers table; see the module comment for the rules. */
export async function importCustomersCsv(ctx: CustomerContext, source: Readable, options: ImportOptions = {}): Promise<ImportResult> {
  const check = new CsvTextCheck();
  const parser = new CsvRecordParser();
  const run = new ImportRun(ctx, { batchSize: options.batchSize ?? IMPORT_BATCH_SIZE, onProgress: options.onProgress, bytes: () => parser.info.bytes });
  // The source is piped, not handed to pipeline(): on failure the caller decides what becomes of
  // it (the HTTP route drains the rest of the upload so the client reads the answer).
  // finished() also reports a source that failed or closed early before this call (a multipart
  // upload cut short can be destroyed while the route is still awaiting it): without it the
  // pipe below would wait for data that never comes.
  const stopWatching = finished(source, { writable: false }, (error) => {
    if (error) check.destroy(error);
  });
  source.pipe(check);
  const abort = () => check.destroy(options.signal?.reason instanceof Error ? options.signal.reason : new Error('import aborted'));
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    if (options.signal?.aborted) abort();
    await pipeline(check, parser, new ImportSink(run));
  } finally {
    stopWatching();
    source.unpipe(check);
    options.signal?.removeEventListener('abort', abort);
    await run.settled();
  }
  return run.result();
}

/** Rows waiting to be written: one entry per number, or per id in a file with an id column. */
class Batch {
  readonly byNumber = new Map<string, Pending>();
  /** id → the row (merged with later rows of that id), its number and the line it came from. */
  readonly byId = new Map<number, { row: Pending; number: string; line: number }>();
  /** number → the id an earlier row of this batch gave it. */
  readonly numberOwner = new Map<string, number>();
  rows = 0;
  readonly keys = new Set<string>();

  /** Adds a row; returns why it is rejected instead, if it is. */
  add(number: string, row: Pending, line: number): string | undefined {
    if (row.id !== undefined) {
      const owner = this.numberOwner.get(number);
      if (owner !== undefined && owner !== row.id) {
        return `phone ${number} is also on line ${this.byId.get(owner)!.line} for id ${owner}: a number names one customer`;
      }
    }
    this.rows += 1;
    for (const key of Object.keys(row.attributes)) this.keys.add(key);
    if (row.id !== undefined) return this.#addById(row.id, number, row, line);
    const earlier = this.byNumber.get(number);
    if (!earlier) this.byNumber.set(number, row);
    else mergeInto(earlier, row);
    return undefined;
  }

  #addById(id: number, number: string, row: Pending, line: number): undefined {
    const earlier = this.byId.get(id);
    if (!earlier) {
      this.byId.set(id, { row, number, line });
    } else {
      if (this.numberOwner.get(earlier.number) === id) this.numberOwner.delete(earlier.number);
      mergeInto(earlier.row, row);
      earlier.number = number;
      earlier.line = line;
    }
    this.numberOwner.set(number, id);
    return undefined;
  }
}

/** A later row of the same customer: its values win, an empty status keeps the earlier one, attributes merge. */
function mergeInto(earlier: Pending, row: Pending): void {
  earlier.name = row.name;
  earlier.phone = row.phone;
  if (row.status !== null) earlier.status = row.status;
  Object.assign(earlier.attributes, row.attributes);
}

interface BatchOutcome {
  created: number;
  unchanged: number;
  /** Rows refused once the database was consulted (a number another customer holds). */
  rejected: RejectedRow[];
}

class ImportRun {
  #columns: Columns | undefined;
  readonly #lines = new LineCounter();
  #batch = new Batch();
  #inFlight: Promise<void> = Promise.resolve();
  #rows = 0;
  #created = 0;
  #updated = 0;
  #unchanged = 0;
  #rejected = 0;
  readonly #rejectedRows: RejectedRow[] = [];
  readonly #rememberedKeys = new Set<string>();

  constructor(
    private readonly ctx: CustomerContext,
    private readonly options: { batchSize: number; onProgress?: (p: ImportProgress) => void; bytes: () => number },
  ) {}

  /** Takes one parsed item; returns a promise when a batch was handed to the database. */
  accept(item: CsvItem): Promise<void> | undefined {
    if (!Array.isArray(item)) {
      if (!this.#columns) throw invalid(`The CSV header is not valid CSV: ${item.malformed}.`, [{ field: 'file', message: item.malformed }]);
      this.#rows += 1;
      this.#reject(this.#lines.startOfSkipped(), item.malformed);
      return undefined;
    }
    const line = this.#lines.startOf(item);
    if (isBlankLine(item)) return undefined;
    if (!this.#columns) {
      this.#columns = readHeader(item);
      return undefined;
    }
    this.#rows += 1;
    const row = checkRow(item, this.#columns, this.ctx.countryCode);
    const problem = row.ok ? this.#batch.add(row.number, row.customer, line) : row.reason;
    if (problem !== undefined) this.#reject(line, problem);
    if (this.#batch.rows >= this.options.batchSize) return this.#flush();
    if (this.#rows % this.options.batchSize === 0) this.#report();
    return undefined;
  }

  async finish(): Promise<void> {
    if (!this.#columns) throw invalid('The file is empty: its first line must name the columns (name, phone, …).', [{ field: 'file', message: 'is empty' }]);
    await this.#flush();
    await this.#inFlight;
    this.#report();
  }

  /** Waits for the batch being written, if any, whatever its outcome. */
  async settled(): Promise<void> {
    await this.#inFlight.catch(() => {});
  }

  result(): ImportResult {
    return {
      created: this.#created,
      updated: this.#updated,
      unchanged: this.#unchanged,
      rejected: this.#rejected,
      // Rows are rejected as they are read, and (a number taken by another customer) when their
      // batch is written: sorted, the list is in file order again.
      rejected_rows: [...this.#rejectedRows].sort((a, b) => a.line - b.line),
      rejected_rows_truncated: this.#rejected > this.#rejectedRows.length,
    };
  }

  #reject(line: number, reason: string): void {
    this.#rejected += 1;
    if (this.#rejectedRows.length < MAX_REJECTED_ROWS_LISTED) this.#rejectedRows.push({ line, reason });
  }

  /**
   * Starts writing the current batch once the previous one has committed, and returns then: the
   * next batch is parsed while this one is written, and each batch's lookup sees every earlier
   * batch's rows (a number repeated far apart in the file updates the customer it created).
   */
  async #flush(): Promise<void> {
    const batch = this.#batch;
    this.#batch = new Batch();
    await this.#inFlight;
    if (batch.rows === 0) return;
    const write = this.#write(batch);
    write.catch(() => {}); // observed by the next flush or by finish(); never unhandled
    this.#inFlight = write;
  }

  async #write(batch: Batch): Promise<void> {
    const { db, engine } = this.ctx;
    const newKeys = [...batch.keys].filter((k) => !this.#rememberedKeys.has(k));
    if (batch.byId.size > 0) await keepAutoIdsAbove(db, engine, Math.max(...batch.byId.keys()));
    const outcome = await db.transaction().execute(async (trx) => {
      await repo.planForBatchLookups(trx, engine);
      const counts = batch.byId.size > 0 ? await this.#writeById(trx, batch) : await this.#writeByNumber(trx, batch);
      await rememberAttributeKeys(trx, newKeys);
      return counts;
    });
    for (const key of newKeys) this.#rememberedKeys.add(key);
    for (const { line, reason } of outcome.rejected) this.#reject(line, reason);
    const rows = batch.rows - outcome.rejected.length;
    this.#created += outcome.created;
    this.#unchanged += outcome.unchanged;
    this.#updated += rows - outcome.created - outcome.unchanged;
    this.#report();
  }

  /** Rows keyed by number: the customer holding it (the oldest, if several), or a new one. */
  async #writeByNumber(trx: Kysely<DB>, batch: Batch): Promise<BatchOutcome> {
    const { engine, now } = this.ctx;
    const ids = await repo.customerIdsByPhone(trx, engine, [...batch.byNumber.keys()]);
    const inserts: repo.ImportedCustomer[] = [];
    const updates: repo.CustomerUpdate[] = [];
    for (const [number, c] of batch.byNumber) {
      const id = ids.get(number);
      if (id === undefined) inserts.push({ name: c.name, phone: c.phone, phone_normalized: number, status: c.status ?? 'active', attributes: c.attributes });
      else updates.push({ id, name: c.name, status: c.status, attributes: c.attributes });
    }
    if (inserts.length > 0) await holdAutoIds(trx, engine);
    await repo.insertImportedCustomers(trx, engine, inserts, now);
    // In id order, so two imports touching the same customers lock them in the same order.
    const written = await repo.updateImportedCustomers(trx, engine, updates.sort((a, b) => a.id - b.id), now);
    return { created: inserts.length, unchanged: updates.length - written, rejected: [] };
  }

  /** Rows keyed by the integrator's id; a number another customer holds rejects the row. */
  async #writeById(trx: Kysely<DB>, batch: Batch): Promise<BatchOutcome> {
    const { engine, now } = this.ctx;
    const holders = await repo.customersHoldingNumbers(trx, engine, [...batch.numberOwner.keys()]);
    const rejected: RejectedRow[] = [];
    const rows: repo.ImportedCustomerWithId[] = [];
    for (const [id, { row, number, line }] of batch.byId) {
      const held = holders.get(number) ?? [];
      const other = held.find((holder) => holder !== id);
      // A number this customer already shares (the JSON API allows it) stays shared; a new holder is refused.
      if (other !== undefined && !held.includes(id)) {
        rejected.push({ line, reason: `phone ${number} belongs to customer ${other}: a number names one customer in an import` });
        continue;
      }
      rows.push({ id, name: row.name, phone: row.phone, phone_normalized: number, status: row.status ?? 'active', attributes: row.attributes });
    }
    const created = new Set(await repo.insertImportedCustomersWithIds(trx, engine, rows, now));
    const updates = rows
      .filter((r) => !created.has(r.id))
      .map((r) => ({ id: r.id, name: r.name, phone: r.phone, phone_normalized: r.phone_normalized, status: batch.byId.get(r.id)!.row.status, attributes: r.attributes }))
      .sort((a, b) => a.id - b.id);
    const written = await repo.updateImportedCustomers(trx, engine, updates, now);
    return { created: created.size, unchanged: updates.length - written, rejected };
  }

  #report(): void {
    this.options.onProgress?.({
      rows: this.#rows,
      created: this.#created,
      updated: this.#updated,
      unchanged: this.#unchanged,
      rejected: this.#rejected,
      bytes: this.options.bytes(),
    });
  }
}

/**
 * Rows between two yields to the event loop. Checking a row costs ~20 µs of CPU; without a pause
 * a chunk of the upload is checked in one go, and every statement of the batch being written
 * waits for it (a batch is five round trips), so writing stops overlapping the parsing.
 */
const YIELD_EVERY_ROWS = 64;

/** Feeds parsed items to the run; holding the callback while a batch waits is the backpressure. */
class ImportSink extends Writable {
  #sinceYield = 0;

  constructor(private readonly run: ImportRun) {
    super({ objectMode: true, highWaterMark: 256 });
  }

  override _write(item: CsvItem, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let pending: Promise<void> | undefined;
    try {
      pending = this.run.accept(item);
    } catch (error) {
      return callback(error as Error);
    }
    if (pending) pending.then(() => callback(), callback);
    else if (++this.#sinceYield < YIELD_EVERY_ROWS) callback();
    else {
      this.#sinceYield = 0;
      setImmediate(callback);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.run.finish().then(() => callback(), callback);
  }
}

