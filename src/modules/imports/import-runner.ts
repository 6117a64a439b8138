import type { Db, Executor } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { CellType, CellValue } from './cell-convert.js';
import { convertCell, excelSerialOf } from './cell-convert.js';
import type { MappingField } from './column-mapping.js';
import { guessMapping, resolveMapping, savedMappingOf } from './column-mapping.js';
import type { OpenTableOptions } from './tabular-reader.js';
import { openTable } from './tabular-reader.js';

/*
 * Running an import: a file in, a target's rows written, a report out — whatever the target. The
 * file is read as a stream and written in batches inside ONE transaction, so that:
 * - nothing is half-imported: `all_or_nothing` rolls back when any row is bad (after reading to
 *   the end, to report every bad row), `dry_run` always rolls back (so it checks what the
 *   database would say too), and a process killed mid-import leaves the database as it was;
 * - `skip_bad` writes the good rows and reports the bad ones: it applies exactly what it reports;
 * - a million rows never sit in memory: only a batch and the set of keys seen (for duplicates).
 * Targets declare their fields (with the header names they accept and the cell type) and how a
 * batch is written (an upsert by external key, so that importing a file twice changes nothing).
 */

export const importModes = ['dry_run', 'all_or_nothing', 'skip_bad'] as const;
export type ImportMode = (typeof importModes)[number];

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

export type WriteCounts = { created: number; updated: number; unchanged: number };

/** What an import target provides; `Row` is its checked row. */
export type ImportTarget<Row> = {
  key: string;
  fields: readonly ImportField[];
  /** The field whose value identifies a row (and makes re-importing idempotent). */
  keyField: string;
  /** Checks a row's converted values beyond their types (rules across fields, references). */
  check: (values: Record<string, CellValue>, row: number) => Row | Array<Omit<ImportProblem, 'row'>>;
  /** Writes a batch of checked rows in the import's transaction. */
  write: (tx: Executor, rows: ReadonlyArray<{ row: number; value: Row }>) => Promise<WriteCounts>;
  /** Runs last in the transaction of an applied import (the target's totals, its audit row). */
  finish?: (tx: Executor, counts: WriteCounts & { bad: number }) => Promise<void>;
};

export type ImportProgress = { rows: number; bad: number; elapsedMs: number };

export type ImportReport = WriteCounts & {
  mode: ImportMode;
  /** Whether the rows were written (false for a dry run and a refused all-or-nothing import). */
  applied: boolean;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  /** The mapping used: each field's column by header name (save it as a profile). */
  mapping: Record<string, string>;
  unmatchedHeaders: string[];
  rows: number;
  bad: number;
  /** The first 1,000 problems in row order; `problemCount` counts them all. */
  problems: ImportProblem[];
  problemCount: number;
  elapsedMs: number;
};

/** At most this many problems are kept for the report; the rest are counted. */
export const reportedProblems = 1000;
const batchSize = 1000;

class Rollback extends Error {}

export const runImport = async <Row>(
  {
    target,
    source,
    mode,
    mapping: saved,
    read = {},
    onProgress,
    progressEvery = 10_000,
  }: {
    target: ImportTarget<Row>;
    source: OpenTableOptions['source'];
    mode: ImportMode;
    /** A saved mapping (field → header name or column index); guessed from the headers when absent. */
    mapping?: Readonly<Record<string, string | number>> | undefined;
    read?: Omit<OpenTableOptions, 'source'>;
    onProgress?: ((progress: ImportProgress) => void) | undefined;
    progressEvery?: number;
  },
  { db, now }: { db: Db; now: () => number },
): Promise<ImportReport> => {
  const started = now();
  const table = await openTable({ source, ...read });
  let report: ImportReport | undefined;
  try {
    const resolved = saved
      ? resolveMapping({ saved, headers: table.headers, fields: target.fields })
      : guessMapping({ headers: table.headers, fields: target.fields });
    if (resolved.missingRequired.length > 0)
      throw new AppError('imports.mapping_invalid', {
        field: resolved.missingRequired[0],
        column: '',
        missing: resolved.missingRequired,
        headers: table.headers,
      });
    const columns: Array<[ImportField, number]> = target.fields.flatMap((f) =>
      f.key in resolved.mapping ? [[f, resolved.mapping[f.key]!] as [ImportField, number]] : [],
    );
    const keyColumn = resolved.mapping[target.keyField]!;

    const counts: WriteCounts = { created: 0, updated: 0, unchanged: 0 };
    const problems: ImportProblem[] = [];
    let problemCount = 0;
    let rows = 0;
    let bad = 0;
    const keys = new Set<string>();
    const problem = (p: ImportProblem) => {
      problemCount++;
      if (problems.length < reportedProblems) problems.push(p);
    };
    const finish = (applied: boolean): ImportReport => ({
      ...counts,
      mode,
      applied,
      format: table.format,
      encoding: table.encoding,
      mapping: savedMappingOf(resolved.mapping, table.headers),
      unmatchedHeaders: resolved.unmatchedHeaders,
      rows,
      bad,
      problems,
      problemCount,
      elapsedMs: now() - started,
    });

    await db
      .transaction()
      .execute(async (tx) => {
        let batch: Array<{ row: number; value: Row }> = [];
        const flush = async () => {
          if (batch.length === 0) return;
          const written = await target.write(tx, batch);
          counts.created += written.created;
          counts.updated += written.updated;
          counts.unchanged += written.unchanged;
          batch = [];
        };
        for await (const tableRow of table.rows) {
          rows++;
          const before = problemCount;
          const at = tableRow.row;
          for (const p of tableRow.problems ?? [])
            problem({
              row: at,
              field: p.column === undefined ? '' : (table.headers[p.column] ?? ''),
              value: p.column === undefined ? '' : (tableRow.cells[p.column] ?? ''),
              code: p.code,
              why: p.why,
              whyZh: p.whyZh,
            });
          const values: Record<string, CellValue> = {};
          for (const [field, column] of columns) {
            const text = tableRow.cells[column] ?? '';
            const converted = convertCell(text, field.cell, {
              excelSerial: excelSerialOf(tableRow, column, table.date1904),
            });
            if (!converted.ok) {
              problem({
                row: at,
                field: field.key,
                value: text,
                code: 'invalid',
                why: converted.why,
                whyZh: converted.whyZh,
              });
              continue;
            }
            if (converted.value === null && field.required) {
              problem({
                row: at,
                field: field.key,
                value: '',
                code: 'required',
                why: 'required',
                whyZh: '必填',
              });
              continue;
            }
            values[field.key] = converted.value;
          }
          const cellKey = (tableRow.cells[keyColumn] ?? '').trim();
          // A long cell is a slice of the reader's 64 KB chunk: kept in the set, it would pin the chunk.
          const key = cellKey.length >= 13 ? Buffer.from(cellKey).toString() : cellKey;
          if (key !== '') {
            if (keys.has(key))
              problem({
                row: at,
                field: target.keyField,
                value: key,
                code: 'duplicate_key',
                why: 'the same key is on an earlier row',
                whyZh: '与前面某行重复',
              });
            keys.add(key);
          }
          if (problemCount === before) {
            const checked = target.check(values, at);
            if (Array.isArray(checked)) for (const p of checked) problem({ row: at, ...p });
            // Rows are written as they come unless the import will be rolled back anyway.
            else if (mode === 'skip_bad' || problemCount === 0) batch.push({ row: at, value: checked });
          }
          if (problemCount > before) bad++;
          if (batch.length >= batchSize) await flush();
          if (onProgress && rows % progressEvery === 0) onProgress({ rows, bad, elapsedMs: now() - started });
        }
        await flush();
        if (mode === 'dry_run' || (mode === 'all_or_nothing' && problemCount > 0)) throw new Rollback();
        await target.finish?.(tx, { ...counts, bad });
        report = finish(true);
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
        // The counts of a rolled-back import are what it would have written so far: not applied.
        report = finish(false);
      });
    onProgress?.({ rows, bad, elapsedMs: now() - started });
  } finally {
    table.close();
  }
  return report!;
};

/** The problems of a report as rows for a downloadable CSV (csv-export.ts escapes formulas). */
export const problemRows = (report: Pick<ImportReport, 'problems'>): string[][] => [
  ['行 row', '列 field', '值 value', '代码 code', '原因', 'why'],
  ...report.problems.map((p) => [String(p.row), p.field, p.value, p.code, p.whyZh, p.why]),
];
