import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The HTTP plumbing the provider fakes share. Each request's body is read whole, decoded and
 * recorded with its arrival time; then the fake decides the answer, which is written after the
 * latency, never ('hang'), or replaced by dropping the connection ('destroy'). What a request
 * means and how an answer looks on the wire stay in each fake.
 */

/** What every fake records of a request, before reading its body. */
export interface FakeRequestBase {
  /** Date.now() when the request's headers arrived. */
  at: number;
  method: string;
  /** The path without the query string. */
  path: string;
  /** Node's lower-cased headers. */
  headers: IncomingHttpHeaders;
}

/** An answer written as given: an object body is sent as JSON, a string as is. */
export interface FakeHttpAnswer {
  http: number;
  headers?: Record<string, string>;
  body?: string | object;
}

/**
 * - `hang`: never answer (time-out tests); the socket is freed by close();
 * - `destroy`: read the request, then destroy the socket without answering.
 */
export type FakeSocketAnswer = 'hang' | 'destroy';

export interface FakeServerOptions<R, A> {
  port?: number | undefined;
  /** The delay before answering `request`, read as its answer is scheduled (tests change it between requests). */
  latencyMs(request: R): number;
  /** Takes over when to answer `request` (by calling `answer`), or declines (false): then after latencyMs. */
  schedule?(request: R, answer: () => void): boolean;
  /** The request as the fake records it. */
  decode(base: FakeRequestBase, body: Buffer): R;
  /** The answer to a recorded request; `req` is the raw request, for what `decode` left out. */
  decide(request: R, req: IncomingMessage): A | FakeSocketAnswer;
  /** Writes any answer but `hang` and `destroy`, unless the client has gone. */
  write(res: ServerResponse, answer: A, request: R): void;
}

export interface FakeServer<R> {
  /** http://127.0.0.1:PORT (no trailing slash). */
  readonly origin: string;
  /** Every request, in the order their bodies were complete. */
  readonly requests: R[];
  /** Requests arrived and not yet answered (or dropped), now and at most so far. */
  readonly inFlight: number;
  readonly peakInFlight: number;
  /** Cancels the pending answers and closes every connection, hung ones included. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (`port`, or one the OS picks). */
export async function startFakeServer<R, A>(options: FakeServerOptions<R, A>): Promise<FakeServer<R>> {
  const requests: R[] = [];
  const timers = new Set<NodeJS.Timeout>();

  let inFlight = 0;
  let peakInFlight = 0;
  const server = createServer((req, res) => {
    const at = Date.now();
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    res.once('close', () => (inFlight -= 1));
    readBody(req)
      .then((body) => {
        const request = options.decode({ at, method: req.method ?? '', path: pathOf(req), headers: req.headers }, body);
        requests.push(request);
        const answer = options.decide(request, req);
        if (answer === 'hang') return;
        const answerNow = () => {
          if (answer === 'destroy') req.socket.destroy();
          else if (!res.destroyed) options.write(res, answer, request);
        };
        if (options.schedule?.(request, answerNow)) return;
        const timer = setTimeout(() => {
          timers.delete(timer);
          answerNow();
        }, options.latencyMs(request));
        timers.add(timer);
      })
      .catch(() => req.socket.destroy());
  });

  // The client closes idle connections first (undici: after 4 s). With Node's 5 s default, a
  // busy machine lets the server close one just as the client reuses it: a reset nobody chose,
  // which the adapters rightly report as "delivery unknown". Faults are the tests' to inject.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get peakInFlight() {
      return peakInFlight;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections(); // includes hung requests, which would otherwise keep close() waiting
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** The request's path without the query string. */
export function pathOf(req: IncomingMessage): string {
  return (req.url ?? '').split('?')[0] ?? '';
}

/** Writes `answer`; an object body gets `content-type: jsonType` unless the answer's headers say otherwise. */
export function writeHttpAnswer(res: ServerResponse, answer: FakeHttpAnswer, jsonType = 'application/json'): void {
  const body = typeof answer.body === 'string' ? answer.body : answer.body === undefined ? '' : JSON.stringify(answer.body);
  res.writeHead(answer.http, { ...(typeof answer.body === 'object' ? { 'content-type': jsonType } : {}), ...answer.headers });
  res.end(body);
}

/** The body parsed as JSON when it is an object; undefined for anything else (arrays, text, nothing). */
export function jsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
