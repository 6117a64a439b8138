import { requirePermission } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { unsatisfiedAtOrBelow } from './case-figure-days.js';
import { figureScope, loadContext, rootCategory, scopedCases } from './case-figures.service.js';
import { findNode } from './case-type.schema.js';

/*
 * Period details the daily rollup does not hold, for the monthly service report: how the
 * callbacks due in a period went (on time, not reached, still pending, satisfied), the reason
 * codes (root causes) of the cases resolved in it, and the clocks that broke their time limit in
 * it, case by case (the 超时工单清单). Same scope rule as `figuresOfCases`: the cases of a unit
 * subtree within the caller's read scope, grouped by the case's current type, unit and owner.
 */

export type PeriodQuery = {
  from: string;
  to: string;
  unitId?: number | undefined;
  caseType?: string | undefined;
};

const bounds = ({ from, to }: PeriodQuery) => {
  const f = new Date(from).toISOString();
  const t = new Date(to).toISOString();
  if (!(f < t))
    throw new AppError('request.invalid', {
      issues: [{ path: 'to', code: 'custom', message: 'must be after from' }],
    });
  return { from: f, to: t };
};

const scopeOf = async (query: PeriodQuery, { db, actor }: Pick<Deps, 'db' | 'actor'>) =>
  figureScope(db, {
    roots: requirePermission(actor, 'cases.read'),
    unitId: query.unitId,
    subtree: true,
    caseType: query.caseType,
  });

const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);

export type CallbackFigures = {
  key: string;
  label: string;
  /** Callbacks opened (due) in the period. */
  due: number;
  /** … of which recorded by their due time. */
  onTime: number;
  /** … of which recorded as not reached. */
  notReached: number;
  /** … of which not recorded yet. */
  pending: number;
  onTimeRate: number | null;
  /** Reached callbacks with a score recorded in the period, and those above the unsatisfied level. */
  scored: number;
  satisfied: number;
  satisfactionRate: number | null;
};

/**
 * Callbacks (回访) of a period, in total and per case type and per unit: the ones due in the
 * period and how they went, and the satisfaction of the scores recorded in it (satisfied: a score
 * above `unsatisfiedAtOrBelow`, the level that counts as unsatisfied in the figures).
 */
export const callbackFiguresOfCases = async (
  query: PeriodQuery,
  deps: Pick<Deps, 'db' | 'actor'>,
): Promise<{ total: CallbackFigures; byType: CallbackFigures[]; byUnit: CallbackFigures[] }> => {
  const { from, to } = bounds(query);
  const scope = await scopeOf(query, deps);
  const callbacks = (q: ReturnType<typeof scopedCases>) =>
    q
      .innerJoin('caseCallbacks', 'caseCallbacks.caseId', 'cases.id')
      .select([
        'cases.caseTypeId',
        'cases.unitId',
        'caseCallbacks.dueAt',
        'caseCallbacks.status',
        'caseCallbacks.reached',
        'caseCallbacks.satisfaction',
        'caseCallbacks.recordedAt',
        'caseCallbacks.createdAt',
      ]);
  const [context, opened, recorded] = await Promise.all([
    loadContext(deps.db),
    callbacks(scopedCases(deps.db, scope))
      .where('caseCallbacks.createdAt', '>=', from)
      .where('caseCallbacks.createdAt', '<', to)
      .execute(),
    callbacks(scopedCases(deps.db, scope))
      .where('caseCallbacks.recordedAt', '>=', from)
      .where('caseCallbacks.recordedAt', '<', to)
      .where('caseCallbacks.reached', '=', 1)
      .where('caseCallbacks.satisfaction', 'is not', null)
      .execute(),
  ]);
  type Acc = Omit<CallbackFigures, 'onTimeRate' | 'satisfactionRate'>;
  const empty = (key: string, label: string): Acc => ({
    key,
    label,
    due: 0,
    onTime: 0,
    notReached: 0,
    pending: 0,
    scored: 0,
    satisfied: 0,
  });
  const total = empty('total', '');
  const byType = new Map<string, Acc>();
  const byUnit = new Map<string, Acc>();
  const accsOf = (r: { caseTypeId: number; unitId: number }) => {
    const type = context.types.get(r.caseTypeId);
    const typeKey = type?.key ?? String(r.caseTypeId);
    const unitKey = String(r.unitId);
    if (!byType.has(typeKey)) byType.set(typeKey, empty(typeKey, type?.name ?? typeKey));
    if (!byUnit.has(unitKey))
      byUnit.set(unitKey, empty(unitKey, context.units.get(r.unitId) ?? `#${r.unitId}`));
    return [total, byType.get(typeKey)!, byUnit.get(unitKey)!];
  };
  for (const r of opened)
    for (const a of accsOf(r)) {
      a.due++;
      if (r.status !== 'done' || r.recordedAt === null) a.pending++;
      else {
        if (r.recordedAt <= r.dueAt) a.onTime++;
        if (r.reached !== 1) a.notReached++;
      }
    }
  for (const r of recorded)
    for (const a of accsOf(r)) {
      a.scored++;
      if (r.satisfaction! > unsatisfiedAtOrBelow) a.satisfied++;
    }
  const finish = (a: Acc): CallbackFigures => ({
    ...a,
    onTimeRate: ratio(a.onTime, a.due),
    satisfactionRate: ratio(a.satisfied, a.scored),
  });
  const sorted = (m: Map<string, Acc>) => [...m.values()].sort((a, b) => b.due - a.due).map(finish);
  return { total: finish(total), byType: sorted(byType), byUnit: sorted(byUnit) };
};

export type ReasonCount = {
  caseType: string;
  caseTypeName: string;
  /** The root reason (根因) of the case type's reason tree; `none` when no reason was given. */
  key: string;
  name: string;
  count: number;
  /** … of which reopened at least once (rework). */
  reworked: number;
  /** The sub-reasons given, by count. */
  children: Array<{ key: string; name: string; count: number }>;
};

/**
 * The reason codes (root causes) of the cases whose latest resolution falls in the period, per
 * case type and root reason, most frequent first. A case is counted once, with the reason it
 * carries now; `reworked` counts those reopened at least once.
 */
export const reasonsOfCases = async (
  query: PeriodQuery,
  deps: Pick<Deps, 'db' | 'actor'>,
): Promise<ReasonCount[]> => {
  const { from, to } = bounds(query);
  const scope = await scopeOf(query, deps);
  const [context, rows] = await Promise.all([
    loadContext(deps.db),
    scopedCases(deps.db, scope)
      .select(['cases.caseTypeId', 'cases.reasonCode', 'cases.reopenCount'])
      .where('cases.resolvedAt', '>=', from)
      .where('cases.resolvedAt', '<', to)
      .execute(),
  ]);
  const counts = new Map<string, ReasonCount>();
  for (const r of rows) {
    const type = context.types.get(r.caseTypeId);
    const typeKey = type?.key ?? String(r.caseTypeId);
    const node = r.reasonCode && type ? findNode(type.definition.reasons, r.reasonCode) : undefined;
    const rootKey = r.reasonCode === null ? 'none' : node ? (node.path[0] ?? node.key) : r.reasonCode;
    const root = type && rootKey !== 'none' ? findNode(type.definition.reasons, rootKey) : undefined;
    const id = `${typeKey}\u0000${rootKey}`;
    let entry = counts.get(id);
    if (!entry)
      counts.set(
        id,
        (entry = {
          caseType: typeKey,
          caseTypeName: type?.name ?? typeKey,
          key: rootKey,
          name: rootKey === 'none' ? '未填原因' : (root?.name ?? rootKey),
          count: 0,
          reworked: 0,
          children: [],
        }),
      );
    entry.count++;
    if (Number(r.reopenCount) > 0) entry.reworked++;
    if (node && r.reasonCode !== rootKey) {
      const child = entry.children.find((c) => c.key === node.key);
      if (child) child.count++;
      else entry.children.push({ key: node.key, name: node.name, count: 1 });
    }
  }
  const out = [...counts.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  for (const r of out) r.children.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  return out;
};

export type BreachedClock = {
  caseId: number;
  externalKey: string | null;
  title: string;
  caseType: string;
  caseTypeName: string;
  /** The case's root category (the row of the time-limit table it falls under, at its top level). */
  category: { key: string; name: string };
  unit: { id: number; name: string };
  assignee: { id: number; name: string } | null;
  clock: { key: string; name: string };
  limitText: string;
  dueAt: string;
  stoppedAt: string;
  /** Calendar hours past the due time. */
  hoursLate: number;
};

/**
 * The clocks that stopped past their time limit in the period (the ones counted as stopped and
 * not met by the figures), case by case, latest first.
 */
export const breachedClocksOfCases = async (
  query: PeriodQuery,
  deps: Pick<Deps, 'db' | 'actor'>,
): Promise<BreachedClock[]> => {
  const { from, to } = bounds(query);
  const scope = await scopeOf(query, deps);
  const [context, rows] = await Promise.all([
    loadContext(deps.db),
    scopedCases(deps.db, scope)
      .innerJoin('caseClocks', 'caseClocks.caseId', 'cases.id')
      .select([
        'cases.id',
        'cases.externalKey',
        'cases.title',
        'cases.caseTypeId',
        'cases.categoryKey',
        'cases.unitId',
        'cases.assigneeUserId',
        'caseClocks.clockKey',
        'caseClocks.limitText',
        'caseClocks.dueAt',
        'caseClocks.stoppedAt',
      ])
      .where('caseClocks.state', '=', 'breached')
      .where('caseClocks.stoppedAt', '>=', from)
      .where('caseClocks.stoppedAt', '<', to)
      .orderBy('caseClocks.stoppedAt', 'desc')
      .orderBy('cases.id', 'desc')
      .execute(),
  ]);
  return rows.map((r) => {
    const type = context.types.get(r.caseTypeId);
    const clock = type?.definition.clocks.find((c) => c.key === r.clockKey);
    return {
      caseId: r.id,
      externalKey: r.externalKey,
      title: r.title,
      caseType: type?.key ?? String(r.caseTypeId),
      caseTypeName: type?.name ?? String(r.caseTypeId),
      category: rootCategory(type, r.categoryKey),
      unit: { id: r.unitId, name: context.units.get(r.unitId) ?? `#${r.unitId}` },
      assignee:
        r.assigneeUserId === null
          ? null
          : { id: r.assigneeUserId, name: context.users.get(r.assigneeUserId) ?? `#${r.assigneeUserId}` },
      clock: { key: r.clockKey, name: clock?.name ?? r.clockKey },
      limitText: r.limitText,
      dueAt: r.dueAt,
      stoppedAt: r.stoppedAt!,
      hoursLate: Math.round(((Date.parse(r.stoppedAt!) - Date.parse(r.dueAt)) / 3_600_000) * 10) / 10,
    };
  });
};
