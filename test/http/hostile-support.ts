import { createHash } from 'node:crypto';
import net from 'node:net';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Database } from '../../src/db/connection.js';

/** Helpers shared by the hostile-request tests and the fuzz test (and bench/fuzz.ts). */

const tablesOf = new WeakMap<Database, Promise<string[]>>();

/** The database's tables, from its own catalog (so tables added later count too), read once per connection. */
function tables(database: Database): Promise<string[]> {
  let names = tablesOf.get(database);
  if (!names) {
    const { db, engine } = database;
    const query =
      engine === 'postgres'
        ? sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`
        : sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`;
    names = query.execute(db).then((result) => result.rows.map((row) => row.name).filter((name) => !name.startsWith('kysely_')).sort());
    tablesOf.set(database, names);
  }
  return names;
}

/**
 * A fingerprint of every table's content: its row count and a hash of its rows. PostgreSQL hashes
 * in one round trip (md5 of the rows as text); SQLite is in-process, so its rows are read and
 * hashed here. Cheap on a test database of a few dozen rows.
 */
export async function databaseFingerprint(database: Database): Promise<string> {
  const names = await tables(database);
  const { db, engine } = database;
  const hash = createHash('sha256');
  if (engine === 'postgres') {
    const parts = names.map(
      (name) => sql`select ${name}::text as name, count(*)::text as n, coalesce(md5(string_agg(t::text, ',' order by t::text)), '') as h from ${sql.table(name)} t`,
    );
    const rows = (await sql<{ name: string; n: string; h: string }>`${sql.join(parts, sql` union all `)}`.execute(db)).rows;
    for (const row of rows) hash.update(`${row.name}:${row.n}:${row.h}\n`);
    return hash.digest('hex');
  }
  for (const name of names) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
    const lines = rows.map((row) => JSON.stringify(row, (_key, value) => (typeof value === 'bigint' ? String(value) : value))).sort();
    hash.update(`${name}:${rows.length}\n${lines.join('\n')}\n`);
  }
  return hash.digest('hex');
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends bytes as they are over a fresh TCP connection and reads one HTTP answer: for what fetch refuses to send. */
export function rawRequest(url: string, bytes: string | Buffer, timeoutMs = 5000): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset after the answer is fine; no answer is caught below
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split === -1) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine, ...headerLines] = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: text.slice(split + 4) });
    });
  });
}

/** Asserts an answer written to a raw socket is our error shape with this status. */
export function assertRawError(res: RawResponse, status: number): void {
  assert.equal(res.status, status, `expected ${status}: ${res.status} ${res.body}`);
  assert.match(res.headers['content-type'] ?? '', /application\/json/);
  const body = JSON.parse(res.body) as { success: unknown; message: unknown; errors: unknown };
  assert.equal(body.success, false);
  assert.ok(typeof body.message === 'string' && body.message.length > 0);
  assert.ok(Array.isArray(body.errors));
}

/** A multipart/form-data body with CRLF line ends; `parts` are written as given between the boundaries. */
export function multipartBody(boundary: string, parts: { headers: string[]; content: string | Buffer }[], close = true): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    pieces.push(Buffer.from(`--${boundary}\r\n${part.headers.map((h) => `${h}\r\n`).join('')}\r\n`));
    pieces.push(Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content));
    pieces.push(Buffer.from('\r\n'));
  }
  if (close) pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(pieces);
}
