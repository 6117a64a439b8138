import { z } from 'zod';
import { isAppError } from '../../platform/errors/app-error.js';
import type { WorkingCalendar } from '../calendar/working-time.js';
import { CalendarCoverageError } from '../calendar/working-time.js';
import type { TreeNode } from './case-type.schema.js';
import { flattenTree } from './case-type.schema.js';
import type { LoadedCaseType } from './case-types.service.js';
import { validateFields } from './case-rules.js';
import type { ClockState, SlaEvent } from './sla.js';
import { computeClocks, resolutionWorkingMs } from './sla.js';

/* Checking and computing one row of a case-history import, before anything is written (see case-import.service.ts). */

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

export type ValidRow = {
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
export type Computed = {
  clocks: ClockState[];
  nextDueAt: string | null;
  breached: number;
  resolutionWorkingMs: number | null;
};

export type Checked = { row: ValidRow; computed: Computed };

/**
 * The case type's keys as sets, built once per import: `findNode` flattens the whole tree on
 * every call (≈0.4 ms for 61 categories), which is 4 s over 10,000 rows.
 */
export type TypeIndex = {
  type: LoadedCaseType;
  categories: Set<string>;
  reasons: Set<string>;
  priorities: Set<string>;
  /** Per category key, the single branch from its root down to it: all `limitsFor` reads of the tree. */
  lineage: Map<string, TreeNode[]>;
};

export const indexType = (type: LoadedCaseType): TypeIndex => {
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
export const checkRow = (
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
export const slaEventsOf = (row: ValidRow): SlaEvent[] =>
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
export const computeRow = (
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
