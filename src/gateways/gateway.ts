import { createHash, timingSafeEqual } from 'node:crypto';
import type { TSchema, Static } from '@sinclair/typebox';
import type { Logger } from 'pino';

/** One message to one recipient, already rendered. */
export interface OutgoingMessage {
  /** Digits only, with country code: 6281234567890. */
  to: string;
  /** The rendered text (a caption when there is an image). */
  text: string;
  image?: OutgoingImage;
  /** An approved template, for providers that need one outside the 24-hour window. */
  template?: OutgoingTemplate;
  /** Our id for this recipient (the log row), for providers that echo a reference back. */
  reference: string;
}

export interface OutgoingImage {
  /** Public URL (under PUBLIC_BASE_URL), for providers that fetch media by URL. */
  url: string;
  mime: string;
  /** Stable and unique per image (its unguessable token): a key to cache an upload by. */
  key: string;
  /** The bytes, for providers that take an upload instead of a URL. */
  load(): Promise<Buffer>;
}

export interface OutgoingTemplate {
  name: string;
  language: string;
  /** Rendered per recipient, in order: {{1}}, {{2}}, … */
  bodyParams: string[];
}

export interface SendResult {
  /** The provider's id for the message, where it returns one (Watzap does not). */
  providerMessageId: string | null;
}

export interface Gateway {
  readonly provider: string;
  /** Changes when the credentials change, so a sender paused for a bad token can resume. */
  readonly credentialsFingerprint: string;
  /** True when images reach the provider only as a public URL (needs PUBLIC_BASE_URL). */
  readonly needsPublicImageUrl: boolean;
  /** The provider sends approved templates (Meta, Twilio). */
  readonly supportsTemplates?: boolean;
  /** Free text is refused by configuration (META_REQUIRE_TEMPLATE): every blast needs a template. */
  readonly requiresTemplate?: boolean;
  /**
   * `onSent` is called when the message's request has been written to the provider's connection
   * (never for other requests, such as a media upload): a rate limit counts from then.
   */
  send(message: OutgoingMessage, signal: AbortSignal, onSent?: () => void): Promise<SendResult>;
}

/**
 * How a failed send is handled — the whole vocabulary the worker understands:
 * - `recipient`: this recipient can't be reached this way (bad number, not on WhatsApp): fail it.
 * - `transient`: nothing was sent (refused connection, 5xx): retry with backoff.
 * - `rate_limited`: the provider asks us to wait `retryAfterMs`: retry then, and slow the number.
 * - `account`: the sending number itself can't send (token, quota, device): stop it, keep the
 *   recipients pending, show the reason.
 * - `unknown_outcome`: the request may have reached the provider (time-out, reset mid-answer):
 *   retrying could send twice, so the recipient fails with "delivery unknown".
 */
export type FailureKind = 'recipient' | 'transient' | 'rate_limited' | 'account' | 'unknown_outcome';

export class GatewayError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A delivery receipt or an inbound message, in our terms. */
export type WebhookEvent =
  | {
      kind: 'status';
      providerMessageId: string;
      /** Our reference (the log row id), where the provider echoes it back. */
      reference?: string;
      status: 'sent' | 'delivered' | 'read' | 'failed';
      error?: string;
      at: number;
    }
  | { kind: 'inbound'; from: string; text: string; at: number };

/** What a webhook route received: the raw bytes, because signatures are over them. */
export interface WebhookRequest {
  method: 'GET' | 'POST';
  /** The URL the provider called, as it saw it (PUBLIC_BASE_URL + path + query). */
  publicUrl: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string>;
  rawBody: Buffer;
  /** The path segment after /webhooks/<provider>/, if any (Fonnte's secret). */
  pathSecret?: string;
}

export interface WebhookHandler {
  /** GET subscription handshakes (Meta): the answer to send. */
  handshake?(request: WebhookRequest): { status: number; body: string };
  /** True when the request provably comes from the provider (signature, secret). */
  verify(request: WebhookRequest): boolean;
  /** The events in a verified request; unknown or irrelevant content yields none. */
  parse(request: WebhookRequest): WebhookEvent[];
  /** The body the provider expects back from a verified request (default: JSON `{success:true}`). */
  readonly reply?: { contentType: string; body: string };
}

export interface ProviderContext {
  logger: Logger;
  publicBaseUrl: string | undefined;
}

/**
 * A provider file's default export. `settings` is the TypeBox schema of the environment
 * variables it reads (checked at start, so a missing token stops the process with its name);
 * `secrets` names the ones that must never appear in logs.
 */
export interface ProviderDefinition<S extends TSchema = TSchema> {
  name: string;
  settings: S;
  secrets: (keyof Static<S> & string)[];
  create(settings: Static<S>, context: ProviderContext): Gateway;
  /** Receipts and inbound messages, for providers that post them to us. */
  webhook?(settings: Static<S>, context: ProviderContext): WebhookHandler;
}

export function defineProvider<S extends TSchema>(definition: ProviderDefinition<S>): ProviderDefinition<S> {
  return definition;
}

export function fingerprint(...parts: (string | undefined)[]): string {
  return createHash('sha256').update(parts.map((p) => p ?? '').join('\u0000')).digest('hex').slice(0, 16);
}

/** Error codes that prove the request never left this machine, so a retry cannot double-send. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Classifies a failed request that got no HTTP answer (http-client.ts). */
export function classifyNetworkError(error: unknown, provider: string): GatewayError {
  if (error instanceof GatewayError) return error;
  const err = error as { name?: string; cause?: { code?: string; name?: string }; code?: string };
  const code = err.cause?.code ?? err.code;
  if (code && NOT_SENT_CODES.has(code)) return new GatewayError('transient', `${provider}: cannot connect (${code})`);
  if (err.name === 'TimeoutError' || err.cause?.name === 'TimeoutError') {
    return new GatewayError('unknown_outcome', `delivery unknown: ${provider} did not answer in time`);
  }
  return new GatewayError('unknown_outcome', `delivery unknown: ${provider} connection failed (${code ?? err.name ?? 'error'})`);
}

/** Classifies an HTTP answer the provider's own rules did not recognise. */
export function classifyHttpStatus(status: number, provider: string, detail: string, retryAfter: string | null): GatewayError {
  if (status === 429) return new GatewayError('rate_limited', `${provider}: rate limited (HTTP 429)`, parseRetryAfter(retryAfter));
  if (status === 401 || status === 403) return new GatewayError('account', `${provider}: credentials rejected (HTTP ${status}) ${detail}`.trim());
  if (status >= 500) return new GatewayError('transient', `${provider}: server error (HTTP ${status})`);
  return new GatewayError('recipient', `${provider}: request rejected (HTTP ${status}) ${detail}`.trim());
}

/** Retry-After is seconds or an HTTP date; absent or unreadable means "a minute". */
export function parseRetryAfter(value: string | null, now = Date.now()): number {
  if (value) {
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return 60_000;
}

/**
 * An HTTP error the provider's own answers do not explain. An unexplained 4xx most likely means
 * a wrong base URL (404/405) — `baseUrlSetting` names it — which would fail every recipient in
 * turn, so it stops the number instead; anything else goes by classifyHttpStatus.
 */
export function classifyUnexplainedStatus(status: number, provider: string, baseUrlSetting: string, retryAfter: string | null): GatewayError {
  if (status >= 400 && status < 500 && status !== 429) return new GatewayError('account', `${provider}: unexpected HTTP ${status} (check ${baseUrlSetting})`);
  return classifyHttpStatus(status, provider, '', retryAfter);
}

/** The text parsed as JSON when it is an object; undefined for arrays, other values and non-JSON. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `text` with every secret of 4 characters or more replaced by `[redacted]`. */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
  return result;
}

/** `text` cut to `max` characters, the last of them `…`, when it is longer. */
export function clip(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Compares through hashes so neither the content nor the length leaks through timing. */
export function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** A header by its lower-case `name`, whatever its case in `headers`; several values give undefined. */
export function singleHeader(headers: WebhookRequest['headers'], name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  // Several values (e.g. signature headers): refuse rather than guess which one counts.
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value;
}
