import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CONSOLE_CSP } from './protection.js';

/**
 * The console's own addresses (client-side routes in console/src/app.tsx): each answers the
 * single page, which then shows the right screen. Every other path keeps its behaviour, so a
 * 404 under /api stays a JSON error.
 */
export const CONSOLE_PAGES = ['/', '/login', '/blasts', '/blasts/*', '/customers', '/customers/*', '/senders', '/senders/*'];

const NOT_BUILT = `The admin console is not built. Run \`npm run build\` (\`npm ci\` does it too), then restart the service.
The API works without it: see /docs.
`;

/**
 * Serves the admin console built by Vite (`npm run build:console`) from `consoleDir`: the page at
 * every console route and the hashed assets under /assets/. Nothing is built at start-up: a
 * missing build answers a message saying how to make it.
 */
export async function consoleRoutes(app: FastifyInstance, { consoleDir }: { consoleDir: string }): Promise<void> {
  // serve: false — only reply.sendFile, which keeps every path inside consoleDir; the routes are ours.
  await app.register(fastifyStatic, { root: consoleDir, serve: false });
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('content-security-policy', CONSOLE_CSP);
  });

  const page = async (_request: unknown, reply: FastifyReply) => {
    if (!existsSync(path.join(consoleDir, 'index.html'))) {
      return reply.status(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
    }
    // The page names the current assets: always ask again.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  };
  for (const url of CONSOLE_PAGES) app.get(url, { schema: { hide: true } }, page);

  // File names carry a content hash: a file never changes, so browsers may keep it for a year.
  app.get<{ Params: { '*': string } }>('/assets/*', { schema: { hide: true } }, (request, reply) =>
    reply.sendFile(`assets/${request.params['*']}`, { immutable: true, maxAge: '365d' }),
  );
  app.get('/favicon.svg', { schema: { hide: true } }, (_request, reply) => reply.sendFile('favicon.svg', { maxAge: '1d' }));
}
