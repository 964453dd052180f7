import { Type, type Static } from '@sinclair/typebox';
import { CustomerFilter } from '../customers/customers.schema.js';

/** WhatsApp's limit for a text message body. */
export const MAX_MESSAGE_LENGTH = 4096;
export const MAX_SELECTED_CUSTOMERS = 100_000;
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const IMAGE_TYPES = ['image/jpeg', 'image/png'];

/** An approved template (Meta: its name; Twilio: its ContentSid), with body parameters rendered per recipient. */
export const BlastTemplate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 512, example: 'promo_juni' }),
    language: Type.String({ pattern: '^[a-z]{2,3}([_-][A-Za-z]{2,4})?$', example: 'id' }),
    body_params: Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 20, default: [], example: ['{name}', '{city}'] }),
  },
  { additionalProperties: false },
);
export type BlastTemplate = Static<typeof BlastTemplate>;

export const BlastRequest = Type.Object(
  {
    target_type: Type.Union([Type.Literal('selected'), Type.Literal('all'), Type.Literal('filter')]),
    customer_ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: MAX_SELECTED_CUSTOMERS })),
    filter_params: Type.Optional(CustomerFilter),
    /** Required unless a template is given; with a template and an image it is the caption where the provider takes one. */
    message: Type.Optional(Type.String({ maxLength: MAX_MESSAGE_LENGTH, example: 'Halo {name}, kami ada promo spesial untuk Anda!' })),
    template: Type.Optional(BlastTemplate),
    title: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type BlastRequest = Static<typeof BlastRequest>;

export const BlastStatusValue = Type.Union(
  ['queued', 'processing', 'completed', 'failed'].map((s) => Type.Literal(s)),
);
export const LogStatusValue = Type.Union(
  ['pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped'].map((s) => Type.Literal(s)),
);

export const HistoryQuery = Type.Object(
  {
    status: Type.Optional(BlastStatusValue),
    page: Type.Integer({ minimum: 1, default: 1 }),
    per_page: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  },
  { additionalProperties: false },
);

export const LogsQuery = Type.Object(
  {
    status: Type.Optional(LogStatusValue),
    page: Type.Integer({ minimum: 1, default: 1 }),
    per_page: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    /** Keyset paging for big blasts: the `next_cursor` of the previous page. */
    cursor: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const BlastIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
