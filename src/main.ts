import { ConfigError, environment, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startService } from './server.js';

/** `npm start`: API and worker (ROLE=all), or one of them (ROLE=api / ROLE=worker). */
async function main(): Promise<void> {
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
  const service = await startService(config, logger).catch((error: unknown) => {
    logger.fatal({ err: error }, error instanceof ConfigError ? error.message : 'start-up failed');
    process.exit(error instanceof ConfigError ? 2 : 1);
  });
  logger.info({ role: config.role, url: service.url, engine: service.database.engine, gateway: config.gateway }, 'whatsapp-blast is running');

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
}

await main();
