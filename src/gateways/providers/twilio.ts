import { createHash, createHmac } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { ConfigError } from '../../config.js';
import {
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
  type OutgoingMessage,
  type WebhookEvent,
  type WebhookHandler,
  type WebhookRequest,
} from '../gateway.js';
import { postText } from '../http-client.js';

/**
 * Twilio's Messages API for WhatsApp (api.twilio.com), from shared/providers/README.md. Traps:
 * - numbers carry a channel prefix, `whatsapp:+628…`, both ways (send and webhooks);
 * - outside the 24-hour window only an approved Content template (ContentSid `HX…`) gets
 *   through (error 63016);
 * - failures are HTTP 4xx/5xx with a numeric `code`: the code, not the status, says what to do;
 * - webhooks are urlencoded forms signed with HMAC-SHA1 over the public URL and the sorted
 *   parameters, and Twilio adds parameters without notice.
 */
const TwilioSettings = Type.Object({
  TWILIO_ACCOUNT_SID: Type.String({ pattern: '^AC[0-9a-fA-F]{32}$' }),
  TWILIO_AUTH_TOKEN: Type.String({ minLength: 1 }),
  /**
   * The WhatsApp sender number, digits with country code; a leading `+`, and the `whatsapp:` prefix
   * Twilio's console shows (`whatsapp:+14155238886`), are both allowed.
   */
  TWILIO_FROM: Type.Optional(Type.String({ pattern: '^(whatsapp:)?\\+?[0-9]{6,15}$' })),
  /** A Messaging Service whose sender pool holds the WhatsApp number; instead of, or with, TWILIO_FROM. */
  TWILIO_MESSAGING_SERVICE_SID: Type.Optional(Type.String({ pattern: '^MG[0-9a-fA-F]{32}$' })),
  TWILIO_BASE_URL: Type.String({ default: 'https://api.twilio.com', pattern: '^https?://' }),
});
type TwilioSettings = Static<typeof TwilioSettings>;

export default defineProvider({
  name: 'twilio',
  settings: TwilioSettings,
  secrets: ['TWILIO_AUTH_TOKEN'],
  create: (settings, context) => createTwilioGateway(settings, context.publicBaseUrl),
  webhook: (settings) => twilioWebhook(settings),
});

/** Twilio's documented limit on `Body`; counted in code points (*unverified* whether Twilio counts UTF-16 units). */
export const MAX_BODY_CHARS = 1_600;
const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;

function createTwilioGateway(settings: TwilioSettings, publicBaseUrl: string | undefined): Gateway {
  if (!settings.TWILIO_FROM && !settings.TWILIO_MESSAGING_SERVICE_SID) {
    // The schema cannot say "one of the two" in a way env-schema reports by name; this can.
    throw new ConfigError('invalid configuration for WA_GATEWAY=twilio: set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID');
  }
  const base = settings.TWILIO_BASE_URL.replace(/\/+$/, '');
  const endpoint = `${base}/2010-04-01/Accounts/${settings.TWILIO_ACCOUNT_SID}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${settings.TWILIO_ACCOUNT_SID}:${settings.TWILIO_AUTH_TOKEN}`).toString('base64')}`;
  const statusCallback = publicBaseUrl ? `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/twilio` : undefined;
  const secrets = [settings.TWILIO_AUTH_TOKEN, authorization.slice('Basic '.length)];

  return {
    provider: 'twilio',
    credentialsFingerprint: fingerprint(
      'twilio',
      settings.TWILIO_ACCOUNT_SID,
      settings.TWILIO_AUTH_TOKEN,
      settings.TWILIO_FROM,
      settings.TWILIO_MESSAGING_SERVICE_SID,
      settings.TWILIO_BASE_URL,
    ),
    needsPublicImageUrl: true,
    supportsTemplates: true,
    async send(message, signal, onSent) {
      const form = messageForm(message, settings, statusCallback);
      const response = await postText('twilio', endpoint, {
        headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form,
        signal,
        onSent,
      });
      // A body lost mid-read leaves only the status to judge by (a 201 without a sid is "unknown").
      const body = parseJsonObject(response.text);
      if (response.ok) {
        const sid = body?.sid;
        if (typeof sid === 'string' && sid !== '') return { providerMessageId: sid };
        throw new GatewayError('unknown_outcome', `delivery unknown: twilio answered HTTP ${response.status} without a message sid`);
      }
      throw classifyTwilioError(response.status, body, response.retryAfter, secrets);
    },
  };
}

/** TWILIO_FROM as written (`14155238886`, `+14155238886` or `whatsapp:+14155238886`) → its digits. */
function fromDigits(from: string): string {
  return from.replace(/^whatsapp:/, '').replace(/^\+/, '');
}

/**
 * The urlencoded form exactly as the providers file documents it. Throws before anything is
 * sent when Twilio would refuse the message anyway.
 */
export function messageForm(message: OutgoingMessage, settings: TwilioSettings, statusCallback: string | undefined): URLSearchParams {
  const form = new URLSearchParams({ To: `whatsapp:+${message.to.replace(/^\+/, '')}` });
  // With both set, Twilio sends from `From` and applies the service's features (*unverified*
  // beyond Twilio's API reference, which allows both together).
  if (settings.TWILIO_FROM) form.set('From', `whatsapp:+${fromDigits(settings.TWILIO_FROM)}`);
  if (settings.TWILIO_MESSAGING_SERVICE_SID) form.set('MessagingServiceSid', settings.TWILIO_MESSAGING_SERVICE_SID);

  if (message.template) {
    const { name, bodyParams } = message.template;
    if (!CONTENT_SID.test(name)) {
      // Every recipient of the blast would be refused the same way: stopping the number shows
      // the reason once instead of failing the whole list one by one.
      throw new GatewayError('account', `twilio: the template name must be a Twilio Content SID (HX followed by 32 hex digits), not "${name.slice(0, 60)}"`);
    }
    form.set('ContentSid', name);
    if (bodyParams.length > 0) form.set('ContentVariables', JSON.stringify(Object.fromEntries(bodyParams.map((p, i) => [String(i + 1), p]))));
    // No Body and no MediaUrl: the approved Content template carries its own text and media
    // (*unverified* whether Twilio would accept MediaUrl next to a ContentSid).
  } else {
    const length = [...message.text].length;
    if (length > MAX_BODY_CHARS) {
      throw new GatewayError('recipient', `twilio: the message is ${length} characters; Twilio accepts at most ${MAX_BODY_CHARS}`);
    }
    if (message.text !== '') form.set('Body', message.text);
    if (message.image) form.set('MediaUrl', message.image.url);
  }
  if (statusCallback) form.set('StatusCallback', statusCallback);
  return form;
}

/** Stop the sending number: credentials, or a sender/account Twilio does not recognise. */
const ACCOUNT_CODES = new Set([
  20003, // authentication failed (documented)
  20404, // resource not found: the account SID in the path is wrong (*unverified* for this use)
  21606, // the From number is not a sender of this account (*unverified*)
  63007, // no WhatsApp channel for the From address (*unverified*)
]);
/** Back off: 63018 is WhatsApp's rate limit (documented), 20429 Twilio's own HTTP 429 code (*unverified*). */
const RATE_LIMIT_CODES = new Set([63018, 20429]);
/** Fail the recipient (documented): bad number, region not enabled, unsubscribed, not mobile, needs a template. */
const RECIPIENT_CODES = new Set([21211, 21408, 21610, 21614, 63016]);
const DEFAULT_RATE_LIMIT_MS = 60_000;

/** Decides what one Twilio error answer means for the worker. */
export function classifyTwilioError(httpStatus: number, body: Record<string, unknown> | undefined, retryAfter: string | null, secrets: readonly string[] = []): GatewayError {
  const code = twilioCode(body?.code);
  const text = describe(code, body?.message, httpStatus, secrets);
  if (code === 20003 || httpStatus === 401) return new GatewayError('account', `${text} (check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)`);
  if (httpStatus === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
    return new GatewayError('rate_limited', text, retryAfter === null ? DEFAULT_RATE_LIMIT_MS : parseRetryAfter(retryAfter));
  }
  if (code !== undefined && ACCOUNT_CODES.has(code)) return new GatewayError('account', text);
  if (httpStatus >= 500) return new GatewayError('transient', text);
  if (code === 63016) {
    return new GatewayError('recipient', `${text} (more than 24 hours since the customer last wrote: only an approved template can reach them)`);
  }
  if (code !== undefined && RECIPIENT_CODES.has(code)) return new GatewayError('recipient', text);
  if (code === undefined) {
    // Not Twilio's error shape: a proxy or a wrong TWILIO_BASE_URL. Failing each recipient in
    // turn would burn the list, so an unexplained 4xx stops the number instead.
    return new GatewayError('account', `${text} (check TWILIO_BASE_URL)`);
  }
  // 403 with a code: Twilio refuses the account itself (suspended, permission) — *unverified*,
  // Twilio's recipient errors are 400s.
  if (httpStatus === 403) return new GatewayError('account', text);
  return new GatewayError('recipient', text);
}

function twilioCode(value: unknown): number | undefined {
  const code = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof code === 'number' && Number.isInteger(code) ? code : undefined;
}

/** `twilio 21211: Invalid 'To' Phone Number (HTTP 400)`, without any secret, bounded in length. */
function describe(code: number | undefined, message: unknown, httpStatus: number, secrets: readonly string[]): string {
  const detail = typeof message === 'string' && message.trim() !== '' ? `: ${message.trim()}` : '';
  return clip(scrubSecrets(`twilio${code === undefined ? '' : ` ${code}`}${detail} (HTTP ${httpStatus})`, secrets));
}

// ---------------------------------------------------------------------------------------------
// Webhooks: status callbacks (our StatusCallback) and inbound messages (the sender's webhook URL,
// if it points at /webhooks/twilio too).

function twilioWebhook(settings: TwilioSettings): WebhookHandler {
  return {
    verify: (request) => validTwilioSignature(request, settings.TWILIO_AUTH_TOKEN),
    parse: (request) => parseTwilioForm(formFields(request)),
    // Inbound-message webhooks expect TwiML; an empty <Response/> means "no reply message".
    reply: { contentType: 'text/xml', body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' },
  };
}

/**
 * `X-Twilio-Signature` = Base64(HMAC-SHA1(auth token, URL + name + value for each POST parameter
 * sorted by name)). Like Twilio's own library, a repeated name contributes each distinct value,
 * sorted; the URL is tried with and without the default port because Twilio signs either; and a
 * JSON body is covered by the `bodySHA256` query parameter instead of by the parameters.
 */
export function validTwilioSignature(request: WebhookRequest, authToken: string): boolean {
  const header = singleHeader(request.headers, 'x-twilio-signature');
  if (!header || !authToken) return false;
  let url: URL;
  try {
    url = new URL(request.publicUrl);
  } catch {
    return false;
  }
  const bodyHash = url.searchParams.get('bodySHA256');
  const params = bodyHash === null ? formFields(request) : [];
  const signed = [withoutDefaultPort(url), withDefaultPort(url)].some((candidate) => sameSecret(header, twilioSignature(authToken, candidate, params)));
  if (!signed) return false;
  return bodyHash === null || sameSecret(bodyHash.toLowerCase(), createHash('sha256').update(request.rawBody).digest('hex'));
}

/** The signature Twilio computes, over parameters given as [name, value] pairs. */
export function twilioSignature(authToken: string, url: string, params: readonly (readonly [string, string])[]): string {
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of params) byName.set(name, (byName.get(name) ?? new Set()).add(value));
  let data = url;
  for (const name of [...byName.keys()].sort()) for (const value of [...byName.get(name)!].sort()) data += name + value;
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

function withoutDefaultPort(url: URL): string {
  const copy = new URL(url);
  copy.port = '';
  return copy.toString();
}

function withDefaultPort(url: URL): string {
  if (url.port !== '') return url.toString();
  const port = url.protocol === 'https:' ? '443' : '80';
  return `${url.protocol}//${url.username}${url.password ? `:${url.password}` : ''}${url.username || url.password ? '@' : ''}${url.hostname}:${port}${url.pathname}${url.search}${url.hash}`;
}

/** The POST parameters of an urlencoded body, in order, repeated names kept. */
function formFields(request: WebhookRequest): [string, string][] {
  if (request.method !== 'POST') return [];
  return [...new URLSearchParams(request.rawBody.toString('utf8'))];
}

const STATUS_MAP: Record<string, 'sent' | 'delivered' | 'read' | 'failed'> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  undelivered: 'failed',
};
/** Statuses of a message Twilio received from the customer rather than sent (*unverified* that inbound webhooks carry one). */
const INBOUND_STATUSES = new Set(['received', 'receiving']);

/**
 * One callback is one event: a status of a message we sent, or a message the customer sent us.
 * queued, accepted, sending, scheduled, canceled and statuses Twilio adds later yield none.
 */
export function parseTwilioForm(fields: readonly (readonly [string, string])[]): WebhookEvent[] {
  const form = new Map(fields.map(([k, v]) => [k, v] as const));
  const at = Date.now(); // Twilio's callbacks carry no event time: the arrival time is the best there is.
  const status = form.get('MessageStatus') ?? form.get('SmsStatus');
  if ((status === undefined && form.has('Body')) || (status !== undefined && INBOUND_STATUSES.has(status))) {
    const from = (form.get('From') ?? '').replace(/^whatsapp:/, '').replace(/\D/g, '');
    const text = form.get('Body');
    return from !== '' && text !== undefined ? [{ kind: 'inbound', from, text, at }] : [];
  }
  const sid = form.get('MessageSid') ?? form.get('SmsSid');
  const mapped = status === undefined ? undefined : STATUS_MAP[status];
  if (!sid || !mapped) return [];
  const error = describeErrorCode(form.get('ErrorCode'), form.get('ErrorMessage'));
  return [{ kind: 'status', providerMessageId: sid, status: mapped, ...(error && mapped === 'failed' ? { error } : {}), at }];
}

/** Texts for the delivery errors a WhatsApp blast meets most (Twilio's error dictionary; *unverified* wording). */
const ERROR_TEXTS: Record<string, string> = {
  '63016': 'outside the 24-hour window: only an approved template can reach this customer',
  '63003': 'the recipient is not reachable on WhatsApp',
  '63024': 'invalid message recipient',
  '63018': 'WhatsApp rate limit exceeded',
  '63049': 'Meta chose not to deliver this marketing message',
  '30003': 'unreachable destination handset',
  '30005': 'unknown destination handset',
  '30006': 'landline or unreachable carrier',
  '30007': 'message filtered',
  '30008': 'unknown error',
};

function describeErrorCode(code: string | undefined, message: string | undefined): string | undefined {
  const known = code === undefined || code === '' ? undefined : ERROR_TEXTS[code];
  const text = message?.trim() || known;
  if (code === undefined || code === '') return text ? `twilio: ${text}` : undefined;
  return `twilio ${code}${text ? `: ${text}` : ''}`;
}
