import type { Insertable } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../../platform/access.js';
import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError, isAppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import type { WorkingCalendar } from '../calendar/working-time.js';
import { CalendarCoverageError } from '../calendar/working-time.js';
import { isUnitInScope, parentUnitIdOf } from '../org/units.service.js';
import type { TreeNode } from './case-type.schema.js';
import { flattenTree } from './case-type.schema.js';
import type { LoadedCaseType } from './case-types.service.js';
import { caseTypeForInput } from './case-types.service.js';
import { calendarsOf, clockRowOf } from './case-clocks.service.js';
import { validateFields } from './case-rules.js';
import type { CaseClockTable, CaseEventTable } from './cases.tables.js';
import type { ClockState, SlaEvent } from './sla.js';
import { computeClocks, resolutionWorkingMs } from './sla.js';
import * as casesRepo from './cases.repo.js';

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

const ZKeyText = z.string().trim().min(1).max(64);

/** One historical case. Dates are ISO 8601 with a time-zone offset (`T` or a space between date and time). */
export const ZImportCaseRow = z.object({
  /** The case's key in the source system; unique per case type, the key of idempotent re-import. */
  externalKey: z.string().trim().min(1).max(100),
  unitId: z.number().int().positive(),
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().max(5000).nullish(),
  category: ZKeyText,
  priority: ZKeyText.nullish(),
  openedAt: z.string(),
  closedAt: z.string().nullish(),
  /** Default: closed when closedAt is given, else open. */
  status: z.enum(['open', 'closed']).optional(),
  fields: z.record(z.string(), z.unknown()).default({}),
  /** The outcome of a closed case, where the type's closing rules ask for it. */
  reasonCode: ZKeyText.nullish(),
  feedback: z.string().trim().max(5000).nullish(),
});
export type ImportCaseRow = z.input<typeof ZImportCaseRow>;

export type ImportCaseHistoryInput = {
  caseType: string;
  rows: readonly ImportCaseRow[];
  /** `reject` (default): one bad row and nothing is written. `skip`: write the good rows, report the bad ones. */
  onInvalid?: 'reject' | 'skip';
};

/**
 * Why a row is refused. Where creating the case live would fail with a catalog error, the row
 * carries that error's code (the UI has its message); the others are import-only checks.
 */
export type ImportProblemCode =
  | 'invalid' // the row's shape: a field missing, of the wrong type or too long
  | 'invalid_date' // not a real date-time with a time-zone offset
  | 'closed_before_opened'
  | 'in_future' // after the import's clock: history cannot be in the future
  | 'status_conflict' // `closed` without closedAt, or `open` with one
  | 'duplicate_key' // the external key is on an earlier row of the same input
  | 'org.unit_not_found' // the unit does not exist or is outside the caller's cases.write scope
  | 'cases.unknown_category'
  | 'cases.unknown_priority'
  | 'cases.unknown_reason'
  | 'cases.field_invalid'
  | 'cases.outcome_required'
  | 'cases.calendar_not_covering';

export type ImportProblem = {
  /** 1-based position of the row in the input (a CSV reader maps it to its line). */
  row: number;
  externalKey: string | null;
  field: string;
  code: ImportProblemCode;
  message: string;
};

export type ImportCaseHistoryResult = {
  caseType: string;
  imported: number;
  /** Rows whose external key the case type already holds: not written again. */
  skipped: Array<{ row: number; externalKey: string; caseId: number }>;
  /** Problems of the rows left out under `onInvalid: 'skip'` (empty otherwise). */
  rejected: ImportProblem[];
  firstExternalKey: string | null;
  lastExternalKey: string | null;
};

/** At most this many problems travel in the error's details; the counts say how many there were. */
const reportedProblemsLimit = 1000;

/* ---------- dates ---------- */

const instantPattern =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2}))$/i;

/**
 * Milliseconds of an ISO 8601 date-time with an offset, or null. Stricter than Date.parse, which
 * takes 30 February for 1 March and reads a time without offset in the server's zone: an import
 * must not guess when a case was opened.
 */
export const parseInstant = (text: string): number | null => {
  const m = instantPattern.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = Number(m[6] ?? '0');
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[8]!.toUpperCase() !== 'Z') {
    const hh = Number(m[10]);
    const mm = Number(m[11]);
    if (hh > 23 || mm > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (hh * 60 + mm);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
};

/* ---------- validation ---------- */

type ValidRow = {
  row: number;
  externalKey: string;
  unitId: number;
  title: string;
  description: string | null;
  category: string;
  priority: string;
  fields: Record<string, unknown>;
  reasonCode: string | null;
  feedback: string | null;
  openedAt: number;
  closedAt: number | null;
};

/** What the live path would store for a row's events: the case's SLA columns and its clocks. */
type Computed = {
  clocks: ClockState[];
  nextDueAt: string | null;
  breached: number;
  resolutionWorkingMs: number | null;
};

type Checked = { row: ValidRow; computed: Computed };

/**
 * The case type's keys as sets, built once per import: `findNode` flattens the whole tree on
 * every call (≈0.4 ms for 61 categories), which is 4 s over 10,000 rows.
 */
type TypeIndex = {
  type: LoadedCaseType;
  categories: Set<string>;
  reasons: Set<string>;
  priorities: Set<string>;
  /** Per category key, the single branch from its root down to it: all `limitsFor` reads of the tree. */
  lineage: Map<string, TreeNode[]>;
};

const indexType = (type: LoadedCaseType): TypeIndex => {
  const nodes = flattenTree(type.definition.categories);
  const branch = (keys: readonly string[]): TreeNode[] => {
    const [key, ...rest] = keys;
    return key === undefined ? [] : [{ key, name: key, children: branch(rest) }];
  };
  return {
    type,
    categories: new Set(nodes.map((n) => n.key)),
    reasons: new Set(flattenTree(type.definition.reasons).map((n) => n.key)),
    priorities: new Set(type.definition.priorities.map((p) => p.key)),
    lineage: new Map(nodes.map((n) => [n.key, branch([...n.path, n.key])])),
  };
};

/** Rules of one row that need only the row and the case type. */
const checkRow = (
  index: number,
  raw: unknown,
  { type, categories, reasons, priorities }: TypeIndex,
  now: number,
): { valid?: ValidRow; problems: ImportProblem[] } => {
  const row = index + 1;
  const problems: ImportProblem[] = [];
  const keyOf = (value: unknown) =>
    typeof value === 'object' &&
    value !== null &&
    'externalKey' in value &&
    typeof value.externalKey === 'string'
      ? value.externalKey
      : null;
  const parsed = ZImportCaseRow.safeParse(raw);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((i) => ({
        row,
        externalKey: keyOf(raw),
        field: i.path.join('.') || '(row)',
        code: 'invalid',
        message: i.message,
      })),
    };
  }
  const input = parsed.data;
  const externalKey = input.externalKey;
  const problem = (field: string, code: ImportProblemCode, message: string) =>
    problems.push({ row, externalKey, field, code, message });
  const definition = type.definition;

  if (!categories.has(input.category))
    problem('category', 'cases.unknown_category', `case type ${type.key} has no category ${input.category}`);
  const priority = input.priority ?? definition.defaultPriority ?? definition.priorities[0]!.key;
  if (!priorities.has(priority))
    problem('priority', 'cases.unknown_priority', `case type ${type.key} has no priority ${priority}`);
  let fields: Record<string, unknown> = {};
  try {
    fields = validateFields(type, input.fields);
  } catch (error) {
    if (!isAppError(error)) throw error;
    const field = typeof error.details.field === 'string' ? error.details.field : 'fields';
    problem(field, 'cases.field_invalid', String(error.details.problem ?? 'invalid'));
  }

  const openedAt = parseInstant(input.openedAt);
  const closedAt = input.closedAt ? parseInstant(input.closedAt) : null;
  const dateMessage =
    'expected an ISO 8601 date-time with a time-zone offset, e.g. 2016-07-13T15:11:07+00:00';
  if (openedAt === null) problem('openedAt', 'invalid_date', dateMessage);
  else if (openedAt > now) problem('openedAt', 'in_future', 'opened after the time of the import');
  if (input.closedAt && closedAt === null) problem('closedAt', 'invalid_date', dateMessage);
  else if (closedAt !== null) {
    if (closedAt > now) problem('closedAt', 'in_future', 'closed after the time of the import');
    if (openedAt !== null && closedAt < openedAt)
      problem(
        'closedAt',
        'closed_before_opened',
        `closed ${input.closedAt} before it was opened ${input.openedAt}`,
      );
  }
  const status = input.status ?? (input.closedAt ? 'closed' : 'open');
  if (status === 'closed' && !input.closedAt)
    problem('closedAt', 'status_conflict', 'a closed case needs closedAt');
  if (status === 'open' && input.closedAt)
    problem('status', 'status_conflict', 'an open case cannot have closedAt');

  if (input.reasonCode && !reasons.has(input.reasonCode))
    problem(
      'reasonCode',
      'cases.unknown_reason',
      `case type ${type.key} has no reason code ${input.reasonCode}`,
    );
  if (status === 'closed') {
    // The invariant "a closed case has an outcome" holds for history too.
    if (definition.closing.requireReason && !input.reasonCode)
      problem('reasonCode', 'cases.outcome_required', 'the case type asks a closed case for a reason code');
    if (definition.closing.requireFeedback && !input.feedback?.trim())
      problem('feedback', 'cases.outcome_required', 'the case type asks a closed case for feedback');
  }

  if (problems.length > 0 || openedAt === null) return { problems };
  return {
    valid: {
      row,
      externalKey,
      unitId: input.unitId,
      title: input.title,
      description: input.description ?? null,
      category: input.category,
      priority,
      fields,
      reasonCode: input.reasonCode ?? null,
      feedback: input.feedback ?? null,
      openedAt,
      closedAt: status === 'closed' ? closedAt : null,
    },
    problems,
  };
};

/** The events the row stands for, as the clock maths sees them. */
const slaEventsOf = (row: ValidRow): SlaEvent[] =>
  row.closedAt === null
    ? [{ kind: 'created', at: row.openedAt }]
    : [
        { kind: 'created', at: row.openedAt },
        { kind: 'resolved', at: row.closedAt },
        { kind: 'closed', at: row.closedAt },
      ];

/**
 * The clocks and SLA columns of a row, as `refreshClocks` computes them, or the coverage problem.
 * Each clock is computed on its own so that a coverage error names the calendar that lacks the year.
 */
const computeRow = (
  row: ValidRow,
  { type, lineage }: TypeIndex,
  calendars: Map<string, WorkingCalendar>,
  now: number,
): Computed | ImportProblem => {
  const definition = type.definition;
  const events = slaEventsOf(row);
  const calendarOf = (code: string) => calendars.get(code)!;
  const uncovered = (calendar: string, error: CalendarCoverageError): ImportProblem => {
    const yearOf = (ms: number) => new Date(ms).getUTCFullYear();
    const field =
      row.closedAt !== null && yearOf(row.closedAt) === error.year && yearOf(row.openedAt) !== error.year
        ? 'closedAt'
        : 'openedAt';
    return {
      row: row.row,
      externalKey: row.externalKey,
      field,
      code: 'cases.calendar_not_covering',
      message: `calendar ${calendar} does not cover ${error.year} (it covers ${error.coverage.fromYear}–${error.coverage.toYear})`,
    };
  };
  // Only clocks whose start event the history holds: an imported row has no assignment or
  // acceptance, and computeClocks would take the resolution for the start of an assigned →
  // accepted clock and leave it running forever (a sequence the live lifecycle never produces).
  const kinds = new Set(events.map((e) => e.kind));
  const started = definition.clocks.filter((c) => kinds.has(c.startsAt));
  // The category's own branch instead of the whole tree: the same limits, without flattening
  // the tree for every row (see TypeIndex).
  const categories = lineage.get(row.category)!;
  const clocksOf = (clocks: typeof started) =>
    computeClocks({
      type: { ...definition, clocks, categories },
      categoryKey: row.category,
      priorityKey: row.priority,
      events,
      calendarOf,
      now,
    });
  let clocks: ClockState[] = [];
  try {
    if (started.length > 0) clocks = clocksOf(started);
  } catch (error) {
    if (!(error instanceof CalendarCoverageError)) throw error;
    // Name the calendar that lacks the year: the first clock that fails on its own.
    const failing = started.find((c) => {
      try {
        clocksOf([c]);
        return false;
      } catch (e) {
        return e instanceof CalendarCoverageError;
      }
    });
    return uncovered(failing?.calendar ?? definition.calendar, error);
  }
  let resolutionMs: number | null;
  try {
    resolutionMs = resolutionWorkingMs({ events, calendar: calendarOf(definition.calendar) });
  } catch (error) {
    if (error instanceof CalendarCoverageError) return uncovered(definition.calendar, error);
    throw error;
  }
  const running = clocks.filter((c) => c.state === 'running' || c.state === 'paused');
  const nextDue = running.reduce<Date | null>((min, c) => (!min || c.dueAt < min ? c.dueAt : min), null);
  return {
    clocks,
    nextDueAt: nextDue?.toISOString() ?? null,
    breached: clocks.some((c) => c.state === 'breached') ? 1 : 0,
    resolutionWorkingMs: resolutionMs,
  };
};

/** Rows with a unit outside the caller's cases.write scope (or no such unit), one check per distinct unit. */
const unitsOutOfScope = async (tx: Executor, actor: Actor, unitIds: Iterable<number>) => {
  const roots = scopeRoots(actor, 'cases.write');
  const out = new Set<number>();
  for (const unitId of new Set(unitIds))
    if (!(await isUnitInScope({ unitId, roots }, { db: tx }))) out.add(unitId);
  return out;
};

/** The deepest unit that contains all the given units (null when they share no root). */
const commonAncestor = async (tx: Executor, unitIds: readonly number[]): Promise<number | null> => {
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

    // 5. Write: cases, then their events and clocks, in chunks.
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
