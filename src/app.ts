import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { AppContext } from './app-context.js';
import { authRoutes, requireAdmin } from './auth/auth.routes.js';
import { blastRoutes, mediaRoutes } from './blasts/blasts.routes.js';
import { lifecycleRoutes } from './blasts/lifecycle.routes.js';
import { previewRoutes } from './blasts/preview.routes.js';
import { blastOptionsRoutes } from './blasts/options.routes.js';
import { blastEventRoutes } from './blasts/events.routes.js';
import { MAX_IMAGE_BYTES } from './blasts/blasts.schema.js';
import { customerRoutes } from './customers/customers.routes.js';
import { senderRoutes } from './senders/senders.routes.js';
import { consoleRoutes } from './http/console.js';
import { installErrorHandling } from './http/error-handler.js';
import { HealthzSchema, ReadyzSchema } from './http/health.schema.js';
import { registerOpenApi } from './http/openapi.js';
import { installProtection } from './http/protection.js';
import { echoRequestIds, requestIdOf } from './http/request-id.js';
import { metricsRoutes } from './metrics/metrics.routes.js';
import { webhookRoutes } from './webhooks/webhooks.routes.js';
import { compilerFor } from './http/validation.js';

/** Builds the HTTP application; never listens (server.ts does, tests use inject or listen on :0). */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // Request ids on every line; a sane incoming x-request-id is kept so logs join up across a proxy.
    requestIdHeader: false,
    genReqId: requestIdOf,
    trustProxy: ctx.config.trustProxy,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(({ schema, httpPart }) => compilerFor(httpPart).compile(schema));
  // JSON and multipart only: a text/plain body is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app);
  echoRequestIds(app);
  await installProtection(app, ctx.config); // security headers, CORS, rate limits: before any route
  // The admin console's pages are not part of the API: registered before the OpenAPI generator sees routes.
  await app.register(consoleRoutes, { consoleDir: ctx.config.consoleDir });
  await registerOpenApi(app); // before any route: it documents the routes registered after it
  await app.register(multipart, {
    limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 20, fieldSize: 4 * 1024 * 1024, parts: 25 },
  });

  app.get('/healthz', { schema: HealthzSchema }, async () => ({ success: true, status: 'ok' }));
  app.get('/readyz', { schema: ReadyzSchema }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(ctx.database.db);
      return { success: true, status: 'ready' };
    } catch {
      return reply.status(503).header('retry-after', '5').send({ success: false, message: 'The database is unreachable.', errors: [] });
    }
  });
  await app.register(metricsRoutes, { metrics: ctx.metrics, token: ctx.config.metricsToken });
  await app.register(mediaRoutes, { ctx });
  await app.register(webhookRoutes, { ctx });

  await app.register(
    async (api) => {
      await api.register(authRoutes, { ctx });
      await api.register(async (secured) => {
        requireAdmin(secured, ctx);
        await secured.register(customerRoutes, { ctx });
        await secured.register(blastRoutes, { ctx });
        await secured.register(lifecycleRoutes, { ctx });
        await secured.register(previewRoutes, { ctx });
        await secured.register(blastOptionsRoutes, { ctx });
        await secured.register(blastEventRoutes, { ctx });
        await secured.register(senderRoutes, { ctx });
      });
    },
    { prefix: '/api/v1' },
  );
  return app;
}
