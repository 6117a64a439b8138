import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Selectable } from 'kysely';
import type { Actor } from '../../platform/access.js';
import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError, isAppError } from '../../platform/errors/app-error.js';
import type { ErrorCode, Locale } from '../../platform/errors/catalog.js';
import { errorCatalog, messageOf } from '../../platform/errors/catalog.js';
import { widenToOrganisation } from '../org/units.service.js';
import { guessMapping, savedMappingOf } from './column-mapping.js';
import { toCsv } from './csv-export.js';
import type { ImportMode, ImportProgress, ImportReport } from './import-runner.js';
import { problemRows } from './import-runner.js';
import type { ImportsDeps } from './import-profiles.service.js';
import { getImportProfile, requireTarget } from './import-profiles.service.js';
import type { ImportTargetDefinition } from './import-target.js';
import { givenOptions, optionsOf } from './import-target.js';
import type { ImportFile, ImportRun, StartImportInput } from './imports.schema.js';
import { ZStartImportInput } from './imports.schema.js';
import type { ImportRunTable } from './imports.tables.js';
import { openTable } from './tabular-reader.js';

/*
 * Imports over the API: a file is uploaded (streamed to the data folder, never held in memory),
 * its headers are mapped to a target's fields, and the import runs in the background of the server
 * process while the UI polls its progress; the report and its problems stay with the run.
 *
 * - One import at a time per process: runs queue behind each other (a queued run is `running`
 *   with no rows yet). An import holds one transaction; two at once would only wait on each other
 *   (SQLite has one writer) and double the memory.
 * - The live progress is kept in memory, so that polling a run costs no query while it holds the
 *   database (with SQLite, other requests wait for the import's transaction anyway); the row gets
 *   the counts and the report when the run ends.
 * - A server that stops mid-import leaves the database as it was (the transaction never commits);
 *   at the next start its runs still `running` are marked failed (`imports.run_interrupted`).
 * - Files and runs are their uploader's: only he, or an organisation-wide administrator, sees them.
 *   What a run may write is the target's own business: its service checks permission and scope.
 */

export type ImportRunsDeps = ImportsDeps & { dataDir: string };

/** The largest file the upload takes. */
export const importFileLimitBytes = 200 * 1024 * 1024;
const sampleRows = 5;

type FileMeta = ImportFile & { uploadedByUserId: number | null; uploadedAt: string };

const filesDir = (dataDir: string) => path.join(dataDir, 'imports');
const fileIdPattern = /^[0-9a-f]{32}$/;
const dataPath = (dataDir: string, fileId: string) => path.join(filesDir(dataDir), `${fileId}.upload`);
const metaPath = (dataDir: string, fileId: string) => path.join(filesDir(dataDir), `${fileId}.json`);

/** An organisation-wide administrator (or the system) sees every file and run. */
const isImportAdmin = async (db: Db, actor: Actor) =>
  actor.kind === 'system' || (await widenToOrganisation(db, scopeRoots(actor, 'users.manage'))) === 'all';

/** Refuses (403) an actor who may import into no target at all. */
const requireSomeTarget = (deps: ImportsDeps) => {
  const targets = Object.values(deps.targets);
  const allowed = targets.some((t) => {
    const roots = scopeRoots(deps.actor, t.permission);
    return roots === 'all' || roots.length > 0;
  });
  if (!allowed && targets[0]) requirePermission(deps.actor, targets[0].permission);
};

/** The targets the caller may import into (he holds their permission somewhere): key, names, options for a form. */
export const listImportTargets = ({ targets, actor }: Pick<ImportsDeps, 'targets' | 'actor'>) =>
  Object.values(targets)
    .filter((t) => {
      const roots = scopeRoots(actor, t.permission);
      return roots === 'all' || roots.length > 0;
    })
    .map((t) => ({ key: t.key, name: t.name, nameEn: t.nameEn, options: optionsOf(t) }));

/** How long an uploaded file is kept: long enough to map, dry-run and apply it, or do it again tomorrow. */
export const importFileKeepMs = 7 * 24 * 3600_000;

/** Removes uploads older than `importFileKeepMs` (run on each upload, so the folder never grows unbounded). */
export const removeOldImportFiles = async (dataDir: string, now: Date) => {
  const dir = filesDir(dataDir);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (info && now.getTime() - info.mtimeMs > importFileKeepMs) await rm(file, { force: true });
  }
};

/**
 * Streams an upload to the data folder (refusing it past `limitBytes`), then reads its header and
 * first rows: a file that is empty, not CSV or XLSX, or unreadable is refused with the reader's code
 * and not kept.
 */
export const saveImportFile = async (
  { name, body, limitBytes = importFileLimitBytes }: { name: string; body: Readable; limitBytes?: number },
  deps: ImportRunsDeps,
): Promise<ImportFile> => {
  requireSomeTarget(deps);
  const fileId = randomBytes(16).toString('hex');
  await mkdir(filesDir(deps.dataDir), { recursive: true });
  await removeOldImportFiles(deps.dataDir, deps.clock.now());
  const file = dataPath(deps.dataDir, fileId);
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limitBytes)
        done(
          new AppError('imports.file_too_large', {
            limitBytes,
            limitMb: Math.round(limitBytes / 1024 / 1024),
          }),
        );
      else done(null, chunk);
    },
  });
  try {
    await pipeline(body, limit, createWriteStream(file));
    const table = await openTable({ source: file });
    const sample: string[][] = [];
    try {
      for await (const row of table.rows) {
        sample.push(row.cells);
        if (sample.length >= sampleRows) break;
      }
    } finally {
      table.close();
    }
    const meta: FileMeta = {
      fileId,
      name,
      size,
      format: table.format,
      encoding: table.encoding,
      headers: table.headers,
      sample,
      uploadedByUserId: deps.actor.userId,
      uploadedAt: deps.clock.now().toISOString(),
    };
    await writeFile(metaPath(deps.dataDir, fileId), JSON.stringify(meta));
    const { uploadedByUserId: _by, uploadedAt: _at, ...out } = meta;
    return out;
  } catch (error) {
    body.resume(); // drain what is left of a refused upload
    await rm(file, { force: true });
    throw error;
  }
};

const readFileMeta = async (fileId: string, deps: ImportRunsDeps): Promise<FileMeta> => {
  if (!fileIdPattern.test(fileId)) throw new AppError('imports.file_not_found', { fileId });
  let meta: FileMeta;
  try {
    meta = JSON.parse(await readFile(metaPath(deps.dataDir, fileId), 'utf8')) as FileMeta;
  } catch {
    throw new AppError('imports.file_not_found', { fileId });
  }
  if (meta.uploadedByUserId !== deps.actor.userId && !(await isImportAdmin(deps.db, deps.actor)))
    throw new AppError('imports.file_not_found', { fileId });
  return meta;
};

/** The target's fields for a mapping screen, and the mapping guessed from the file's headers. */
export const guessImportFileMapping = async (
  { fileId, target: key, options }: { fileId: string; target: string; options: Record<string, unknown> },
  deps: ImportRunsDeps,
) => {
  const meta = await readFileMeta(fileId, deps);
  const target = requireTarget(deps.targets, key);
  requirePermission(deps.actor, target.permission);
  const fields = await target.fields(options, deps);
  const guessed = guessMapping({ headers: meta.headers, fields });
  return {
    fields: fields.map((f) => ({ key: f.key, label: f.labels[0] ?? f.key, required: f.required === true })),
    mapping: savedMappingOf(guessed.mapping, meta.headers),
    unmatchedHeaders: guessed.unmatchedHeaders,
  };
};

/* ---------- runs ---------- */

/** Runs of this process still going: their progress, answered without a query. */
const live = new Map<number, { progress: ImportProgress; createdByUserId: number | null }>();
let queue: Promise<void> = Promise.resolve();

/** Resolves when every run queued so far has ended (for tests and a graceful stop). */
export const importRunsIdle = (): Promise<void> => queue;

const execute = async (
  id: number,
  target: ImportTargetDefinition,
  input: {
    file: string;
    mode: ImportMode;
    mapping: Record<string, string | number> | undefined;
    options: unknown;
  },
  deps: Deps,
) => {
  const { db, clock } = deps;
  let report: ImportReport | undefined;
  let failure: { code: string; details: Record<string, unknown> } | undefined;
  try {
    report = await target.run(
      {
        source: input.file,
        mode: input.mode,
        mapping: input.mapping,
        options: input.options,
        onProgress: (progress) => {
          const entry = live.get(id);
          if (entry) entry.progress = progress;
        },
      },
      deps,
    );
  } catch (error) {
    failure = isAppError(error)
      ? { code: error.code, details: error.details }
      : { code: 'internal.error', details: {} };
  }
  const progress = report
    ? { rows: report.rows, bad: report.bad, elapsedMs: report.elapsedMs }
    : (live.get(id)?.progress ?? { rows: 0, bad: 0, elapsedMs: 0 });
  await db
    .updateTable('importRuns')
    .set({
      status: report ? 'done' : 'failed',
      rows: progress.rows,
      bad: progress.bad,
      elapsedMs: Math.round(progress.elapsedMs),
      reportJson: report ? JSON.stringify(report) : null,
      errorCode: failure?.code ?? null,
      errorDetailsJson: failure ? JSON.stringify(failure.details) : null,
      finishedAt: clock.now().toISOString(),
    })
    .where('id', '=', id)
    .execute();
};

/**
 * Starts an import of an uploaded file in the background; answers its id at once. The profile's
 * mapping, mode-independent options and target are the defaults; the request's own win.
 */
export const startImportRun = async (
  input: StartImportInput,
  deps: ImportRunsDeps,
): Promise<{ id: number }> => {
  const values = ZStartImportInput.parse(input);
  const meta = await readFileMeta(values.fileId, deps);
  const target = requireTarget(deps.targets, values.target);
  requirePermission(deps.actor, target.permission);
  const profile = values.profile ? await getImportProfile({ name: values.profile }, deps) : undefined;
  if (profile && profile.target !== target.key)
    throw new AppError('imports.profile_target_mismatch', {
      name: profile.name,
      profileTarget: profile.target,
      target: target.key,
      field: 'profile',
    });
  const options = target.options.parse({ ...profile?.options, ...givenOptions(values.options) });
  // An empty mapping (a form that sent none) is no mapping: the profile's, else a guess.
  const given = (m: Record<string, string | number> | undefined) =>
    m && Object.keys(m).length > 0 ? m : undefined;
  const mapping = given(values.mapping) ?? given(profile?.mapping);
  const { db, clock, actor } = deps;
  const { id } = await db
    .insertInto('importRuns')
    .values({
      target: target.key,
      fileId: meta.fileId,
      fileName: meta.name,
      mode: values.mode,
      status: 'running',
      rows: 0,
      bad: 0,
      elapsedMs: 0,
      optionsJson: JSON.stringify(options),
      mappingJson: mapping ? JSON.stringify(mapping) : null,
      profile: profile?.name ?? null,
      createdByUserId: actor.userId,
      createdAt: clock.now().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  live.set(id, { progress: { rows: 0, bad: 0, elapsedMs: 0 }, createdByUserId: actor.userId });
  const runDeps: Deps = { db, clock, actor };
  queue = queue
    .then(() =>
      execute(
        id,
        target,
        { file: dataPath(deps.dataDir, meta.fileId), mode: values.mode, mapping, options },
        runDeps,
      ),
    )
    .catch(() => undefined) // a run's own failure is on its row; the queue goes on
    .finally(() => live.delete(id));
  return { id };
};

const errorOf = (row: Selectable<ImportRunTable>, locale: Locale): ImportRun['error'] => {
  if (!row.errorCode) return null;
  const details = row.errorDetailsJson ? (JSON.parse(row.errorDetailsJson) as Record<string, unknown>) : {};
  const code = row.errorCode;
  return {
    code,
    message: Object.hasOwn(errorCatalog, code) ? messageOf(code as ErrorCode, locale, details) : code,
  };
};

const toRun = (row: Selectable<ImportRunTable>, locale: Locale): ImportRun => {
  const running = live.get(row.id);
  return {
    id: row.id,
    target: row.target,
    fileName: row.fileName,
    mode: row.mode as ImportMode,
    status: row.status as ImportRun['status'],
    progress:
      row.status === 'running' && running
        ? running.progress
        : { rows: row.rows, bad: row.bad, elapsedMs: row.elapsedMs },
    report: row.reportJson ? (JSON.parse(row.reportJson) as ImportRun['report']) : null,
    error: errorOf(row, locale),
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
};

const findRun = async (id: number, deps: ImportRunsDeps) => {
  const row = await deps.db.selectFrom('importRuns').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (row.createdByUserId !== deps.actor.userId && !(await isImportAdmin(deps.db, deps.actor))))
    throw new AppError('imports.run_not_found', { id });
  return row;
};

export const getImportRun = async ({ id }: { id: number }, deps: ImportRunsDeps, locale: Locale = 'zh-CN') =>
  toRun(await findRun(id, deps), locale);

/** The 50 latest runs the actor sees: his own, or all for an organisation-wide administrator. */
export const listImportRuns = async (
  deps: ImportRunsDeps,
  locale: Locale = 'zh-CN',
): Promise<ImportRun[]> => {
  let query = deps.db.selectFrom('importRuns').selectAll().orderBy('id', 'desc').limit(50);
  if (!(await isImportAdmin(deps.db, deps.actor)))
    query = query.where('createdByUserId', '=', deps.actor.userId ?? -1);
  return (await query.execute()).map((r) => toRun(r, locale));
};

/** The problems of a finished run as a CSV for Excel (UTF-8 with BOM; formulas defused). */
export const importRunProblemsCsv = async ({ id }: { id: number }, deps: ImportRunsDeps) => {
  const row = await findRun(id, deps);
  const report = row.reportJson ? (JSON.parse(row.reportJson) as ImportReport) : { problems: [] };
  return {
    csv: toCsv(problemRows(report)),
    fileName: `${row.fileName.replace(/\.[^.]*$/, '')}-problems.csv`,
  };
};

/** At start-up: runs left `running` by a stopped process wrote nothing (their transaction never committed). */
export const failInterruptedRuns = async ({ db, clock }: { db: Db; clock: Clock }): Promise<number> => {
  const result = await db
    .updateTable('importRuns')
    .set({
      status: 'failed',
      errorCode: 'imports.run_interrupted',
      errorDetailsJson: '{}',
      finishedAt: clock.now().toISOString(),
    })
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
};
