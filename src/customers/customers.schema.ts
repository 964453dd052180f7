import { Type, type Static } from '@sinclair/typebox';

/** Names a template may use as `{name}`; an attribute may not shadow them. */
export const CUSTOMER_FIELDS = ['name', 'phone', 'status'] as const;

export const AttributeKey = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' });
export const Attributes = Type.Record(AttributeKey, Type.Union([Type.String({ maxLength: 2000 }), Type.Number()]), {
  maxProperties: 100,
  description: 'Extra values usable in message templates as {key}.',
});

export const CustomerInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
    status: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    attributes: Type.Optional(Attributes),
  },
  { additionalProperties: false },
);
export type CustomerInput = Static<typeof CustomerInput>;

export const MAX_CUSTOMERS_PER_REQUEST = 50_000;
export const BulkCustomerInput = Type.Object(
  { customers: Type.Array(CustomerInput, { minItems: 1, maxItems: MAX_CUSTOMERS_PER_REQUEST }) },
  { additionalProperties: false },
);

export const CustomerPatch = Type.Composite(
  [
    Type.Partial(CustomerInput),
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
    page: Type.Integer({ minimum: 1, default: 1 }),
    per_page: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
