import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { startFakeServer, writeHttpAnswer, type FakeHttpAnswer } from './fake-server.js';

/**
 * A local imitation of Twilio's Messages API for WhatsApp
 * (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`), written from
 * shared/providers/README.md: Basic auth `AccountSid:AuthToken`, urlencoded fields with
 * `whatsapp:` prefixes, `201` with a fresh `SM…` sid, errors as `{code, message, more_info, status}`.
 * It can also play Twilio's side of a status callback, signed as Twilio signs it.
 */

export interface FakeTwilioRequest {
  /** Date.now() when the request's headers arrived. */
  at: number;
  method: string;
  path: string;
  /** Node's lower-cased headers: `headers.authorization`. */
  headers: IncomingHttpHeaders;
  /** The urlencoded fields (the last value of a repeated name). */
  form: Record<string, string>;
  /** Every field in order, repeated names (several MediaUrl) kept. */
  fields: [string, string][];
}

/** What the fake answers to one request. */
export type FakeTwilioAnswer =
  | 'success' // 201 with the documented body and a fresh SM… sid
  | 'hang' // never answer (time-out tests); the socket is freed by close()
  | 'destroy' // read the request, then destroy the socket without answering
  | { error: number; http?: number; message?: string; headers?: Record<string, string> } // Twilio's error body, HTTP 400 unless told
  | FakeHttpAnswer;

/**
 * A function (return undefined to fall through to the normal handling) or a map from the
 * recipient's digits (the `To` field without `whatsapp:+`) to an answer. Consulted before the
 * credential check and the validation.
 */
export type FakeTwilioBehaviour = ((request: FakeTwilioRequest) => FakeTwilioAnswer | undefined) | Readonly<Record<string, FakeTwilioAnswer>>;

export interface FakeTwilioOptions {
  port?: number;
  accountSid?: string;
  authToken?: string;
  latencyMs?: number;
  behaviour?: FakeTwilioBehaviour;
}

/** A message the fake accepted, kept so a test can post its status callbacks. */
export interface FakeTwilioMessage {
  sid: string;
  to: string;
  from: string | null;
  statusCallback: string | undefined;
}

export interface FakeTwilio {
  /** Base URL to use as TWILIO_BASE_URL, e.g. http://127.0.0.1:40123 (no trailing slash). */
  readonly url: string;
  readonly requests: FakeTwilioRequest[];
  /** Accepted messages, in order. */
  readonly messages: FakeTwilioMessage[];
  accountSid: string;
  authToken: string;
  /** Delay before answering, in milliseconds. */
  latencyMs: number;
  behaviour: FakeTwilioBehaviour | undefined;
  /**
   * POSTs a status callback for an accepted message to its StatusCallback URL, as Twilio does:
   * urlencoded, signed with X-Twilio-Signature over `signUrl` (default: the StatusCallback
   * itself — pass the public URL when the callback goes through a proxy). Returns the HTTP status.
   */
  postStatus(sid: string, status: string, extra?: Record<string, string>, signUrl?: string): Promise<number>;
  close(): Promise<void>;
}

/** Twilio's request signature (twilio.com/docs/usage/security): HMAC-SHA1 over the URL and the sorted parameters. */
export function signTwilioRequest(authToken: string, url: string, params: Readonly<Record<string, string>>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** Twilio's documented limit on Body. */
const MAX_BODY_CHARS = 1_600;
const WHATSAPP_ADDRESS = /^whatsapp:\+[1-9][0-9]{5,14}$/;
const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

export async function startFakeTwilio(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const server = await startFakeServer({
    port: options.port,
    latencyMs: () => fake.latencyMs,
    decode: (base, body): FakeTwilioRequest => {
      const fields = (base.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? [...new URLSearchParams(body.toString('utf8'))] : [];
      return { ...base, form: Object.fromEntries(fields), fields };
    },
    decide,
    write,
  });

  /** The test's behaviour first; then what Twilio checks: credentials, the resource, the fields. */
  function decide(request: FakeTwilioRequest): FakeTwilioAnswer {
    const to = (request.form.To ?? '').replace(/^whatsapp:\+?/, '');
    const chosen = typeof fake.behaviour === 'function' ? fake.behaviour(request) : fake.behaviour?.[to];
    if (chosen) return chosen;
    const expected = `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`;
    // Twilio's documented answer to bad credentials.
    if (request.headers.authorization !== expected) return { error: 20003, http: 401, message: 'Authenticate' };
    const sid = MESSAGES_PATH.exec(request.path)?.[1];
    if (request.method !== 'POST' || sid !== fake.accountSid) {
      return { error: 20404, http: 404, message: `The requested resource ${request.path} was not found` };
    }
    const form = request.form;
    if (!WHATSAPP_ADDRESS.test(form.To ?? '')) return { error: 21211, message: `Invalid 'To' Phone Number: ${form.To ?? ''}` };
    // The codes below are Twilio's for these cases as far as its error dictionary tells
    // (*unverified* that WhatsApp sends get exactly these).
    if (form.From === undefined && form.MessagingServiceSid === undefined) return { error: 21603, message: "A 'From' phone number is required." };
    if (form.From !== undefined && !WHATSAPP_ADDRESS.test(form.From)) return { error: 21212, message: `Invalid 'From' Phone Number: ${form.From}` };
    if (form.ContentSid !== undefined && !/^HX[0-9a-fA-F]{32}$/.test(form.ContentSid)) return { error: 21655, message: 'The ContentSid is Invalid.' };
    if (form.Body === undefined && form.ContentSid === undefined && form.MediaUrl === undefined) {
      return { error: 21619, message: 'A text message body or media urls must be specified.' };
    }
    if ([...(form.Body ?? '')].length > MAX_BODY_CHARS) return { error: 21617, message: 'The concatenated message body exceeds the 1600 character limit.' };
    return 'success';
  }

  function write(res: ServerResponse, answer: Exclude<FakeTwilioAnswer, 'hang' | 'destroy'>, request: FakeTwilioRequest): void {
    if (answer === 'success') answer = { http: 201, body: accept(request) };
    else if ('error' in answer) {
      const http = answer.http ?? 400;
      answer = { http, headers: answer.headers, body: { code: answer.error, message: answer.message ?? 'Error', more_info: `https://www.twilio.com/docs/errors/${answer.error}`, status: http } };
    }
    writeHttpAnswer(res, answer);
  }

  /** The documented success body, keys in the documented order. */
  function accept(request: FakeTwilioRequest): object {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const from = request.form.From ?? null;
    fake.messages.push({ sid, to: request.form.To ?? '', from, statusCallback: request.form.StatusCallback });
    const media = request.fields.filter(([name]) => name === 'MediaUrl').length;
    return { sid, status: 'queued', to: request.form.To, from, error_code: null, error_message: null, num_media: String(media) };
  }

  const fake: FakeTwilio = {
    url: server.origin,
    requests: server.requests,
    messages: [],
    accountSid: options.accountSid ?? `AC${'0'.repeat(32)}`,
    authToken: options.authToken ?? 'fake-twilio-auth-token',
    latencyMs: options.latencyMs ?? 0,
    behaviour: options.behaviour,
    async postStatus(sid, status, extra = {}, signUrl) {
      const message = fake.messages.find((m) => m.sid === sid);
      if (!message?.statusCallback) throw new Error(`fake twilio: no StatusCallback recorded for ${sid}`);
      // The parameters Twilio documents for a status callback; extras stand for the fields it
      // adds without notice.
      const params: Record<string, string> = {
        AccountSid: fake.accountSid,
        ApiVersion: '2010-04-01',
        From: message.from ?? '',
        MessageSid: sid,
        MessageStatus: status,
        SmsSid: sid,
        SmsStatus: status,
        To: message.to,
        ...extra,
      };
      const response = await fetch(message.statusCallback, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signTwilioRequest(fake.authToken, signUrl ?? message.statusCallback, params) },
        body: new URLSearchParams(params),
      });
      await response.arrayBuffer();
      return response.status;
    },
    close: () => server.close(),
  };
  return fake;
}
