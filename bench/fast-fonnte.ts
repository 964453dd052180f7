import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeFonnte } from '../test/fakes/fonnte-fake.js';

/**
 * What the benchmarks need from a fake Fonnte: its URL and token, and per-request arrival
 * times and targets, kept compactly (a million requests must not cost the bench a gigabyte).
 */
export interface BenchGateway {
  readonly kind: 'test' | 'fast';
  readonly url: string;
  readonly token: string;
  /** Requests to /send so far. */
  count(): number;
  /** Arrival time (Date.now()) of the first and last /send request. */
  firstAt(): number | undefined;
  lastAt(): number | undefined;
  /** Distinct `target` values seen (duplicates = count − distinct). */
  distinctTargets(): number;
  /** Forgets everything counted so far. */
  reset(): void;
  close(): Promise<void>;
}

export const FONNTE_TOKEN = 'bench-fonnte-token';

/**
 * test/fakes/fonnte-fake.ts, the project's fake. It answers every request from a
 * `setTimeout(…, latencyMs)`, which Node runs after ≥ 1 ms even at latency 0, and keeps every
 * request object; the bench drains that list as it goes.
 */
export async function startTestFake(): Promise<BenchGateway> {
  const fake = await startFakeFonnte({ token: FONNTE_TOKEN });
  let count = 0;
  let first: number | undefined;
  let last: number | undefined;
  let targets = new Set<string>();
  const drain = () => {
    for (const r of fake.requests) {
      if (r.path !== '/send') continue;
      count += 1;
      first ??= r.at;
      last = r.at;
      targets.add(r.form.target ?? '');
    }
    fake.requests.length = 0;
  };
  const timer = setInterval(drain, 200);
  return {
    kind: 'test',
    url: fake.url,
    token: fake.token,
    count: () => (drain(), count),
    firstAt: () => (drain(), first),
    lastAt: () => (drain(), last),
    distinctTargets: () => (drain(), targets.size),
    reset() {
      fake.requests.length = 0;
      count = 0;
      first = last = undefined;
      targets = new Set();
    },
    async close() {
      clearInterval(timer);
      await fake.close();
    },
  };
}

/**
 * The same protocol (POST /send, urlencoded form, bare token, Fonnte's success body), answered
 * synchronously as soon as the body has arrived: no timer between request and answer, so the
 * HTTP round trip itself is the only cost.
 */
export async function startFastFake(): Promise<BenchGateway> {
  let count = 0;
  let first: number | undefined;
  let last: number | undefined;
  let targets = new Set<string>();
  let nextId = 80_367_170;
  let nextRequestId = 2_937_124;
  const server = createServer((req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const target = form.get('target') ?? '';
      let body: object;
      if (req.method !== 'POST' || req.url !== '/send') body = { reason: 'not found', status: false };
      else if (req.headers.authorization !== FONNTE_TOKEN) body = { reason: 'token invalid', status: false };
      else if (!target) body = { reason: 'input invalid', status: false };
      else {
        count += 1;
        first ??= at;
        last = at;
        targets.add(target);
        body = { detail: 'success! message in queue', id: [String(nextId++)], process: 'pending', requestid: nextRequestId++, status: true, target: [target] };
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    kind: 'fast',
    url: `http://127.0.0.1:${port}`,
    token: FONNTE_TOKEN,
    count: () => count,
    firstAt: () => first,
    lastAt: () => last,
    distinctTargets: () => targets.size,
    reset() {
      count = 0;
      first = last = undefined;
      targets = new Set();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

export function startGateway(kind: 'test' | 'fast'): Promise<BenchGateway> {
  return kind === 'test' ? startTestFake() : startFastFake();
}
