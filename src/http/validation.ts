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

/** What Fastify calls to validate one part of a request; `errors` is read after a false. */
type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * Fastify's validator compiler: our Ajv instances, plus two checks no schema keyword can make.
 * - No string anywhere may hold a NUL character: PostgreSQL text cannot store one, and no
 *   person types it. Checked in every part (body, query, path), before the schema.
 * - A path or query integer must be written as plain decimal digits. Ajv's coercion reads the
 *   text as JavaScript does, so `0x10` would become 16 and `1e3` 1000: the raw text is checked
 *   before it is coerced, and the schema's range applies to the number.
 */
export function compileValidator({ schema, httpPart }: { schema: TSchema; httpPart?: string }): Validator {
  const coerced = httpPart !== 'body';
  const validate = (coerced ? queryAjv : bodyAjv).compile(schema);
  const integerFields = coerced ? integerPropertiesOf(schema) : [];
  const validator: Validator = (data) => {
    const problems = [...nulCharacterErrors(data), ...integerFields.flatMap((field) => integerTextErrors(data, field))];
    if (problems.length > 0) {
      validator.errors = problems;
      return false;
    }
    const valid = validate(data);
    validator.errors = validate.errors;
    return valid;
  };
  return validator;
}

const compiled = new WeakMap<object, ValidateFunction>();

/** Validates data the framework could not (multipart fields, hand-read bodies) with the same schemas and errors. */
export function assertValid<S extends TSchema>(schema: S, data: unknown): Static<S> {
  const nul = nulCharacterErrors(data);
  if (nul.length > 0) throw validationFailed(nul);
  let validate = compiled.get(schema);
  if (!validate) {
    validate = bodyAjv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(data)) throw validationFailed(validate.errors ?? []);
  return data as Static<S>;
}

const MAX_NUL_ERRORS = 20;

/**
 * The strings (keys included) holding a NUL character, as Ajv-style errors. Walks with a stack,
 * not recursion: a body may be nested deeper than the call stack is tall.
 */
export function nulCharacterErrors(data: unknown): ErrorObject[] {
  // Almost every body has none: a walk that builds no paths answers that at a fraction of the
  // cost (a bulk sync of 5,000 customers has ~50,000 strings), and only a body with a NUL pays
  // for the paths that name where it is.
  return containsNul(data) ? nulCharacterPaths(data) : [];
}

function containsNul(data: unknown): boolean {
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push(value[i]);
    } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        if (key.includes('\u0000')) return true;
        stack.push((value as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

function nulCharacterPaths(data: unknown): ErrorObject[] {
  const errors: ErrorObject[] = [];
  const stack: [unknown, string][] = [[data, '']];
  while (stack.length > 0 && errors.length < MAX_NUL_ERRORS) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) errors.push(fieldError(path, 'must not contain a NUL character'));
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}/${i}`]);
    } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
      for (const [key, item] of Object.entries(value)) {
        const itemPath = `${path}/${key.replace(/\u0000/g, '\\0')}`;
        if (key.includes('\u0000')) errors.push(fieldError(itemPath, 'must not contain a NUL character in its name'));
        stack.push([item, itemPath]);
      }
    }
  }
  return errors;
}

/** Names of the top-level properties a path or query schema declares as integers. */
function integerPropertiesOf(schema: TSchema): string[] {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  return Object.keys(properties).filter((name) => [properties[name]!.type].flat().includes('integer'));
}

const DECIMAL_INTEGER = /^-?[0-9]+$/;

function integerTextErrors(data: unknown, field: string): ErrorObject[] {
  const raw = (data as Record<string, unknown> | null)?.[field];
  const texts = [raw].flat().filter((v): v is string => typeof v === 'string');
  return texts.some((text) => !DECIMAL_INTEGER.test(text)) ? [fieldError(`/${field}`, 'must be an integer written in decimal digits')] : [];
}

function fieldError(instancePath: string, message: string): ErrorObject {
  return { keyword: 'format', instancePath, schemaPath: '#', params: {}, message };
}

/** Enough to fix a request by; a body with 50,000 bad items gets the first ones, not a megabyte of errors. */
export const MAX_FIELD_ERRORS = 100;

export function validationFailed(errors: ErrorObject[], part = 'body'): AppError {
  // One pass with a Set: the errors of a huge body must not cost quadratic time on the event loop.
  const seen = new Set<string>();
  const unique: FieldError[] = [];
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'if') continue;
    const fieldError = toFieldError(error);
    const key = `${fieldError.field}\u0000${fieldError.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(fieldError);
    if (unique.length === MAX_FIELD_ERRORS) break;
  }
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
