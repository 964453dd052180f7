import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { AppError, invalid } from '../errors.js';
import { multipartParts } from '../http/multipart.js';
import { assertValid } from '../http/validation.js';
import { BlastRequest, IMAGE_TYPES, MAX_IMAGE_BYTES } from './blasts.schema.js';
import type { UploadedImage } from './blasts.service.js';

/** Fields that travel as JSON text inside multipart/form-data. */
const JSON_FIELDS = new Set(['customer_ids', 'filter_params', 'template', 'sender_ids']);

/**
 * Reads a blast request, JSON or multipart, into one validated shape: the same schema and the
 * same error messages either way. An image is judged by its bytes, never by name or header.
 */
export async function readBlastRequest(request: FastifyRequest): Promise<{ body: BlastRequest; image: UploadedImage | null }> {
  if (!request.isMultipart()) return { body: assertValid(BlastRequest, request.body ?? {}), image: null };

  const fields: Record<string, unknown> = {};
  let imageBytes: Buffer | null = null;
  try {
    imageBytes = await readParts(request, fields);
  } catch (error) {
    // The multipart reader reports the 5 MB limit without saying which field broke it.
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw imageTooLarge();
    throw error;
  }
  const body = assertValid(BlastRequest, fields);
  return { body, image: imageBytes === null ? null : await checkImage(imageBytes) };
}

/** Collects the text fields into `fields`; returns the image's bytes, if one was sent. */
async function readParts(request: FastifyRequest, fields: Record<string, unknown>): Promise<Buffer | null> {
  let imageBytes: Buffer | null = null;
  for await (const part of multipartParts(request)) {
    if (part.type === 'file') {
      if (part.fieldname !== 'image' || imageBytes !== null) {
        await part.toBuffer().catch(() => undefined);
        throw invalid('Only one file, in the field "image", is accepted.', [{ field: part.fieldname, message: 'is not a known file field' }]);
      }
      imageBytes = await part.toBuffer();
      continue;
    }
    const value = String(part.value);
    if (part.fieldname in fields) throw invalid('A field was given twice.', [{ field: part.fieldname, message: 'is given more than once' }]);
    fields[part.fieldname] = JSON_FIELDS.has(part.fieldname) ? parseJsonField(part.fieldname, value) : value;
  }
  return imageBytes;
}

function parseJsonField(field: string, value: string): unknown {
  if (value.trim() === '') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw invalid('A multipart field is not valid JSON.', [{ field, message: 'must be JSON text (for example [101,102] or {"status":"active"})' }]);
  }
}

async function checkImage(bytes: Buffer): Promise<UploadedImage> {
  if (bytes.length === 0) throw invalid('The image is empty.', [{ field: 'image', message: 'is an empty file' }]);
  if (bytes.length > MAX_IMAGE_BYTES) throw imageTooLarge();
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !IMAGE_TYPES.includes(type.mime)) {
    throw new AppError('unsupported_media_type', 'The image must be a JPEG or PNG file.', [
      { field: 'image', message: `is ${type ? type.mime : 'not a recognisable image'}; JPEG or PNG expected` },
    ]);
  }
  return { mime: type.mime, content: bytes };
}

const imageTooLarge = () => new AppError('payload_too_large', 'The image is larger than 5 MB.', [{ field: 'image', message: 'exceeds 5 MB' }]);

/** The `Idempotency-Key` header, checked: 1–255 visible ASCII characters. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header.join(',') : header;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw invalid('The Idempotency-Key header is invalid.', [{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]);
  }
  return key;
}

/** What "the same request" means for Idempotency-Key: the same fields (in any order) and the same image bytes. */
export function requestHash(body: BlastRequest, image: UploadedImage | null): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
        : value;
  const hash = createHash('sha256').update(JSON.stringify(canonical(body)));
  if (image) hash.update('\u0000image\u0000').update(image.content);
  return hash.digest('hex');
}
