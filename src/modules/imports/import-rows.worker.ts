import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../../platform/errors/app-error.js';
import type { GuessedMapping } from './column-mapping.js';
import { guessMapping, resolveMapping } from './column-mapping.js';
import type { ImportField, JsonDocument, PreparedBatch } from './import-rows.js';
import { prepareRows } from './import-rows.js';
import type { OpenTableOptions, Table } from './tabular-reader.js';
import { openTable } from './tabular-reader.js';

/*
 * The reading side of a large import, in a worker thread (import-runner.ts starts it): opens the
 * file, maps its columns, and posts the prepared rows (import-rows.ts) to the thread that writes
 * them, a batch at a time. At most `window` batches are posted and not yet taken, so a fast reader
 * never piles a file's rows up in memory behind a slow writer.
 */

export type RowsWorkerInput = {
  source: string;
  read: Omit<OpenTableOptions, 'source'>;
  mapping: Readonly<Record<string, string | number>> | undefined;
  fields: readonly ImportField[];
  keyField: string;
  document: JsonDocument | undefined;
  reportedProblems: number;
  batchRows: number;
  window: number;
};

export type RowsWorkerMessage =
  | {
      kind: 'opened';
      table: Pick<Table, 'format' | 'encoding' | 'headers'>;
      resolved: GuessedMapping;
    }
  | { kind: 'batch'; batch: PreparedBatch }
  | { kind: 'done' }
  | { kind: 'error'; error: { code: string; details: Record<string, unknown> } | { message: string } };

/** What the writing thread posts: it took a batch (room for one more). */
export type RowsWorkerAck = 'taken';

const run = async (input: RowsWorkerInput) => {
  const port = parentPort!;
  const post = (message: RowsWorkerMessage) => port.postMessage(message);
  let room = input.window;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    room++;
    wake?.();
    wake = null;
  });
  try {
    const table = await openTable({ source: input.source, ...input.read });
    try {
      const resolved = input.mapping
        ? resolveMapping({ saved: input.mapping, headers: table.headers, fields: input.fields })
        : guessMapping({ headers: table.headers, fields: input.fields });
      post({
        kind: 'opened',
        table: { format: table.format, encoding: table.encoding, headers: table.headers },
        resolved,
      });
      if (resolved.missingRequired.length > 0) return;
      const columns = input.fields.flatMap((f) =>
        f.key in resolved.mapping ? [[f, resolved.mapping[f.key]!] as const] : [],
      );
      for await (const batch of prepareRows(table, {
        columns,
        keyField: input.keyField,
        keyColumn: resolved.mapping[input.keyField]!,
        reportedProblems: input.reportedProblems,
        batchRows: input.batchRows,
        document: input.document,
      })) {
        while (room === 0) await new Promise<void>((resolve) => (wake = resolve));
        room--;
        post({ kind: 'batch', batch });
      }
      post({ kind: 'done' });
    } finally {
      table.close();
    }
  } catch (error) {
    post({
      kind: 'error',
      error: isAppError(error)
        ? { code: error.code, details: error.details }
        : { message: error instanceof Error ? error.message : String(error) },
    });
  } finally {
    port.close();
  }
};

await run(workerData as RowsWorkerInput);
