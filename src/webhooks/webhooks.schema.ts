import { Type } from '@sinclair/typebox';
import { errorResponses, SuccessOnly } from '../http/common.schema.js';

/**
 * Webhooks are called by the providers, never by clients: no bearer token (`security: []`);
 * each request is verified with the provider's own signature or secret over the raw bytes.
 */
const NO_BEARER: { [scheme: string]: string[] }[] = [];

const ProviderParams = Type.Object({
  provider: Type.String({ description: 'A provider some sender uses: `meta`, `twilio` or `fonnte` (Watzap posts no receipts).', examples: ['meta'] }),
});

const ProviderPayload = Type.Object(
  {},
  { additionalProperties: true, description: "The provider's own payload, read only after its signature or secret checks out." },
);

/** Documentation only (the route keeps the raw bytes and parses nothing itself). */
export const WebhookBodyDoc = {
  content: {
    'application/json': { schema: ProviderPayload },
    'application/x-www-form-urlencoded': { schema: ProviderPayload },
  },
};

export const WebhookHandshakeSchema = {
  tags: ['Webhooks'],
  summary: 'Subscription handshake (Meta)',
  description: 'Answers `hub.challenge` when `hub.verify_token` equals `META_VERIFY_TOKEN`, else 403.',
  security: NO_BEARER,
  params: ProviderParams,
  response: {
    200: { description: 'The `hub.challenge` echoed back.', content: { 'text/plain': { schema: { type: 'string' } } } },
    403: { description: 'The verify token does not match.', content: { 'text/plain': { schema: { type: 'string' } } } },
    ...errorResponses(404),
  },
};

export const WebhookReceiveSchema = {
  tags: ['Webhooks'],
  summary: 'Delivery receipts and inbound messages',
  description:
    'Meta: `X-Hub-Signature-256` = HMAC-SHA256(`META_APP_SECRET`, raw body). Twilio: `X-Twilio-Signature` over `PUBLIC_BASE_URL` + path ' +
    'and the sorted form fields. A verified request gets 200 quickly, even when it carries nothing we use.',
  security: NO_BEARER,
  params: ProviderParams,
  response: { 200: SuccessOnly, ...errorResponses(401, 404, 413) },
};

export const WebhookWithSecretSchema = {
  ...WebhookReceiveSchema,
  summary: 'Delivery receipts and inbound messages, verified by a secret path (Fonnte)',
  description: '`:secret` must equal `FONNTE_WEBHOOK_TOKEN` (compared in constant time).',
  params: Type.Object({
    provider: ProviderParams.properties.provider,
    secret: Type.String({ description: 'The shared secret path segment.' }),
  }),
};
