import type { ScopeRoots } from '../../platform/access.js';
import { requirePermission } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { unitNames } from '../org/units.service.js';
import { userNames } from '../org/users.service.js';
import { unitCondition } from '../org/scope.js';
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
type Facts = {
  caseTypeId: number;
  categoryKey: string;
  assigneeUserId: number | null;
  unitId: number;
  at: string | null;
};

const monthFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
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

const groupOf = (grouping: Grouping, f: Facts, c: Context): { key: string; label: string } => {
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
    case 'month': {
      const month = monthOf(f.at ?? new Date(0).toISOString());
      return { key: month, label: month };
    }
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
  satisfaction: number[];
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
  satisfaction: [],
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
      satisfactionAvg: round(
        a.satisfaction.length ? a.satisfaction.reduce((s, x) => s + x, 0) / a.satisfaction.length : null,
      ),
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

export const loadContext = async (db: Executor): Promise<Context> => {
  const typeRows = await db.selectFrom('caseTypes').select('id').execute();
  const types = new Map<number, LoadedCaseType>();
  for (const { id } of typeRows) types.set(id, await caseTypeById(db, id));
  return { types, units: await unitNames({ db }), users: await userNames({}, { db }) };
};

export const typeIdOf = async (db: Executor, key: string | undefined) => {
  if (!key) return undefined;
  const row = await db.selectFrom('caseTypes').select('id').where('key', '=', key).executeTakeFirst();
  if (!row) throw new AppError('cases.unknown_type', { key, field: 'caseType' });
  return row.id;
};

/** The figures of the cases in a unit subtree over [from, to), optionally grouped. */
export const figuresOfCases = async (query: FiguresQuery, { db, clock, actor }: Deps): Promise<Figures> => {
  const roots = requirePermission(actor, 'cases.read');
  const from = new Date(query.from).toISOString();
  const to = new Date(query.to).toISOString();
  if (from >= to)
    throw new AppError('request.invalid', {
      issues: [{ path: 'querystring.to', code: 'custom', message: 'must be after from' }],
    });
  const scope: Scope = {
    roots,
    unitId: query.unitId,
    subtree: query.subtree,
    caseTypeId: await typeIdOf(db, query.caseType),
  };
  const now = clock.now().toISOString();

  const [
    context,
    created,
    resolvedEvents,
    reopenEvents,
    finished,
    resolvedCases,
    clocks,
    callbacksOpened,
    callbacksRecorded,
    overdue,
  ] = await Promise.all([
    loadContext(db),
    scopedCases(db, scope)
      .select([...factColumns, 'cases.createdAt as at', 'cases.repeatOfCaseId'])
      .where('cases.createdAt', '>=', from)
      .where('cases.createdAt', '<', to)
      .execute(),
    scopedCases(db, scope)
      .innerJoin('caseEvents', 'caseEvents.caseId', 'cases.id')
      .select([...factColumns, 'caseEvents.at as at'])
      .where('caseEvents.kind', '=', 'resolved')
      .where('caseEvents.at', '>=', from)
      .where('caseEvents.at', '<', to)
      .execute(),
    scopedCases(db, scope)
      .innerJoin('caseEvents', 'caseEvents.caseId', 'cases.id')
      .select([...factColumns, 'caseEvents.at as at'])
      .where('caseEvents.kind', '=', 'reopened')
      .where('caseEvents.at', '>=', from)
      .where('caseEvents.at', '<', to)
      .execute(),
    scopedCases(db, scope)
      .select([...factColumns, 'cases.closedAt as at', 'cases.status'])
      .where('cases.status', 'in', ['closed', 'cancelled'])
      .where('cases.closedAt', '>=', from)
      .where('cases.closedAt', '<', to)
      .execute(),
    scopedCases(db, scope)
      .select([...factColumns, 'cases.resolvedAt as at', 'cases.createdAt', 'cases.resolutionWorkingMs'])
      .where('cases.resolvedAt', '>=', from)
      .where('cases.resolvedAt', '<', to)
      .execute(),
    scopedCases(db, scope)
      .innerJoin('caseClocks', 'caseClocks.caseId', 'cases.id')
      .select([...factColumns, 'caseClocks.stoppedAt as at', 'caseClocks.clockKey', 'caseClocks.state'])
      .where('caseClocks.state', 'in', ['met', 'breached'])
      .where('caseClocks.stoppedAt', '>=', from)
      .where('caseClocks.stoppedAt', '<', to)
      .execute(),
    scopedCases(db, scope)
      .innerJoin('caseCallbacks', 'caseCallbacks.caseId', 'cases.id')
      .select([...factColumns, 'caseCallbacks.createdAt as at', 'caseCallbacks.reached'])
      .where('caseCallbacks.createdAt', '>=', from)
      .where('caseCallbacks.createdAt', '<', to)
      .execute(),
    scopedCases(db, scope)
      .innerJoin('caseCallbacks', 'caseCallbacks.caseId', 'cases.id')
      .select([
        ...factColumns,
        'caseCallbacks.recordedAt as at',
        'caseCallbacks.reached',
        'caseCallbacks.satisfaction',
      ])
      .where('caseCallbacks.status', '=', 'done')
      .where('caseCallbacks.recordedAt', '>=', from)
      .where('caseCallbacks.recordedAt', '<', to)
      .execute(),
    scopedCases(db, scope)
      .select([...factColumns, 'cases.nextDueAt as at'])
      .where('cases.isOpen', '=', 1)
      .where('cases.nextDueAt', '<', now)
      .execute(),
  ]);

  const groups = new Map<string, Acc>();
  const total = emptyAcc('total', '');
  const add = (f: Facts, apply: (a: Acc) => void) => {
    apply(total);
    if (query.groupBy === 'none') return;
    const g = groupOf(query.groupBy, { ...f, at: f.at ?? now }, context);
    let acc = groups.get(g.key);
    if (!acc) groups.set(g.key, (acc = emptyAcc(g.key, g.label)));
    apply(acc);
  };
  for (const r of created)
    add(r, (a) => {
      a.registered++;
      if (r.repeatOfCaseId !== null) a.repeats++;
    });
  for (const r of resolvedEvents) add(r, (a) => a.resolved++);
  for (const r of reopenEvents) add(r, (a) => a.reopened++);
  for (const r of finished) add(r, (a) => (r.status === 'closed' ? a.closed++ : a.cancelled++));
  for (const r of resolvedCases) {
    const ms =
      query.timeBasis === 'calendar' ? Date.parse(r.at!) - Date.parse(r.createdAt) : r.resolutionWorkingMs;
    if (ms !== null) add(r, (a) => a.hours.push(ms / 3_600_000));
  }
  for (const r of clocks)
    add(r, (a) => {
      const entry = a.onTime.get(r.clockKey) ?? { stopped: 0, met: 0 };
      entry.stopped++;
      if (r.state === 'met') entry.met++;
      a.onTime.set(r.clockKey, entry);
    });
  for (const r of callbacksOpened)
    add(r, (a) => {
      a.callbacksOpened++;
      if (r.reached === 1) a.callbacksReachedOfOpened++;
    });
  for (const r of callbacksRecorded)
    add(r, (a) => {
      a.recorded++;
      if (r.reached === 1) {
        a.reached++;
        if (r.satisfaction !== null) {
          a.satisfaction.push(r.satisfaction);
          if (r.satisfaction <= 2) a.unsatisfied++;
        }
      }
    });
  for (const r of overdue) add(r, (a) => a.overdueNow++);

  const rows = [...groups.values()].sort((a, b) =>
    query.groupBy === 'month' ? a.key.localeCompare(b.key) : b.registered - a.registered,
  );
  return {
    from,
    to,
    groupBy: query.groupBy,
    timeBasis: query.timeBasis,
    percentileMethod,
    total: finish(total),
    rows: rows.map(finish),
  };
};
