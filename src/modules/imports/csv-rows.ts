import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { AppError } from '../../platform/errors/app-error.js';
import type { CsvDelimiter, TextEncoding } from './file-sniff.js';
import { createTextDecoder } from './text-decoder.js';
import type { RowProblem, TableRow } from './table-row.js';
import { isBlankRow, raggedProblem, tableHeaders } from './table-row.js';

/*
 * The rows of a CSV file, read as a stream: file → text check/decoding → csv-parse → rows, with
 * back-pressure all the way, so a file of a million rows is read in the memory of a few chunks.
 */

/** A record longer than this is refused: an unclosed quote would otherwise swallow the whole file into one cell. */
const maxRecordBytes = 1024 * 1024;

export type CsvRows = {
  headers: string[];
  rows: AsyncGenerator<TableRow, void, undefined>;
  close: () => void;
};

/** csv-parse's failures, with its code and line but never its message, which quotes the cell. */
const unreadable = (error: unknown): unknown =>
  error instanceof CsvError
    ? new AppError(
        'imports.csv_unreadable',
        { line: typeof error.lines === 'number' ? error.lines : null, reason: error.code },
        { cause: error },
      )
    : error;

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
  const parser = parse({
    delimiter,
    // RFC 4180 with Excel's leniency: a quote inside an unquoted cell (`5" screen`) is a character.
    relax_quotes: true,
    // Row lengths are checked here, to report a ragged row as a problem of that row.
    relax_column_count: true,
    skip_empty_lines: false,
    bom: false, // skipped by the decoder, which knows the encoding
    max_record_size: maxRecordBytes,
  });
  // Errors reach the reader through the parser: pipeline destroys every stream with the first error.
  pipeline(stream, createTextDecoder({ encoding, skip: bomLength }), parser, () => {});
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const close = () => parser.destroy();

  let rowNumber = 0;
  const next = async (): Promise<string[] | null> => {
    let result: IteratorResult<string[]>;
    try {
      result = await records.next();
    } catch (error) {
      throw unreadable(error);
    }
    if (result.done) return null;
    rowNumber += 1;
    return result.value;
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
  async function* rows(): AsyncGenerator<TableRow, void, undefined> {
    try {
      for (;;) {
        // records.next() without `next`: one promise less a row, on the path every row takes.
        let result: IteratorResult<string[]>;
        try {
          result = await records.next();
        } catch (error) {
          throw unreadable(error);
        }
        if (result.done) return;
        rowNumber += 1;
        const cells = result.value;
        if (cells.length === width) {
          if (!isBlankRow(cells)) yield { row: rowNumber, cells };
          continue;
        }
        if (isBlankRow(cells)) continue;
        // Cells past the header that are all empty are a trailing delimiter, not data.
        let length = cells.length;
        while (length > width && cells[length - 1]!.trim() === '') length--;
        cells.length = length;
        if (length === width) {
          yield { row: rowNumber, cells };
          continue;
        }
        const problems: RowProblem[] = [raggedProblem(width, length)];
        while (cells.length < width) cells.push('');
        yield { row: rowNumber, cells, problems };
      }
    } finally {
      close();
    }
  }

  return { headers, rows: rows(), close };
};
