import type { FastifyInstance } from 'fastify';

/** Whether the database has answered and been migrated since the process started. */
export interface Readiness {
  isReady(): boolean;
}

/** What the API answers while the database is not ready: try again shortly. */
export const NOT_READY_RETRY_AFTER_S = 5;

const PROBES = new Set(['/healthz', '/readyz']);

/**
 * The API listens before the database answers (an orchestrator sees a live process that is
 * not ready yet); until then every route but the probes answers 503 with `Retry-After`, in the
 * API's error shape, without touching the database.
 */
export function installReadinessGate(app: FastifyInstance, readiness: Readiness): void {
  app.addHook('onRequest', async (request, reply) => {
    if (readiness.isReady() || PROBES.has(request.url.split('?')[0] ?? '')) return;
    return reply
      .status(503)
      .header('retry-after', String(NOT_READY_RETRY_AFTER_S))
      .send({ success: false, message: 'The service is starting: the database is not reachable yet.', errors: [] });
  });
}
