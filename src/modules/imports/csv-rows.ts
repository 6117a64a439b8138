import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import Papa from 'papaparse';
import { AppError } from '../../platform/errors/app-error.js';
import type { CsvDelimiter, TextEncoding } from './file-sniff.js';
import { createTextDecoder } from './text-decoder.js';
import type { RowProblem, TableRow } from './table-row.js';
import { isBlankRow, raggedProblem, tableHeaders } from './table-row.js';

/*
 * The rows of a CSV file, read as a stream: file → text check/decoding → papaparse → rows, with
 * back-pressure all the way, so a file of a million rows is read in the memory of a few chunks.
 *
 * Papaparse's core parser (`Papa.Parser`, the one its own streamers drive) is given a chunk of
 * text at a time, with the unfinished record left from the chunk before, rather than the stream
 * itself: `Papa.parse(Papa.NODE_STREAM_INPUT)` drops the parse errors (an unclosed quote would
 * come out as a cell holding the rest of the file), and `Papa.parse(stream, { step })` turns each
 * Buffer into text on its own (cutting a character in two), keeps an unfinished record without
 * limit, parsing it again with every chunk, and needs pause/resume to hold back. Here the next
 * chunk is read when the rows of the last one have been taken, an unfinished record has a limit,
 * and an error is known with its line.
 */

/** A record still unfinished after this many characters is refused: an unclosed quote would otherwise swallow the whole file into one cell. */
const maxRecordLength = 1024 * 1024;

export type CsvRows = {
  headers: string[];
  rows: AsyncGenerator<TableRow, void, undefined>;
  /** The same rows, those of a parsed chunk at a time: read `rows` or `batches`, not both. */
  batches: AsyncGenerator<TableRow[], void, undefined>;
  close: () => void;
};

type LineBreak = '\r\n' | '\n' | '\r';

/**
 * The text cannot be read as CSV. `reason` keeps the codes the reader gave before papaparse
 * (csv-parse's), so that messages and logs read the same; the cell is never quoted.
 */
const unreadable = (
  line: number,
  reason: 'CSV_QUOTE_NOT_CLOSED' | 'CSV_INVALID_CLOSING_QUOTE' | 'CSV_MAX_RECORD_SIZE',
) => new AppError('imports.csv_unreadable', { line, reason });

/**
 * The line break of the file: the first one outside a quoted cell, as Excel writes one kind for a
 * whole file (null while the text has none yet). A CR at the end of the text may be waiting for
 * its LF, unless the text has `ended`.
 */
const firstLineBreak = (text: string, delimiter: CsvDelimiter, ended: boolean): LineBreak | null => {
  let quoted = false;
  let cellStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else quoted = false;
      }
      continue;
    }
    if (c === '\n') return '\n';
    if (c === '\r') {
      if (i + 1 < text.length) return text[i + 1] === '\n' ? '\r\n' : '\r';
      return ended ? '\r' : null;
    }
    // Only a quote that opens a cell quotes it; one inside an unquoted cell is a character.
    if (c === '"' && cellStart) quoted = true;
    cellStart = c === delimiter;
  }
  return null;
};

/** The lines `text` ends before `end`, as an editor counts them: at each LF (CRLF included), or at each CR in a file of CRs. */
const countLines = (text: string, lineEnd: '\n' | '\r', end: number): number => {
  let n = 0;
  for (let i = text.indexOf(lineEnd); i !== -1 && i < end; i = text.indexOf(lineEnd, i + 1)) n++;
  return n;
};

/**
 * The records of a text, the whole records of each chunk at once. The first line break outside
 * quotes is taken for the whole file: in a CRLF file, a lone LF is a character of its cell.
 */
async function* csvRecords(
  text: AsyncIterator<string>,
  delimiter: CsvDelimiter,
): AsyncGenerator<string[][], void, undefined> {
  let pending = ''; // text not yet made into records: an unfinished record, and the new chunk
  let linesBefore = 0; // lines ended before `pending`
  let lineBreak: LineBreak | null = null;
  let parser: Papa.Parser | null = null;
  const lineEnd = () => (lineBreak === '\r' ? '\r' : '\n');
  /** The line of `pending[offset]` (of its last character when `offset` is past it). */
  const lineAt = (offset: number) =>
    linesBefore + 1 + countLines(pending, lineEnd(), Math.min(offset, pending.length - 1));

  for (let ended = false; !ended;) {
    const next = await text.next();
    ended = next.done === true;
    if (!ended) pending += next.value;
    if (parser === null) {
      lineBreak = firstLineBreak(pending, delimiter, ended) ?? (ended ? '\n' : null);
      if (lineBreak === null) {
        if (pending.length > maxRecordLength) throw unreadable(lineAt(pending.length), 'CSV_MAX_RECORD_SIZE');
        continue;
      }
      parser = new Papa.Parser({ delimiter, newline: lineBreak, quoteChar: '"' });
    }
    // Until the text has ended, the record at its end is left out (it may go on in the next chunk).
    const { data, errors, meta } = parser.parse(pending, 0, !ended) as Papa.ParseResult<string[]>;
    const tooLong = pending.length - meta.cursor > maxRecordLength;
    // An error in the record left out is looked at again with the rest of it, unless it is too long already.
    const error = errors.find((e) => ended || tooLong || (e.row ?? data.length) < data.length);
    if (error?.code === 'MissingQuotes') throw unreadable(lineAt(pending.length), 'CSV_QUOTE_NOT_CLOSED');
    // A closing quote followed by text (`"a"b`): papaparse reads on to a later quote, making one
    // cell of several rows, so the file is refused at the cell where that starts.
    if (error) throw unreadable(lineAt(error.index ?? 0), 'CSV_INVALID_CLOSING_QUOTE');
    if (tooLong) throw unreadable(lineAt(pending.length), 'CSV_MAX_RECORD_SIZE');
    linesBefore += countLines(pending, lineEnd(), meta.cursor);
    pending = pending.slice(meta.cursor);
    if (data.length > 0) yield data;
  }
}

/**
 * Reads the header of a CSV stream (the first row that is not blank, or `headerRow`) and returns
 * it with the rows that follow. Rows are numbered as a spreadsheet numbers them (the first record
 * is row 1; a blank line is a row too, so the numbers match what the user sees in Excel). Blank
 * rows are skipped; a row with more or fewer cells than the header gets a `ragged` problem and is
 * padded to the header's width.
 */
export const readCsvRows = async ({
  stream,
  encoding,
  bomLength,
  delimiter,
  headerRow,
}: {
  stream: Readable;
  encoding: TextEncoding;
  bomLength: number;
  delimiter: CsvDelimiter;
  headerRow?: number | undefined;
}): Promise<CsvRows> => {
  const decoder = createTextDecoder({ encoding, skip: bomLength });
  // Text for papaparse, in whole characters: the decoder's UTF-8 chunks are bytes cut anywhere.
  decoder.setEncoding('utf8');
  // Errors reach the reader through the decoder: pipeline destroys every stream with the first error.
  pipeline(stream, decoder, () => {});
  const records = csvRecords(decoder[Symbol.asyncIterator]() as AsyncIterator<string>, delimiter);
  const close = () => decoder.destroy();

  // The records of the chunk at hand, and the next one to take.
  let batch: string[][] = [];
  let at = 0;
  let rowNumber = 0;
  const next = async (): Promise<string[] | null> => {
    while (at === batch.length) {
      const result = await records.next();
      if (result.done) return null;
      batch = result.value;
      at = 0;
    }
    rowNumber += 1;
    return batch[at++]!;
  };

  let header: string[] | null = null;
  try {
    for (let record = await next(); record !== null; record = await next()) {
      if (headerRow === undefined ? !isBlankRow(record) : rowNumber === headerRow) {
        header = record;
        break;
      }
    }
  } catch (error) {
    close();
    throw error;
  }
  const headers = header ? tableHeaders(header) : [];
  if (headers.length === 0) {
    close();
    throw new AppError('imports.no_header');
  }

  const width = headers.length;
  /** The rows of each parsed chunk at once: no promise a row on the path every row takes. */
  async function* chunks(): AsyncGenerator<TableRow[], void, undefined> {
    try {
      for (;;) {
        const out: TableRow[] = [];
        while (at < batch.length) {
          const cells = batch[at++]!;
          rowNumber += 1;
          if (cells.length === width) {
            if (!isBlankRow(cells)) out.push({ row: rowNumber, cells });
            continue;
          }
          if (isBlankRow(cells)) continue;
          // Cells past the header that are all empty are a trailing delimiter, not data.
          let length = cells.length;
          while (length > width && cells[length - 1]!.trim() === '') length--;
          cells.length = length;
          if (length === width) {
            out.push({ row: rowNumber, cells });
            continue;
          }
          const problems: RowProblem[] = [raggedProblem(width, length)];
          while (cells.length < width) cells.push('');
          out.push({ row: rowNumber, cells, problems });
        }
        if (out.length > 0) yield out;
        const result = await records.next();
        if (result.done) return;
        batch = result.value;
        at = 0;
      }
    } finally {
      close();
    }
  }
  const batches = chunks();
  async function* rows(): AsyncGenerator<TableRow, void, undefined> {
    for await (const chunk of batches) yield* chunk;
  }

  return { headers, rows: rows(), batches, close };
};
