import { Type, type Static } from '@sinclair/typebox';
import { Id, MAX_ID, Nullable, OPEN, PageMeta, PageQuery, SuccessTrue, Timestamp } from '../http/common.schema.js';

/** Names a template may use as `{name}`; an attribute may not shadow them. */
export const CUSTOMER_FIELDS = ['name', 'phone', 'status'] as const;

export const AttributeKey = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' });
export const Attributes = Type.Record(AttributeKey, Type.Union([Type.String({ maxLength: 2000 }), Type.Number()]), {
  maxProperties: 100,
  description: 'Extra values usable in message templates as {key}.',
});

/**
 * The integrator's own customer id. Up to 2^53 − 1, the largest integer JSON clients (JavaScript)
 * read exactly; ids the database gives to customers created without one continue above the
 * largest id given.
 */
/** The integrator's own customer ids share the API's one id schema (plain decimal, 1 … 2^53−1). */
export const MAX_CUSTOMER_ID = MAX_ID;
export const CustomerId = Id;

const customerFields = {
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  phone: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
  status: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  attributes: Type.Optional(Attributes),
};

export const CustomerInput = Type.Object(
  {
    id: Type.Optional({
      ...CustomerId,
      description:
        'Your own customer id (optional). A customer with this id is replaced by what you send (a field left out takes its ' +
        'default; opt-outs are kept); otherwise it is created with this id. Without an id the service gives one.',
    }),
    ...customerFields,
  },
  { additionalProperties: false },
);
export type CustomerInput = Static<typeof CustomerInput>;

/**
 * Per request. A sync of many customers sends many requests of this size: each is one
 * transaction of a few set-based statements, and checking it (schema, phone numbers) holds the
 * event loop for ~100 ms, not seconds.
 */
export const MAX_CUSTOMERS_PER_REQUEST = 5_000;
export const BulkCustomerInput = Type.Object(
  { customers: Type.Array(CustomerInput, { minItems: 1, maxItems: MAX_CUSTOMERS_PER_REQUEST }) },
  { additionalProperties: false },
);

export const CustomerPatch = Type.Composite(
  [
    Type.Partial(Type.Object(customerFields)),
    Type.Object({
      /** false clears an opt-out (the customer asked to receive messages again); true records one. */
      opted_out: Type.Optional(Type.Boolean()),
    }),
  ],
  { additionalProperties: false, minProperties: 1 },
);
export type CustomerPatch = Static<typeof CustomerPatch>;

/** The recipient filter, shared by the customer list and by blasts with target_type `filter`. */
export const CustomerFilter = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 100 })]),
    ),
    search: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    attributes: Type.Optional(
      Type.Record(AttributeKey, Type.Union([Type.String(), Type.Number()]), { minProperties: 1, maxProperties: 20 }),
    ),
  },
  { additionalProperties: false },
);
export type CustomerFilter = Static<typeof CustomerFilter>;

export const CustomerListQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ minLength: 1 })),
    search: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

/** What the API answers for a customer (see toCustomerResponse). */
export const CustomerResponse = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    phone: Nullable(Type.String({ description: 'As entered.' })),
    whatsapp_number: Nullable(Type.String({ description: 'The sanitised number messages go to; null when the phone is missing or invalid.' })),
    phone_error: Nullable(Type.String({ description: 'Why the phone cannot be messaged, if it cannot.' })),
    status: Type.String(),
    attributes: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
    opted_out: Type.Boolean(),
    opted_out_at: Nullable(Timestamp),
    opted_out_source: Nullable(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  OPEN,
);

const CUSTOMER_EXAMPLE = {
  id: 101,
  name: 'Budi Santoso',
  phone: '0812-3456-7890',
  whatsapp_number: '6281234567890',
  phone_error: null,
  status: 'active',
  attributes: { city: 'Bandung' },
  opted_out: false,
  opted_out_at: null,
  opted_out_source: null,
  created_at: '2025-06-01T08:00:00.000Z',
  updated_at: '2025-06-01T08:00:00.000Z',
};

export const CustomerListResponse = Type.Object(
  { success: SuccessTrue, data: Type.Array(CustomerResponse), meta: PageMeta },
  { ...OPEN, description: 'A page of customers.', examples: [{ success: true, data: [CUSTOMER_EXAMPLE], meta: { page: 1, per_page: 20, total: 1 } }] },
);
export const CustomerOneResponse = Type.Object(
  { success: SuccessTrue, data: CustomerResponse },
  { ...OPEN, description: 'The customer.', examples: [{ success: true, data: CUSTOMER_EXAMPLE }] },
);
const SaveCount = (description: string) => Type.Integer({ minimum: 0, description });
export const CustomersSavedResponse = Type.Object(
  {
    success: SuccessTrue,
    data: Type.Optional(
      Type.Array(CustomerResponse, {
        description: 'Every customer of the request, as stored now, in the order given. Left out with `Prefer: return=minimal`.',
      }),
    ),
    created: SaveCount('Customers created (without an id, or with an id no customer had).'),
    updated: SaveCount('Customers whose id existed and whose stored values changed.'),
    unchanged: SaveCount('Customers whose id existed with exactly these values: not written at all.'),
  },
  {
    ...OPEN,
    description: '201 when at least one customer was created, 200 when the request only updated or confirmed existing ones.',
    examples: [{ success: true, data: [CUSTOMER_EXAMPLE], created: 1, updated: 0, unchanged: 0 }],
  },
);

/**
 * Documentation only: POST /customers takes one customer or `{customers: [...]}` and checks
 * the body itself (customers.routes.ts), so this never validates anything.
 */
export const CreateCustomersBodyDoc = Type.Union([CustomerInput, BulkCustomerInput], {
  examples: [
    { customers: [{ name: 'Budi Santoso', phone: '0812-3456-7890', status: 'active', attributes: { city: 'Bandung' } }] },
    { customers: [{ id: 101, name: 'Budi Santoso', phone: '0812-3456-7890' }, { id: 102, name: 'Siti Rahma', phone: '0813-1111-2222' }] },
  ],
});
