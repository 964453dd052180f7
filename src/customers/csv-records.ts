import { Transform, type TransformCallback } from 'node:stream';
import { Parser, type CsvError } from 'csv-parse';
import { AppError, invalid } from '../errors.js';

/** A parsed record (its fields), or a record csv-parse could not read and skipped. */
export type CsvItem = string[] | { malformed: string };

/**
 * Bounds the memory one record may take: an unclosed quote would otherwise swallow the rest of
 * the file into one field. 100 attributes of 2,000 characters fit well within it.
 */
const MAX_RECORD_CHARS = 1024 * 1024;

/**
 * csv-parse, streaming, with the settings an uploaded spreadsheet export needs. Empty lines are
 * kept (as a single blank field) so that LineCounter can number every line; a record with an
 * unclosed quote at the end of the file becomes a `malformed` item, in file order, instead of
 * ending the parse; a record over MAX_RECORD_CHARS (the same mistake mid-file: everything
 * after it would be misread) stops the import with a 422.
 */
export class CsvRecordParser extends Parser {
  constructor() {
    super({
      bom: true,
      // Rows with fewer or more fields than the header are judged per row, not fatal to the file.
      relax_column_count: true,
      // `5" screen` in an unquoted field is text, not an error.
      relax_quotes: true,
      skip_records_with_error: true,
      max_record_size: MAX_RECORD_CHARS,
    });
    this.on('skip', (error: CsvError) => {
      if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
        this.push({ malformed: 'malformed CSV: a quoted field is never closed (the rest of the file was read as part of it)' } satisfies CsvItem);
      } else {
        const reason = malformedReason(error);
        this.destroy(invalid(`The file is not valid CSV: ${reason}. Rows before it may have been imported; importing the fixed file again is safe.`, [{ field: 'file', message: reason }]));
      }
    });
  }
}

/**
 * Numbers records by the line they start on, counting line breaks inside quoted fields. (The
 * parser's own `info.lines` counts a CRLF inside quotes as two lines, and its `info` option
 * copies a dozen counters per record, which doubles the parsing cost of a large file.)
 */
export class LineCounter {
  #next = 1;

  /** The line `fields` starts on; call once per record, in order. */
  startOf(fields: string[]): number {
    const line = this.#next;
    this.#next += 1 + lineBreaksIn(fields);
    return line;
  }

  /** The line a skipped record starts on (only at the end of the file: nothing follows it). */
  startOfSkipped(): number {
    return this.#next;
  }
}

/** An empty (or blank) line arrives as one blank field. */
export function isBlankLine(fields: string[]): boolean {
  return fields.length === 1 && fields[0]!.trim() === '';
}

/** CRLF, LF or a lone CR each end one line; a CR left at the end of a record is its CRLF ending. */
function lineBreaksIn(fields: string[]): number {
  let breaks = 0;
  for (let f = 0; f < fields.length; f++) {
    const field = fields[f]!;
    for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) breaks += 1;
    for (let i = field.indexOf('\r'); i !== -1; i = field.indexOf('\r', i + 1)) {
      const endsRecord = f === fields.length - 1 && i === field.length - 1;
      if (field.charCodeAt(i + 1) !== 10 && !endsRecord) breaks += 1;
    }
  }
  return breaks;
}

function malformedReason(error: CsvError): string {
  switch (error.code) {
    case 'CSV_MAX_RECORD_SIZE':
      return `the row is longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters (an unclosed quote?)`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a closing quote is followed by text instead of a comma or the end of the line';
    default:
      return error.message.replace(/\s+at line \d+.*$/, '');
  }
}

/** Magic numbers of files people upload by mistake instead of a CSV export. */
const BINARY_SIGNATURES: [string, number[]][] = [
  ['an Excel workbook or ZIP archive', [0x50, 0x4b, 0x03, 0x04]],
  ['an old Excel (.xls) workbook', [0xd0, 0xcf, 0x11, 0xe0]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a gzip archive', [0x1f, 0x8b]],
];

/**
 * Passes bytes through unchanged after checking the first chunk is UTF-8 text: an Excel file,
 * a PDF or a picture is a 415 naming what it looks like, not a stream of odd column names.
 */
export class CsvTextCheck extends Transform {
  #checked = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.#checked) {
      this.#checked = true;
      const problem = notCsvText(chunk);
      if (problem) return callback(new AppError('unsupported_media_type', problem, [{ field: 'file', message: 'must be a CSV file (UTF-8 text)' }]));
    }
    callback(null, chunk);
  }
}

function notCsvText(head: Buffer): string | undefined {
  for (const [what, magic] of BINARY_SIGNATURES) {
    if (head.length >= magic.length && magic.every((byte, i) => head[i] === byte)) {
      return `The file looks like ${what}, not CSV: export it as "CSV UTF-8" and upload that.`;
    }
  }
  if (head.includes(0)) return 'The file is binary, not CSV text.';
  try {
    // stream: true tolerates a character cut in two at the end of the chunk.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return 'The file is not UTF-8 text: save it as "CSV UTF-8" and upload that.';
  }
  return undefined;
}
