import { Agent, DecoratorHandler, request, type Dispatcher, type FormData as UndiciFormData } from 'undici';
import { classifyNetworkError } from './gateway.js';

/**
 * The one HTTP client of the gateway adapters: undici's Agent keeps a pool of keep-alive
 * connections per origin (one per provider host), so a blast reuses its connections instead
 * of opening one per message. Measured on a loopback fake (docs/benchmarks.md): `request` on
 * this agent costs ~80 µs of CPU per POST, the global `fetch` (undici's WHATWG layer over the
 * same code) ~500 µs more.
 *
 * Connections: no cap here — the worker's lanes already bound how many sends run at once.
 * An idle connection is closed after 4 s, or after the server's Keep-Alive hint less 2 s (at
 * most 60 s), so a pooled connection is not reused just as the server drops it: a request
 * lost that way would read as "delivery unknown". A request given `onSent` reports when it was
 * written (reportingSent). The throughput bench's peers use the same agent.
 */
export function createSendingAgent(): Dispatcher {
  return new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000 }).compose(reportingSent);
}

const agent = createSendingAgent();

/** Dispatch options of a request whose caller wants to know when it was written (postText's `onSent`). */
interface SentReportingOptions extends Dispatcher.DispatchOptions {
  onSent?: () => void;
}

/**
 * Calls the request's `onSent` once undici has written all of it to its socket: the moment the
 * provider's rate limit starts to count it, which may be well after the send started (a new
 * connection's handshake, a busy event loop).
 */
function reportingSent(dispatch: Dispatcher['dispatch']): Dispatcher['dispatch'] {
  return (options, handler) => {
    const { onSent } = options as SentReportingOptions;
    if (!onSent) return dispatch(options, handler);
    // DecoratorHandler forwards every handler call to `handler` (its type declares none of them);
    // onRequestSent is undici's optional hook, called when the last byte is written.
    const inner = handler as Dispatcher.DispatchHandlers & { onRequestSent?(): void };
    const onRequestSent = () => {
      inner.onRequestSent?.();
      try {
        onSent();
      } catch {
        // onSent only notes a time; undici would abort a request that has already left.
      }
    };
    const reporting = Object.assign(new DecoratorHandler(handler), { onRequestSent });
    return dispatch(options, reporting as Dispatcher.DispatchHandlers);
  };
}

export type RequestBody = string | URLSearchParams | FormData;

export interface HttpAnswer {
  status: number;
  /** 2xx. */
  ok: boolean;
  /** The Retry-After header, if the answer had one. */
  retryAfter: string | null;
  /** The body as text; '' when it was lost mid-read, leaving only the status to judge by. */
  text: string;
}

/**
 * POSTs `body` and reads the answer as text. A failure before any answer is thrown classified
 * (classifyNetworkError): refused = nothing sent, reset or time-out = delivery unknown. The
 * signal (GATEWAY_TIMEOUT_MS) covers the whole exchange, body included. `onSent` is called when
 * the request has been written to the socket (not if it never was).
 */
export async function postText(
  provider: string,
  url: string,
  init: { headers: Record<string, string>; body: RequestBody; signal: AbortSignal; onSent?: () => void },
): Promise<HttpAnswer> {
  const { body, headers } = encode(init.body, init.headers);
  let answer: Awaited<ReturnType<typeof request>>;
  try {
    // The global FormData is Node's own copy of undici's; undici accepts any FormData-like body,
    // only its type declarations differ.
    // onSent rides in the dispatch options to reportingSent (undici hands unknown options on).
    const options = { method: 'POST' as const, headers, body: body as string | UndiciFormData, signal: init.signal, dispatcher: agent, onSent: init.onSent };
    answer = await request(url, options);
  } catch (error) {
    throw classifyNetworkError(error, provider);
  }
  // Always read (or fail reading) the body: an unread body would keep its connection out of the pool.
  const text = await answer.body.text().catch(() => '');
  const retryAfter = answer.headers['retry-after'];
  return {
    status: answer.statusCode,
    ok: answer.statusCode >= 200 && answer.statusCode < 300,
    retryAfter: (Array.isArray(retryAfter) ? retryAfter[0] : retryAfter) ?? null,
    text,
  };
}

/** The body and headers as `fetch` would send them (a form gets its Content-Type, as fetch sets it). */
function encode(body: RequestBody, headers: Record<string, string>): { body: string | FormData; headers: Record<string, string> } {
  if (!(body instanceof URLSearchParams)) return { body, headers };
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  return { body: body.toString(), headers: hasType ? headers : { ...headers, 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' } };
}
