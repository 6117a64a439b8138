import type { Readable } from 'node:stream';
import { pipeline, Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import type { CellValue, Row } from 'exceljs';
import { AppError, isAppError } from '../../platform/errors/app-error.js';
import type { RowProblem, TableRow } from './table-row.js';
import { isBlankRow, raggedProblem, tableHeaders } from './table-row.js';

/*
 * The rows of the first worksheet of an .xlsx workbook, read with exceljs's streaming reader: the
 * sheet's XML is parsed as it is unzipped, so only the shared strings (which Excel writes before
 * or after the sheet) are held in memory, never the rows.
 *
 * Cells become the text a user would type: dates as ISO dates, numbers in plain decimals. Formulas
 * are never evaluated and their cached results are not used either: the result is whatever the
 * last program to save the file computed (or nothing, for a file a script wrote), so a formula
 * cell is a `formula` problem of its row and reads as ''.
 */

export type XlsxRows = {
  headers: string[];
  rows: AsyncGenerator<TableRow, void, undefined>;
  /** The workbook counts dates from 1904 (old Mac Excel): serial numbers mean other days. */
  date1904: boolean;
  close: () => void;
};

/** What exceljs's stream reader knows of the workbook, beyond its typings. */
type WorkbookReaderState = {
  model?: { sheets?: Array<{ id?: number }> };
  properties?: { model?: { date1904?: boolean } };
};
type WorksheetReader = AsyncIterable<Row> & { id?: number | string };

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A number as plain decimal text, never in exponent form (`1e21`, `1e-7`): the shortest text that
 * reads back as the same double, with the exponent written out.
 */
export const plainNumber = (value: number): string => {
  if (!Number.isFinite(value)) return '';
  if (Object.is(value, -0)) return '0';
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, lead, rest = '', exp] = match;
  const digits = lead! + rest;
  const point = 1 + Number(exp); // where the decimal point goes in `digits`
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
};

/**
 * A date cell as ISO text. exceljs gives the cell's wall-clock time in the UTC fields of a Date
 * (a workbook has no time zone): a date alone when the time is midnight, a time alone on Excel's
 * day zero, a local date-time (no offset) otherwise, to the second.
 */
export const isoOfExcelDate = (date: Date): string => {
  const ms = Math.round(date.getTime() / 1000) * 1000;
  const d = new Date(ms);
  const day = `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  if (time === '00:00:00') return day;
  if (day === '1899-12-30' || day === '1899-12-31') return time;
  return `${day}T${time}`;
};

type CellText = { text: string; number?: true; problem?: Omit<RowProblem, 'column'> };

const formulaProblem: Omit<RowProblem, 'column'> = {
  code: 'formula',
  why: 'the cell holds a formula; formulas are not evaluated: paste the values instead',
  whyZh: '单元格是公式，导入不计算公式：请先“粘贴为数值”',
};

/** The text of a cell, and whether it was a number (a date field may read it as a serial). */
export const cellText = (value: CellValue): CellText => {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number') return { text: plainNumber(value), number: true };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return { text: isoOfExcelDate(value) };
  if ('formula' in value || 'sharedFormula' in value) return { text: '', problem: formulaProblem };
  if ('error' in value)
    return {
      text: '',
      problem: {
        code: 'cell_error',
        why: `the cell holds the error value ${value.error}`,
        whyZh: `单元格是错误值 ${value.error}`,
      },
    };
  if ('richText' in value) return { text: value.richText.map((r) => r.text ?? '').join('') };
  if ('text' in value) return { text: String(value.text) };
  return { text: '' };
};

/** The cells of a sheet row, one per column up to the last one with a value. */
const rowCells = (row: Row) => {
  const cells: string[] = [];
  let problems: RowProblem[] | undefined;
  let numberCells: Set<number> | undefined;
  row.eachCell({ includeEmpty: false }, (cell, columnNumber) => {
    const column = columnNumber - 1;
    const { text, number, problem } = cellText(cell.value);
    while (cells.length < column) cells.push('');
    cells[column] = text;
    if (number) (numberCells ??= new Set()).add(column);
    if (problem) (problems ??= []).push({ ...problem, column });
  });
  return { cells, problems, numberCells };
};

const unreadable = (error: unknown) =>
  isAppError(error)
    ? error
    : new AppError(
        'imports.xlsx_unreadable',
        { reason: error instanceof Error ? error.message : String(error) },
        { cause: error },
      );

/** Every zip ends with this record, within its last 65,557 bytes (22 and a comment of up to 65,535). */
const endOfCentralDirectory = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const zipTailBytes = 22 + 65_535;

/**
 * The workbook's bytes on their way to exceljs, watched: exceljs pipes its input to its unzipper
 * (a pipe does not pass errors on), and the unzipper waits forever for the rest of an entry cut
 * short. So a failing source, and a file that ends without the zip's closing record, reject
 * `failed`, which every wait for exceljs races against.
 */
const watchZip = (source: Readable) => {
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {}); // raced when read; nobody may be reading when the source fails
  const tail: Buffer[] = [];
  let tailLength = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      tail.push(chunk);
      tailLength += chunk.length;
      while (tailLength - tail[0]!.length >= zipTailBytes) tailLength -= tail.shift()!.length;
      done(null, chunk);
    },
    flush(done) {
      if (!Buffer.concat(tail).includes(endOfCentralDirectory))
        fail(new AppError('imports.xlsx_unreadable', { reason: 'the file is cut short' }));
      done();
    },
  });
  pipeline(source, stream, (error) => {
    if (error) fail(error);
  });
  return { stream, failed };
};

/** The first worksheet in the workbook's order (the parts of the zip may come in any order), read up to its header. */
const readHeader = async ({
  worksheets,
  state,
  headerRow,
  failed,
}: {
  worksheets: AsyncIterator<WorksheetReader>;
  state: WorkbookReaderState;
  headerRow: number | undefined;
  failed: Promise<never>;
}) => {
  let sheet: WorksheetReader | undefined;
  for (let next = await Promise.race([worksheets.next(), failed]); !next.done;) {
    const firstId = state.model?.sheets?.[0]?.id;
    if (firstId === undefined || String(next.value.id) === String(firstId)) {
      sheet = next.value;
      break;
    }
    next = await Promise.race([worksheets.next(), failed]);
  }
  if (!sheet) throw new AppError('imports.unsupported_format', { looksLike: 'ZIP' });
  const sheetRows = sheet[Symbol.asyncIterator]();
  for (let next = await Promise.race([sheetRows.next(), failed]); !next.done;) {
    const { cells } = rowCells(next.value);
    if (headerRow === undefined ? !isBlankRow(cells) : next.value.number === headerRow)
      return { sheetRows, header: cells };
    next = await Promise.race([sheetRows.next(), failed]);
  }
  return { sheetRows, header: [] };
};

/**
 * Reads the header of the first worksheet (its first row that is not blank, or `headerRow`) and
 * returns it with the rows below it, numbered as in the sheet. Blank rows are skipped. Empty cells
 * at the end of a row are not missing, so only cells past the header that hold something make a
 * row `ragged`.
 */
export const readXlsxRows = async ({
  stream: source,
  headerRow,
}: {
  stream: Readable;
  headerRow?: number | undefined;
}): Promise<XlsxRows> => {
  const { stream, failed } = watchZip(source);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // the number formats tell a date from a number
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const state = reader as unknown as WorkbookReaderState;
  const worksheets = (reader as unknown as AsyncIterable<WorksheetReader>)[Symbol.asyncIterator]();
  const close = () => {
    stream.destroy();
  };

  let opened: Awaited<ReturnType<typeof readHeader>>;
  try {
    opened = await readHeader({ worksheets, state, headerRow, failed });
  } catch (error) {
    close();
    throw unreadable(error);
  }
  const { sheetRows } = opened;
  const headers = tableHeaders(opened.header);
  if (headers.length === 0) {
    close();
    throw new AppError('imports.no_header');
  }

  const width = headers.length;
  async function* rows(): AsyncGenerator<TableRow, void, undefined> {
    try {
      for (;;) {
        let next: IteratorResult<Row>;
        try {
          next = await Promise.race([sheetRows.next(), failed]);
        } catch (error) {
          throw unreadable(error);
        }
        if (next.done) break;
        const { cells, numberCells, problems: cellProblems } = rowCells(next.value);
        let problems = cellProblems;
        if (isBlankRow(cells) && !problems) continue;
        if (cells.length > width) {
          if (isBlankRow(cells.slice(width))) cells.length = width;
          else (problems ??= []).push(raggedProblem(width, cells.length));
        }
        while (cells.length < width) cells.push('');
        const row: TableRow = { row: next.value.number, cells };
        if (problems) row.problems = problems;
        if (numberCells) row.numberCells = numberCells;
        yield row;
      }
      // A file cut short past the sheet is damaged too: read the rest of it, past exceljs (which
      // reads no further than it is asked), to see the zip's end.
      stream.unpipe();
      stream.resume();
      await Promise.race([finished(stream), failed]).catch((error: unknown) => {
        throw unreadable(error);
      });
    } finally {
      close();
      await worksheets.return?.();
    }
  }

  return { headers, rows: rows(), date1904: state.properties?.model?.date1904 === true, close };
};
