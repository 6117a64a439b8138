import { sql } from 'kysely';
import type { ScopeRoots } from '../../platform/access.js';
import { requirePermission } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { isUnitInScope, unitNames } from '../org/units.service.js';
import { userNames } from '../org/users.service.js';
import { unitCondition } from '../org/scope.js';
import type { figureMetrics } from './case-figure-days.js';
import { isReportingMidnight, reportingDayOf, reportingTimeZone } from './case-figure-days.js';
import { findNode } from './case-type.schema.js';
import type { LoadedCaseType } from './case-types.service.js';
import { caseTypeById } from './case-types.service.js';
import type { FigureRow, Figures, FiguresQuery } from './cases.schema.js';

/*
 * Figures are computed from the stored cases, clocks, events and callbacks, never typed in:
 * the report and indicator modules call `figuresOfCases` for the numbers they print.
 * Definitions (docs/cases.md repeats them):
 * - registered: cases created in the period; resolved: resolutions (events) in the period;
 *   closed / cancelled: cases whose closing fell in the period;
 * - on-time rate per clock: clocks that stopped in the period, met ÷ stopped;
 * - resolution time: registration to latest resolution minus pauses, of cases resolved in the
 *   period and not reopened since, in working hours of the type's calendar (or calendar hours); median and 90th
 *   percentile by linear interpolation between closest ranks (R-7, Excel PERCENTILE.INC);
 * - callback rate: callbacks opened in the period that reached the customer ÷ callbacks opened;
 *   satisfaction: mean score of reached callbacks recorded in the period;
 * - rework rate: reopenings ÷ resolutions, both counted as events in the period;
 * - overdue now: open cases with a running clock past its due time, at the moment of asking.
 */

export const percentileMethod = 'linear interpolation between closest ranks (R-7, Excel PERCENTILE.INC)';

/** The p-quantile (0 ≤ p ≤ 1) of ascending sorted values by R-7; null for no values. */
export const quantile = (sorted: readonly number[], p: number): number | null => {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
};

type Grouping = FiguresQuery['groupBy'];
/** What a fact is grouped by: the case's type, category, owner and unit, and the month it happened in. */
type Dims = {
  caseTypeId: number;
  categoryKey: string;
  assigneeUserId: number | null;
  unitId: number;
  month: string;
};

const monthFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: reportingTimeZone,
  year: 'numeric',
  month: '2-digit',
});
const monthOf = (iso: string) => monthFormat.format(new Date(iso)).slice(0, 7);

type Context = { types: Map<number, LoadedCaseType>; units: Map<number, string>; users: Map<number, string> };

export const rootCategory = (type: LoadedCaseType | undefined, key: string) => {
  const node = type && findNode(type.definition.categories, key);
  const rootKey = node ? (node.path[0] ?? node.key) : key;
  const root = type && findNode(type.definition.categories, rootKey);
  return { key: rootKey, name: root?.name ?? rootKey };
};

const groupOf = (grouping: Grouping, f: Dims, c: Context): { key: string; label: string } => {
  switch (grouping) {
    case 'none':
      return { key: 'total', label: '' };
    case 'category': {
      const root = rootCategory(c.types.get(f.caseTypeId), f.categoryKey);
      return { key: root.key, label: root.name };
    }
    case 'owner':
      return f.assigneeUserId === null
        ? { key: 'unassigned', label: '' }
        : { key: String(f.assigneeUserId), label: c.users.get(f.assigneeUserId) ?? `#${f.assigneeUserId}` };
    case 'unit':
      return { key: String(f.unitId), label: c.units.get(f.unitId) ?? `#${f.unitId}` };
    case 'month':
      return { key: f.month, label: f.month };
  }
};

type Acc = {
  key: string;
  label: string;
  registered: number;
  resolved: number;
  closed: number;
  cancelled: number;
  onTime: Map<string, { stopped: number; met: number }>;
  hours: number[];
  callbacksOpened: number;
  callbacksReachedOfOpened: number;
  recorded: number;
  reached: number;
  satisfactionSum: number;
  satisfactionCount: number;
  unsatisfied: number;
  reopened: number;
  repeats: number;
  overdueNow: number;
};

const emptyAcc = (key: string, label: string): Acc => ({
  key,
  label,
  registered: 0,
  resolved: 0,
  closed: 0,
  cancelled: 0,
  onTime: new Map(),
  hours: [],
  callbacksOpened: 0,
  callbacksReachedOfOpened: 0,
  recorded: 0,
  reached: 0,
  satisfactionSum: 0,
  satisfactionCount: 0,
  unsatisfied: 0,
  reopened: 0,
  repeats: 0,
  overdueNow: 0,
});

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const round = (x: number | null, digits = 4) =>
  x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits;

const finish = (a: Acc): FigureRow => {
  const hours = [...a.hours].sort((x, y) => x - y);
  return {
    key: a.key,
    label: a.label,
    registered: a.registered,
    resolved: a.resolved,
    closed: a.closed,
    cancelled: a.cancelled,
    onTime: Object.fromEntries(
      [...a.onTime].map(([k, v]) => [
        k,
        { stopped: v.stopped, met: v.met, rate: round(ratio(v.met, v.stopped)) },
      ]),
    ),
    resolutionHours: {
      count: hours.length,
      median: round(quantile(hours, 0.5)),
      p90: round(quantile(hours, 0.9)),
    },
    callbacks: {
      recorded: a.recorded,
      reached: a.reached,
      rate: round(ratio(a.callbacksReachedOfOpened, a.callbacksOpened)),
      satisfactionAvg: round(ratio(a.satisfactionSum, a.satisfactionCount)),
      unsatisfied: a.unsatisfied,
    },
    reopened: a.reopened,
    reworkRate: round(ratio(a.reopened, a.resolved)),
    repeats: a.repeats,
    overdueNow: a.overdueNow,
  };
};

export type Scope = {
  roots: ScopeRoots;
  unitId?: number | undefined;
  subtree: boolean;
  caseTypeId?: number | undefined;
};

/** Cases inside the figure's scope (unit subtree within the caller's read scope, optional type). */
export const scopedCases = (db: Executor, scope: Scope) => {
  let q = db.selectFrom('cases').where(unitCondition('cases.unitId', scope));
  if (scope.caseTypeId !== undefined) q = q.where('cases.caseTypeId', '=', scope.caseTypeId);
  return q;
};
export const factColumns = [
  'cases.caseTypeId',
  'cases.categoryKey',
  'cases.assigneeUserId',
  'cases.unitId',
] as const;

const emptyContext: Context = { types: new Map(), units: new Map(), users: new Map() };

export const loadContext = async (db: Executor): Promise<Context> => {
  const typeRows = await db.selectFrom('caseTypes').select('id').execute();
  const types = new Map<number, LoadedCaseType>();
  for (const { id } of typeRows) types.set(id, await caseTypeById(db, id));
  return { types, units: await unitNames({ db }), users: await userNames({}, { db }) };
};

/**
 * The scope of figures asked for a unit (subtree) by a caller with `roots`. When the unit lies
 * inside the caller's scope its subtree says everything: the planner then walks that subtree
 * alone instead of every unit the caller may see (10× the rows for a branch asked by a manager
 * of the company).
 */
export const figureScope = async (
  db: Executor,
  {
    roots,
    unitId,
    subtree,
    caseType,
  }: { roots: ScopeRoots; unitId?: number | undefined; subtree: boolean; caseType?: string | undefined },
): Promise<Scope> => ({
  roots: unitId !== undefined && (await isUnitInScope({ unitId, roots }, { db })) ? 'all' : roots,
  unitId,
  subtree,
  caseTypeId: await typeIdOf(db, caseType),
});

export const typeIdOf = async (db: Executor, key: string | undefined) => {
  if (!key) return undefined;
  const row = await db.selectFrom('caseTypes').select('id').where('key', '=', key).executeTakeFirst();
  if (!row) throw new AppError('cases.unknown_type', { key, field: 'caseType' });
  return row.id;
};

const periodProblem = (field: 'from' | 'to', message: string) =>
  new AppError('request.invalid', { issues: [{ path: `querystring.${field}`, code: 'custom', message }] });

/** The accumulator's counter of each rollup metric (case-figure-days.ts names them). */
const counterOf = {
  registered: 'registered',
  repeats: 'repeats',
  resolved: 'resolved',
  reopened: 'reopened',
  closed: 'closed',
  cancelled: 'cancelled',
  callbacks_opened: 'callbacksOpened',
  callbacks_opened_reached: 'callbacksReachedOfOpened',
  callbacks_recorded: 'recorded',
  callbacks_reached: 'reached',
  satisfaction_count: 'satisfactionCount',
  satisfaction_sum: 'satisfactionSum',
  unsatisfied: 'unsatisfied',
} as const satisfies Record<(typeof figureMetrics)[number], keyof Acc>;

/** Adds one rollup row's count to its accumulator. */
const addCount = (a: Acc, metric: string, n: number) => {
  const clock = /^clock_(stopped|met):(.+)$/.exec(metric);
  if (clock) {
    const entry = a.onTime.get(clock[2]!) ?? { stopped: 0, met: 0 };
    entry[clock[1] as 'stopped' | 'met'] += n;
    a.onTime.set(clock[2]!, entry);
  } else if (metric in counterOf) a[counterOf[metric as keyof typeof counterOf]] += n;
};

/** The rollup's columns a grouping reads (category needs the type to find the root category). */
const rollupGroupColumns = {
  none: [],
  category: ['caseTypeId', 'categoryKey'],
  owner: ['assigneeUserId'],
  unit: ['unitId'],
  month: ['month'],
} as const satisfies Record<Grouping, readonly string[]>;

/**
 * The figures of the cases in a unit subtree over [from, to), optionally grouped. Periods are
 * whole reporting days (from and to at midnight, Asia/Shanghai). The countable figures are summed
 * from the daily rollup (case-figure-days.ts); resolution times, which need every value for
 * the percentiles, and the overdue count, which is of this moment, are read from the cases.
 */
export const figuresOfCases = async (query: FiguresQuery, { db, clock, actor }: Deps): Promise<Figures> => {
  const roots = requirePermission(actor, 'cases.read');
  const from = new Date(query.from).toISOString();
  const to = new Date(query.to).toISOString();
  const wholeDays = `figures count whole days: a midnight in ${reportingTimeZone}, such as 2026-10-01T00:00:00+08:00`;
  if (!isReportingMidnight(from)) throw periodProblem('from', wholeDays);
  if (!isReportingMidnight(to)) throw periodProblem('to', wholeDays);
  if (from >= to) throw periodProblem('to', 'must be after from');
  const scope = await figureScope(db, { roots, ...query });
  const now = clock.now().toISOString();
  const grouping = query.groupBy;

  let counts = db
    .selectFrom('caseFigureDays')
    .where(unitCondition('caseFigureDays.unitId', scope))
    .where('caseFigureDays.day', '>=', reportingDayOf(from))
    .where('caseFigureDays.day', '<', reportingDayOf(to));
  if (scope.caseTypeId !== undefined)
    counts = counts.where('caseFigureDays.caseTypeId', '=', scope.caseTypeId);
  const month = sql<string>`substr(${sql.ref('caseFigureDays.day')}, 1, 7)`;
  const groupColumns = rollupGroupColumns[grouping].map((c) =>
    c === 'month' ? month : sql.ref<string | number>(`caseFigureDays.${c}`),
  );

  const [context, countRows, resolvedCases, overdue] = await Promise.all([
    // Names and the category tree only label groups; the total needs none of them.
    grouping === 'none' ? emptyContext : loadContext(db),
    counts
      .select([
        'caseFigureDays.metric',
        sql<number | string>`sum(${sql.ref('caseFigureDays.n')})`.as('n'),
        ...rollupGroupColumns[grouping].map((c, i) => groupColumns[i]!.as(c)),
      ])
      .groupBy(['caseFigureDays.metric', ...groupColumns])
      .execute() as Promise<Array<{ metric: string; n: number | string } & Partial<Dims>>>,
    // The total needs no dimensions: without them, indexes answer without reading the cases' rows.
    scopedCases(db, scope)
      .select(['cases.resolvedAt as at', 'cases.createdAt', 'cases.resolutionWorkingMs'])
      .$if(grouping !== 'none', (q) => q.select(factColumns))
      .where('cases.resolvedAt', '>=', from)
      .where('cases.resolvedAt', '<', to)
      .execute(),
    scopedCases(db, scope)
      .select('cases.nextDueAt as at')
      .$if(grouping !== 'none', (q) => q.select(factColumns))
      .where('cases.isOpen', '=', 1)
      .where('cases.nextDueAt', '<', now)
      .execute(),
  ]);

  const groups = new Map<string, Acc>();
  const total = emptyAcc('total', '');
  const add = (dims: Dims, apply: (a: Acc) => void) => {
    apply(total);
    if (grouping === 'none') return;
    const g = groupOf(grouping, dims, context);
    let acc = groups.get(g.key);
    if (!acc) groups.set(g.key, (acc = emptyAcc(g.key, g.label)));
    apply(acc);
  };
  const dimsOf = (r: {
    caseTypeId?: number;
    categoryKey?: string;
    assigneeUserId?: number | null;
    unitId?: number;
    at: string | null;
  }): Dims => ({
    caseTypeId: r.caseTypeId ?? 0,
    categoryKey: r.categoryKey ?? '',
    assigneeUserId: r.assigneeUserId ?? null,
    unitId: r.unitId ?? 0,
    month: grouping === 'month' ? monthOf(r.at ?? now) : '', // formatting costs ≈10 µs a row
  });

  for (const r of countRows)
    add(
      { ...dimsOf({ ...r, assigneeUserId: r.assigneeUserId || null, at: null }), month: r.month ?? '' },
      (a) => addCount(a, r.metric, Number(r.n)),
    );
  for (const r of resolvedCases) {
    const ms =
      query.timeBasis === 'calendar' ? Date.parse(r.at!) - Date.parse(r.createdAt) : r.resolutionWorkingMs;
    if (ms !== null) add(dimsOf(r), (a) => a.hours.push(ms / 3_600_000));
  }
  for (const r of overdue) add(dimsOf(r), (a) => a.overdueNow++);

  const rows = [...groups.values()].sort((a, b) =>
    grouping === 'month' ? a.key.localeCompare(b.key) : b.registered - a.registered,
  );
  return {
    from,
    to,
    groupBy: grouping,
    timeBasis: query.timeBasis,
    percentileMethod,
    total: finish(total),
    rows: rows.map(finish),
  };
};
