import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envSchema } from 'env-schema';
import { Type, type Static } from '@sinclair/typebox';
import { isValidTimeZone } from './schedule/local-time.js';
import { parseQuietHours, type QuietHours } from './schedule/quiet-hours.js';
import { MAX_IN_FLIGHT, MAX_PER_SECOND, type EnvironmentPacing } from './senders/pacing.js';

/**
 * The whole configuration surface. Only this module reads the environment: everything else
 * receives the frozen object it returns, so tests can build any configuration they need.
 */
/** The quiet hours when QUIET_HOURS is not set at all (an empty value turns them off). */
const DEFAULT_QUIET_HOURS = '21:00-08:00';

const EnvSchema = Type.Object({
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ default: './data', minLength: 1 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535 }),
  ROLE: Type.Union([Type.Literal('all'), Type.Literal('api'), Type.Literal('worker')], { default: 'all' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  /** A file name in src/gateways/providers; that file checks its own variables. */
  WA_GATEWAY: Type.String({ default: 'log', pattern: '^[a-z0-9_-]+$' }),
  /**
   * Pacing of every sending number that sets none of its own (senders API); unset: the
   * provider's default (senders/pacing.ts: Meta and Twilio 32 in flight at 80/s, no pause; the
   * one-phone gateways one at a time with a 3–5 s pause).
   */
  SEND_DELAY_MIN_MS: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400_000 })),
  SEND_DELAY_MAX_MS: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400_000 })),
  SEND_MAX_IN_FLIGHT: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_IN_FLIGHT })),
  /** 0: no limit (only SEND_MAX_IN_FLIGHT and the pause pace a number). */
  SEND_MAX_PER_SECOND: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PER_SECOND })),
  DEFAULT_COUNTRY_CODE: Type.String({ default: '62', pattern: '^[1-9][0-9]{0,2}$' }),
  ADMIN_EMAIL: Type.Optional(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$' })),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8 })),
  TOKEN_TTL_HOURS: Type.Number({ default: 24, exclusiveMinimum: 0 }),
  PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** How many sending numbers one worker process serves at the same time. */
  WORKER_CONCURRENCY: Type.Integer({ default: 4, minimum: 1, maximum: 256 }),
  /** Attempts per recipient for transient failures (network, 5xx, rate limits) before it fails. */
  MAX_SEND_ATTEMPTS: Type.Integer({ default: 5, minimum: 1, maximum: 50 }),
  GATEWAY_TIMEOUT_MS: Type.Integer({ default: 15000, minimum: 100 }),
  /** First retry waits about this long; each later one twice as long, up to RETRY_MAX_MS. */
  RETRY_BASE_MS: Type.Integer({ default: 5000, minimum: 1 }),
  RETRY_MAX_MS: Type.Integer({ default: 300000, minimum: 1 }),
  /** Inbound messages that are exactly one of these words (any case) opt the customer out. */
  OPT_OUT_KEYWORDS: Type.String({ default: 'STOP,BERHENTI,UNSUBSCRIBE,UNSUB', minLength: 1 }),
  /**
   * While the database is unreachable (start-up, a restart), the wait before the next try:
   * about DB_RETRY_BASE_MS, doubling up to DB_RETRY_MAX_MS. Outcomes already received from a
   * gateway are kept and written when it answers again.
   */
  DB_RETRY_BASE_MS: Type.Integer({ default: 250, minimum: 1 }),
  DB_RETRY_MAX_MS: Type.Integer({ default: 5000, minimum: 1 }),
  /** How often an idle worker in another process looks for new work. */
  WORKER_POLL_MS: Type.Integer({ default: 1000, minimum: 10, maximum: 60000 }),
  /** Longest a lane keeps one sending number with work before handing it back (0: after every stretch of GATEWAY_TIMEOUT_MS). */
  WORKER_HOLD_MS: Type.Integer({ default: 300000, minimum: 0, maximum: 86400000 }),
  /** Bearer token for GET /metrics; unset: /metrics is open. */
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  /** ROLE=worker serves /metrics and /healthz on this port (the API roles serve them on PORT). */
  METRICS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  /** Comma-separated origins (https://app.example.com) that browsers may call the API from. */
  CORS_ORIGINS: Type.Optional(Type.String()),
  /** Login attempts per minute from one address, and for one email, before 429. */
  LOGIN_RATE_LIMIT_PER_IP: Type.Integer({ default: 10, minimum: 1 }),
  LOGIN_RATE_LIMIT_PER_EMAIL: Type.Integer({ default: 5, minimum: 1 }),
  /** Requests per minute with one bearer token (or from one address without one). */
  API_RATE_LIMIT_PER_MINUTE: Type.Integer({ default: 600, minimum: 1 }),
  /** Behind a reverse proxy: `true`, a hop count, or the proxies' addresses (comma-separated). */
  TRUST_PROXY: Type.Optional(Type.String({ minLength: 1 })),
  /** 64 hex characters (32 bytes): encrypts senders' provider credentials at rest (AES-256-GCM). */
  SECRET_KEY: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })),
  /**
   * No sends inside this local time range (in TIMEZONE); `off`, or set and empty, for none. A blast
   * may set its own. Unset: DEFAULT_QUIET_HOURS.
   */
  QUIET_HOURS: Type.String({ default: DEFAULT_QUIET_HOURS }),
  /** IANA time zone of quiet hours and of the day that daily caps count. */
  TIMEZONE: Type.String({ default: 'Asia/Jakarta' }),
  /** A request whose headers have not all arrived by then gets a 408 (slow-header clients). */
  HTTP_HEADERS_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 1000 }),
  /** A request (headers and body) not fully received by then gets a 408: room for a 1 GiB CSV import. */
  HTTP_REQUEST_TIMEOUT_MS: Type.Integer({ default: 1_800_000, minimum: 1000 }),
  /** A connection on which nothing is read or written for this long is closed. */
  HTTP_IDLE_TIMEOUT_MS: Type.Integer({ default: 120_000, minimum: 1000 }),
  /** Outbound webhooks (docs/webhooks.md): `true` lets subscribers be on private, loopback and link-local addresses. */
  WEBHOOK_ALLOW_PRIVATE_URLS: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'false' }),
  /** One delivery request may take this long (connect, send, answer) before it counts as failed. */
  WEBHOOK_TIMEOUT_MS: Type.Integer({ default: 10000, minimum: 100, maximum: 120000 }),
  /** Subscribers one worker process delivers to at the same time. */
  WEBHOOK_CONCURRENCY: Type.Integer({ default: 4, minimum: 1, maximum: 64 }),
  /** Events per request at most. */
  WEBHOOK_BATCH_SIZE: Type.Integer({ default: 50, minimum: 1, maximum: 500 }),
  /** After a failed request the subscriber waits about this long, doubling up to WEBHOOK_RETRY_MAX_MS. */
  WEBHOOK_RETRY_BASE_MS: Type.Integer({ default: 10000, minimum: 1 }),
  WEBHOOK_RETRY_MAX_MS: Type.Integer({ default: 3600000, minimum: 1 }),
  /** An event is retried this long after it happened, then marked failed (redeliver it by hand). */
  WEBHOOK_RETRY_FOR_MS: Type.Integer({ default: 86400000, minimum: 1 }),
  /** Folder of the built admin console (index.html, assets/); default: the package's dist/console. */
  CONSOLE_DIR: Type.Optional(Type.String({ minLength: 1 })),
});

type Env = Static<typeof EnvSchema>;

/** src/config.ts and dist/config.js are both one level below the package root. */
const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../dist/console/', import.meta.url));

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  host: string;
  port: number;
  role: 'all' | 'api' | 'worker';
  logLevel: string;
  gateway: string;
  /** SEND_DELAY_MIN_MS, SEND_DELAY_MAX_MS, SEND_MAX_IN_FLIGHT, SEND_MAX_PER_SECOND as set (unset: the provider's default). */
  sendPacing: Readonly<EnvironmentPacing>;
  defaultCountryCode: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  tokenTtlMs: number;
  publicBaseUrl: string | undefined;
  /** The environment as given (empty values dropped), for the gateway's own settings schema. */
  env: Readonly<Record<string, string>>;
  workerConcurrency: number;
  maxSendAttempts: number;
  gatewayTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  workerPollMs: number;
  workerHoldMs: number;
  /** Backoff while the database is unreachable. */
  databaseRetry: { baseMs: number; maxMs: number };
  optOutKeywords: readonly string[];
  metricsToken: string | undefined;
  metricsPort: number | undefined;
  corsOrigins: readonly string[];
  loginRateLimitPerIp: number;
  loginRateLimitPerEmail: number;
  apiRateLimitPerMinute: number;
  /** Fastify's trustProxy: whose X-Forwarded-For gives the client address (rate limits per IP). */
  trustProxy: boolean | string[] | ((address: string, hop: number) => boolean);
  /** Encrypts senders' credentials; unset: only senders without credentials (log) can be added. */
  secretKey: Buffer | undefined;
  /** The default quiet hours; null when off. */
  quietHours: QuietHours | null;
  timeZone: string;
  /** How long the HTTP server waits for a request's headers, for the whole request, and on a silent connection. */
  httpTimeouts: Readonly<{ headersMs: number; requestMs: number; idleMs: number }>;
  webhooks: {
    allowPrivateUrls: boolean;
    timeoutMs: number;
    concurrency: number;
    batchSize: number;
    retryBaseMs: number;
    retryMaxMs: number;
    retryForMs: number;
  };
  /** Absolute path of the built admin console. */
  consoleDir: string;
}

export class ConfigError extends Error {}

/** Parses and checks the environment once; a wrong value throws a ConfigError naming the variable. */
export function loadConfig(source: Record<string, string | undefined>): Readonly<Config> {
  let env: Env;
  const given = withoutEmptyValues(source);
  try {
    env = envSchema<Env>({
      schema: EnvSchema,
      data: { ...given },
      dotenv: false,
      env: false,
    });
  } catch (error) {
    throw new ConfigError(`invalid configuration: ${(error as Error).message}`);
  }
  if (env.SEND_DELAY_MIN_MS !== undefined && env.SEND_DELAY_MAX_MS !== undefined && env.SEND_DELAY_MIN_MS > env.SEND_DELAY_MAX_MS) {
    throw new ConfigError('invalid configuration: SEND_DELAY_MIN_MS must not exceed SEND_DELAY_MAX_MS');
  }
  if (!isValidTimeZone(env.TIMEZONE)) {
    throw new ConfigError(`invalid configuration: TIMEZONE "${env.TIMEZONE}" is not an IANA time zone such as Asia/Jakarta`);
  }
  // `QUIET_HOURS=` means "no quiet hours", as documented; withoutEmptyValues would turn it into
  // "not set" and so into the default, which silently holds a blast posted at night.
  const quietHours = source.QUIET_HOURS?.trim() === '' ? null : parseQuietHours(env.QUIET_HOURS);
  if (quietHours === 'invalid') {
    throw new ConfigError(`invalid configuration: QUIET_HOURS must be HH:MM-HH:MM (e.g. 21:00-08:00) or off, not "${env.QUIET_HOURS}"`);
  }
  if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('invalid configuration: HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  if (env.DATABASE_URL !== undefined && !URL.canParse(env.DATABASE_URL)) {
    // Said here, not at the first connection: a malformed URL must not look like a server that is down.
    throw new ConfigError('invalid configuration: DATABASE_URL is not a valid URL (postgres://user:password@host:5432/database)');
  }
  if (env.DB_RETRY_BASE_MS > env.DB_RETRY_MAX_MS) {
    throw new ConfigError('invalid configuration: DB_RETRY_BASE_MS must not exceed DB_RETRY_MAX_MS');
  }
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('invalid configuration: ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  return Object.freeze({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    host: env.HOST,
    port: env.PORT,
    role: env.ROLE,
    logLevel: env.LOG_LEVEL,
    gateway: env.WA_GATEWAY,
    sendPacing: Object.freeze(
      withoutUndefined({
        pauseMinMs: env.SEND_DELAY_MIN_MS,
        pauseMaxMs: env.SEND_DELAY_MAX_MS,
        maxInFlight: env.SEND_MAX_IN_FLIGHT,
        maxPerSecond: env.SEND_MAX_PER_SECOND,
      }),
    ),
    defaultCountryCode: env.DEFAULT_COUNTRY_CODE,
    adminEmail: env.ADMIN_EMAIL?.toLowerCase(),
    adminPassword: env.ADMIN_PASSWORD,
    tokenTtlMs: env.TOKEN_TTL_HOURS * 3_600_000,
    publicBaseUrl: env.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    env: Object.freeze(given),
    workerConcurrency: env.WORKER_CONCURRENCY,
    maxSendAttempts: env.MAX_SEND_ATTEMPTS,
    gatewayTimeoutMs: env.GATEWAY_TIMEOUT_MS,
    retryBaseMs: env.RETRY_BASE_MS,
    retryMaxMs: env.RETRY_MAX_MS,
    workerPollMs: env.WORKER_POLL_MS,
    workerHoldMs: env.WORKER_HOLD_MS,
    databaseRetry: Object.freeze({ baseMs: env.DB_RETRY_BASE_MS, maxMs: env.DB_RETRY_MAX_MS }),
    optOutKeywords: Object.freeze(env.OPT_OUT_KEYWORDS.split(',').map((k) => k.trim().toUpperCase()).filter(Boolean)),
    metricsToken: env.METRICS_TOKEN,
    metricsPort: env.METRICS_PORT,
    corsOrigins: Object.freeze(parseOrigins(env.CORS_ORIGINS)),
    loginRateLimitPerIp: env.LOGIN_RATE_LIMIT_PER_IP,
    loginRateLimitPerEmail: env.LOGIN_RATE_LIMIT_PER_EMAIL,
    apiRateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    secretKey: env.SECRET_KEY === undefined ? undefined : Buffer.from(env.SECRET_KEY, 'hex'),
    quietHours,
    timeZone: env.TIMEZONE,
    httpTimeouts: Object.freeze({ headersMs: env.HTTP_HEADERS_TIMEOUT_MS, requestMs: env.HTTP_REQUEST_TIMEOUT_MS, idleMs: env.HTTP_IDLE_TIMEOUT_MS }),
    webhooks: Object.freeze({
      allowPrivateUrls: env.WEBHOOK_ALLOW_PRIVATE_URLS === 'true',
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      concurrency: env.WEBHOOK_CONCURRENCY,
      batchSize: env.WEBHOOK_BATCH_SIZE,
      retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: env.WEBHOOK_RETRY_MAX_MS,
      retryForMs: env.WEBHOOK_RETRY_FOR_MS,
    }),
    consoleDir: path.resolve(env.CONSOLE_DIR ?? DEFAULT_CONSOLE_DIR),
  });
}

/** process.env, after loading `.env` from the working directory if there is one (it never overrides). */
export function environment(): Record<string, string | undefined> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}

/** Exact origins only (scheme, host, port; no path, no "*"): a browser sends exactly that. */
function parseOrigins(value: string | undefined): string[] {
  const origins = (value ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      /* reported below */
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(`invalid configuration: CORS_ORIGINS entry "${origin}" is not an origin like https://app.example.com`);
    }
  }
  return origins;
}

function parseTrustProxy(value: string | undefined): Config['trustProxy'] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^[0-9]+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value.split(',').map((a) => a.trim()).filter(Boolean);
}

/** `FOO=` in a .env file means "not set", not "set to the empty string". */
function withoutEmptyValues(source: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value !== '') result[key] = value;
  }
  return result;
}

/** The object without its undefined properties ("not set" stays absent). */
function withoutUndefined<T extends object>(value: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
}
