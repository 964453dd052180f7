import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../app-context.js';
import { AppError, invalid } from '../errors.js';
import { errorResponses } from '../http/common.schema.js';
import { asClientError, firstMultipartFile } from '../http/multipart.js';
import { CustomerImportBodyDoc, CustomerImportResponse, MAX_IMPORT_BYTES } from './import.schema.js';
import { importCustomersCsv } from './import.service.js';

const tooLarge = () =>
  new AppError('payload_too_large', `The file is larger than ${MAX_IMPORT_BYTES / 1024 ** 3} GiB; split it. Rows before the limit were imported.`, [
    { field: 'file', message: `exceeds ${MAX_IMPORT_BYTES / 1024 ** 3} GiB` },
  ]);

/** POST /customers/import: a CSV upload, streamed into the database (see import.service.ts). */
export const customerImportRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post('/customers/import', {
    config: { openapiBody: CustomerImportBodyDoc },
    schema: {
      tags: ['Customers'],
      summary: 'Import customers from a CSV file',
      description:
        'Upserts by sanitised phone number: a number a customer already has updates that customer (name, status if given, attributes merged), ' +
        'a new number creates one. With an `id` column (your own customer ids) rows are matched by id instead (the number is updated too), ' +
        'and a row whose number another customer has is rejected. Rows with an invalid number or id are rejected with their line and reason; ' +
        'a row that would change nothing is not written (`unchanged`). The file is streamed in batches of ' +
        '1,000 rows, each in its own transaction; a bad header is a 422 before any row is stored.',
      response: { 200: CustomerImportResponse, ...errorResponses(400, 401, 413, 415, 422) },
    },
  }, async (request) => {
    if (!request.isMultipart()) {
      throw new AppError('unsupported_media_type', 'Send the CSV as multipart/form-data, in the field "file".', [{ field: 'file', message: 'is required: a CSV file' }]);
    }
    // The app-wide 5 MB file limit is for blast images; a customer list may be far larger.
    const part = await firstMultipartFile(request, { fileSize: MAX_IMPORT_BYTES });
    if (!part) throw invalid('No file was uploaded.', [{ field: 'file', message: 'is required: a CSV file' }]);
    if (part.fieldname !== 'file') {
      part.file.resume();
      throw invalid('The CSV must be sent in the field "file".', [{ field: part.fieldname, message: 'is not a known file field; use "file"' }]);
    }
    const limit = new AbortController();
    part.file.once('limit', () => limit.abort(tooLarge()));
    const context = { db: ctx.database.db, engine: ctx.database.engine, countryCode: ctx.config.defaultCountryCode, now: ctx.clock.now() };
    try {
      return { success: true as const, ...(await importCustomersCsv(context, part.file, { signal: limit.signal })) };
    } catch (error) {
      // Discard the rest of the upload, so the client finishes sending and reads the answer.
      part.file.resume();
      // The upload itself failing (cut short, a malformed part) is the client's error, not ours.
      const uploadFailed = part.file.errored ?? (part.file.destroyed && !part.file.readableEnded ? error : null);
      throw uploadFailed !== null && !(error instanceof AppError) ? asClientError(uploadFailed) : error;
    }
  });
};
