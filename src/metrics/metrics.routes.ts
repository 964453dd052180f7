import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { Metrics } from './metrics.js';

export interface MetricsRouteOptions {
  metrics: Metrics;
  /** METRICS_TOKEN: when set, scrapes need `Authorization: Bearer <token>`. */
  token: string | undefined;
}

/**
 * `GET /metrics` in Prometheus text format. Not behind the admin login: a scraper has no admin
 * account. Logged at warn level only, so a scrape every few seconds doesn't flood the logs.
 */
export const metricsRoutes: FastifyPluginAsync<MetricsRouteOptions> = async (app, { metrics, token }) => {
  const schema = {
    tags: ['Operations'],
    summary: 'Prometheus metrics',
    description:
      'Prometheus text format: messages by outcome, provider and sender; send latency; queue depth; blasts by state; process metrics. ' +
      'When `METRICS_TOKEN` is set, needs `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise); no admin token.',
  };
  app.get('/metrics', { logLevel: 'warn', schema }, async (request, reply) => {
    if (token !== undefined && !presentsToken(request, token)) {
      reply.header('www-authenticate', 'Bearer');
      throw new AppError('unauthorized', 'An "Authorization: Bearer <METRICS_TOKEN>" header is required.');
    }
    const { contentType, body } = await metrics.scrape();
    return reply.type(contentType).send(body);
  });
};

/** Compares digests, so the time taken says nothing about the token's length or content. */
function presentsToken(request: FastifyRequest, expected: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match?.[1] ?? ''), digest(expected));
}
