import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../app-context.js';
import { errorResponses, IdParams } from '../http/common.schema.js';
import { blastSummary, getBlast } from './blasts.service.js';

/** How often the stream looks at the blast: the row is read by primary key, so this is cheap. */
const POLL_MS = 500;
/** A comment line now and then keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
const FINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * `GET /whatsapp/blast/:id/events`: Server-Sent Events — a `progress` event with the blast (counts
 * and state) whenever it changes, then `end` once it is final. It reads the database, so it shows
 * the work of every worker process, wherever it runs. Browsers: use a fetch-based SSE client, since
 * the bearer token goes in the Authorization header.
 */
export const blastEventRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Open streams would keep a graceful shutdown waiting for ever: end them when closing starts.
  let shuttingDown = false;
  app.addHook('preClose', async () => {
    shuttingDown = true;
  });
  const schema = {
    tags: ['Blasts'],
    summary: 'Follow a blast live (Server-Sent Events)',
    description: 'A `progress` event with the blast (as in history) whenever it changes, then `end` with its final `status`.',
    params: IdParams,
    response: {
      200: { description: 'The event stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
      ...errorResponses(401, 404),
    },
  };
  app.get('/whatsapp/blast/:id/events', { schema }, async (request, reply) => {
    const { db } = ctx.database;
    await getBlast(db, request.params.id); // a 404 before the stream starts
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let closed = false;
    request.raw.on('close', () => (closed = true));
    let last = '';
    let lastWrite = Date.now();
    while (!closed && !shuttingDown) {
      try {
        const blast = await blastSummary(db, request.params.id, ctx.clock.now(), ctx.config);
        const json = JSON.stringify(blast);
        if (json !== last) {
          out.write(`event: progress\ndata: ${json}\n\n`);
          last = json;
          lastWrite = Date.now();
        } else if (Date.now() - lastWrite > HEARTBEAT_MS) {
          out.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
        if (FINAL.has(blast.status)) {
          out.write(`event: end\ndata: ${JSON.stringify({ status: blast.status })}\n\n`);
          break;
        }
      } catch (error) {
        request.log.warn({ err: error }, 'blast event stream stopped');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    out.end();
  });
};
