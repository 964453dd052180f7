import { Type, type Static } from '@sinclair/typebox';
import { CustomerFilter, CustomerId } from '../customers/customers.schema.js';
import { Id, MAX_ID, Nullable, OPEN, PageMeta, PageQuery, SuccessTrue, Timestamp } from '../http/common.schema.js';

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

/** The blast request of the original spec (backend-spec, section 1.A), without its image. */
export const BLAST_REQUEST_EXAMPLE = {
  target_type: 'selected',
  customer_ids: [101, 102, 105],
  filter_params: { status: 'active' },
  message: 'Halo {name}, kami ada promo spesial untuk Anda!',
};

export const BlastRequest = Type.Object(
  {
    target_type: Type.Union([Type.Literal('selected'), Type.Literal('all'), Type.Literal('filter')]),
    customer_ids: Type.Optional(
      Type.Array(CustomerId, { maxItems: MAX_SELECTED_CUSTOMERS, description: 'Your customer ids (the `id` you gave each customer), with target_type `selected`.' }),
    ),
    filter_params: Type.Optional(CustomerFilter),
    /** Required unless a template is given; with a template and an image it is the caption where the provider takes one. */
    message: Type.Optional(Type.String({ maxLength: MAX_MESSAGE_LENGTH, example: 'Halo {name}, kami ada promo spesial untuk Anda!' })),
    template: Type.Optional(BlastTemplate),
    title: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    send_at: Type.Optional(
      Type.String({ format: 'date-time', description: 'Send from this time on (ISO-8601 with offset); the blast is `scheduled` until then.', example: '2026-12-01T09:00:00+07:00' }),
    ),
    quiet_hours: Type.Optional(
      Type.String({ description: 'This blast\'s quiet hours in TIMEZONE, `HH:MM-HH:MM` or `off`; default QUIET_HOURS.', example: '21:00-08:00' }),
    ),
    sender_ids: Type.Optional(
      Type.Array(Id, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'Send only from these senders (default: every active sender).' }),
    ),
  },
  { additionalProperties: false, examples: [BLAST_REQUEST_EXAMPLE] },
);
export type BlastRequest = Static<typeof BlastRequest>;

export const BlastStatusValue = Type.Union(
  ['scheduled', 'queued', 'processing', 'paused', 'completed', 'cancelled', 'failed'].map((s) => Type.Literal(s)),
);
export const LogStatusValue = Type.Union(
  ['pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'].map((s) => Type.Literal(s)),
);

export const HistoryQuery = Type.Object(
  {
    status: Type.Optional(BlastStatusValue),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const LogsQuery = Type.Object(
  {
    status: Type.Optional(LogStatusValue),
    search: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Part of the number sent to, or of the customer\'s name or phone (any case).' }),
    ),
    ...PageQuery,
    /** Keyset paging for big blasts: the `next_cursor` of the previous page. */
    cursor: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ID })),
  },
  { additionalProperties: false },
);

/**
 * Documentation only: POST /whatsapp/blast reads JSON or multipart itself (blast-request.ts)
 * and validates both with BlastRequest; this describes the multipart shape of the same fields.
 */
export const BlastMultipartDoc = Type.Object(
  {
    target_type: BlastRequest.properties.target_type,
    customer_ids: Type.Optional(Type.String({ description: 'JSON text, for example `[101,102,105]`.' })),
    filter_params: Type.Optional(Type.String({ description: 'JSON text, for example `{"status":"active"}`.' })),
    message: BlastRequest.properties.message,
    template: Type.Optional(Type.String({ description: 'JSON text, for example `{"name":"promo_juni","language":"id","body_params":["{name}"]}`.' })),
    title: Type.Optional(Type.String({ maxLength: 200 })),
    send_at: BlastRequest.properties.send_at,
    quiet_hours: BlastRequest.properties.quiet_hours,
    sender_ids: Type.Optional(Type.String({ description: 'JSON text, for example `[1,2]`.' })),
    image: Type.Optional(
      Type.String({ format: 'binary', contentMediaType: 'image/*', description: 'JPEG or PNG (judged by its bytes), at most 5 MB.' }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ ...BLAST_REQUEST_EXAMPLE, customer_ids: '[101,102,105]', filter_params: '{"status":"active"}' }],
  },
);

export const BlastRequestBodyDoc = {
  content: {
    'application/json': { schema: BlastRequest },
    'multipart/form-data': { schema: BlastMultipartDoc },
  },
};

/** Documented here, checked by idempotencyKeyOf (a plain string never fails this schema). */
export const BlastSubmitHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      description: 'Optional, 1 to 255 visible ASCII characters. The same key and body within 24 h answer the first blast again; the same key with another body is a 409.',
    }),
  ),
});

export const BlastQueuedResponse = Type.Object(
  {
    success: SuccessTrue,
    message: Type.String(),
    blast_id: Type.Integer(),
  },
  { ...OPEN, description: 'Saved and queued; follow it with GET /api/v1/whatsapp/blast/{id}.', examples: [{ success: true, message: 'Blast message has been queued successfully.', blast_id: 55 }] },
);

/** One blast as history lists it (see toBlastResponse). */
export const BlastResponse = Type.Object(
  {
    id: Type.Integer(),
    title: Nullable(Type.String()),
    admin_id: Type.Integer(),
    status: Type.String({ description: '`scheduled`, `queued`, `processing`, `paused`, `completed`, `cancelled` or `failed`.' }),
    status_reason: Nullable(Type.String()),
    waiting: Nullable(
      Type.Object(
        {
          reason: Type.String({ description: '`scheduled`, `quiet_hours`, `daily_cap` or `no_sender`.' }),
          message: Type.String(),
          until: Nullable(Timestamp),
        },
        { ...OPEN, description: 'Why a blast with work left sends nothing right now, and until when if known; null while it sends.' },
      ),
    ),
    send_at: Nullable(Timestamp),
    quiet_hours: Nullable(Type.String({ description: 'The blast\'s own quiet hours, or null for QUIET_HOURS.' })),
    target_type: Type.String({ description: '`selected`, `all` or `filter`.' }),
    target_count: Type.Integer(),
    sent_count: Type.Integer(),
    delivered_count: Type.Integer(),
    read_count: Type.Integer(),
    failed_count: Type.Integer(),
    pending_count: Type.Integer(),
    skipped_count: Type.Integer(),
    recipients_resolved: Type.Boolean({ description: 'Whether the worker has resolved the recipients (and target_count is final).' }),
    created_at: Type.Unsafe<string | null>(Timestamp), // never null; typed as the shared iso() helper returns
    started_at: Nullable(Timestamp),
    completed_at: Nullable(Timestamp),
  },
  OPEN,
);

const BLAST_EXAMPLE = {
  id: 55,
  title: 'Promo Juni',
  admin_id: 1,
  status: 'completed',
  status_reason: null,
  waiting: null,
  send_at: null,
  quiet_hours: null,
  target_type: 'selected',
  target_count: 3,
  sent_count: 3,
  delivered_count: 2,
  read_count: 1,
  failed_count: 0,
  pending_count: 0,
  skipped_count: 0,
  recipients_resolved: true,
  created_at: '2025-06-01T08:00:00.000Z',
  started_at: '2025-06-01T08:00:01.000Z',
  completed_at: '2025-06-01T08:00:12.000Z',
};

export const BlastHistoryResponse = Type.Object(
  { success: SuccessTrue, data: Type.Array(BlastResponse), meta: PageMeta },
  { ...OPEN, description: 'A page of blasts, newest first.', examples: [{ success: true, data: [BLAST_EXAMPLE], meta: { page: 1, per_page: 20, total: 1 } }] },
);

/** One blast with what it sends (see toBlastDetailResponse). */
export const BlastDetailResponse = Type.Object(
  {
    success: SuccessTrue,
    data: Type.Object(
      {
        ...BlastResponse.properties,
        message_template: Type.String(),
        sender_ids: Nullable(Type.Array(Type.Integer(), { description: 'The senders it may use; null: every active sender.' })),
        // Stored as JSON text and parsed back, hence typed unknown for the handler.
        template: Type.Unsafe<unknown>(
          Nullable(Type.Object({ name: Type.String(), language: Type.String(), body_params: Type.Array(Type.String()) }, OPEN)),
        ),
        customer_ids: Type.Optional(Type.Unsafe<unknown>(Type.Array(Type.Integer(), { description: 'With target_type `selected`.' }))),
        filter_params: Type.Optional(Type.Unsafe<unknown>(Type.Object({}, { ...OPEN, description: 'With target_type `filter`.' }))),
        image: Nullable(
          Type.Object({ url: Type.String(), mime: Nullable(Type.String()), size: Nullable(Type.Integer()) }, OPEN),
        ),
      },
      OPEN,
    ),
  },
  {
    ...OPEN,
    description: 'The blast, its message and its progress.',
    examples: [
      {
        success: true,
        data: { ...BLAST_EXAMPLE, message_template: BLAST_REQUEST_EXAMPLE.message, sender_ids: null, template: null, customer_ids: [101, 102, 105], image: null },
      },
    ],
  },
);

/** One recipient of a blast (see toLogResponse). */
export const BlastLogResponse = Type.Object(
  {
    id: Type.Integer(),
    customer_id: Type.Integer(),
    customer_name: Nullable(Type.String({ description: "The customer's current name; null once the customer is deleted." })),
    phone_number: Nullable(Type.String()),
    status: Type.String({ description: '`pending`, `sending`, `sent`, `delivered`, `read`, `failed` or `skipped` (later versions may add states).' }),
    error_message: Nullable(Type.String()),
    attempts: Type.Integer(),
    sender_id: Nullable(Type.Integer({ description: 'The sender that sent (or last tried to send) it.' })),
    provider_message_id: Nullable(Type.String()),
    sent_at: Nullable(Timestamp),
    delivered_at: Nullable(Timestamp),
    read_at: Nullable(Timestamp),
    updated_at: Nullable(Timestamp),
  },
  OPEN,
);

export const BlastLogsResponse = Type.Object(
  {
    success: SuccessTrue,
    data: Type.Array(BlastLogResponse),
    meta: Type.Object(
      { ...PageMeta.properties, next_cursor: Nullable(Type.Integer({ description: 'Pass as `cursor` for the next page; null on the last.' })) },
      OPEN,
    ),
  },
  {
    ...OPEN,
    description: "A page of the blast's recipients; big blasts page with `cursor`.",
    examples: [
      {
        success: true,
        data: [
          {
            id: 9001,
            customer_id: 101,
            customer_name: 'Budi',
            phone_number: '6281234567890',
            status: 'sent',
            error_message: null,
            attempts: 1,
            provider_message_id: 'wamid.HBgM',
            sent_at: '2025-06-01T08:00:04.000Z',
            delivered_at: null,
            read_at: null,
            updated_at: '2025-06-01T08:00:04.000Z',
          },
        ],
        meta: { page: 1, per_page: 20, total: 1, next_cursor: null },
      },
    ],
  },
);

export const MediaParams = Type.Object({ token: Type.String({ description: 'The unguessable token in the image URL.' }) });
