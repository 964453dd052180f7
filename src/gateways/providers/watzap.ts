import { Type } from '@sinclair/typebox';
import {
  classifyUnexplainedStatus,
  clip,
  defineProvider,
  fingerprint,
  GatewayError,
  parseJsonObject,
  scrubSecrets,
} from '../gateway.js';
import { postText } from '../http-client.js';

/**
 * Watzap.id (api.watzap.id/v1). Traps, from shared/providers/README.md:
 * - both keys travel inside the JSON body of every call, not in a header;
 * - `status` is a STRING: "200" is success, "1002"… are failures, and the HTTP code may be 200
 *   either way (*unverified* which HTTP codes Watzap really uses);
 * - no message id is returned and no delivery webhook exists: a send ends at "sent".
 */
export default defineProvider({
  name: 'watzap',
  settings: Type.Object({
    WATZAP_API_KEY: Type.String({ minLength: 1 }),
    WATZAP_NUMBER_KEY: Type.String({ minLength: 1 }),
    WATZAP_BASE_URL: Type.String({ default: 'https://api.watzap.id/v1', pattern: '^https?://' }),
  }),
  secrets: ['WATZAP_API_KEY', 'WATZAP_NUMBER_KEY'],
  create(settings) {
    const base = settings.WATZAP_BASE_URL.replace(/\/+$/, '');
    const secrets = [settings.WATZAP_API_KEY, settings.WATZAP_NUMBER_KEY];
    return {
      provider: 'watzap',
      credentialsFingerprint: fingerprint('watzap', settings.WATZAP_API_KEY, settings.WATZAP_NUMBER_KEY, settings.WATZAP_BASE_URL),
      needsPublicImageUrl: true,
      async send(message, signal, onSent) {
        const keys = { api_key: settings.WATZAP_API_KEY, number_key: settings.WATZAP_NUMBER_KEY };
        // `wait_until_send:"1"` makes Watzap answer only once WhatsApp took the message, so a
        // success means sent; it also makes answers slower (GATEWAY_TIMEOUT_MS must allow it).
        const [path, body] = message.image
          ? ['send_image_url', { ...keys, phone_no: message.to, url: message.image.url, message: message.text, separate_caption: '0' }]
          : ['send_message', { ...keys, phone_no: message.to, message: message.text, wait_until_send: '1' }];
        const response = await postText('watzap', `${base}/${path}`, {
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
          signal,
          onSent,
        });
        const answer = parseJsonObject(response.text);
        const status = answer?.status === undefined || answer.status === null ? undefined : String(answer.status);
        if (status !== undefined && STATUS_KINDS.has(status)) throw watzapFailure(status, answer!.message, secrets);
        // Watzap documents no HTTP errors: a 4xx most likely means a wrong WATZAP_BASE_URL.
        if (!response.ok) throw classifyUnexplainedStatus(response.status, 'watzap', 'WATZAP_BASE_URL', response.retryAfter);
        // The documented success carries the string "200"; a number is accepted too (harmless).
        if (status === '200') return { providerMessageId: null };
        // Not an answer Watzap documents: the message may or may not have gone out.
        const shown = status === undefined ? 'without a status' : `with status "${scrubSecrets(status, secrets).slice(0, 40)}"`;
        throw new GatewayError('unknown_outcome', `delivery unknown: watzap answered HTTP ${response.status} ${shown}`);
      },
    };
  },
});

/**
 * The documented failure statuses. 1002 invalid api key, 1003 invalid number key, 1004 pairing
 * failed, 1005 instance not started: the sending number can't send until someone acts. 1006 is
 * documented only as "other"; taken as a refusal of this recipient (*unverified*).
 */
const STATUS_KINDS = new Map<string, 'account' | 'recipient'>([
  ['1002', 'account'],
  ['1003', 'account'],
  ['1004', 'account'],
  ['1005', 'account'],
  ['1006', 'recipient'],
]);

function watzapFailure(status: string, message: unknown, secrets: readonly string[]): GatewayError {
  const detail = typeof message === 'string' && message.trim() !== '' ? `: ${message.trim()}` : '';
  return new GatewayError(STATUS_KINDS.get(status) ?? 'recipient', clip(scrubSecrets(`watzap ${status}${detail}`, secrets)));
}
