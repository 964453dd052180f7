import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The fake gateway of `npm run bench -- throughput` and `rate`, run in its own process (so its
 * CPU is not charged to whoever sends): Meta's Cloud API send call, `POST /<version>/<phone
 * id>/messages` with a Bearer token and a JSON body, answered with Meta's success body at once
 * or after LATENCY_MS. A path may start with a label of the sender's process (`/w1/v21.0/…`:
 * its META_API_BASE_URL), so the bench can tell which process sent. It counts what arrived;
 * `GET /__stats` tells the bench (`GET /__arrivals`: every send's arrival time, hrtime in ms —
 * the machine's monotonic clock, which other processes read the same —, its sender's label and
 * its recipient), `POST /__reset` forgets it.
 *
 * Started as `node --import tsx bench/throughput-fake.ts TOKEN [LATENCY_MS]`; prints `listening PORT`.
 */
const token = process.argv[2] ?? 'bench-meta-token';
const latencyMs = Number(process.argv[3] ?? 0);
let count = 0;
let first: number | undefined;
let last: number | undefined;
let targets = new Set<string>();
let perNumber = new Map<string, number>();
let perSource = new Map<string, number>();
let arrivals: number[] = [];
/** The process label of each arrival, in the same order. */
let sources: string[] = [];
/** The recipient (`to`) of each arrival, in the same order. */
let recipients: string[] = [];
let inFlight = 0;
let peakInFlight = 0;
let refused = 0;
let nextId = 1;

const MESSAGES = /^(?:\/([a-z0-9]+))?\/v[0-9.]+\/([0-9]+)\/messages$/;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  // When the request arrived, not when its body was read.
  const arrivedAt = Number(process.hrtime.bigint()) / 1e6;
  req.on('end', () => {
    const at = Date.now();
    if (req.method === 'GET' && req.url === '/__stats') {
      return reply(res, 200, { count, first, last, distinct: targets.size, refused, perNumber: Object.fromEntries(perNumber), perSource: Object.fromEntries(perSource), peakInFlight });
    }
    if (req.method === 'GET' && req.url === '/__arrivals') return reply(res, 200, { arrivals, sources, recipients });
    if (req.method === 'POST' && req.url === '/__reset') {
      count = refused = peakInFlight = 0;
      first = last = undefined;
      targets = new Set();
      perNumber = new Map();
      perSource = new Map();
      arrivals = [];
      sources = [];
      recipients = [];
      return reply(res, 200, { ok: true });
    }
    const match = MESSAGES.exec(req.url ?? '');
    const number = match?.[2];
    if (req.method !== 'POST' || !number) return reply(res, 400, { error: { message: 'Unknown path components', type: 'OAuthException', code: 2500 } });
    if (req.headers.authorization !== `Bearer ${token}`) {
      refused += 1;
      return reply(res, 401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
    }
    let to: unknown;
    try {
      to = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to?: unknown }).to;
    } catch {
      to = undefined;
    }
    if (typeof to !== 'string' || to === '') {
      refused += 1;
      return reply(res, 400, { error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 } });
    }
    count += 1;
    first ??= at;
    last = at;
    targets.add(to);
    perNumber.set(number, (perNumber.get(number) ?? 0) + 1);
    const source = match?.[1] ?? '';
    perSource.set(source, (perSource.get(source) ?? 0) + 1);
    arrivals.push(arrivedAt);
    sources.push(source);
    recipients.push(to);
    const body = { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.bench${nextId++}` }] };
    if (latencyMs <= 0) return reply(res, 200, body);
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    setTimeout(() => {
      inFlight -= 1;
      reply(res, 200, body);
    }, latencyMs);
  });
});

function reply(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// Idle keep-alive connections are kept longer than any client's pool keeps them.
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
