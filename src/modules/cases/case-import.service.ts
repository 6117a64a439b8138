import type { Insertable } from 'kysely';
import type { Actor } from '../../platform/access.js';
import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import { isUnitInScope, parentUnitIdOf } from '../org/units.service.js';
import type { LoadedCaseType } from './case-types.service.js';
import { caseTypeForInput } from './case-types.service.js';
import { calendarsOf, clockRowOf } from './case-clocks.service.js';
import type { CaseClockTable, CaseEventTable } from './cases.tables.js';
import { addFiguresOf } from './case-figure-days.js';
import * as casesRepo from './cases.repo.js';
import { checkRow, computeRow, indexType } from './case-import.rows.js';
import type { Checked, ValidRow } from './case-import.rows.js';

/*
 * Importing case history (工单历史导入): cases that were opened — and perhaps closed — in another
 * system, loaded as cases of one case type so that figures, indicators and reports see them.
 *
 * - All or nothing (DESIGN: "Nothing is half-imported"): every row is validated first and the
 *   report lists every problem (row number, field, code, message); with one bad row nothing is
 *   written, unless the caller chose `onInvalid: 'skip'`, in which case the good rows are written
 *   and the result reports the rejected ones — it applies exactly what it reports.
 * - Idempotent by external key: a key the case type already holds is skipped and reported, so a
 *   file can be imported again after a failure or with new rows appended.
 * - The same state as the live path: a row becomes the events `created` (at openedAt) and, for a
 *   closed row, `resolved` and `closed` (at closedAt); status, isOpen, resolvedAt, closedAt,
 *   nextDueAt, breached and resolutionWorkingMs and the clocks are what `refreshClocks` would
 *   store for those events, computed by the same pure functions (sla.ts) in the type's calendars.
 * - A calendar that does not cover a year a row needs is a row error (cases.calendar_not_covering),
 *   never a guess. A type without clocks needs its calendar only for the resolution time of
 *   closed rows (as the live path does), so its coverage must span the years of those rows.
 * - Fast: rows are written with multi-row INSERTs in chunks that stay under the bound-parameter
 *   limits, and the audit trail gets ONE row for the import (see `auditImport`).
 * - Left out for history: callbacks, notifications and repeat links are about work still ahead;
 *   a historical case was registered by nobody in this system (its registrant is null).
 */

export { parseInstant, ZImportCaseRow } from './case-import.rows.js';
export type {
  ImportCaseHistoryInput,
  ImportCaseHistoryResult,
  ImportCaseRow,
  ImportProblem,
  ImportProblemCode,
} from './case-import.rows.js';
import type { ImportCaseHistoryInput, ImportCaseHistoryResult, ImportProblem } from './case-import.rows.js';

const reportedProblemsLimit = 1000;

/** Rows with a unit outside the caller's cases.write scope (or no such unit), one check per distinct unit. */
const unitsOutOfScope = async (tx: Executor, actor: Actor, unitIds: Iterable<number>) => {
  const roots = scopeRoots(actor, 'cases.write');
  const out = new Set<number>();
  for (const unitId of new Set(unitIds))
    if (!(await isUnitInScope({ unitId, roots }, { db: tx }))) out.add(unitId);
  return out;
};

/** The deepest unit that contains all the given units (null when they share no root); also for cases.import.ts. */
export const commonAncestor = async (tx: Executor, unitIds: readonly number[]): Promise<number | null> => {
  const lineage = async (unitId: number) => {
    const chain: number[] = [];
    for (let id: number | null = unitId; id !== null; id = await parentUnitIdOf({ unitId: id }, { db: tx }))
      chain.push(id);
    return chain;
  };
  const [first, ...others] = [...new Set(unitIds)];
  if (first === undefined) return null;
  const candidates = await lineage(first);
  const otherChains = await Promise.all(others.map(async (u) => new Set(await lineage(u))));
  return candidates.find((id) => otherChains.every((chain) => chain.has(id))) ?? null;
};

/**
 * Writes checked rows as cases of the type: the cases, then their events and clocks, in chunks;
 * then their facts in the figures rollup. Also the write of the runner's `cases` target (cases.import.ts).
 */
export const writeImportedCases = async (
  tx: Executor,
  type: LoadedCaseType,
  fresh: readonly Checked[],
  actor: Actor,
): Promise<void> => {
  const iso = (ms: number) => new Date(ms).toISOString();
  const ids = await casesRepo.insertCases(
    tx,
    fresh.map(({ row, computed }) => ({
      caseTypeId: type.id,
      unitId: row.unitId,
      externalKey: row.externalKey,
      title: row.title,
      description: row.description,
      categoryKey: row.category,
      priorityKey: row.priority,
      status: row.closedAt === null ? 'registered' : 'closed',
      isOpen: row.closedAt === null ? 1 : 0,
      customerId: null,
      // Nobody registered the case in this system; the import's audit row names who loaded it.
      registrantUserId: null,
      assigneeUserId: null,
      fieldsJson: JSON.stringify(row.fields),
      reasonCode: row.reasonCode,
      feedback: row.feedback,
      repeatOfCaseId: null,
      reopenCount: 0,
      nextDueAt: computed.nextDueAt,
      breached: computed.breached,
      resolutionWorkingMs: computed.resolutionWorkingMs,
      createdAt: iso(row.openedAt),
      updatedAt: iso(row.closedAt ?? row.openedAt),
      resolvedAt: row.closedAt === null ? null : iso(row.closedAt),
      closedAt: row.closedAt === null ? null : iso(row.closedAt),
    })),
  );
  const event = (
    caseId: number,
    kind: string,
    at: number,
    fromStatus: string | null,
    toStatus: string,
    payload: Record<string, unknown>,
  ): Insertable<CaseEventTable> => ({
    caseId,
    kind,
    at: iso(at),
    actorUserId: actor.userId,
    actorName: actor.name,
    fromStatus,
    toStatus,
    payloadJson: JSON.stringify({ ...payload, imported: true }),
  });
  const events: Array<Insertable<CaseEventTable>> = [];
  const clocks: Array<Insertable<CaseClockTable>> = [];
  for (const { row, computed } of fresh) {
    const caseId = ids.get(row.externalKey)!;
    events.push(
      event(caseId, 'created', row.openedAt, null, 'registered', {
        category: row.category,
        priority: row.priority,
        externalKey: row.externalKey,
      }),
    );
    if (row.closedAt !== null) {
      const outcome = {
        ...(row.reasonCode ? { reasonCode: row.reasonCode } : {}),
        ...(row.feedback ? { feedback: row.feedback } : {}),
      };
      events.push(event(caseId, 'resolved', row.closedAt, 'registered', 'resolved', outcome));
      events.push(event(caseId, 'closed', row.closedAt, 'resolved', 'closed', {}));
    }
    for (const c of computed.clocks) clocks.push(clockRowOf(caseId, c));
  }
  await casesRepo.insertAll(tx, 'caseEvents', events);
  await casesRepo.insertAll(tx, 'caseClocks', clocks);
  await addFiguresOf(tx, [...ids.values()]);
};

/* ---------- the service ---------- */

const importInvalid = (type: LoadedCaseType, problems: ImportProblem[]) =>
  new AppError('cases.import_invalid', {
    caseType: type.key,
    rowCount: new Set(problems.map((p) => p.row)).size,
    problemCount: problems.length,
    problems: problems.slice(0, reportedProblemsLimit),
  });

/**
 * Imports historical cases of one case type in one transaction. Validates every row first and
 * refuses the whole input with `cases.import_invalid` (listing row, field, code and message of
 * every problem) when any row is bad, unless `onInvalid: 'skip'`; skips external keys the type
 * already holds. Needs cases.write on every row's unit.
 */
export const importCaseHistory = async (
  input: ImportCaseHistoryInput,
  { db, clock, actor }: Deps,
): Promise<ImportCaseHistoryResult> => {
  requirePermission(actor, 'cases.write');
  const onInvalid = input.onInvalid ?? 'reject';
  return db.transaction().execute(async (tx) => {
    const type = await caseTypeForInput(tx, input.caseType);
    const typeIndex = indexType(type);
    const now = clock.now();
    const nowMs = now.getTime();

    // 1. Every row on its own.
    const problems: ImportProblem[] = [];
    const valid: ValidRow[] = [];
    const firstRowOfKey = new Map<string, number>();
    input.rows.forEach((raw, index) => {
      const { valid: row, problems: found } = checkRow(index, raw, typeIndex, nowMs);
      problems.push(...found);
      // A key twice in the input is a mistake whatever else is wrong with either row.
      const key = row?.externalKey ?? found[0]?.externalKey ?? null;
      if (key !== null) {
        const first = firstRowOfKey.get(key);
        if (first !== undefined) {
          problems.push({
            row: index + 1,
            externalKey: key,
            field: 'externalKey',
            code: 'duplicate_key',
            message: `the external key is on row ${first} already`,
          });
          return;
        }
        firstRowOfKey.set(key, index + 1);
      }
      if (row) valid.push(row);
    });

    // 2. The unit scope, once per distinct unit; 3. the clocks, in the type's calendars.
    const outOfScope = await unitsOutOfScope(
      tx,
      actor,
      valid.map((r) => r.unitId),
    );
    const calendars = await calendarsOf(tx, type.definition);
    const checked: Checked[] = [];
    for (const row of valid) {
      if (outOfScope.has(row.unitId)) {
        problems.push({
          row: row.row,
          externalKey: row.externalKey,
          field: 'unitId',
          code: 'org.unit_not_found',
          message: `unit ${row.unitId} does not exist or is outside your cases.write scope`,
        });
        continue;
      }
      const computed = computeRow(row, typeIndex, calendars, nowMs);
      if ('code' in computed) problems.push(computed);
      else checked.push({ row, computed });
    }
    problems.sort((a, b) => a.row - b.row);
    if (problems.length > 0 && onInvalid === 'reject') throw importInvalid(type, problems);

    // 4. Idempotence: keys the type holds already are skipped and reported.
    const existing = await casesRepo.existingKeys(
      tx,
      type.id,
      checked.map((c) => c.row.externalKey),
    );
    const skipped = checked
      .filter((c) => existing.has(c.row.externalKey))
      .map((c) => ({
        row: c.row.row,
        externalKey: c.row.externalKey,
        caseId: existing.get(c.row.externalKey)!,
      }));
    const fresh = checked.filter((c) => !existing.has(c.row.externalKey));

    // 5. Write: cases, then their events and clocks, in chunks; then their facts in the figures rollup.
    await writeImportedCases(tx, type, fresh, actor);

    const result: ImportCaseHistoryResult = {
      caseType: type.key,
      imported: fresh.length,
      skipped,
      rejected: onInvalid === 'skip' ? problems : [],
      firstExternalKey: fresh[0]?.row.externalKey ?? null,
      lastExternalKey: fresh.at(-1)?.row.externalKey ?? null,
    };
    if (fresh.length > 0) await auditImport(tx, type, fresh, result, { actor, clock });
    return result;
  });
};

/**
 * ONE audit row for the whole import, not one per case: 10,000 hash-chained rows (each reading
 * the previous hash under the chain lock) would cost more than the import itself and bury the
 * trail, while the single row with the counts and the first and last key, plus the `imported`
 * mark on every case's events, says exactly what changed. Its unit is the deepest unit holding
 * all imported cases, so the managers who see those cases see the import.
 */
const auditImport = async (
  tx: Executor,
  type: LoadedCaseType,
  fresh: readonly Checked[],
  result: ImportCaseHistoryResult,
  deps: Pick<Deps, 'actor' | 'clock'>,
) =>
  recordAudit(
    tx,
    {
      action: 'case.import',
      entity: 'case_type',
      entityId: type.id,
      unitId: await commonAncestor(
        tx,
        fresh.map((c) => c.row.unitId),
      ),
      after: {
        caseType: type.key,
        caseTypeVersion: type.version,
        imported: result.imported,
        closed: fresh.filter((c) => c.row.closedAt !== null).length,
        skipped: result.skipped.length,
        rejectedRows: new Set(result.rejected.map((p) => p.row)).size,
        firstExternalKey: result.firstExternalKey,
        lastExternalKey: result.lastExternalKey,
      },
    },
    deps,
  );
