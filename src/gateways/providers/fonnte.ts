import { Type } from '@sinclair/typebox';
import {
  type WebhookHandler,
  classifyUnexplainedStatus,
  defineProvider,
  fingerprint,
  GatewayError,
  parseJsonObject,
  sameSecret,
} from '../gateway.js';
import { postText } from '../http-client.js';

/**
 * Fonnte (api.fonnte.com). Traps, from shared/providers/README.md:
 * - failures come back as HTTP 200 with `status:false` and a `reason` (key sometimes `Status`);
 * - the token goes in `Authorization` as is, no "Bearer";
 * - it rewrites numbers by `countryCode` unless told `0`: ours are already international.
 */
export default defineProvider({
  name: 'fonnte',
  settings: Type.Object({
    FONNTE_TOKEN: Type.String({ minLength: 1 }),
    FONNTE_BASE_URL: Type.String({ default: 'https://api.fonnte.com', pattern: '^https?://' }),
    /** Secret path segment of our webhook: Fonnte documents no signature to check instead. */
    FONNTE_WEBHOOK_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  }),
  secrets: ['FONNTE_TOKEN', 'FONNTE_WEBHOOK_TOKEN'],
  create(settings) {
    const endpoint = `${settings.FONNTE_BASE_URL.replace(/\/+$/, '')}/send`;
    return {
      provider: 'fonnte',
      credentialsFingerprint: fingerprint('fonnte', settings.FONNTE_TOKEN, settings.FONNTE_BASE_URL),
      needsPublicImageUrl: true,
      async send(message, signal, onSent) {
        const form = new URLSearchParams({ target: message.to, message: message.text, countryCode: '0' });
        if (message.image) form.set('url', message.image.url);
        const response = await postText('fonnte', endpoint, { headers: { Authorization: settings.FONNTE_TOKEN }, body: form, signal, onSent });
        // Fonnte documents no 4xx of its own: one means a wrong FONNTE_BASE_URL.
        if (!response.ok) throw classifyUnexplainedStatus(response.status, 'fonnte', 'FONNTE_BASE_URL', response.retryAfter);
        const body = parseJsonObject(response.text);
        const status = body?.status ?? body?.Status;
        if (status === true) {
          const id = Array.isArray(body!.id) ? body!.id[0] : body!.id;
          return { providerMessageId: id === undefined || id === null ? null : String(id) };
        }
        if (status !== false) {
          // Not an answer Fonnte documents: the message may or may not be queued.
          throw new GatewayError('unknown_outcome', 'delivery unknown: fonnte answered without a status');
        }
        throw classifyFonnteReason(String(body!.reason ?? body!.detail ?? 'unknown reason'));
      },
    };
  },
  webhook: (settings) => fonnteWebhook(settings),
});

/**
 * Fonnte posts device status updates and incoming messages to one URL per device, unsigned:
 * we give it `/webhooks/fonnte/<FONNTE_WEBHOOK_TOKEN>` and accept only that secret path.
 * Field names and status values are *unverified* (providers file): statuses we don't know are
 * ignored rather than guessed.
 */
function fonnteWebhook(settings: { FONNTE_WEBHOOK_TOKEN?: string }): WebhookHandler {
  return {
    verify(request) {
      const expected = settings.FONNTE_WEBHOOK_TOKEN;
      if (!expected || request.pathSecret === undefined) return false;
      return sameSecret(request.pathSecret, expected);
    },
    parse(request) {
      const body = parseBody(request.rawBody, String(request.headers['content-type'] ?? ''));
      if (!body) return [];
      const at = Date.now();
      const id = body.id ?? body.stateid;
      const state = String(body.state ?? body.status ?? '').toLowerCase();
      const status = FONNTE_STATES[state];
      if (id !== undefined && status) return [{ kind: 'status', providerMessageId: String(id), status, at, error: status === 'failed' ? `fonnte: ${state}` : undefined }];
      if (typeof body.sender === 'string' && typeof body.message === 'string') return [{ kind: 'inbound', from: body.sender, text: body.message, at }];
      return [];
    },
  };
}

const FONNTE_STATES: Record<string, 'sent' | 'delivered' | 'read' | 'failed'> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  invalid: 'failed',
  expired: 'failed',
};

function parseBody(raw: Buffer, contentType: string): Record<string, unknown> | undefined {
  const text = raw.toString('utf8');
  if (contentType.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  return parseJsonObject(text);
}

/** Fonnte's reasons are free text; these patterns cover the ones its docs and users report. */
export function classifyFonnteReason(reason: string): GatewayError {
  const text = `fonnte: ${reason}`;
  if (/token|quota|device|disconnect|not connected|expired|package|subscri|unauthori[sz]ed|banned/i.test(reason)) {
    return new GatewayError('account', text);
  }
  if (/url|file|size|format/i.test(reason)) return new GatewayError('account', `${text} (check PUBLIC_BASE_URL and the image)`);
  if (/rate|too many|limit/i.test(reason)) return new GatewayError('rate_limited', text, 60_000);
  return new GatewayError('recipient', text);
}
