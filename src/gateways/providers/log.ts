import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { defineProvider, fingerprint } from '../gateway.js';

/** Sends nothing: logs what it would send and reports success. The safe default. */
export default defineProvider({
  name: 'log',
  settings: Type.Object({}),
  secrets: [],
  create(_settings, { logger }) {
    return {
      provider: 'log',
      credentialsFingerprint: fingerprint('log'),
      needsPublicImageUrl: false,
      async send(message, _signal, onSent) {
        onSent?.();
        logger.info({ to: message.to, text: message.text, image: message.image?.url ?? null, template: message.template ?? null }, 'log gateway: would send');
        return { providerMessageId: `log-${randomUUID()}` };
      },
    };
  },
});
