import { createHmac, timingSafeEqual } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import {
  classifyUnexplainedStatus,
  clip,
  defineProvider,
  fingerprint,
  GatewayError,
  parseJsonObject,
  parseRetryAfter,
  sameSecret,
  scrubSecrets,
  singleHeader,
  type Gateway,
  type OutgoingImage,
  type OutgoingMessage,
  type WebhookEvent,
  type WebhookHandler,
  type WebhookRequest,
} from '../gateway.js';
import { postText } from '../http-client.js';

/**
 * Meta WhatsApp Cloud API (graph.facebook.com), from shared/providers/README.md. Traps:
 * - failures are HTTP 4xx/5xx with `error.code`; the code, not the status, says what to do;
 * - business-initiated messages outside the 24-hour window need an approved template (131047);
 * - images go either as a public `link` or as the `id` of an upload: we upload each image once
 *   per process and reuse its id, so PUBLIC_BASE_URL is not needed by default.
 */
const MetaSettings = Type.Object({
  META_ACCESS_TOKEN: Type.String({ minLength: 1 }),
  META_PHONE_NUMBER_ID: Type.String({ pattern: '^[0-9]+$' }),
  /** Signs every webhook POST; without it no webhook is believed. */
  META_APP_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  /** Our answer to Meta's GET subscription handshake. */
  META_VERIFY_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  META_API_BASE_URL: Type.String({ default: 'https://graph.facebook.com/v21.0', pattern: '^https?://' }),
  META_IMAGE_MODE: Type.Union([Type.Literal('upload'), Type.Literal('link')], { default: 'upload' }),
  /** Refuse free-text blasts: Meta delivers free text only inside the 24-hour customer-service window. */
  META_REQUIRE_TEMPLATE: Type.Optional(Type.Boolean()),
});
type MetaSettings = Static<typeof MetaSettings>;

export default defineProvider({
  name: 'meta',
  settings: MetaSettings,
  secrets: ['META_ACCESS_TOKEN', 'META_APP_SECRET', 'META_VERIFY_TOKEN'],
  create: (settings) => createMetaGateway(settings),
  webhook: (settings) => metaWebhook(settings),
});

/**
 * A shared upload has its own time limit, not the first caller's: a caller that gives up must
 * not abort the upload the others are waiting for.
 */
const UPLOAD_TIMEOUT_MS = 60_000;
/** Meta keeps uploaded media for 30 days (its docs; *unverified* in the providers file): renew well before. */
const MEDIA_TTL_MS = 24 * 60 * 60 * 1000;

interface MetaAnswer {
  ok: boolean;
  status: number;
  retryAfter: string | null;
  body: Record<string, unknown> | undefined;
}

function createMetaGateway(settings: MetaSettings): Gateway {
  const root = `${settings.META_API_BASE_URL.replace(/\/+$/, '')}/${settings.META_PHONE_NUMBER_ID}`;
  const authorization = `Bearer ${settings.META_ACCESS_TOKEN}`;
  const secrets = [settings.META_ACCESS_TOKEN, settings.META_APP_SECRET, settings.META_VERIFY_TOKEN];
  const uploadMode = settings.META_IMAGE_MODE === 'upload';
  /** image.key → its media id; the promise is cached so concurrent first sends share one upload. */
  const media = new Map<string, { id: Promise<string>; expiresAt: number }>();

  async function call(path: string, init: { headers: Record<string, string>; body: string | FormData }, signal: AbortSignal, onSent?: () => void): Promise<MetaAnswer> {
    const response = await postText('meta', `${root}/${path}`, { body: init.body, headers: { ...init.headers, Authorization: authorization }, signal, onSent });
    // A body lost mid-read leaves only the status to judge by (a 200 without an id is "unknown").
    return { ok: response.ok, status: response.status, retryAfter: response.retryAfter, body: parseJsonObject(response.text) };
  }

  async function upload(image: OutgoingImage): Promise<string> {
    let bytes: Buffer;
    try {
      bytes = await image.load();
    } catch (error) {
      throw new GatewayError('transient', `meta: cannot read the image to upload (${(error as Error)?.message ?? 'error'}); nothing was sent`);
    }
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', image.mime);
    form.set('file', new Blob([new Uint8Array(bytes)], { type: image.mime }), `image.${image.mime.split('/')[1] ?? 'bin'}`);
    let answer: MetaAnswer;
    try {
      answer = await call('media', { headers: {}, body: form }, AbortSignal.timeout(UPLOAD_TIMEOUT_MS));
    } catch (error) {
      // Only the upload may have happened, never the message: retrying cannot send twice.
      const failure = error as GatewayError;
      throw failure.kind === 'unknown_outcome' ? new GatewayError('transient', `meta: media upload failed (${failure.message}); nothing was sent`) : failure;
    }
    const id = answer.body?.id;
    if (answer.ok && (typeof id === 'string' || typeof id === 'number') && String(id) !== '') return String(id);
    if (answer.ok) throw new GatewayError('transient', 'meta: media upload answered without an id; nothing was sent');
    const failure = classifyMetaError(answer.status, answer.body?.error, answer.retryAfter, secrets);
    // A rejected image (type, size) is the same for every recipient of the blast: failing them
    // one by one would burn the whole list, so the number stops until someone fixes the image.
    if (failure.kind === 'recipient') throw new GatewayError('account', `meta: media upload rejected: ${failure.message} (check the blast's image)`);
    throw failure;
  }

  function mediaId(image: OutgoingImage, signal: AbortSignal): Promise<string> {
    const now = Date.now();
    let entry = media.get(image.key);
    if (!entry || entry.expiresAt <= now) {
      const created = { id: upload(image), expiresAt: now + MEDIA_TTL_MS };
      media.set(image.key, created);
      // A failed upload is forgotten, so the next send tries again.
      created.id.catch(() => media.get(image.key) === created && media.delete(image.key));
      entry = created;
    }
    return untilAborted(entry.id, signal);
  }

  return {
    provider: 'meta',
    credentialsFingerprint: fingerprint('meta', settings.META_ACCESS_TOKEN, settings.META_PHONE_NUMBER_ID, settings.META_API_BASE_URL),
    needsPublicImageUrl: !uploadMode,
    supportsTemplates: true,
    requiresTemplate: settings.META_REQUIRE_TEMPLATE === true,
    async send(message, signal, onSent) {
      const image = message.image && (uploadMode ? { id: await mediaId(message.image, signal) } : { link: message.image.url });
      const answer = await call('messages', { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(messageBody(message, image)) }, signal, onSent);
      if (answer.ok) {
        const messages = answer.body?.messages;
        const id: unknown = Array.isArray(messages) ? (messages[0] as { id?: unknown } | undefined)?.id : undefined;
        if (typeof id === 'string' && id !== '') return { providerMessageId: id };
        throw new GatewayError('unknown_outcome', 'delivery unknown: meta accepted the request without a message id');
      }
      const error = answer.body?.error;
      if (image && 'id' in image && metaCode(error) === 131053) {
        // 131053 ("media upload error") for an id we uploaded earlier most likely means Meta
        // dropped the media (*unverified*): forget it so the retry uploads the image again.
        media.delete(message.image!.key);
        throw new GatewayError('transient', `${describeMetaError(131053, error, secrets)} (the image is uploaded again on retry)`);
      }
      throw classifyMetaError(answer.status, error, answer.retryAfter, secrets);
    },
  };
}

type MediaRef = { id: string } | { link: string };

/** The request body exactly as the providers file documents it for each type. */
export function messageBody(message: OutgoingMessage, image: MediaRef | undefined): Record<string, unknown> {
  const reference = { biz_opaque_callback_data: message.reference };
  if (message.template) {
    const { name, language, bodyParams } = message.template;
    const components: Record<string, unknown>[] = [];
    if (image) components.push({ type: 'header', parameters: [{ type: 'image', image }] });
    if (bodyParams.length > 0) components.push({ type: 'body', parameters: bodyParams.map((text) => ({ type: 'text', text })) });
    const template = { name, language: { code: language }, ...(components.length > 0 ? { components } : {}) };
    return { messaging_product: 'whatsapp', to: message.to, type: 'template', template, ...reference };
  }
  if (image) {
    const caption = message.text === '' ? {} : { caption: message.text };
    return { messaging_product: 'whatsapp', to: message.to, type: 'image', image: { ...image, ...caption }, ...reference };
  }
  return { messaging_product: 'whatsapp', recipient_type: 'individual', to: message.to, type: 'text', text: { preview_url: false, body: message.text }, ...reference };
}

/** Stop the sending number: a human must act (token, permissions, policy block, locked account). */
const ACCOUNT_CODES = new Set([0, 190, 10, 368, 131031, 131048]);
/** Back off this long unless Retry-After says otherwise: call limits reset within the hour, throughput within seconds. */
const RATE_LIMIT_DEFAULT_MS = new Map([
  [4, 60_000],
  [80007, 60_000],
  [130429, 5_000],
  [131056, 10_000],
]);
const TRANSIENT_CODES = new Set([1, 2, 131057]);
/**
 * Fail this recipient. 131050 (the user stopped marketing messages) is *unverified* in the
 * providers file; either way nothing more can be sent to that user, so failing them is right.
 */
const RECIPIENT_CODES = new Set([131026, 131049, 131047, 131050, 100, 131008, 131009, 131021, 132000, 132001, 132012]);

/** Decides what one Meta error answer means for the worker. */
export function classifyMetaError(httpStatus: number, error: unknown, retryAfter: string | null, secrets: readonly (string | undefined)[] = []): GatewayError {
  const code = metaCode(error);
  if (code === undefined) {
    // Not Meta's error shape: a proxy or a wrong META_API_BASE_URL.
    return classifyUnexplainedStatus(httpStatus, 'meta', 'META_API_BASE_URL', retryAfter);
  }
  const text = describeMetaError(code, error, secrets);
  if (ACCOUNT_CODES.has(code) || (code >= 200 && code <= 299)) return new GatewayError('account', text);
  // Graph's answer when the phone number id does not exist or the token cannot see it (code 100,
  // subcode 33), and for an unknown path (2500): configuration, not the recipient (*unverified*:
  // not in the providers file).
  if (code === 100 && subcode(error) === 33) return new GatewayError('account', `${text} (check META_PHONE_NUMBER_ID)`);
  if (code === 2500) return new GatewayError('account', `${text} (check META_API_BASE_URL)`);
  const wait = RATE_LIMIT_DEFAULT_MS.get(code);
  if (wait !== undefined) return new GatewayError('rate_limited', text, retryAfter === null ? wait : parseRetryAfter(retryAfter));
  if (TRANSIENT_CODES.has(code)) return new GatewayError('transient', text);
  if (code === 131047) {
    return new GatewayError('recipient', `${text} (more than 24 hours since the customer last wrote: only an approved template can reach them)`);
  }
  if (RECIPIENT_CODES.has(code)) return new GatewayError('recipient', text);
  // A code the providers file does not list: the HTTP status is the best remaining hint.
  if (httpStatus === 429) return new GatewayError('rate_limited', text, parseRetryAfter(retryAfter));
  if (httpStatus === 401 || httpStatus === 403) return new GatewayError('account', text);
  if (httpStatus >= 500) return new GatewayError('transient', text);
  return new GatewayError('recipient', text);
}

function metaCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  const value = typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : code;
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function subcode(error: unknown): number | undefined {
  const value = (error as { error_subcode?: unknown }).error_subcode;
  return typeof value === 'number' ? value : undefined;
}

/** `meta 131026: Message undeliverable (details)`, without Meta's "(#131026) " prefix or any secret. */
function describeMetaError(code: number, error: unknown, secrets: readonly (string | undefined)[]): string {
  const e = (error ?? {}) as { message?: unknown; error_data?: { details?: unknown } };
  const message = typeof e.message === 'string' ? e.message.replace(/^\(#\d+\)\s*/, '').trim() : '';
  const details = typeof e.error_data?.details === 'string' ? e.error_data.details.trim() : '';
  let text = `meta ${code}: ${message || 'no message'}`;
  if (details && details !== message) text += ` (${details})`;
  return clip(scrubSecrets(text, secrets));
}

/** Waits for a shared promise, but only as long as this caller's signal allows. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  const gaveUp = () => new GatewayError('transient', 'meta: media upload still running when the send timed out; nothing was sent');
  if (signal.aborted) return Promise.reject(gaveUp());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(gaveUp());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (error: unknown) => (signal.removeEventListener('abort', onAbort), reject(error)),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Webhooks

function metaWebhook(settings: MetaSettings): WebhookHandler {
  return {
    handshake(request) {
      const { 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge } = request.query;
      if (mode === 'subscribe' && challenge !== undefined && settings.META_VERIFY_TOKEN && token !== undefined && sameSecret(token, settings.META_VERIFY_TOKEN)) {
        return { status: 200, body: challenge };
      }
      return { status: 403, body: 'forbidden' };
    },
    verify(request) {
      return validSignature(request, settings.META_APP_SECRET);
    },
    parse(request) {
      try {
        return parseMetaPayload(JSON.parse(request.rawBody.toString('utf8')));
      } catch {
        return [];
      }
    },
  };
}

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`, compared in constant time. */
function validSignature(request: WebhookRequest, appSecret: string | undefined): boolean {
  if (!appSecret) return false;
  const header = singleHeader(request.headers, 'x-hub-signature-256');
  const hex = header === undefined ? undefined : /^sha256=([0-9a-f]{64})$/i.exec(header.trim())?.[1];
  if (!hex) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac('sha256', appSecret).update(request.rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const STATUSES = new Set(['sent', 'delivered', 'read', 'failed'] as const);
type Status = 'sent' | 'delivered' | 'read' | 'failed';

/** Statuses and inbound texts in Meta's envelope; anything unrecognised is skipped, never thrown. */
export function parseMetaPayload(payload: unknown): WebhookEvent[] {
  if (!isObject(payload) || (payload.object !== undefined && payload.object !== 'whatsapp_business_account')) return [];
  const events: WebhookEvent[] = [];
  for (const entry of arrayOf(payload.entry)) {
    for (const change of arrayOf(isObject(entry) ? entry.changes : undefined)) {
      if (!isObject(change) || (change.field !== undefined && change.field !== 'messages') || !isObject(change.value)) continue;
      for (const status of arrayOf(change.value.statuses)) pushIf(events, statusEvent(status));
      for (const message of arrayOf(change.value.messages)) pushIf(events, inboundEvent(message));
    }
  }
  return events;
}

function statusEvent(raw: unknown): WebhookEvent | undefined {
  if (!isObject(raw) || typeof raw.id !== 'string' || raw.id === '' || !STATUSES.has(raw.status as Status)) return undefined;
  const at = millis(raw.timestamp);
  if (at === undefined) return undefined;
  const errors = arrayOf(raw.errors).filter(isObject).map(describeStatusError);
  return {
    kind: 'status',
    providerMessageId: raw.id,
    ...(typeof raw.biz_opaque_callback_data === 'string' && raw.biz_opaque_callback_data !== '' ? { reference: raw.biz_opaque_callback_data } : {}),
    status: raw.status as Status,
    ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
    at,
  };
}

/** `131026 Message undeliverable: <message>`. */
function describeStatusError(error: Record<string, unknown>): string {
  const head = [error.code, error.title].filter((v) => typeof v === 'string' || typeof v === 'number').join(' ');
  const details = isObject(error.error_data) ? error.error_data.details : undefined;
  const message = typeof error.message === 'string' && error.message !== '' ? error.message : details;
  return typeof message === 'string' && message !== '' && message !== error.title ? `${head}: ${message}` : head || 'unknown error';
}

function inboundEvent(raw: unknown): WebhookEvent | undefined {
  if (!isObject(raw) || typeof raw.from !== 'string' || raw.from === '') return undefined;
  const at = millis(raw.timestamp);
  if (at === undefined) return undefined;
  let text: unknown;
  if (raw.type === 'text' && isObject(raw.text)) text = raw.text.body;
  // A tap on a template's quick-reply button (Meta's "Stop promotions" opt-out) arrives as
  // type `button` with its label in `button.text` (*unverified*: not in the providers file).
  else if (raw.type === 'button' && isObject(raw.button)) text = raw.button.text;
  return typeof text === 'string' ? { kind: 'inbound', from: raw.from, text, at } : undefined;
}

/** Meta's timestamps are Unix seconds, as a string. */
function millis(value: unknown): number | undefined {
  const seconds = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof seconds === 'number' && Number.isInteger(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function pushIf<T>(list: T[], item: T | undefined): void {
  if (item !== undefined) list.push(item);
}
