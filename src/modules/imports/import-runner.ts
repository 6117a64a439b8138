import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db, Executor } from '../../platform/db/database.js';
import type { ErrorCode } from '../../platform/errors/catalog.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { CellValue } from './cell-convert.js';
import type { GuessedMapping } from './column-mapping.js';
import { guessMapping, resolveMapping, savedMappingOf } from './column-mapping.js';
import type { ImportField, ImportProblem, JsonDocument, PreparedBatch } from './import-rows.js';
import { postedColumns, prepareRows } from './import-rows.js';
import type { RowsWorkerInput, RowsWorkerMessage } from './import-rows.worker.js';
import type { OpenTableOptions, Table } from './tabular-reader.js';
import { openTable } from './tabular-reader.js';

/*
 * Running an import: a file in, a target's rows written, a report out — whatever the target. The
 * file is read as a stream and written in batches inside ONE transaction, so that:
 * - nothing is half-imported: `all_or_nothing` rolls back when any row is bad (after reading to
 *   the end, to report every bad row), `dry_run` always rolls back (so it checks what the
 *   database would say too), and a process killed mid-import leaves the database as it was;
 * - `skip_bad` writes the good rows and reports the bad ones: it applies exactly what it reports;
 * - a million rows never sit in memory: only a batch and the set of keys seen (for duplicates).
 * A large file is read, converted and checked for duplicates in a worker thread (import-rows.ts,
 * import-rows.worker.ts) while this thread checks and writes the rows before: the two overlap,
 * on two CPUs, instead of taking turns.
 * Targets declare their fields (with the header names they accept and the cell type) and how a
 * batch is written (an upsert by external key, so that importing a file twice changes nothing).
 */

export const importModes = ['dry_run', 'all_or_nothing', 'skip_bad'] as const;
export type ImportMode = (typeof importModes)[number];

export type { ImportField, ImportProblem, JsonDocument } from './import-rows.js';

export type WriteCounts = { created: number; updated: number; unchanged: number };

/** What an import target provides; `Row` is its checked row. */
export type ImportTarget<Row> = {
  key: string;
  fields: readonly ImportField[];
  /** The field whose value identifies a row (and makes re-importing idempotent). */
  keyField: string;
  /** Fields kept as one JSON text, given to `check` ready-made (see `JsonDocument`). */
  document?: JsonDocument;
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
/**
 * Rows written at a time. Few enough to die young (see `workerBatchRows`): with 1,000 the writing
 * thread's heap now and then doubled, and the peak RSS with it; enough for a multi-row insert.
 */
const batchSize = 250;
/**
 * Rows a batch from the worker holds, and batches posted but not yet taken (its memory bound).
 * Small batches die young: with 2,000 rows a batch outlived a few minor collections and was
 * copied to the old generation, and the worker spent a third of its time collecting it
 * (8.7 s of CPU against 6.0 s with 250 rows, and 180 MB of RSS against 130 MB).
 */
const workerBatchRows = 250;
const workerWindow = 16;
/**
 * Files from this size up are read in a worker thread; below, starting one (≈ 50 ms, 250 ms
 * from TypeScript sources) would cost more than the overlap gains.
 */
export const workerMinBytes = 5 * 1024 * 1024;

class Rollback extends Error {}

/** A table being read, its columns mapped, and its rows as prepared batches, in this thread or a worker. */
type OpenedRows = {
  table: Pick<Table, 'format' | 'encoding' | 'headers'>;
  resolved: GuessedMapping;
  batches: AsyncIterable<PreparedBatch>;
  close: () => void;
};

type PrepareInput = Omit<RowsWorkerInput, 'source' | 'batchRows' | 'window'> & {
  source: OpenTableOptions['source'];
};

const columnsOf = (fields: readonly ImportField[], resolved: GuessedMapping) =>
  fields.flatMap((f) => (f.key in resolved.mapping ? [[f, resolved.mapping[f.key]!] as const] : []));

const openInThread = async (input: PrepareInput): Promise<OpenedRows> => {
  const table = await openTable({ source: input.source, ...input.read });
  try {
    const resolved = input.mapping
      ? resolveMapping({ saved: input.mapping, headers: table.headers, fields: input.fields })
      : guessMapping({ headers: table.headers, fields: input.fields });
    const batches = prepareRows(table, {
      columns: columnsOf(input.fields, resolved),
      keyField: input.keyField,
      keyColumn: resolved.mapping[input.keyField] ?? -1,
      reportedProblems: input.reportedProblems,
      batchRows: batchSize,
      document: input.document,
    });
    return { table, resolved, batches, close: table.close };
  } catch (error) {
    table.close();
    throw error;
  }
};

/**
 * The worker's module beside this one: `.js` when built (dist/server), `.ts` from the sources
 * (tsx, vitest), which a worker only loads through tsx's loader, registered by a bootstrap.
 */
const startRowsWorker = (workerData: RowsWorkerInput): Worker => {
  const self = fileURLToPath(import.meta.url);
  const extension = path.extname(self);
  const module = pathToFileURL(path.join(path.dirname(self), `import-rows.worker${extension}`)).href;
  if (extension === '.js') return new Worker(new URL(module), { workerData });
  const require = createRequire(import.meta.url);
  const tsxPackage = require.resolve('tsx/package.json');
  const { exports } = require('tsx/package.json') as {
    exports: Record<string, { import: { default: string } }>;
  };
  const tsxApi = pathToFileURL(
    path.join(path.dirname(tsxPackage), exports['./esm/api']!.import.default),
  ).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module)}); })`;
  // Not the parent's `--import tsx` too: the bootstrap registers it, once.
  return new Worker(bootstrap, { eval: true, workerData, execArgv: [] });
};

const errorOf = (error: Extract<RowsWorkerMessage, { kind: 'error' }>['error']) =>
  'code' in error ? new AppError(error.code as ErrorCode, error.details) : new Error(error.message);

const openInWorker = async (input: PrepareInput & { source: string }): Promise<OpenedRows> => {
  const worker = startRowsWorker({ ...input, batchRows: workerBatchRows, window: workerWindow });
  // Messages as they come, and the reader waiting for the next one.
  const queue: RowsWorkerMessage[] = [];
  let waiting: (() => void) | null = null;
  let failure: Error | null = null;
  const wake = () => {
    waiting?.();
    waiting = null;
  };
  worker.on('message', (message: RowsWorkerMessage) => {
    queue.push(message);
    wake();
  });
  worker.on('error', (error) => {
    failure = error;
    wake();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`the import's reading thread stopped (exit code ${code})`);
    wake();
  });
  const next = async (): Promise<RowsWorkerMessage> => {
    for (;;) {
      const message = queue.shift();
      if (message) {
        if (message.kind === 'error') throw errorOf(message.error);
        return message;
      }
      if (failure) throw failure;
      await new Promise<void>((resolve) => (waiting = resolve));
    }
  };
  const close = () => void worker.terminate();
  try {
    const opened = await next();
    if (opened.kind !== 'opened')
      throw new Error(`unexpected message from the reading thread: ${opened.kind}`);
    async function* batches(): AsyncGenerator<PreparedBatch, void, undefined> {
      try {
        for (;;) {
          const message = await next();
          if (message.kind === 'done') return;
          if (message.kind !== 'batch') throw new Error(`unexpected message: ${message.kind}`);
          worker.postMessage('taken');
          yield message.batch;
        }
      } finally {
        close();
      }
    }
    return { table: opened.table, resolved: opened.resolved, batches: batches(), close };
  } catch (error) {
    close();
    throw error;
  }
};

const fileSize = (source: OpenTableOptions['source']) => {
  if (typeof source !== 'string') return 0;
  try {
    return statSync(source).size;
  } catch {
    return 0; // openTable reports the missing file as it always has
  }
};

export const runImport = async <Row>(
  {
    target,
    source,
    mode,
    mapping: saved,
    read = {},
    onProgress,
    progressEvery = 10_000,
    thread = 'auto',
  }: {
    target: ImportTarget<Row>;
    source: OpenTableOptions['source'];
    mode: ImportMode;
    /** A saved mapping (field → header name or column index); guessed from the headers when absent. */
    mapping?: Readonly<Record<string, string | number>> | undefined;
    read?: Omit<OpenTableOptions, 'source'>;
    onProgress?: ((progress: ImportProgress) => void) | undefined;
    progressEvery?: number;
    /** Where the file is read: a worker thread for a file (a path) of `workerMinBytes` and more (`auto`). */
    thread?: 'auto' | 'this' | 'worker';
  },
  { db, now }: { db: Db; now: () => number },
): Promise<ImportReport> => {
  const started = now();
  const input: PrepareInput = {
    source,
    read,
    mapping: saved,
    fields: target.fields,
    keyField: target.keyField,
    document: target.document,
    reportedProblems,
  };
  const inWorker =
    typeof source === 'string' &&
    (thread === 'worker' || (thread === 'auto' && fileSize(source) >= workerMinBytes));
  const opened = inWorker ? await openInWorker({ ...input, source }) : await openInThread(input);
  const { table, resolved } = opened;
  let report: ImportReport | undefined;
  try {
    if (resolved.missingRequired.length > 0)
      throw new AppError('imports.mapping_invalid', {
        field: resolved.missingRequired[0],
        column: '',
        missing: resolved.missingRequired,
        headers: table.headers,
      });
    // The values a batch holds (see `PreparedBatch`).
    const columns = postedColumns(columnsOf(target.fields, resolved), target.document);
    const width = 2 + columns.length + (target.document ? 1 : 0);

    const counts: WriteCounts = { created: 0, updated: 0, unchanged: 0 };
    const problems: ImportProblem[] = [];
    let problemCount = 0;
    let rows = 0;
    let bad = 0;
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
        for await (const { cells, problems: found } of opened.batches) {
          let next = 0; // the next of `found`, the problems of these rows in row order
          for (let i = 0; i < cells.length; i += width) {
            rows++;
            const at = cells[i] as number;
            const before = problemCount;
            problemCount += cells[i + 1] as number;
            for (; next < found.length && found[next]!.row === at; next++)
              if (problems.length < reportedProblems) problems.push(found[next]!);
            if (problemCount === before) {
              const values: Record<string, CellValue> = {};
              for (let c = 0; c < columns.length; c++) values[columns[c]![0].key] = cells[i + 2 + c]!;
              if (target.document) values[target.document.key] = cells[i + 2 + columns.length]!;
              const checked = target.check(values, at);
              if (Array.isArray(checked))
                for (const p of checked) {
                  problemCount++;
                  if (problems.length < reportedProblems) problems.push({ row: at, ...p });
                }
              // Rows are written as they come unless the import will be rolled back anyway.
              else if (mode === 'skip_bad' || problemCount === 0) batch.push({ row: at, value: checked });
            }
            if (problemCount > before) bad++;
            if (batch.length >= batchSize) await flush();
            if (onProgress && rows % progressEvery === 0)
              onProgress({ rows, bad, elapsedMs: now() - started });
          }
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
    opened.close();
  }
  return report!;
};

/** The problems of a report as rows for a downloadable CSV (csv-export.ts escapes formulas). */
export const problemRows = (report: Pick<ImportReport, 'problems'>): string[][] => [
  ['行 row', '列 field', '值 value', '代码 code', '原因', 'why'],
  ...report.problems.map((p) => [String(p.row), p.field, p.value, p.code, p.whyZh, p.why]),
];
