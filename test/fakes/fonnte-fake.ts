import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { startFakeServer, writeHttpAnswer, type FakeHttpAnswer } from './fake-server.js';

/**
 * A local imitation of Fonnte's HTTP API (`POST /send`), written from
 * shared/providers/README.md, including its awkward parts: failures arrive as HTTP 200 with
 * `status:false`, the status key is sometimes spelled `Status`, the token is sent bare.
 */

export interface FakeRequest {
  /** Date.now() when the request's headers arrived. */
  at: number;
  method: string;
  path: string;
  /** Node's lower-cased headers: `headers.authorization`. */
  headers: IncomingHttpHeaders;
  /** Text fields of the urlencoded or multipart body (file parts are skipped). */
  form: Record<string, string>;
}

/** What the fake answers to one request. */
export type FakeAnswer =
  | 'success' // Fonnte's documented success body
  | 'hang' // never answer (time-out tests); the socket is freed by close()
  | 'destroy' // read the request, then destroy the socket without answering
  | { fail: string } // HTTP 200 {"reason":fail,"status":false,"requestid":n}
  | FakeHttpAnswer;

/**
 * A function (return undefined to fall through to the normal handling) or a map from the
 * `target` field to an answer. Consulted before the token check and the validation.
 */
export type FakeBehaviour = ((request: FakeRequest) => FakeAnswer | undefined) | Readonly<Record<string, FakeAnswer>>;

export interface FakeFonnteOptions {
  port?: number;
  token?: string;
  latencyMs?: number;
  behaviour?: FakeBehaviour;
  statusKey?: 'status' | 'Status';
}

export interface FakeFonnte {
  /** Base URL to use as FONNTE_BASE_URL, e.g. http://127.0.0.1:40123 (no trailing slash). */
  readonly url: string;
  readonly requests: FakeRequest[];
  /** The accepted Authorization value; anything else gets `token invalid`. */
  token: string;
  /** Delay before answering, in milliseconds. */
  latencyMs: number;
  behaviour: FakeBehaviour | undefined;
  /** Fonnte sometimes spells the key `Status`; this sets the spelling of every answer. */
  statusKey: 'status' | 'Status';
  close(): Promise<void>;
}

/** Documented limit on `message`; counted in characters (code points), unverified whether Fonnte counts bytes. */
const MAX_MESSAGE_CHARS = 60_000;

export async function startFakeFonnte(options: FakeFonnteOptions = {}): Promise<FakeFonnte> {
  let nextId = 80_367_170;
  let nextRequestId = 2_937_124;
  const server = await startFakeServer({
    port: options.port,
    latencyMs: () => fake.latencyMs,
    decode: (base, body): FakeRequest => ({ ...base, form: parseForm(base.headers['content-type'], body) }),
    decide,
    write,
  });

  /** The test's behaviour first; then the order a real Fonnte plausibly follows: token, input, send. */
  function decide(request: FakeRequest): FakeAnswer {
    const chosen = typeof fake.behaviour === 'function' ? fake.behaviour(request) : fake.behaviour?.[request.form.target ?? ''];
    if (chosen) return chosen;
    // Fonnte's answer for an unknown path is undocumented; a 404 makes a wrong base URL visible.
    if (request.method !== 'POST' || request.path !== '/send') return { http: 404, body: { reason: 'not found', [fake.statusKey]: false } };
    // Documented bodies: no requestid when the token or the input is rejected.
    if (request.headers.authorization !== fake.token) return { http: 200, body: { reason: 'token invalid', [fake.statusKey]: false } };
    if (!request.form.target) return { http: 200, body: { reason: 'input invalid', [fake.statusKey]: false } };
    // The exact reason for an over-long message is undocumented.
    if ([...(request.form.message ?? '')].length > MAX_MESSAGE_CHARS) return { http: 200, body: { reason: 'input invalid', [fake.statusKey]: false } };
    return 'success';
  }

  function write(res: ServerResponse, answer: Exclude<FakeAnswer, 'hang' | 'destroy'>, request: FakeRequest): void {
    if (answer === 'success') answer = { http: 200, body: successBody(request.form.target ?? '') };
    else if ('fail' in answer) answer = { http: 200, body: { reason: answer.fail, [fake.statusKey]: false, requestid: nextRequestId++ } };
    writeHttpAnswer(res, answer);
  }

  /** Keys in Fonnte's (alphabetical) order; a comma list of targets gets one id per target. */
  function successBody(target: string): object {
    const targets = target.split(',').map((t) => t.trim()).filter(Boolean);
    return {
      detail: 'success! message in queue',
      id: targets.map(() => String(nextId++)),
      process: 'pending',
      requestid: nextRequestId++,
      [fake.statusKey]: true,
      target: targets,
    };
  }

  const fake: FakeFonnte = {
    url: server.origin,
    requests: server.requests,
    token: options.token ?? 'fake-fonnte-token',
    latencyMs: options.latencyMs ?? 0,
    behaviour: options.behaviour,
    statusKey: options.statusKey ?? 'status',
    close: () => server.close(),
  };
  return fake;
}

function parseForm(contentType: string | undefined, body: Buffer): Record<string, string> {
  const type = contentType ?? '';
  if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  const boundary = /^multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary) return {};
  // Minimal multipart: text fields only; parts carrying a filename (uploads) are skipped.
  const form: Record<string, string> = {};
  for (const part of body.toString('utf8').split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined || /\bfilename=/i.test(head)) continue;
    form[name] = part.slice(split + 4).replace(/\r\n$/, '');
  }
  return form;
}
