import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { AppError } from '../../platform/errors/app-error.js';
import { readCsvRows } from './csv-rows.js';
import type { CsvDelimiter, TextEncoding } from './file-sniff.js';
import { decodePrefix, detectDelimiter, sniffBytes, sniffFile } from './file-sniff.js';
import type { TableRow } from './table-row.js';

/*
 * The one entry to reading an import file: a CSV or .xlsx file in, its header and a stream of rows
 * out, whatever the encoding and the delimiter. Nothing here knows what the rows are for; targets
 * map the columns to fields (column-mapping.ts) and convert the cells (cell-convert.ts).
 */

export type TableFormat = 'csv' | 'xlsx';

export type TableSource = string | Buffer | Readable;

export type OpenTableOptions = {
  /** A file path, the file's bytes, or a stream of them. */
  source: TableSource;
  /** The format the caller expects (e.g. from the upload's name); a file of the other one is refused. */
  format?: TableFormat | undefined;
  /** The encoding of a CSV file, when known; otherwise a byte-order mark, else UTF-8 if valid, else GB18030. */
  encoding?: TextEncoding | 'gbk' | undefined;
  /** The delimiter of a CSV file; otherwise the one of `, ; TAB |` its header line holds most. */
  delimiter?: CsvDelimiter | undefined;
  /** The row that holds the header (a spreadsheet's number); otherwise the first row that is not blank. */
  headerRow?: number | undefined;
};

export type Table = {
  format: TableFormat;
  /** The encoding of a CSV file (null for .xlsx). */
  encoding: TextEncoding | null;
  delimiter: CsvDelimiter | null;
  headers: string[];
  /**
   * The rows below the header, read as they are iterated: once, in order. Stopping early (break,
   * or an error) closes the file; so does reading to the end.
   */
  rows: AsyncIterable<TableRow>;
  /**
   * The same rows a chunk at a time (CSV files: one `await` a chunk of rows instead of a row, for
   * the import of a large file). Read `rows` or `batches`, not both.
   */
  batches?: AsyncIterable<TableRow[]>;
  /** The .xlsx workbook counts serial dates from 1904 (for `convertDate`'s `excelSerial`). */
  date1904: boolean;
  /** Closes the file without reading the rows. */
  close: () => void;
};

/** At most this much of a chunk goes to the parser at once, so that it never holds more rows than that. */
const maxChunkBytes = 64 * 1024;

const toBuffer = (chunk: unknown): Buffer =>
  Buffer.isBuffer(chunk)
    ? chunk
    : typeof chunk === 'string'
      ? Buffer.from(chunk)
      : Buffer.from(chunk as Uint8Array);

/**
 * The first bytes of a stream, to look at, and a stream of all its bytes again (the first ones
 * included) in chunks of at most 64 KB: the parsers turn a chunk into rows in one go, so a 100 MB
 * chunk (a Buffer source) would become a million rows in memory.
 */
const peek = async (source: TableSource) => {
  if (Buffer.isBuffer(source)) {
    const bytes = source;
    const chunks = function* () {
      for (let at = 0; at < bytes.length; at += maxChunkBytes) yield bytes.subarray(at, at + maxChunkBytes);
    };
    return { prefix: bytes.subarray(0, sniffBytes), stream: Readable.from(chunks(), { objectMode: false }) };
  }
  const input =
    typeof source === 'string' ? createReadStream(source, { highWaterMark: maxChunkBytes }) : source;
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<unknown>;
  const head: Buffer[] = [];
  let length = 0;
  let ended = false;
  try {
    while (length < sniffBytes) {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        break;
      }
      const chunk = toBuffer(next.value);
      head.push(chunk);
      length += chunk.length;
    }
  } catch (error) {
    input.destroy();
    throw error;
  }
  const prefix = Buffer.concat(head);
  async function* chunks() {
    try {
      yield* split(prefix);
      if (ended) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next())
        yield* split(toBuffer(next.value));
    } finally {
      await iterator.return?.(); // destroys the input when the reader stops early
    }
  }
  return { prefix: prefix.subarray(0, sniffBytes), stream: Readable.from(chunks(), { objectMode: false }) };
};

function* split(chunk: Buffer) {
  for (let at = 0; at < chunk.length; at += maxChunkBytes) yield chunk.subarray(at, at + maxChunkBytes);
}

/**
 * Opens a CSV or .xlsx file and reads its header; the rows are read as they are iterated, so a
 * file of any length is read in the memory of a few chunks. Throws `imports.empty_file`,
 * `imports.unsupported_format` (with what the file looks like), `imports.no_header`, and
 * `imports.encoding` when `encoding` is given and wrong; iterating `rows` throws
 * `imports.encoding`, `imports.csv_unreadable` or `imports.xlsx_unreadable` when the file goes bad
 * further on. Row-level trouble (a ragged row, a formula) is reported on the row, not thrown.
 */
export const openTable = async ({
  source,
  format,
  encoding,
  delimiter,
  headerRow,
}: OpenTableOptions): Promise<Table> => {
  const { prefix, stream } = await peek(source);
  const given = encoding === 'gbk' ? 'gb18030' : encoding;
  let sniffed;
  try {
    sniffed = sniffFile({ prefix, encoding: given });
  } catch (error) {
    stream.destroy();
    throw error;
  }
  if (format && format !== sniffed.format) {
    stream.destroy();
    throw new AppError('imports.unsupported_format', { looksLike: sniffed.format.toUpperCase() });
  }
  if (sniffed.format === 'xlsx') {
    // Loaded when first needed: ExcelJS is most of the memory of the import's reading thread
    // (≈ 25 MB), which a CSV file never needs.
    const { readXlsxRows } = await import('./xlsx-rows.js');
    const xlsx = await readXlsxRows({ stream, headerRow });
    return { format: 'xlsx', encoding: null, delimiter: null, ...xlsx };
  }
  const csvDelimiter =
    delimiter ?? detectDelimiter(decodePrefix(prefix.subarray(0, 8192), sniffed.encoding, sniffed.bomLength));
  const csv = await readCsvRows({
    stream,
    encoding: sniffed.encoding,
    bomLength: sniffed.bomLength,
    delimiter: csvDelimiter,
    headerRow,
  });
  return { format: 'csv', encoding: sniffed.encoding, delimiter: csvDelimiter, date1904: false, ...csv };
};
