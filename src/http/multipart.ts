import type { FastifyRequest } from 'fastify';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import { MAX_IMAGE_BYTES } from '../blasts/blasts.schema.js';
import { AppError } from '../errors.js';

/**
 * Limits for every multipart request (the plugin's `limits`, busboy's names). A route may lower
 * or raise fileSize for its own upload (the CSV import does).
 */
export const MULTIPART_LIMITS = {
  /** Blast images; the CSV import sets its own. */
  fileSize: MAX_IMAGE_BYTES,
  files: 1,
  fields: 20,
  /** Room for 100,000 customer ids as JSON text. */
  fieldSize: 4 * 1024 * 1024,
  parts: 25,
  /** Headers of one part: a handful are ever needed. */
  headerPairs: 20,
};

/**
 * The buffer of each part's stream inside busboy (its `fileHwm`, also the part parser's
 * high-water mark), larger than any chunk a socket delivers (64 KiB).
 *
 * Why it matters: busboy skips a part it cannot name (no Content-Disposition) by resuming its
 * stream, and waits for that stream to ask for more before it accepts the next chunk. When one
 * chunk both overfills the skipped part's buffer (16 KiB by default) and carries the part's end
 * and the closing boundary, the part ends before it ever asks: busboy's write never completes,
 * the request stops being read, and the client waits until the connection times out
 * (@fastify/busboy 3.2.6). With a buffer larger than any one chunk, that push never overfills.
 * test/http/hostile.test.ts sends such parts of several sizes.
 */
export const MULTIPART_PART_BUFFER_BYTES = 256 * 1024;

type Part = MultipartFile | MultipartValue;

/** The request's parts, one at a time; a body the multipart parser cannot read is a 400. */
export async function* multipartParts(request: FastifyRequest): AsyncGenerator<Part> {
  try {
    for await (const part of request.parts()) yield part as Part;
  } catch (error) {
    throw asClientError(error);
  }
}

/** The first file part (fields before it are skipped), or undefined; a body the parser cannot read is a 400. */
export async function firstMultipartFile(request: FastifyRequest, limits: { fileSize: number }): Promise<MultipartFile | undefined> {
  try {
    return await request.file({ limits });
  } catch (error) {
    throw asClientError(error);
  }
}

/**
 * Errors from reading the multipart body are the client's: a missing or wrong boundary, a body
 * cut short, a malformed part header. The plugin's own errors (FST_…: limits, not multipart)
 * and ours pass through to the error handler, which maps them.
 */
export function asClientError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && code.startsWith('FST_')) return error;
  const message = error instanceof Error && !(error instanceof TypeError) ? error.message : 'malformed';
  return new AppError('bad_request', `The multipart/form-data body cannot be read (${message}).`, [
    { field: '(body)', message: 'must be multipart/form-data with the boundary given in Content-Type, complete, with a Content-Disposition on each part' },
  ]);
}
