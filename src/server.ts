import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppContext } from './app-context.js';
import { buildApp } from './app.js';
import { ensureAdmin } from './auth/auth.service.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { connect, type Database } from './db/connection.js';
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
  stop(): Promise<void>;
}

/** Starts the roles `config.role` asks for, after migrating the database. */
export async function startService(config: Readonly<Config>, logger: Logger, clock: Clock = systemClock): Promise<RunningService> {
  const database = connect({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.workerConcurrency + 10,
    onSlowQuery: (sql, ms) => logger.warn({ sql: sql.slice(0, 300), ms: Math.round(ms) }, 'slow query'),
  });
  try {
    const applied = await migrateToLatest(database);
    if (applied.length > 0) logger.info({ migrations: applied, engine: database.engine }, 'database migrated');
    const environmentGateway = await createGateway(config.gateway, config.env, { logger, publicBaseUrl: config.publicBaseUrl });
    const { gateway, webhook, secrets } = environmentGateway;
    neverLog(logger, [...secrets, config.adminPassword, config.metricsToken]);
    const metrics = new Metrics(database.db);
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

    const senderGateways = new SenderGateways(environmentGateway, config.secretKey, { logger, publicBaseUrl: config.publicBaseUrl });
    let worker: Worker | undefined;
    if (config.role !== 'api') {
      worker = new Worker({
        database,
        senderGateways,
        clock,
        logger: logger.child({ role: 'worker' }),
        metrics,
        settings: {
          sendDelayMinMs: config.sendDelayMinMs,
          sendDelayMaxMs: config.sendDelayMaxMs,
          concurrency: config.workerConcurrency,
          gatewayTimeoutMs: config.gatewayTimeoutMs,
          publicBaseUrl: config.publicBaseUrl,
          idlePollMs: config.workerPollMs,
          maxAttempts: config.maxSendAttempts,
          baseDelayMs: config.retryBaseMs,
          maxDelayMs: config.retryMaxMs,
          quietHours: config.quietHours,
          timeZone: config.timeZone,
        },
        events: { ...config.webhooks, secretKey: config.secretKey, idlePollMs: config.workerPollMs },
      });
      worker.start();
    }

    let app: FastifyInstance | undefined;
    let url: string | undefined;
    if (config.role !== 'worker') {
      const ctx: AppContext = { config, database, clock, logger, gateway, webhook, senderGateways, metrics, notifyWork: () => worker?.notify() };
      app = await buildApp(ctx);
      url = await app.listen({ host: config.host, port: config.port });
    }

    let metricsServer: MetricsServer | undefined;
    if (config.role === 'worker' && config.metricsPort !== undefined) {
      metricsServer = await startMetricsServer({ host: config.host, port: config.metricsPort, metrics, token: config.metricsToken, logger });
    }

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        // Stop accepting requests first, then let in-flight sends finish and be recorded.
        await app?.close();
        await metricsServer?.close();
        await worker?.stop();
        await database.close();
      })());
    return { app, worker, database, url, metricsUrl: metricsServer?.url, stop };
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}
