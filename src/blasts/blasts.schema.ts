import { Type, type Static } from '@sinclair/typebox';
import { CustomerFilter } from '../customers/customers.schema.js';

/** WhatsApp's limit for a text message body. */
export const MAX_MESSAGE_LENGTH = 4096;
export const MAX_SELECTED_CUSTOMERS = 100_000;
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const IMAGE_TYPES = ['image/jpeg', 'image/png'];

export const BlastRequest = Type.Object(
  {
    target_type: Type.Union([Type.Literal('selected'), Type.Literal('all'), Type.Literal('filter')]),
    customer_ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: MAX_SELECTED_CUSTOMERS })),
    filter_params: Type.Optional(CustomerFilter),
    message: Type.String({ maxLength: MAX_MESSAGE_LENGTH, example: 'Halo {name}, kami ada promo spesial untuk Anda!' }),
    title: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type BlastRequest = Static<typeof BlastRequest>;

export const BlastStatusValue = Type.Union(
  ['queued', 'processing', 'completed', 'failed'].map((s) => Type.Literal(s)),
);
export const LogStatusValue = Type.Union(['pending', 'sending', 'sent', 'failed', 'skipped'].map((s) => Type.Literal(s)));

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
