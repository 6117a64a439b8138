import type { CellType, CellValue } from './cell-convert.js';
import { convertCell, excelSerialOf } from './cell-convert.js';
import type { CellResult } from './cell-fast-convert.js';
import { cellConverter, isRefusal } from './cell-fast-convert.js';
import type { MappingField } from './column-mapping.js';
import { KeySet } from './key-set.js';
import type { TableRow } from './table-row.js';
import type { Table } from './tabular-reader.js';

/*
 * The rows of a table as an import target's fields: each mapped cell converted, the key checked
 * against the keys of the rows before, and the problems of each row — everything an import does
 * to a row before the target's own check. Pure work on the rows, with nothing to share, so that it
 * can run in a worker thread beside the one writing to the database (import-rows.worker.ts).
 */

export type ImportField = MappingField & { cell: CellType };

export type ImportProblem = {
  /** As a spreadsheet numbers it (the header is row 1). */
  row: number;
  /** The field's key, or the header of the column, or '' for the whole row. */
  field: string;
  /** The cell as it was (never for a whole-row problem). */
  value: string;
  code: string;
  why: string;
  whyZh: string;
};

/**
 * Fields a target keeps together in one JSON column: the JSON text of an object of their non-empty
 * values (in this order; `number` ones as JSON numbers) is made with the row's other work (in the
 * worker thread, for a large file) and given to the target's check as the value `key`.
 */
export type JsonDocument = {
  key: string;
  fields: ReadonlyArray<{ key: string; number?: boolean }>;
  /**
   * The document's fields reach `check` only inside it, not each on its own as well: fewer values
   * to post from the worker thread and to take apart in the writing one.
   */
  only?: boolean;
};

/**
 * Rows in one flat array, `2 + postedColumns(…).length` slots a row (one more with a
 * `JsonDocument`) — compact to post to another thread, and no object a row: the row's number, its
 * number of problems, then its value in each posted column (when it has no problem). `problems`
 * are the problems of these rows in row order, those past the first `reportedProblems` of the
 * import only counted.
 */
export type PreparedBatch = { cells: CellValue[]; problems: ImportProblem[] };

export type PrepareOptions = {
  /** The fields mapped, each with its column. */
  columns: ReadonlyArray<readonly [ImportField, number]>;
  keyField: string;
  keyColumn: number;
  /** Problems with details past this many are only counted (the report keeps this many). */
  reportedProblems: number;
  batchRows: number;
  document?: JsonDocument | undefined;
};

/** The columns whose values a batch holds: all, but those only inside an `only` document. */
export const postedColumns = <C extends readonly [ImportField, number]>(
  columns: readonly C[],
  document: JsonDocument | undefined,
): C[] =>
  document?.only ? columns.filter(([f]) => !document.fields.some((d) => d.key === f.key)) : [...columns];

/** Text that is its own JSON string between quotes: no quote, backslash, control character or lone surrogate. */
const plainText = /^[^"\\\p{Cc}\p{Cs}]*$/u;

/** The rows of `table` in batches of `batchRows`, converted and checked (see `PreparedBatch`). */
export async function* prepareRows(
  table: Table,
  { columns, keyField, keyColumn, reportedProblems, batchRows, document }: PrepareOptions,
): AsyncGenerator<PreparedBatch, void, undefined> {
  const keys = new KeySet();
  const posted = postedColumns(columns, document).map((column) => columns.indexOf(column));
  const batchCells = batchRows * (2 + posted.length + (document ? 1 : 0));
  const converters = columns.map(([field]) => cellConverter(field.cell));
  // The row's values, one a column: reused from row to row.
  const values: CellValue[] = columns.map(() => null);
  // The document's fields that are mapped: their JSON name, their column, whether a number (and canonical decimal text).
  const parts = (document?.fields ?? []).flatMap((f) => {
    const c = columns.findIndex(([field]) => field.key === f.key);
    return c === -1
      ? []
      : [
          {
            name: `${JSON.stringify(f.key)}:`,
            column: c,
            number: f.number === true,
            decimal: columns[c]![0].cell.type === 'decimal',
            // Values with nothing to escape: the text of a date, a decimal's digits.
            plain: ['date', 'datetime', 'decimal'].includes(columns[c]![0].cell.type),
          },
        ];
  });
  let detailed = 0;
  let cells: CellValue[] = [];
  let problems: ImportProblem[] = [];
  let found = 0; // the problems of the row at hand
  const problem = (p: ImportProblem) => {
    found++;
    if (detailed < reportedProblems) {
      detailed++;
      problems.push(p);
    }
  };
  for await (const chunk of table.batches ?? singly(table.rows))
    for (const tableRow of chunk) {
      const at = tableRow.row;
      const start = cells.length;
      cells.push(at, 0);
      found = 0;
      if (tableRow.problems)
        for (const p of tableRow.problems)
          problem({
            row: at,
            field: p.column === undefined ? '' : (table.headers[p.column] ?? ''),
            value: p.column === undefined ? '' : (tableRow.cells[p.column] ?? ''),
            code: p.code,
            why: p.why,
            whyZh: p.whyZh,
          });
      for (let c = 0; c < columns.length; c++) {
        const [field, column] = columns[c]!;
        const text = tableRow.cells[column] ?? '';
        let result: CellResult;
        if (tableRow.numberCells) {
          // A cell of an .xlsx file, which may be an Excel serial date: the general path.
          const converted = convertCell(text, field.cell, {
            excelSerial: excelSerialOf(tableRow, column, table.date1904),
          });
          result = converted.ok ? converted.value : converted;
        } else result = converters[c]!(text);
        if (isRefusal(result)) {
          problem({
            row: at,
            field: field.key,
            value: text,
            code: 'invalid',
            why: result.why,
            whyZh: result.whyZh,
          });
          values[c] = null;
        } else if (result === null && field.required) {
          problem({ row: at, field: field.key, value: '', code: 'required', why: 'required', whyZh: '必填' });
          values[c] = null;
        } else values[c] = result;
      }
      for (const c of posted) cells.push(values[c]!);
      const key = (tableRow.cells[keyColumn] ?? '').trim();
      if (key !== '' && !keys.add(key))
        problem({
          row: at,
          field: keyField,
          value: key,
          code: 'duplicate_key',
          why: 'the same key is on an earlier row',
          whyZh: '与前面某行重复',
        });
      cells[start + 1] = found;
      if (document) {
        let json: string | null = null;
        if (found === 0) {
          // JSON.stringify of an object, written out: a third less time than building the object.
          json = '{';
          for (const { name, column, number, decimal, plain } of parts) {
            const value = values[column]!;
            if (value === null) continue;
            if (json.length > 1) json += ',';
            json += name;
            if (number) json += decimal ? jsonOfDecimal(value as string) : JSON.stringify(Number(value));
            else if (typeof value === 'boolean') json += value ? 'true' : 'false';
            else if (typeof value === 'string' && (plain || plainText.test(value))) json += `"${value}"`;
            else json += JSON.stringify(value);
          }
          json += '}';
        }
        cells.push(json);
      }
      if (cells.length >= batchCells) {
        yield { cells, problems };
        cells = [];
        problems = [];
      }
    }
  if (cells.length > 0 || problems.length > 0) yield { cells, problems };
}

/**
 * `JSON.stringify(Number(text))` of a decimal's canonical text (`convertDecimal`): the text itself
 * when it has at most 15 characters (so at most 15 significant digits, which a double keeps and
 * prints back the same) and is not so small that JavaScript would print it with an exponent.
 */
export const jsonOfDecimal = (text: string): string =>
  text.length <= 15 && !text.startsWith('0.00000') && !text.startsWith('-0.00000')
    ? text
    : JSON.stringify(Number(text));

async function* singly(rows: AsyncIterable<TableRow>): AsyncGenerator<TableRow[], void, undefined> {
  for await (const row of rows) yield [row];
}
