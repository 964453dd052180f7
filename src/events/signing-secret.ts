import { randomBytes } from 'node:crypto';
import { openText, sealText } from '../senders/credentials-cipher.js';

/**
 * A subscription's signing secret must be readable later (the worker signs with it), so it is
 * stored reversibly: encrypted under SECRET_KEY when one is set (like senders' credentials),
 * otherwise as is, marked `plain.` — a quick `npm start` needs no key, and the secret only
 * lets someone who already reads the database forge events to the integrator. Production
 * set-ups set SECRET_KEY (docs/webhooks.md).
 */
const PLAIN = 'plain.';

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

const additionalData = (subscriptionId: number) => `webhook:${subscriptionId}`;

export function sealSigningSecret(key: Buffer | undefined, subscriptionId: number, secret: string): string {
  return key ? sealText(key, additionalData(subscriptionId), secret) : PLAIN + secret;
}

/** The secret, or an Error saying why it cannot be read (stored under another SECRET_KEY, or with none set). */
export function openSigningSecret(key: Buffer | undefined, subscriptionId: number, stored: string): string {
  if (stored.startsWith(PLAIN)) return stored.slice(PLAIN.length);
  if (!key) throw new Error('the signing secret was stored encrypted, and SECRET_KEY is not set');
  return openText(key, additionalData(subscriptionId), stored, 'signing secret');
}
