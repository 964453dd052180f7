import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, ERROR_STATUS, type ErrorCode } from '../errors.js';
import { validationFailed } from './validation.js';
import { isDatabaseUnavailable, isTransientConflict } from '../db/unavailable.js';

/** Framework failures that are the caller's fault, mapped onto our closed set of codes. */
const FRAMEWORK_ERRORS: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['bad_request', 'The request body is not valid JSON.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['bad_request', 'The request body is empty; JSON was expected.'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'The request body is too large.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'This content type is not accepted here.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['bad_request', 'The Content-Length header does not match the body.'],
  FST_REQ_FILE_TOO_LARGE: ['payload_too_large', 'The uploaded file is too large.'],
  FST_PARTS_LIMIT: ['payload_too_large', 'The multipart request has too many parts.'],
  FST_FILES_LIMIT: ['payload_too_large', 'Only one file may be uploaded.'],
  FST_FIELDS_LIMIT: ['payload_too_large', 'The multipart request has too many fields.'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: ['unsupported_media_type', 'The request is not multipart/form-data.'],
};

/** One error shape for every failure: {success:false, message, errors}. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & { validationContext?: string }, request, reply) => {
    let appError: AppError | undefined;
    if (error instanceof AppError) appError = error;
    else if (error.validation) {
      appError = error.validationContext === 'params'
        ? new AppError('not_found', 'No such resource: the path has an invalid id.')
        : validationFailed(error.validation as never, error.validationContext);
    } else if (error.code && FRAMEWORK_ERRORS[error.code]) {
      const [code, message] = FRAMEWORK_ERRORS[error.code]!;
      appError = new AppError(code, message);
    } else if (error instanceof SyntaxError && error.statusCode === 400) {
      appError = new AppError('bad_request', 'The request body is not valid JSON.');
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      const code = (Object.keys(ERROR_STATUS) as ErrorCode[]).find((c) => ERROR_STATUS[c] === error.statusCode);
      appError = new AppError(code ?? 'bad_request', error.message);
    }
    if (!appError && isDatabaseUnavailable(error)) {
      // A restart or a network cut, not a bug: the caller may try again (nothing was half-written:
      // every write is one transaction).
      request.log.warn({ code: (error as { code?: string }).code, reason: error.message }, 'database unreachable');
      reply.header('retry-after', '5');
      appError = new AppError('unavailable', 'The database is unreachable right now; try again shortly.');
    } else if (!appError && isTransientConflict(error)) {
      // A deadlock or serialization failure with another request: the transaction was rolled back
      // whole, and the same request will very likely go through at once. (A CSV import commits in
      // batches: the batches before this one stay, and the import upserts, so sending it again is safe.)
      request.log.warn({ code: (error as { code?: string }).code, reason: error.message }, 'request rolled back by a conflict');
      reply.header('retry-after', '1');
      appError = new AppError('unavailable', 'The request collided with another change in the database; try again.');
    }
    if (!appError) {
      request.log.error({ err: error }, 'unhandled error');
      return reply.status(500).send({ success: false, message: 'Something went wrong on our side.', errors: [] });
    }
    return reply.status(appError.status).send({ success: false, message: appError.message, errors: appError.errors });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ success: false, message: `No route ${request.method} ${request.url.split('?')[0]}.`, errors: [] }),
  );
}
