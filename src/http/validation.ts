import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema, Static } from '@sinclair/typebox';
import { AppError, type FieldError } from '../errors.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Bodies are checked strictly: no type coercion ("101" is not 101) and unknown fields are
 * errors, never silently dropped (a mistyped filter key must not message every customer).
 * Query strings arrive as text, so they are coerced.
 */
const bodyAjv = addFormats(new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: true }));
const queryAjv = addFormats(new Ajv({ allErrors: true, coerceTypes: 'array', removeAdditional: false, useDefaults: true }));
for (const ajv of [bodyAjv, queryAjv]) ajv.addKeyword('example').addKeyword('x-field-hint');

export function compilerFor(httpPart: string | undefined) {
  return httpPart === 'body' ? bodyAjv : queryAjv;
}

const compiled = new WeakMap<object, ValidateFunction>();

/** Validates data the framework could not (multipart fields) with the same schemas and errors. */
export function assertValid<S extends TSchema>(schema: S, data: unknown): Static<S> {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = bodyAjv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(data)) throw validationFailed(validate.errors ?? []);
  return data as Static<S>;
}

export function validationFailed(errors: ErrorObject[], part = 'body'): AppError {
  const fieldErrors = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if').map(toFieldError);
  const unique = fieldErrors.filter((e, i) => fieldErrors.findIndex((o) => o.field === e.field && o.message === e.message) === i);
  return new AppError('unprocessable', `The request ${part === 'body' ? 'body' : part} has invalid fields.`, unique);
}

function toFieldError(error: ErrorObject): FieldError {
  const base = error.instancePath.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
  const join = (name: string) => (base ? `${base}.${name}` : name);
  switch (error.keyword) {
    case 'required':
      return { field: join(String(error.params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { field: join(String(error.params.additionalProperty)), message: 'is not a known field' };
    case 'pattern':
      // The pattern \S is how the schemas say "not blank": say so, not 'must match pattern "\S"'.
      if (error.params.pattern === '\\S') return { field: base || '(body)', message: 'must not be blank' };
      return { field: base || '(body)', message: error.message ?? 'is invalid' };
    default:
      return { field: base || '(body)', message: error.message ?? 'is invalid' };
  }
}
