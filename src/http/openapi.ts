import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { ErrorBody } from './common.schema.js';

/**
 * The OpenAPI document is generated from the routes' own schemas (the ones Fastify validates
 * and serialises with), at `GET /openapi.json`, with Swagger UI at `/docs` served from the
 * package's files (no CDN).
 */

/**
 * A request body the handler reads and checks itself: a JSON schema, or `{content: {<media type>:
 * {schema}}}`. Typed loosely on purpose: checking a big TypeBox type against TSchema here
 * sends the compiler into "excessively deep" instantiation.
 */
export type DocumentedBody = object;

export interface RegisteredRoute {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Documentation only, never used to validate: the request body of a route that accepts more
     * than one shape and validates it by hand (POST /customers, POST /whatsapp/blast, webhooks).
     */
    openapiBody?: DocumentedBody;
    /** The documented body may be left out (the generator would mark it required). */
    openapiBodyOptional?: boolean;
  }
  interface FastifyInstance {
    /** Every route registered after registerOpenApi, as Fastify saw it (HEAD routes included). */
    routeCatalog: readonly RegisteredRoute[];
  }
}

/** src/http and dist/http are both two levels below the package root. */
const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const BEARER_AUTH = [{ bearerAuth: [] as string[] }];

const TAGS = [
  { name: 'Auth', description: 'Log in to get a bearer token.' },
  { name: 'Customers', description: 'The people blasts are sent to.' },
  { name: 'Blasts', description: 'Queue a WhatsApp blast and follow its progress.' },
  { name: 'Senders', description: 'The WhatsApp numbers blasts are sent from: credentials, pacing, daily caps, warm-up, pause.' },
  { name: 'Event subscriptions', description: 'Outbound webhooks: events (blast finished, message delivered, customer opted out…) pushed to your URLs, signed (docs/webhooks.md).' },
  { name: 'Webhooks', description: 'Called by the WhatsApp providers, not by clients: each request is verified with the provider\'s own signature or secret, never a bearer token.' },
  { name: 'Media', description: 'Blast images, fetched by providers that take media by URL.' },
  { name: 'Operations', description: 'Health and readiness probes, metrics.' },
];

/** Routes that set no tags get one from their path. */
const DEFAULT_TAGS: [RegExp, string][] = [
  [/^\/api\/v1\/auth\//, 'Auth'],
  [/^\/api\/v1\/customers/, 'Customers'],
  [/^\/api\/v1\/whatsapp\/blast/, 'Blasts'],
  [/^\/webhooks\//, 'Webhooks'],
  [/^\/media\//, 'Media'],
];

const DESCRIPTION = `Send personalised WhatsApp blasts to your customers.

Log in with \`POST /api/v1/auth/login\`, then send the token as \`Authorization: Bearer <token>\` on every other \`/api/v1\` route.
Errors always have the shape \`{"success": false, "message": "...", "errors": [{"field": "...", "message": "..."}]}\`.`;

/**
 * Registers the route catalog, the OpenAPI generator and Swagger UI. Call it before any route
 * is registered: both see only the routes registered after them.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const catalog: RegisteredRoute[] = [];
  app.decorate('routeCatalog', catalog);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) catalog.push({ method, url: route.url });
  });

  const optionalBodies = new Set<string>();
  app.addSchema(ErrorBody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'whatsapp-blast', version: PACKAGE_VERSION, description: DESCRIPTION },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'The token from POST /api/v1/auth/login.' } } },
      tags: TAGS,
    },
    // Shared schemas keep their $id as their name: #/components/schemas/ErrorBody.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url, route }) => {
      if (route.config?.openapiBodyOptional) optionalBodies.add(`${String(route.method).toLowerCase()} ${toOpenApiPath(url)}`);
      return { url, schema: documentedSchema(schema, url, route.config?.openapiBody) };
    },
    transformObject: (document) => {
      if (!('openapiObject' in document)) return document.swaggerObject;
      const paths = (document.openapiObject.paths ?? {}) as Record<string, Record<string, { requestBody?: { required?: boolean } }>>;
      for (const operation of optionalBodies) {
        const [method, path] = operation.split(' ') as [string, string];
        const requestBody = paths[path]?.[method]?.requestBody;
        if (requestBody) requestBody.required = false;
      }
      return document.openapiObject;
    },
  });
  // The UI loads the same document from /docs/json.
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

/** `/customers/:id` → `/customers/{id}`, as the generator writes paths. */
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Adds what the generator cannot see in the validating schema: a hand-checked body, a default tag. */
function documentedSchema(schema: FastifySchema | undefined, url: string, body: DocumentedBody | undefined): FastifySchema {
  const documented: FastifySchema = { ...schema };
  if (body) documented.body = body;
  if (!documented.tags?.length) {
    const tag = DEFAULT_TAGS.find(([pattern]) => pattern.test(url))?.[1] ?? 'Operations';
    documented.tags = [tag];
  }
  return documented;
}

/** Marks every route registered later in this plugin (and its children) as needing the bearer token. */
export function requiresBearerToken(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, security: BEARER_AUTH };
  });
}
