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
import { customerRoutes } from './customers/customers.routes.js';
import { senderRoutes } from './senders/senders.routes.js';
import { subscriptionRoutes } from './events/subscriptions.routes.js';
import { consoleRoutes } from './http/console.js';
import { installErrorHandling } from './http/error-handler.js';
import { HealthzSchema, ReadyzSchema } from './http/health.schema.js';
import { registerOpenApi } from './http/openapi.js';
import { installProtection } from './http/protection.js';
import { installReadinessGate, NOT_READY_RETRY_AFTER_S } from './http/readiness.js';
import { echoRequestIds, requestIdOf } from './http/request-id.js';
import { metricsRoutes } from './metrics/metrics.routes.js';
import { webhookRoutes } from './webhooks/webhooks.routes.js';
import { compileValidator } from './http/validation.js';
import { clientErrorHandler, frameworkErrors } from './http/client-errors.js';
import { MULTIPART_LIMITS, MULTIPART_PART_BUFFER_BYTES } from './http/multipart.js';

/** Longest path parameter (Fastify's default); a longer one is a 414. */
const MAX_PARAM_LENGTH = 100;
/** All request headers together (Node's default); more is a 431. */
const MAX_HEADER_BYTES = 16 * 1024;
/** An idle keep-alive connection is closed after this; longer than common load balancers' 60 s (Fastify's default). */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/** Builds the HTTP application; never listens (server.ts does, tests use inject or listen on :0). */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // Request ids on every line; a sane incoming x-request-id is kept so logs join up across a proxy.
    requestIdHeader: false,
    genReqId: requestIdOf,
    trustProxy: ctx.config.trustProxy,
    // Every limit and time-out on requests is listed in docs/reliability.md.
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    requestTimeout: ctx.config.httpTimeouts.requestMs,
    connectionTimeout: ctx.config.httpTimeouts.idleMs,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    http: {
      headersTimeout: ctx.config.httpTimeouts.headersMs,
      maxHeaderSize: MAX_HEADER_BYTES,
      // How often Node looks for requests past their time-out (its default, 30 s, would let a
      // 10 s header time-out run to 40 s).
      connectionsCheckingInterval: 1000,
    },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(compileValidator);
  // JSON and multipart only: a text/plain body is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app);
  echoRequestIds(app);
  installReadinessGate(app, ctx);
  await installProtection(app, ctx.config); // security headers, CORS, rate limits: before any route
  // The admin console's pages are not part of the API: registered before the OpenAPI generator sees routes.
  await app.register(consoleRoutes, { consoleDir: ctx.config.consoleDir });
  await registerOpenApi(app); // before any route: it documents the routes registered after it
  await app.register(multipart, { limits: MULTIPART_LIMITS, fileHwm: MULTIPART_PART_BUFFER_BYTES });

  app.get('/healthz', { schema: HealthzSchema }, async () => ({ success: true, status: 'ok' }));
  app.get('/readyz', { schema: ReadyzSchema }, async (_request, reply) => {
    const notReady = (message: string) => reply.status(503).header('retry-after', String(NOT_READY_RETRY_AFTER_S)).send({ success: false, message, errors: [] });
    if (!ctx.isReady()) return notReady('The service is starting: the database is not reachable yet.');
    try {
      await sql`select 1`.execute(ctx.database.db);
      return { success: true, status: 'ready' };
    } catch {
      return notReady('The database is unreachable.');
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
        await secured.register(subscriptionRoutes, { ctx });
      });
    },
    { prefix: '/api/v1' },
  );
  return app;
}
