import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { jsonObject, pathOf, startFakeServer, writeHttpAnswer, type FakeHttpAnswer } from './fake-server.js';

/**
 * A local imitation of Watzap.id's API (base `…/v1`), written from shared/providers/README.md,
 * including its awkward parts: every call is a POST whose JSON body carries `api_key` and
 * `number_key`; `status` is a STRING; failures arrive as HTTP 200; no message id is returned.
 */

export interface FakeWatzapRequest {
  /** Date.now() when the request's headers arrived. */
  at: number;
  method: string;
  /** The path under the base URL: `/send_message`, `/send_image_url`, `/checking_key`. */
  path: string;
  /** Node's lower-cased headers. */
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when it was not a JSON object. */
  json: Record<string, unknown> | undefined;
}

/** What the fake answers to one request. */
export type FakeWatzapAnswer =
  | 'success' // HTTP 200 {"status":"200","message":"Successfully","ack":"successfully"}
  | 'hang' // never answer (time-out tests); the socket is freed by close()
  | 'destroy' // read the request, then destroy the socket without answering
  | { status: string; message?: string; http?: number } // a Watzap failure body, HTTP 200 unless told
  | FakeHttpAnswer;

/**
 * A function (return undefined to fall through to the normal handling) or a map from
 * `phone_no` to an answer. Consulted before the key check and the validation.
 */
export type FakeWatzapBehaviour = ((request: FakeWatzapRequest) => FakeWatzapAnswer | undefined) | Readonly<Record<string, FakeWatzapAnswer>>;

export interface FakeWatzapOptions {
  port?: number;
  apiKey?: string;
  numberKey?: string;
  latencyMs?: number;
  behaviour?: FakeWatzapBehaviour;
}

export interface FakeWatzap {
  /** Base URL to use as WATZAP_BASE_URL, e.g. http://127.0.0.1:40123/v1 (no trailing slash). */
  readonly url: string;
  readonly requests: FakeWatzapRequest[];
  apiKey: string;
  numberKey: string;
  /** Delay before answering, in milliseconds. */
  latencyMs: number;
  behaviour: FakeWatzapBehaviour | undefined;
  close(): Promise<void>;
}

/** Messages of the documented statuses; only 1005's wording is documented, the others are *unverified*. */
export const WATZAP_FAILURES: Readonly<Record<string, string>> = {
  '1002': 'Invalid API Key',
  '1003': 'Invalid Number Key',
  '1004': 'Pairing Failed',
  '1005': 'WhatsApp Instance Not Started',
  '1006': 'Failed',
};

const SEND_PATHS = new Set(['/send_message', '/send_image_url']);

export async function startFakeWatzap(options: FakeWatzapOptions = {}): Promise<FakeWatzap> {
  const server = await startFakeServer({
    port: options.port,
    latencyMs: () => fake.latencyMs,
    decode: (base, body): FakeWatzapRequest => ({ ...base, path: base.path.replace(/^\/v1(?=\/)/, ''), json: jsonObject(body) }),
    decide: (request, req) => (pathOf(req).startsWith('/v1/') ? decide(request) : { http: 404, body: 'Not Found' }),
    write,
  });

  /** The test's behaviour first; then the order a real Watzap plausibly follows: keys, input, send. */
  function decide(request: FakeWatzapRequest): FakeWatzapAnswer {
    const json = request.json ?? {};
    const chosen = typeof fake.behaviour === 'function' ? fake.behaviour(request) : fake.behaviour?.[String(json.phone_no ?? '')];
    if (chosen) return chosen;
    // Watzap's answer for an unknown path or method is undocumented; a 404 makes a wrong base URL visible.
    if (request.method !== 'POST' || !(SEND_PATHS.has(request.path) || request.path === '/checking_key')) return { http: 404, body: 'Not Found' };
    if (json.api_key !== fake.apiKey) return { status: '1002' };
    if (json.number_key !== fake.numberKey) return { status: '1003' };
    if (request.path === '/checking_key') {
      // Documented to include these two; the envelope around them is *unverified*.
      return { http: 200, body: { status: '200', message: 'Successfully', ack: 'successfully', data: { is_connected: true, limit_message_per_day: 1000 } } };
    }
    // Watzap's answer to missing fields is undocumented; "1006" (other) is the likeliest.
    const text = (key: string) => typeof json[key] === 'string' && json[key] !== '';
    if (!text('phone_no') || !/^\d+$/.test(String(json.phone_no))) return { status: '1006', message: 'Invalid phone number' };
    if (request.path === '/send_message' && typeof json.message !== 'string') return { status: '1006', message: 'Message is required' };
    if (request.path === '/send_image_url' && !text('url')) return { status: '1006', message: 'Url is required' };
    return 'success';
  }

  function write(res: ServerResponse, answer: Exclude<FakeWatzapAnswer, 'hang' | 'destroy'>): void {
    if (answer === 'success') answer = { http: 200, body: { status: '200', message: 'Successfully', ack: 'successfully' } };
    else if ('status' in answer) {
      answer = { http: answer.http ?? 200, body: { status: answer.status, message: answer.message ?? WATZAP_FAILURES[answer.status] ?? 'Failed', ack: 'fatal_error' } };
    }
    writeHttpAnswer(res, answer);
  }

  const fake: FakeWatzap = {
    url: `${server.origin}/v1`,
    requests: server.requests,
    apiKey: options.apiKey ?? 'fake-watzap-api-key',
    numberKey: options.numberKey ?? 'fake-watzap-number-key',
    latencyMs: options.latencyMs ?? 0,
    behaviour: options.behaviour,
    close: () => server.close(),
  };
  return fake;
}
