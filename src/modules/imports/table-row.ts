/*
 * A row of a table being imported, the same for CSV and XLSX, and what can be wrong with a row
 * before any field is looked at.
 */

/** Why a row, or one of its cells, cannot be taken as it is. */
export type RowProblemCode =
  | 'ragged' // more or fewer cells than the header (CSV)
  | 'formula' // an XLSX cell holds a formula: never evaluated, nor its cached result trusted
  | 'cell_error'; // an XLSX cell holds an error value (#N/A, #DIV/0! …)

export type RowProblem = {
  code: RowProblemCode;
  /** The column (an index into the headers) when the problem is one cell's. */
  column?: number;
  /** A short English sentence for the user and the error report. */
  why: string;
  whyZh: string;
};

export type TableRow = {
  /** The row as a spreadsheet numbers it: the header is row 1 in a CSV file. */
  row: number;
  /** One string per header (a ragged row may have more); an empty cell is ''. */
  cells: string[];
  problems?: RowProblem[];
  /**
   * The columns whose cell was a number in an XLSX file (not one formatted as a date, which comes
   * as an ISO date already): a date field may read such a cell as an Excel serial date.
   */
  numberCells?: ReadonlySet<number>;
};

const isBlankCell = (cell: string | undefined) => cell === undefined || cell.trim() === '';

/** A row with no text in it: a spreadsheet's empty row, or `,,,,` as Excel writes one in a CSV file. */
export const isBlankRow = (cells: readonly (string | undefined)[]): boolean => cells.every(isBlankCell);

/**
 * The headers of a table from its header row: trimmed, and without the empty cells at its end (a
 * trailing delimiter, or columns that only once held something). An empty cell between two
 * headers stays, as '': its column keeps its place.
 */
export const tableHeaders = (cells: readonly (string | undefined)[]): string[] => {
  const headers = cells.map((c) => (c ?? '').trim());
  while (headers.length > 0 && headers[headers.length - 1] === '') headers.pop();
  return headers;
};

export const raggedProblem = (expected: number, got: number): RowProblem => ({
  code: 'ragged',
  why: `expected ${expected} cells as in the header, got ${got}`,
  whyZh: `应有 ${expected} 列（与表头相同），实际 ${got} 列`,
});
