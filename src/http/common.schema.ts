import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * Response schemas are also what Fastify serialises with, and a serialiser drops every field a
 * schema does not list: so every response object here allows additional properties, and a
 * field a handler adds later still reaches the client (then it should be listed here too).
 */
export const OPEN = { additionalProperties: true } as const;

/**
 * `"success": true` in the document; typed as boolean so handlers need no `as const` (an async
 * handler's object literal widens `true` to boolean).
 */
export const SuccessTrue = Type.Unsafe<boolean>(Type.Literal(true));

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Timestamp = Type.String({ format: 'date-time', description: 'ISO-8601, UTC.' });

/** The one error shape (see src/http/error-handler.ts), registered once and referenced by every route. */
export const ErrorBody = Type.Object(
  {
    success: Type.Literal(false),
    message: Type.String({ description: 'One human sentence.' }),
    errors: Type.Array(
      Type.Object({ field: Type.String(), message: Type.String() }, OPEN),
      { description: 'The fields to blame, when there are any.' },
    ),
  },
  {
    $id: 'ErrorBody',
    additionalProperties: true,
    examples: [{ success: false, message: 'The request body has invalid fields.', errors: [{ field: 'message', message: 'is required' }] }],
  },
);
export type ErrorBody = Static<typeof ErrorBody>;

const ERROR_MEANINGS = {
  400: 'Malformed request (for example a body that is not valid JSON).',
  401: 'Missing, invalid or expired credentials.',
  403: 'Not allowed.',
  404: 'No such resource.',
  409: 'Conflicts with the current state.',
  413: 'The body or the uploaded file is too large.',
  415: 'This content type (or file type) is not accepted.',
  422: 'Well-formed but invalid; `errors` names the fields.',
  503: 'A dependency is down; retry after `Retry-After` seconds.',
} as const;
export type ErrorStatus = keyof typeof ERROR_MEANINGS;

const ErrorRef = Type.Unsafe<ErrorBody>(Type.Ref('ErrorBody'));

/** `{ 401: ErrorBody, 422: ErrorBody, ... }` for a route's `schema.response`, each a reference to the shared schema. */
export function errorResponses<const S extends ErrorStatus>(...statuses: S[]): Record<S, typeof ErrorRef> {
  const responses = {} as Record<S, typeof ErrorRef>;
  for (const status of statuses) responses[status] = Type.Unsafe<ErrorBody>(Type.Ref('ErrorBody', { description: ERROR_MEANINGS[status] }));
  return responses;
}

/**
 * The largest id the API accepts: 2^53 − 1, the largest integer a JSON number carries exactly.
 * It fits both engines' 64-bit ids, so a bigger number is "no such resource", never a database error.
 */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

/** Every id, in a path or a body. In a path it must also be written as plain decimal digits (validation.ts). */
export const Id = Type.Integer({ minimum: 1, maximum: MAX_ID });

/** `/:id` on every route. */
export const IdParams = Type.Object({ id: Id });

/**
 * Paging in query strings. A page beyond the last is an empty page; the cap keeps the offset
 * (page × per_page) an exact integer well inside both engines' 64-bit range.
 */
export const MAX_PAGE = 1_000_000_000;
export const PageQuery = {
  page: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1 }),
  per_page: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
};

export const PageMeta = Type.Object(
  { page: Type.Integer({ minimum: 1 }), per_page: Type.Integer({ minimum: 1, maximum: 100 }), total: Type.Integer({ minimum: 0 }) },
  OPEN,
);

export const SuccessOnly = Type.Object({ success: SuccessTrue }, { ...OPEN, description: 'Done.', examples: [{ success: true }] });
