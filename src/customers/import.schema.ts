import { Type } from '@sinclair/typebox';
import { OPEN } from '../http/common.schema.js';
import { MAX_REJECTED_ROWS_LISTED } from './import.service.js';

/** Largest CSV accepted over HTTP: a million customers with a few attributes take ~100 MB. */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;

/** Documentation only: the route reads the multipart stream itself (import.routes.ts). */
export const CustomerImportBodyDoc = {
  content: {
    'multipart/form-data': {
      schema: Type.Object(
        {
          file: Type.String({
            format: 'binary',
            contentMediaType: 'text/csv',
            description:
              'UTF-8 CSV whose first line names the columns: `name` and `phone` (required), `id` (optional: your own customer id; ' +
              'with it rows are matched by id, and every row needs one), `status` (optional), ' +
              'and any other column as an attribute (`city` → `{city}` in templates). Quoted fields, CRLF line ends and a BOM are fine. ' +
              `At most ${MAX_IMPORT_BYTES / 1024 ** 3} GiB.`,
          }),
        },
        { required: ['file'], examples: [{ file: 'name,phone,status,city\nBudi Santoso,0812-3456-7890,active,Bandung\n' }] },
      ),
    },
  },
};

export const CustomerImportResponse = Type.Object(
  {
    success: Type.Literal(true),
    created: Type.Integer({ minimum: 0, description: 'Rows whose number (or id, in a file with an id column) no customer had: a new customer each.' }),
    updated: Type.Integer({
      minimum: 0,
      description: 'Rows whose number (or id) a customer already had, or an earlier row of the file: that customer was updated.',
    }),
    unchanged: Type.Integer({ minimum: 0, description: 'Rows of an existing customer that would change nothing: not written.' }),
    rejected: Type.Integer({ minimum: 0, description: 'Rows not imported; see rejected_rows.' }),
    rejected_rows: Type.Array(
      Type.Object(
        {
          line: Type.Integer({ minimum: 2, description: 'Line in the file where the row starts; the header is line 1.' }),
          reason: Type.String(),
        },
        OPEN,
      ),
      { maxItems: MAX_REJECTED_ROWS_LISTED, description: `The first ${MAX_REJECTED_ROWS_LISTED} rejected rows, in file order.` },
    ),
    rejected_rows_truncated: Type.Boolean({ description: `true when more than ${MAX_REJECTED_ROWS_LISTED} rows were rejected.` }),
  },
  {
    ...OPEN,
    examples: [
      {
        success: true,
        created: 997,
        updated: 1,
        unchanged: 1,
        rejected: 1,
        rejected_rows: [{ line: 17, reason: 'phone number is too short' }],
        rejected_rows_truncated: false,
      },
    ],
  },
);
