import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { startTestService, type TestService } from '../helpers.js';
import { jsonObject, startFakeServer, writeHttpAnswer, type FakeHttpAnswer, type FakeRequestBase } from './fake-server.js';

/**
 * A local imitation of the Meta WhatsApp Cloud API (`POST /{version}/{phone-number-id}/messages`
 * and `/media`), written from shared/providers/README.md: Bearer token, Graph's error envelope
 * `{"error":{"message","type","code","error_data","fbtrace_id"}}`, `wamid.` message ids,
 * numeric media ids that a later `image.id` must match.
 */

export interface FakeMetaRequest {
  /** Date.now() when the request's headers arrived. */
  at: number;
  method: string;
  /** The full path, version included: /v21.0/1234567890/messages. */
  path: string;
  /** Node's lower-cased headers: `headers.authorization`. */
  headers: IncomingHttpHeaders;
  /** The JSON body of a send; undefined for uploads and unreadable bodies. */
  json: Record<string, unknown> | undefined;
  /** Text fields of a multipart body (media uploads). */
  fields: Record<string, string>;
  /** The file part of a multipart body. */
  file?: { field: string; filename: string; contentType: string; size: number };
}

/** Graph's error, as the fake sends it; the HTTP status defaults by code (see errorStatus). */
export interface FakeMetaError {
  code: number;
  message: string;
  httpStatus?: number;
  type?: string;
  subcode?: number;
  details?: string;
}

/** What the fake answers to one request. */
export type FakeMetaAnswer =
  | 'success' // the documented success body (a wamid for sends, a media id for uploads)
  | 'hang' // never answer (time-out tests); the socket is freed by close()
  | 'destroy' // read the request, then destroy the socket without answering
  | { error: FakeMetaError; headers?: Record<string, string> }
  | FakeHttpAnswer;

/**
 * A function (return undefined to fall through to the normal handling) or a map from the JSON
 * body's `to` to an answer. Consulted before the token check and the validation.
 */
export type FakeMetaBehaviour = ((request: FakeMetaRequest) => FakeMetaAnswer | undefined) | Readonly<Record<string, FakeMetaAnswer>>;

export interface FakeMetaOptions {
  accessToken?: string;
  phoneNumberId?: string;
  port?: number;
  latencyMs?: number;
  /** See FakeMeta.answerTogether (default 0: off). */
  answerTogether?: number;
  /** Delay before answering a media upload (default: latencyMs). */
  uploadLatencyMs?: number;
  behaviour?: FakeMetaBehaviour;
}

export interface FakeMeta {
  /** Use as META_API_BASE_URL: http://127.0.0.1:PORT/v21.0 (no trailing slash). */
  readonly url: string;
  readonly requests: FakeMetaRequest[];
  /** The most requests it held unanswered at one time. */
  readonly peakInFlight: number;
  /** How many media uploads it accepted (ids issued). */
  readonly uploads: number;
  /** The media ids it issued; `image.id` must be one of them. */
  readonly mediaIds: ReadonlySet<string>;
  accessToken: string;
  phoneNumberId: string;
  /** Delay before answering, in milliseconds. */
  latencyMs: number;
  /**
   * When above 0: sends are answered in groups of this many, all in one turn of the event loop,
   * once that many are waiting or latencyMs after the first of them (a group left short). Their
   * answers then reach the client together, however loaded the machine.
   */
  answerTogether: number;
  /** Delay before answering a media upload; undefined: latencyMs. */
  uploadLatencyMs: number | undefined;
  behaviour: FakeMetaBehaviour | undefined;
  close(): Promise<void>;
}

/** A service's settings for sending through `fake` as its environment's Meta number, with no pause. */
export function metaServiceEnv(fake: FakeMeta): Record<string, string | undefined> {
  return {
    WA_GATEWAY: 'meta',
    META_ACCESS_TOKEN: fake.accessToken,
    META_PHONE_NUMBER_ID: fake.phoneNumberId,
    META_API_BASE_URL: fake.url,
    SEND_DELAY_MIN_MS: undefined,
    SEND_DELAY_MAX_MS: undefined,
  };
}

/** A fake Meta and a service (API and worker) sending through it, with `env` on top: the worker tests' usual pair. */
export async function startMetaService(
  fakeOptions: FakeMetaOptions,
  env: Record<string, string | undefined>,
): Promise<{ fake: FakeMeta; svc: TestService; stop(): Promise<void> }> {
  const fake = await startFakeMeta(fakeOptions);
  try {
    const svc = await startTestService({ ...metaServiceEnv(fake), ...env });
    return {
      fake,
      svc,
      stop: async () => {
        await svc.stop();
        await fake.close();
      },
    };
  } catch (error) {
    await fake.close();
    throw error;
  }
}

const VERSION = 'v21.0';
/** The send types the fake understands; Meta knows more (audio, document, …), the adapter sends only these. */
const TYPES = new Set(['text', 'image', 'template']);

export async function startFakeMeta(options: FakeMetaOptions = {}): Promise<FakeMeta> {
  let nextMediaId = 4_490_709_327_384_033n;
  const mediaIds = new Set<string>();
  const group: (() => void)[] = [];
  let groupTimer: NodeJS.Timeout | undefined;
  const answerGroup = () => {
    clearTimeout(groupTimer);
    groupTimer = undefined;
    for (const answer of group.splice(0)) answer();
  };
  const server = await startFakeServer({
    port: options.port,
    latencyMs: (request) => (request.path.endsWith('/media') ? (fake.uploadLatencyMs ?? fake.latencyMs) : fake.latencyMs),
    schedule(request, answer) {
      if (fake.answerTogether <= 0 || !request.path.endsWith('/messages')) return false;
      group.push(answer);
      if (group.length >= fake.answerTogether) answerGroup();
      else groupTimer ??= setTimeout(answerGroup, fake.latencyMs);
      return true;
    },
    decode: decodeRequest,
    decide,
    write,
  });

  /** The test's behaviour first; then Graph's order: path, token, phone number id, body. */
  function decide(request: FakeMetaRequest): FakeMetaAnswer {
    const to = request.json?.to;
    const chosen = typeof fake.behaviour === 'function' ? fake.behaviour(request) : typeof to === 'string' ? fake.behaviour?.[to] : undefined;
    if (chosen) return chosen;
    const route = new RegExp(`^/${VERSION.replace('.', '\\.')}/([^/]+)/(messages|media)$`).exec(request.path);
    // Graph's answer for a path it does not know (*unverified* exact code and text).
    if (request.method !== 'POST' || !route) return { error: { code: 2500, message: `Unknown path components: ${request.path}` } };
    if (request.headers.authorization !== `Bearer ${fake.accessToken}`) {
      return { error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token', httpStatus: 401 } };
    }
    if (route[1] !== fake.phoneNumberId) {
      return {
        error: {
          code: 100,
          subcode: 33,
          message: `Unsupported post request. Object with ID '${route[1]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        },
      };
    }
    const problem = route[2] === 'media' ? uploadProblem(request) : sendProblem(request.json);
    return problem ? { error: problem } : 'success';
  }

  function uploadProblem(request: FakeMetaRequest): FakeMetaError | undefined {
    if (request.fields.messaging_product !== 'whatsapp') return invalid('The parameter messaging_product is required.');
    if (!request.fields.type) return invalid('The parameter type is required.');
    if (!request.file || request.file.field !== 'file' || request.file.size === 0) return invalid('The parameter file is required.');
    return undefined;
  }

  function sendProblem(body: Record<string, unknown> | undefined): FakeMetaError | undefined {
    if (!body) return invalid('Invalid JSON body');
    if (body.messaging_product !== 'whatsapp') return invalid('The parameter messaging_product is required.');
    if (typeof body.to !== 'string' || body.to === '') return invalid('The parameter to is required.');
    if (typeof body.type !== 'string' || !TYPES.has(body.type)) return invalid(`Param type must be one of {${[...TYPES].join(', ')}}`);
    const reference = body.biz_opaque_callback_data;
    // The 512-character limit is Meta's docs, *unverified* in the providers file.
    if (reference !== undefined && (typeof reference !== 'string' || reference.length > 512)) return invalid('Invalid biz_opaque_callback_data');
    const part = body[body.type];
    if (!isObject(part)) return invalid(`The parameter ${body.type} is required.`);
    if (body.type === 'text') return typeof part.body === 'string' && part.body !== '' ? undefined : invalid('The parameter text.body is required.');
    if (body.type === 'image') return mediaProblem(part);
    if (typeof part.name !== 'string' || !isObject(part.language) || typeof part.language.code !== 'string') {
      return invalid('The parameter template.name and template.language.code are required.');
    }
    for (const component of Array.isArray(part.components) ? part.components : []) {
      for (const parameter of isObject(component) && Array.isArray(component.parameters) ? component.parameters : []) {
        if (isObject(parameter) && parameter.type === 'image') {
          const problem = isObject(parameter.image) ? mediaProblem(parameter.image) : invalid('The parameter image is required.');
          if (problem) return problem;
        }
      }
    }
    return undefined;
  }

  function mediaProblem(image: Record<string, unknown>): FakeMetaError | undefined {
    const hasId = typeof image.id === 'string';
    if (hasId === (typeof image.link === 'string')) return invalid('Exactly one of image.id and image.link is required.');
    // The code Meta gives for a media id it does not know is *unverified*: 131053 (media upload
    // error) here; real Meta may answer 100.
    if (hasId && !mediaIds.has(image.id as string)) return { code: 131053, message: 'Media upload error', details: `Unknown media id ${String(image.id)}` };
    return undefined;
  }

  function write(res: ServerResponse, answer: Exclude<FakeMetaAnswer, 'hang' | 'destroy'>, request: FakeMetaRequest): void {
    if (answer === 'success') answer = { http: 200, body: request.path.endsWith('/media') ? { id: issueMediaId() } : sendSuccess(request) };
    else if ('error' in answer) answer = { http: errorStatus(answer.error), headers: answer.headers, body: errorBody(answer.error) };
    writeHttpAnswer(res, answer, 'application/json; charset=UTF-8');
  }

  function issueMediaId(): string {
    const id = String(nextMediaId++);
    mediaIds.add(id);
    return id;
  }

  function sendSuccess(request: FakeMetaRequest): object {
    const to = typeof request.json?.to === 'string' ? request.json.to : '';
    // Real wamids are base64 of an opaque structure; only the `wamid.` prefix matters.
    const wamid = `wamid.${Buffer.concat([Buffer.from(`HBgN${to}FQIAERgS`), randomBytes(9)]).toString('base64')}`;
    return { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: wamid }] };
  }

  const fake: FakeMeta = {
    url: `${server.origin}/${VERSION}`,
    requests: server.requests,
    get uploads() {
      return mediaIds.size;
    },
    get peakInFlight() {
      return server.peakInFlight;
    },
    mediaIds,
    accessToken: options.accessToken ?? 'fake-meta-access-token',
    phoneNumberId: options.phoneNumberId ?? '106540352242922',
    latencyMs: options.latencyMs ?? 0,
    answerTogether: options.answerTogether ?? 0,
    uploadLatencyMs: options.uploadLatencyMs,
    behaviour: options.behaviour,
    close: () => {
      clearTimeout(groupTimer);
      group.length = 0;
      return server.close();
    },
  };
  return fake;
}

function invalid(message: string): FakeMetaError {
  return { code: 100, message: `(#100) ${message}` };
}

/**
 * Graph answers most errors with 400; 401 for token errors, 500 for its own failures. Which
 * status goes with the rate-limit codes is *unverified*; the adapter must not depend on it.
 */
function errorStatus(error: FakeMetaError): number {
  if (error.httpStatus !== undefined) return error.httpStatus;
  if (error.code === 190) return 401;
  if (error.code === 1 || error.code === 2 || error.code === 131000) return 500;
  return 400;
}

function errorBody(error: FakeMetaError): object {
  return {
    error: {
      message: error.message,
      type: error.type ?? 'OAuthException',
      code: error.code,
      ...(error.subcode === undefined ? {} : { error_subcode: error.subcode }),
      error_data: { messaging_product: 'whatsapp', details: error.details ?? error.message },
      fbtrace_id: randomBytes(12).toString('base64url'),
    },
  };
}

function decodeRequest(base: FakeRequestBase, body: Buffer): FakeMetaRequest {
  const type = base.headers['content-type'] ?? '';
  const request: FakeMetaRequest = { ...base, json: undefined, fields: {} };
  // Left undefined when unreadable: the validation answers code 100.
  if (type.startsWith('application/json')) request.json = jsonObject(body);
  const boundary = /^multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (boundary) Object.assign(request, parseMultipart(body, boundary));
  return request;
}

/** Minimal multipart over the raw bytes, so a file's size is its true byte count. */
function parseMultipart(body: Buffer, boundary: string): Pick<FakeMetaRequest, 'fields' | 'file'> {
  const result: Pick<FakeMetaRequest, 'fields' | 'file'> = { fields: {} };
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length, next);
    start = next;
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.subarray(0, split).toString('utf8');
    let content = part.subarray(split + 4);
    if (content.subarray(-2).toString('latin1') === '\r\n') content = content.subarray(0, -2);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) continue;
    const filename = /\bfilename="([^"]*)"/i.exec(head)?.[1];
    if (filename === undefined) result.fields[name] = content.toString('utf8');
    else result.file = { field: name, filename, contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim() ?? '', size: content.length };
  }
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
