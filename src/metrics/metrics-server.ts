import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import { clientErrorHandler, frameworkErrors } from '../http/client-errors.js';
import { installErrorHandling } from '../http/error-handler.js';
import type { Metrics } from './metrics.js';
import { metricsRoutes } from './metrics.routes.js';

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  close(): Promise<void>;
}

/**
 * A process with ROLE=worker serves no API; with METRICS_PORT set it still answers
 * `/metrics` (and `/healthz`, for the orchestrator) on that port, and nothing else.
 */
export async function startMetricsServer(options: {
  host: string;
  port: number;
  metrics: Metrics;
  token: string | undefined;
  logger: Logger;
}): Promise<MetricsServer> {
  // The same shape as the API for what the router and Node's parser refuse (src/http/client-errors.ts).
  const app = Fastify({ loggerInstance: options.logger as FastifyBaseLogger, disableRequestLogging: true, frameworkErrors, clientErrorHandler });
  installErrorHandling(app);
  app.get('/healthz', async () => ({ success: true, status: 'ok' }));
  await app.register(metricsRoutes, { metrics: options.metrics, token: options.token });
  const url = await app.listen({ host: options.host, port: options.port });
  return { url, close: () => app.close() };
}
