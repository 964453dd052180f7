import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import assert from 'node:assert/strict';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startService, type RunningService } from '../src/server.js';
import type { Clock } from '../src/clock.js';
import { connect, type ConnectOptions, type Database } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';

/**
 * Every test file gets its own database: a fresh PostgreSQL database when DATABASE_URL is set
 * (CI runs the suite once that way), otherwise a fresh SQLite file in a temporary folder.
 */
export const ENGINE: 'postgres' | 'sqlite' = process.env.DATABASE_URL ? 'postgres' : 'sqlite';

export interface TestDatabase {
  /** DATABASE_URL for the service, or undefined for SQLite. */
  url: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wb-test-'));
  const base = process.env.DATABASE_URL;
  if (!base) return { url: undefined, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  const name = `wbt_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh test database, migrated and opened (with `options`) for tests at the repository level; `close` closes and drops it. */
export async function openMigratedDatabase(options: Partial<ConnectOptions> = {}): Promise<{ testDb: TestDatabase; database: Database; close(): Promise<void> }> {
  const testDb = await createTestDatabase();
  const database = connect({ databaseUrl: testDb.url, dataDir: testDb.dataDir, ...options });
  await migrateToLatest(database);
  return {
    testDb,
    database,
    close: async () => {
      await database.close();
      await testDb.drop();
    },
  };
}

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' };

/** Test defaults: quick pauses and retries so tests take seconds, never minutes. */
export function testEnv(db: TestDatabase, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    DATABASE_URL: db.url,
    DATA_DIR: db.dataDir,
    PORT: '0',
    LOG_LEVEL: 'info',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SEND_DELAY_MIN_MS: '0',
    SEND_DELAY_MAX_MS: '0',
    // The log gateway's default is one phone's pace (1/s); tests send as fast as a pause of 0 lets
    // them, also on a clock that only moves when the test moves it.
    SEND_MAX_PER_SECOND: '0',
    RETRY_BASE_MS: '20',
    RETRY_MAX_MS: '200',
    WORKER_POLL_MS: '50',
    GATEWAY_TIMEOUT_MS: '2000',
    // Tests run at any hour; the quiet-hours tests set their own range and a controllable clock.
    QUIET_HOURS: 'off',
    // Tests log in and poll far more often than people do; test/http/protection.test.ts sets its own.
    LOGIN_RATE_LIMIT_PER_IP: '10000',
    LOGIN_RATE_LIMIT_PER_EMAIL: '10000',
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    ...overrides,
  };
}

export interface TestService {
  url: string;
  service: RunningService;
  db: TestDatabase;
  /** Every log line the service wrote, as text (to check that secrets never appear). */
  logs: string[];
  api: Api;
  stop(): Promise<void>;
}

/** Starts the real service (API + worker by default) on a random port with a fresh database. */
/** A clock that moves only when the test moves it: schedules, quiet hours and caps without waiting. */
export class ManualClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  set(at: string | number): void {
    this.ms = typeof at === 'number' ? at : Date.parse(at);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export async function startTestService(
  overrides: Record<string, string | undefined> = {},
  existing?: TestDatabase,
  clock?: Clock,
): Promise<TestService> {
  const db = existing ?? (await createTestDatabase());
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const config = loadConfig(testEnv(db, overrides));
  const service = await startService(config, createLogger(config.logLevel, sink), clock);
  const url = service.url ?? '';
  const api = new Api(url);
  if (service.app) await api.login();
  return {
    url,
    service,
    db,
    logs,
    api,
    stop: async () => {
      await service.stop();
      if (!existing) await db.drop();
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny HTTP client for the service's API, over real HTTP. */
export class Api {
  token: string | undefined;
  constructor(readonly baseUrl: string) {}

  async login(email = ADMIN.email, password = ADMIN.password): Promise<string> {
    const res = await this.request('POST', '/api/v1/auth/login', { email, password }, { auth: false });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.token = res.body.token as string;
    return this.token;
  }

  async request<T = any>(
    method: string,
    pathname: string,
    body?: unknown,
    options: { auth?: boolean; headers?: Record<string, string>; raw?: BodyInit } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth !== false && this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: BodyInit | undefined = options.raw;
    if (body !== undefined && payload === undefined) {
      headers['content-type'] ??= 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(this.baseUrl + pathname, { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get = <T = any>(p: string) => this.request<T>('GET', p);
  post = <T = any>(p: string, body?: unknown) => this.request<T>('POST', p, body);
  patch = <T = any>(p: string, body?: unknown) => this.request<T>('PATCH', p, body);
  delete = <T = any>(p: string) => this.request<T>('DELETE', p);

  async createCustomers(customers: Record<string, unknown>[]): Promise<{ id: number; name: string }[]> {
    const res = await this.post('/api/v1/customers', { customers });
    if (res.status !== 201) throw new Error(`create customers failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  }

  /** Adds a Fonnte number sending through `gateway` (a fake's token and URL) and answers its id; anything but 201 throws. */
  async addFonnteSender(gateway: { token: string; url: string }, displayNumber: string, extra: Record<string, unknown> = {}): Promise<number> {
    const res = await this.post('/api/v1/senders', {
      provider: 'fonnte',
      display_number: displayNumber,
      credentials: { FONNTE_TOKEN: gateway.token, FONNTE_BASE_URL: gateway.url },
      ...extra,
    });
    if (res.status !== 201) throw new Error(`sender refused: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data.id as number;
  }

  /** POSTs a blast to `customers` ("Halo {name}" unless `extra` says otherwise) and answers its id; anything but 202 throws. */
  async blastTo(customers: { id: number }[], extra: Record<string, unknown> = {}): Promise<number> {
    const res = await this.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: customers.map((c) => c.id), message: 'Halo {name}', ...extra });
    if (res.status !== 202) throw new Error(`blast refused: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.blast_id as number;
  }

  /** Polls a blast until `done(blast)` holds, or fails after `timeoutMs`. */
  async waitForBlast(id: number, done: (blast: any) => boolean = (b) => ['completed', 'failed'].includes(b.status), timeoutMs = 20_000): Promise<any> {
    return waitFor(async () => {
      const res = await this.get(`/api/v1/whatsapp/blast/${id}`);
      // A 503 (the database restarting under a fault test) is not an answer yet: ask again.
      return res.status === 200 && done(res.body.data) ? res.body.data : undefined;
    }, timeoutMs, `blast ${id}`);
  }

  async allLogs(blastId: number): Promise<any[]> {
    const rows: any[] = [];
    let cursor: number | null = 0;
    while (cursor !== null) {
      const res: ApiResponse = await this.get(`/api/v1/whatsapp/blast/${blastId}/logs?per_page=100&cursor=${cursor}`);
      rows.push(...res.body.data);
      cursor = res.body.meta.next_cursor;
    }
    return rows;
  }
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Valid, distinct Indonesian mobile numbers: 0812 0000 0001, 0812 0000 0002, … */
/** A valid 1×1 PNG: the image of blasts with one. */
export const TINY_PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1c5f1b50000000049454e44ae426082',
  'hex',
);

/** The most of `times` inside any half-open window [t, t + ms). */
export function busiestWindow(times: number[], ms = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j]! <= sorted[i]! - ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

export function mobileNumber(i: number): string {
  return `0812${String(i).padStart(8, '0')}`;
}

/** Asserts the contract's error shape {success:false, message, errors:[{field, message}]}, the status, and (optionally) the field named. */
export function assertError(res: ApiResponse, status: number, field?: string): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  assert.equal(res.body.success, false);
  assert.equal(typeof res.body.message, 'string');
  assert.ok(res.body.message.trim().length > 0, 'message must be a non-empty sentence');
  assert.ok(Array.isArray(res.body.errors), `errors must be an array: ${JSON.stringify(res.body)}`);
  for (const e of res.body.errors) {
    assert.equal(typeof e.field, 'string');
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 0);
  }
  if (field !== undefined) {
    assert.ok(
      res.body.errors.some((e: { field: string }) => e.field === field),
      `errors should name "${field}": ${JSON.stringify(res.body.errors)}`,
    );
  }
}
