import { Readable } from 'node:stream';

/*
 * CSV for people to open in Excel, such as the error report of an import (row, column, value,
 * why): UTF-8 with a byte-order mark (without it Excel on Chinese Windows reads the file as GBK),
 * CRLF line ends, RFC 4180 quoting.
 *
 * The cells are the user's own data coming back to them, so they are defused: a cell that starts
 * with = + - @ TAB or CR is a formula to Excel (CSV injection, e.g. =HYPERLINK(...) or =cmd|...),
 * and gets a leading apostrophe, which Excel shows as text.
 */

export type CsvCell = string | number | boolean | null | undefined;

const bom = '\uFEFF';
const formulaStart = /^[=+\-@\t\r]/;
const needsQuotes = /[",\r\n]/;

/** One cell as CSV text: defused, then quoted when it holds a comma, a quote or a line break. */
export const csvCell = (cell: CsvCell): string => {
  if (cell === null || cell === undefined) return '';
  let text = String(cell);
  // Numbers are data, not formulas: -12.5 stays a number Excel can add up.
  if (typeof cell !== 'number' && formulaStart.test(text)) text = `'${text}`;
  return needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One record as a CSV line, CRLF included. */
export const csvLine = (cells: readonly CsvCell[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** A whole CSV file as a string, byte-order mark first: for small files (a report of a few thousand rows). */
export const toCsv = (rows: Iterable<readonly CsvCell[]>): string => {
  let text = bom;
  for (const row of rows) text += csvLine(row);
  return text;
};

/**
 * A CSV file as a stream of UTF-8 bytes, byte-order mark first, from rows produced on demand (an
 * error report as the import goes): for a reply or a file, with back-pressure.
 */
export const csvStream = (rows: Iterable<readonly CsvCell[]> | AsyncIterable<readonly CsvCell[]>): Readable =>
  Readable.from(
    (async function* () {
      // Lines go out in chunks of some 16 K characters: a chunk per line would cost more than the line.
      let chunk = bom;
      for await (const row of rows) {
        chunk += csvLine(row);
        if (chunk.length >= 16 * 1024) {
          yield Buffer.from(chunk, 'utf8');
          chunk = '';
        }
      }
      if (chunk !== '') yield Buffer.from(chunk, 'utf8');
    })(),
    { objectMode: false },
  );
