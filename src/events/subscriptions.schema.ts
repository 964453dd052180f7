import { Type, type Static } from '@sinclair/typebox';
import { Id, IdParams, Nullable, OPEN, PageMeta, SuccessTrue, Timestamp } from '../http/common.schema.js';
import { EVENT_TYPES } from './event-types.js';

export const SubscriptionIdParams = IdParams;
export const DeliveryParams = Type.Object({ id: Id, deliveryId: Id });

const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'http or https. Private, loopback and link-local addresses are refused unless WEBHOOK_ALLOW_PRIVATE_URLS=true.',
  example: 'https://crm.example.com/hooks/whatsapp-blast',
});
const EventList = Type.Array(Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))), {
  minItems: 1,
  uniqueItems: true,
  description: `Any of: ${EVENT_TYPES.join(', ')}.`,
});
const Description = Type.String({ maxLength: 200 });

export const SubscriptionCreate = Type.Object(
  { url: Url, events: EventList, active: Type.Optional(Type.Boolean({ default: true })), description: Type.Optional(Nullable(Description)) },
  { additionalProperties: false, examples: [{ url: 'https://crm.example.com/hooks/whatsapp-blast', events: ['blast.completed', 'message.failed', 'customer.opted_out'] }] },
);
export type SubscriptionCreate = Static<typeof SubscriptionCreate>;

export const SubscriptionPatch = Type.Object(
  { url: Type.Optional(Url), events: Type.Optional(EventList), active: Type.Optional(Type.Boolean()), description: Type.Optional(Nullable(Description)) },
  { additionalProperties: false, minProperties: 1, examples: [{ active: false }] },
);
export type SubscriptionPatch = Static<typeof SubscriptionPatch>;

const Subscription = Type.Object(
  {
    id: Type.Integer(),
    url: Type.String(),
    events: Type.Array(Type.String()),
    active: Type.Boolean(),
    description: Nullable(Type.String()),
    consecutive_failures: Type.Integer({ description: 'Requests failed in a row (0: the last one succeeded).' }),
    next_attempt_at: Nullable(Timestamp),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  OPEN,
);

const EXAMPLE = {
  id: 1,
  url: 'https://crm.example.com/hooks/whatsapp-blast',
  events: ['blast.completed', 'message.failed'],
  active: true,
  description: null,
  consecutive_failures: 0,
  next_attempt_at: null,
  created_at: '2025-06-01T08:00:00.000Z',
  updated_at: '2025-06-01T08:00:00.000Z',
};

export const SubscriptionCreatedResponse = Type.Object(
  {
    success: SuccessTrue,
    data: Type.Object(
      { ...Subscription.properties, secret: Type.String({ description: 'The signing secret. Shown only in this answer: store it now.' }) },
      OPEN,
    ),
  },
  { ...OPEN, description: 'The subscription, with its signing secret (shown this once).', examples: [{ success: true, data: { ...EXAMPLE, secret: 'whsec_…' } }] },
);
export const SubscriptionOneResponse = Type.Object(
  { success: SuccessTrue, data: Subscription },
  { ...OPEN, description: 'The subscription (never its secret).', examples: [{ success: true, data: EXAMPLE }] },
);
export const SubscriptionListResponse = Type.Object(
  { success: SuccessTrue, data: Type.Array(Subscription) },
  { ...OPEN, description: 'Every subscription, by id.', examples: [{ success: true, data: [EXAMPLE] }] },
);
export const SubscriptionDeletedResponse = Type.Object(
  { success: SuccessTrue, data: Type.Object({ id: Type.Integer(), deleted: Type.Literal(true) }, OPEN) },
  { ...OPEN, description: 'The subscription and its delivery history are deleted.', examples: [{ success: true, data: { id: 1, deleted: true } }] },
);

export const DeliveryQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')])),
    page: Type.Integer({ minimum: 1, default: 1 }),
    per_page: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  },
  { additionalProperties: false },
);

const Delivery = Type.Object(
  {
    id: Type.Integer(),
    event_id: Type.String({ description: 'The event id receivers use to drop repeats.' }),
    type: Type.String(),
    blast_id: Nullable(Type.Integer()),
    status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
    attempts: Type.Integer(),
    last_error: Nullable(Type.String()),
    created_at: Timestamp,
    last_attempt_at: Nullable(Timestamp),
    delivered_at: Nullable(Timestamp),
    event: Type.Object({}, { ...OPEN, description: 'The event as sent.' }),
  },
  OPEN,
);
const DELIVERY_EXAMPLE = {
  id: 42,
  event_id: '3b8f6a1e-6c1d-4a55-9a57-0f2f7c1f9e10',
  type: 'blast.completed',
  blast_id: 55,
  status: 'failed',
  attempts: 19,
  last_error: 'HTTP 502',
  created_at: '2025-06-01T08:00:00.000Z',
  last_attempt_at: '2025-06-02T08:01:00.000Z',
  delivered_at: null,
  event: { id: '3b8f6a1e-6c1d-4a55-9a57-0f2f7c1f9e10', type: 'blast.completed', created_at: '2025-06-01T08:00:00.000Z', data: { blast_id: 55 } },
};
export const DeliveryListResponse = Type.Object(
  { success: SuccessTrue, data: Type.Array(Delivery), meta: PageMeta },
  { ...OPEN, description: 'Deliveries to this subscription, newest first.', examples: [{ success: true, data: [DELIVERY_EXAMPLE], meta: { page: 1, per_page: 20, total: 1 } }] },
);
export const DeliveryOneResponse = Type.Object(
  { success: SuccessTrue, data: Delivery },
  { ...OPEN, description: 'The delivery, pending again.', examples: [{ success: true, data: { ...DELIVERY_EXAMPLE, status: 'pending' } }] },
);
