import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppContext } from './app-context.js';
import { buildApp } from './app.js';
import { ensureAdmin } from './auth/auth.service.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { connect, type Database } from './db/connection.js';
import { describeDatabaseError, whileDatabaseUnavailable } from './db/unavailable.js';
import { migrateToLatest } from './db/migrate.js';
import { createGateway } from './gateways/registry.js';
import { neverLog } from './logger.js';
import { Metrics } from './metrics/metrics.js';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server.js';
import { SenderGateways } from './senders/sender-gateways.js';
import { upsertSender } from './worker/queue.repository.js';
import { Worker } from './worker/worker.js';

/** The sending number configured through the environment (WA_GATEWAY and its variables). */
export const DEFAULT_SENDER_KEY = 'default';

export interface RunningService {
  app?: FastifyInstance;
  worker?: Worker;
  database: Database;
  /** Where the API listens, e.g. http://127.0.0.1:3000. */
  url?: string;
  /** ROLE=worker with METRICS_PORT: where /metrics is served. */
  metricsUrl?: string;
  /**
   * Resolves once the database has answered and been migrated and the worker runs; rejects on
   * a failure that waiting cannot fix (a wrong password, a migration error) or when stopped first.
   */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the roles `config.role` asks for. The API listens at once (`/healthz` alive,
 * `/readyz` and every other route 503 until ready); the database is waited for with backoff
 * while it is unreachable, then migrated; then the worker starts. Resolves when ready, or with
 * `untilReady: false` as soon as the API listens (main.ts: the process may start before its
 * database).
 */
export async function startService(
  config: Readonly<Config>,
  logger: Logger,
  clock: Clock = systemClock,
  options: { untilReady?: boolean } = {},
): Promise<RunningService> {
  const database = connect({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.workerConcurrency + 10,
    onSlowQuery: (sql, ms) => logger.warn({ sql: sql.slice(0, 300), ms: Math.round(ms) }, 'slow query'),
    onConnectionError: (error) => logger.warn(describeDatabaseError(error), 'database connection lost; dropped, the next query opens a new one'),
  });
  const waiting = new AbortController();
  let app: FastifyInstance | undefined;
  let metricsServer: MetricsServer | undefined;
  let worker: Worker | undefined;
  let databaseReady = false;
  try {
    const environmentGateway = await createGateway(config.gateway, config.env, { logger, publicBaseUrl: config.publicBaseUrl });
    const { gateway, webhook, secrets } = environmentGateway;
    neverLog(logger, [...secrets, config.adminPassword, config.metricsToken]);
    const metrics = new Metrics(database.db);
    const senderGateways = new SenderGateways(environmentGateway, config.secretKey, { logger, publicBaseUrl: config.publicBaseUrl });
    if (config.role !== 'worker') {
      const ctx: AppContext = {
        config, database, clock, logger, gateway, webhook, senderGateways, metrics,
        notifyWork: () => worker?.notify(),
        isReady: () => databaseReady,
      };
      app = await buildApp(ctx);
    }
    const url = app ? await app.listen({ host: config.host, port: config.port }) : undefined;
    if (config.role === 'worker' && config.metricsPort !== undefined) {
      metricsServer = await startMetricsServer({ host: config.host, port: config.metricsPort, metrics, token: config.metricsToken, logger });
    }

    const prepareDatabase = async () => {
      const applied = await migrateToLatest(database);
      if (applied.length > 0) logger.info({ migrations: applied, engine: database.engine }, 'database migrated');
      if (config.adminEmail && config.adminPassword) {
        if (await ensureAdmin(database.db, { email: config.adminEmail, password: config.adminPassword }, clock.now())) {
          logger.info({ email: config.adminEmail }, 'first admin created');
        }
      }
      const { resumed } = await upsertSender(database.db, {
        key: DEFAULT_SENDER_KEY,
        provider: gateway.provider,
        fingerprint: gateway.credentialsFingerprint,
        now: clock.now(),
      });
      if (resumed) logger.info('gateway credentials changed: the stopped sending number resumes');
    };
    const ready = whileDatabaseUnavailable(prepareDatabase, { what: 'start-up (migrations)', retry: config.databaseRetry, logger, signal: waiting.signal }).then(() => {
      databaseReady = true;
      if (config.role !== 'api') {
        worker = new Worker({
          database,
          senderGateways,
          clock,
          logger: logger.child({ role: 'worker' }),
          metrics,
          settings: {
            sendPacing: config.sendPacing,
            concurrency: config.workerConcurrency,
            gatewayTimeoutMs: config.gatewayTimeoutMs,
            publicBaseUrl: config.publicBaseUrl,
            idlePollMs: config.workerPollMs,
            holdMs: config.workerHoldMs,
            maxAttempts: config.maxSendAttempts,
            baseDelayMs: config.retryBaseMs,
            maxDelayMs: config.retryMaxMs,
            quietHours: config.quietHours,
            timeZone: config.timeZone,
            databaseRetry: config.databaseRetry,
          },
          events: { ...config.webhooks, secretKey: config.secretKey, idlePollMs: config.workerPollMs },
        });
        worker.start();
      }
    });
    // Observed here so a failure before anyone awaits it is not an unhandled rejection.
    ready.catch(() => {});

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        waiting.abort();
        await ready.catch(() => {});
        // Stop accepting requests first, then let in-flight sends finish and be recorded.
        await app?.close();
        await metricsServer?.close();
        await worker?.stop();
        await database.close();
      })());
    const service: RunningService = { app, database, url, metricsUrl: metricsServer?.url, ready, stop, get worker() { return worker; } };
    if (options.untilReady ?? true) await ready.catch(async (error: unknown) => {
      await stop();
      throw error;
    });
    return service;
  } catch (error) {
    waiting.abort();
    await app?.close().catch(() => {});
    await metricsServer?.close().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  }
}
