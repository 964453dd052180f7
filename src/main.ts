import v8 from 'node:v8';
import { systemClock } from './clock.js';
import { ConfigError, environment, loadConfig } from './config.js';
import { RetryAborted } from './db/unavailable.js';
import { createLogger } from './logger.js';
import { startService } from './server.js';

/**
 * After each full garbage collection V8 lets the heap grow to up to 4 × what is alive before the
 * next one, while memory is plentiful: sending a blast (~35 MB alive) then grew the heap to
 * ~190 MB of mostly garbage. 1.5 × keeps it near 60 MB at the same sending rate (docs/benchmarks.md),
 * with no hard cap: a large request still gets the memory it needs. A hard cap
 * (--max-old-space-size) would turn such a request into a crash. Set here, not on the command
 * line: Node refuses this flag in NODE_OPTIONS, and V8 reads it at every collection.
 */
const HEAP_GROWING_PERCENT = 50;

/** `npm start`: API and worker (ROLE=all), or one of them (ROLE=api / ROLE=worker). */
async function main(): Promise<void> {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  let config;
  try {
    config = loadConfig(environment());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // Returns once the API listens; the database may still be on its way (service.ready).
  const service = await startService(config, logger, systemClock, { untilReady: false }).catch((error: unknown) => {
    logger.fatal({ err: error }, error instanceof ConfigError ? error.message : 'start-up failed');
    process.exit(error instanceof ConfigError ? 2 : 1);
  });

  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) process.exit(1); // a second Ctrl-C means "now"
    logger.info({ signal }, 'shutting down: finishing in-flight sends');
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  service.ready.then(
    () => logger.info({ role: config.role, url: service.url, engine: service.database.engine, gateway: config.gateway }, 'whatsapp-blast is running'),
    (error: unknown) => {
      if (error instanceof RetryAborted) return; // stopped while waiting for the database
      // Not an outage but something waiting cannot fix: a wrong password, a failed migration.
      logger.fatal({ err: error }, 'start-up failed');
      void service.stop().finally(() => process.exit(1));
    },
  );
}

await main();
