import type { Deps } from '../../platform/deps.js';
import { parseDuration } from '../calendar/working-time.js';
import type { BreachedClock, CallbackFigures, ReasonCount } from '../cases/case-period-details.service.js';
import {
  breachedClocksOfCases,
  callbackFiguresOfCases,
  reasonsOfCases,
} from '../cases/case-period-details.service.js';
import { figuresOfCases } from '../cases/case-figures.service.js';
import { tallyOfCases } from '../cases/case-tally.service.js';
import type { CaseTypeDefinition } from '../cases/case-type.schema.js';
import { limitsFor } from '../cases/case-type.schema.js';
import { listCaseTypes } from '../cases/case-types.service.js';
import type { FigureRow, Tally } from '../cases/cases.schema.js';
import { userNames, usersWithRoleOn } from '../org/users.service.js';
import type { ReportPeriod } from './report-period.js';

/*
 * The data context of case reports (source `cases`), e.g. the property monthly service report:
 * the figures of the cases in the unit's subtree for the month and the month before, per case
 * type (报修、投诉、报事 …), per root category, per unit and per owner; the time-limit table with
 * what broke it; callbacks and satisfaction; rework; root causes; six months of trend; and the
 * daily tally (每日盘点) at the time of writing. Everything is read from the cases module's
 * services (figuresOfCases, tallyOfCases, case-period-details); nothing here counts rows itself.
 * Templates read it by path (docs/reports.md lists the paths).
 */

type CaseType = Awaited<ReturnType<typeof listCaseTypes>>[number];
type Period = { from: string; to: string };

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const minus = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined ? null : a - b;

/** What a clock measures, whatever its key: taking the order, arriving (or first contact), finishing. */
type ClockRole = 'response' | 'arrival' | 'resolution';
const roleOfStop = { accepted: 'response', started: 'arrival', resolved: 'resolution' } as const;

/** Clock key → role, from every type's clocks (`arrival` and `contact` both stop at `started`). */
const clockRoles = (types: readonly CaseType[]) => {
  const roles = new Map<string, ClockRole>();
  for (const t of types)
    for (const c of t.definition.clocks) if (!roles.has(c.key)) roles.set(c.key, roleOfStop[c.stopsAt]);
  return roles;
};

/** `30m` → 30分钟, `4wh` → 4工作小时, `2wd` → 2个工作日, `4h` → 4小时: the limit as a reader says it. */
export const limitInWords = (text: string): string => {
  const d = parseDuration(text);
  if (d.kind === 'workingDays') return `${d.days}个工作日`;
  const minutes = d.ms / 60_000;
  const unit = d.kind === 'working' ? '工作小时' : '小时';
  if (minutes < 60 || minutes % 60 !== 0) return `${minutes}${d.kind === 'working' ? '工作分钟' : '分钟'}`;
  return `${minutes / 60}${unit}`;
};

/** A figures row as the template reads it: the rates by clock role, the callbacks of the period beside it. */
const rowOf = (r: FigureRow, roles: Map<string, ClockRole>, callbacks: CallbackFigures | undefined) => {
  const byRole = {
    response: { stopped: 0, met: 0 },
    arrival: { stopped: 0, met: 0 },
    resolution: { stopped: 0, met: 0 },
  };
  for (const [key, v] of Object.entries(r.onTime)) {
    const role = roles.get(key);
    if (!role) continue;
    byRole[role].stopped += v.stopped;
    byRole[role].met += v.met;
  }
  const stopped = Object.values(byRole).reduce((n, v) => n + v.stopped, 0);
  const met = Object.values(byRole).reduce((n, v) => n + v.met, 0);
  return {
    key: r.key,
    label: r.label,
    registered: r.registered,
    resolved: r.resolved,
    closed: r.closed,
    cancelled: r.cancelled,
    responseRate: ratio(byRole.response.met, byRole.response.stopped),
    arrivalRate: ratio(byRole.arrival.met, byRole.arrival.stopped),
    /** 按时办结率: resolution clocks met ÷ stopped in the period. */
    onTimeRate: ratio(byRole.resolution.met, byRole.resolution.stopped),
    resolutionStopped: byRole.resolution.stopped,
    resolutionBreached: byRole.resolution.stopped - byRole.resolution.met,
    /** Clocks of every kind that stopped past their limit. */
    breached: stopped - met,
    medianHours: r.resolutionHours.median,
    p90Hours: r.resolutionHours.p90,
    callbackRate: r.callbacks.rate,
    satisfactionAvg: r.callbacks.satisfactionAvg,
    satisfactionRate: callbacks?.satisfactionRate ?? null,
    unsatisfied: r.callbacks.unsatisfied,
    reopened: r.reopened,
    reworkRate: r.reworkRate,
    repeats: r.repeats,
    overdueNow: r.overdueNow,
  };
};
type Row = ReturnType<typeof rowOf>;

const active = (r: Row) => r.registered + r.resolved + r.resolutionStopped + r.reopened > 0;

/** `property.complaint` → `propertyComplaint`, for `current.types.propertyComplaint`. */
const camel = (key: string) => key.replace(/[._-](\w)/g, (_m, c: string) => c.toUpperCase());

/** Reasons of one type as a Pareto list: count, share and cumulative share, most frequent first. */
const paretoOf = (reasons: readonly ReasonCount[]) => {
  const total = reasons.reduce((n, r) => n + r.count, 0);
  let cumulative = 0;
  return reasons.map((r) => {
    cumulative += r.count;
    return {
      caseType: r.caseTypeName,
      key: r.key,
      name: r.name,
      count: r.count,
      reworked: r.reworked,
      share: ratio(r.count, total),
      cumulativeShare: ratio(cumulative, total),
      childrenText:
        r.children.length === 0
          ? ''
          : `（其中${r.children.map((c) => `${c.name} ${c.count} 单`).join('、')}）`,
    };
  });
};

/** Most frequent name in a list, with its count; null for none. */
const mostFrequent = (names: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  let best: { name: string; count: number } | null = null;
  for (const [name, count] of counts) if (!best || count > best.count) best = { name, count };
  return best;
};

/** Ranks rows by on-time rate, then satisfaction, then rework (lower first); 1 is best. */
const ranked = <T extends Row>(rows: T[]) => {
  const score = (x: number | null, dir: 1 | -1) => (x === null ? Number.NEGATIVE_INFINITY : dir * x);
  return [...rows].sort(
    (a, b) =>
      score(b.onTimeRate, 1) - score(a.onTimeRate, 1) ||
      score(b.satisfactionRate, 1) - score(a.satisfactionRate, 1) ||
      score(b.reworkRate, -1) - score(a.reworkRate, -1) ||
      a.label.localeCompare(b.label, 'zh-CN'),
  );
};

const tallySummary = (tally: Tally) => {
  const owners = tally.owners.filter((o) => o.overdue > 0);
  return {
    at: tally.at,
    /** As the report reads: 2026年11月27日 10:30 (Beijing time). */
    atText: atText(tally.at),
    open: tally.owners.reduce((n, o) => n + o.open, 0),
    overdue: tally.owners.reduce((n, o) => n + o.overdue, 0),
    atRisk: tally.owners.reduce((n, o) => n + o.atRisk, 0),
    registeredToday: tally.registeredToday,
    resolvedToday: tally.resolvedToday,
    causes: tally.causes,
    topCause: tally.causes[0] ?? null,
    overdueOwners: owners.map((o) => ({
      name: o.assignee?.name ?? '未分派',
      open: o.open,
      overdue: o.overdue,
    })),
    overdueOwnersText: owners.map((o) => `${o.assignee?.name ?? '未分派'}（${o.overdue} 单）`).join('、'),
  };
};

const atFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const atText = (iso: string) => {
  const parts = Object.fromEntries(atFormat.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}年${parts.month}月${parts.day}日 ${parts.hour}:${parts.minute}`;
};

/** Six months ending with the report's month: `YYYY-MM` keys and the bounds of the first. */
const sixMonths = (period: ReportPeriod) => {
  const keys: string[] = [];
  for (let i = 5; i >= 0; i--) {
    const m = period.year * 12 + (period.month - 1) - i;
    keys.push(`${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`);
  }
  return { keys, from: `${keys[0]}-01T00:00:00+08:00` };
};

export const casesReportContext = async (
  { unitId, period }: { unitId: number; period: ReportPeriod },
  deps: Deps,
) => {
  const types = await listCaseTypes(deps);
  const roles = clockRoles(types);
  const figures = (p: Period, groupBy: 'none' | 'category' | 'owner' | 'unit' | 'month', caseType?: string) =>
    figuresOfCases(
      { from: p.from, to: p.to, unitId, subtree: true, groupBy, timeBasis: 'working', caseType },
      deps,
    );

  /** Everything compared month on month: totals, per type (with root categories), per unit. */
  const monthOf = async (p: Period) => {
    const [total, byUnit, callbacks, perType] = await Promise.all([
      figures(p, 'none'),
      figures(p, 'unit'),
      callbackFiguresOfCases({ from: p.from, to: p.to, unitId }, deps),
      Promise.all(types.map((t) => figures(p, 'category', t.key))),
    ]);
    return { total, byUnit, callbacks, perType };
  };
  const current = { from: period.from, to: period.to };
  const months = sixMonths(period);
  const [now, before, byOwner, reasons, breachedClocks, trend, tally, typeTallies] = await Promise.all([
    monthOf(current),
    monthOf(period.previous),
    figures(current, 'owner'),
    reasonsOfCases({ from: period.from, to: period.to, unitId }, deps),
    breachedClocksOfCases({ from: period.from, to: period.to, unitId }, deps),
    figures({ from: months.from, to: period.to }, 'month'),
    tallyOfCases({ unitId }, deps),
    Promise.all(types.map((t) => tallyOfCases({ unitId, caseType: t.key }, deps))),
  ]);

  const cbOf = (list: CallbackFigures[], key: string) => list.find((c) => c.key === key);
  const totalRow = (m: typeof now) => rowOf(m.total.total, roles, m.callbacks.total);
  const typeRow = (m: typeof now, t: CaseType, i: number) =>
    rowOf({ ...m.perType[i]!.total, key: t.key, label: t.name }, roles, cbOf(m.callbacks.byType, t.key));
  const hadPrevious = active(totalRow(before));

  // Per type: the figures, root categories with last month's count, reasons, time limits, tally.
  const byType = types
    .map((t, i) => {
      const row = typeRow(now, t, i);
      const previousRow = typeRow(before, t, i);
      const previousCategories = new Map(before.perType[i]!.rows.map((c) => [c.key, c.registered]));
      const categories = now.perType[i]!.rows.map((c) => {
        const previous = previousCategories.get(c.key) ?? 0;
        return {
          ...rowOf(c, roles, undefined),
          previousRegistered: hadPrevious ? previous : null,
          /** Registered compared with last month: +0.25 is a rise of 25 %; null without last month's. */
          riseRate: hadPrevious && previous > 0 ? (c.registered - previous) / previous : null,
        };
      });
      const typeTally = tallySummary(typeTallies[i]!);
      return {
        ...row,
        key: t.key,
        label: t.name,
        previous: hadPrevious ? previousRow : null,
        change: hadPrevious ? changeOf(row, previousRow) : null,
        categories,
        reasons: paretoOf(reasons.filter((r) => r.caseType === t.key)),
        timeLimits: timeLimitsOf(
          t.definition,
          categories,
          breachedClocks.filter((b) => b.caseType === t.key),
        ),
        tally: typeTally,
        shown: active(row) || active(previousRow) || typeTally.open > 0,
      };
    })
    .filter((t) => t.shown);

  // Per unit (片区): ranked now and last month, with the unit's manager as the one responsible.
  const unitRows = (m: typeof now) =>
    ranked(m.byUnit.rows.map((r) => rowOf(r, roles, cbOf(m.callbacks.byUnit, r.key))).filter(active));
  const previousRanks = new Map(unitRows(before).map((r, i) => [r.key, i + 1]));
  const names = await userNames({}, { db: deps.db });
  const byUnit = await Promise.all(
    unitRows(now).map(async (r, i) => {
      const rank = i + 1;
      const previousRank = hadPrevious ? (previousRanks.get(r.key) ?? null) : null;
      const managers = await usersWithRoleOn({ unitId: Number(r.key), role: 'manager', climb: false }, deps);
      return {
        ...r,
        rank,
        previousRank,
        rankChange: previousRank === null ? null : previousRank - rank,
        rankChangeText:
          previousRank === null
            ? '—'
            : previousRank === rank
              ? '持平'
              : previousRank > rank
                ? `↑${previousRank - rank}`
                : `↓${rank - previousRank}`,
        manager: managers.map((id) => names.get(id) ?? `#${id}`).join('、') || '—',
      };
    }),
  );

  const owners = byOwner.rows
    .filter((r) => r.key !== 'unassigned')
    .map((r) => rowOf(r, roles, undefined))
    .filter(active);
  const topReworkOwner =
    [...owners].sort((a, b) => b.reopened - a.reopened).find((o) => o.reopened > 0) ?? null;
  const lowestSatisfactionUnit =
    [...byUnit]
      .filter((u) => u.satisfactionRate !== null)
      .sort((a, b) => a.satisfactionRate! - b.satisfactionRate!)[0] ?? null;
  const timeLimits = byType
    .flatMap((t) => t.timeLimits.map((l) => ({ ...l, caseType: t.label })))
    .sort((a, b) => b.breached - a.breached);

  const reworkReasons = paretoOf(
    reasons
      .filter((r) => r.reworked > 0)
      .map((r) => ({ ...r, count: r.reworked, children: [] }))
      .sort((a, b) => b.count - a.count),
  );
  const trendRows = new Map(trend.rows.map((r) => [r.key, r]));
  const total = totalRow(now);
  const previousTotal = totalRow(before);
  const shownTypes = byType.filter((t) => active(t));
  return {
    current: {
      total,
      callbacks: now.callbacks.total,
      byType,
      /** One entry per type by `camel(key)`: `current.types.propertyComplaint`. */
      types: Object.fromEntries(byType.map((t) => [camel(t.key), t])),
      typesText: shownTypes.map((t) => `${t.label} ${t.registered.toLocaleString('en-US')} 单`).join('、'),
      byUnit,
      byOwner: owners,
      topReworkOwner,
      lowestSatisfactionUnit,
      timeLimits,
      worstTimeLimit: timeLimits.find((l) => l.breached > 0) ?? null,
      breachedCases: breachedClocks.map((b) => ({
        number: b.externalKey ?? `#${b.caseId}`,
        title: b.title,
        caseType: b.caseTypeName,
        category: b.category.name,
        unit: b.unit.name,
        assignee: b.assignee?.name ?? '未分派',
        clock: b.clock.name,
        limit: limitInWords(b.limitText),
        hoursLate: b.hoursLate,
      })),
      rootCauses: paretoOf(reasons.filter((r) => r.key !== 'none')),
      topRootCause: paretoOf(reasons.filter((r) => r.key !== 'none'))[0] ?? null,
      reworkReasons,
      reworkReasonsText: reworkReasons
        .slice(0, 3)
        .map((r) => `${r.name}（${r.caseType}）${r.count} 单`)
        .join('、'),
      trend: months.keys.map((key) => {
        const r = trendRows.get(key);
        const row = r ? rowOf(r, roles, undefined) : null;
        return {
          month: `${Number(key.slice(5))}月`,
          registered: row?.registered ?? 0,
          onTimeRate: row?.onTimeRate ?? null,
          callbackRate: row?.callbackRate ?? null,
          reworkRate: row?.reworkRate ?? null,
        };
      }),
    },
    tally: tallySummary(tally),
    previous: hadPrevious ? { total: previousTotal, callbacks: before.callbacks.total } : null,
    change: hadPrevious ? changeOf(total, previousTotal) : null,
  };
};

/** Month-on-month changes of a row: counts as differences, rates in points (fractions). */
const changeOf = (now: Row, before: Row) => ({
  registered: now.registered - before.registered,
  registeredRate: before.registered > 0 ? (now.registered - before.registered) / before.registered : null,
  onTimeRate: minus(now.onTimeRate, before.onTimeRate),
  callbackRate: minus(now.callbackRate, before.callbackRate),
  satisfactionRate: minus(now.satisfactionRate, before.satisfactionRate),
  reworkRate: minus(now.reworkRate, before.reworkRate),
});

/**
 * The time-limit table of a type, one row per root category that had clocks stop or break in
 * the period: the limits of the category at the type's default priority, the breaches, and the
 * unit and owner with the most breaches.
 */
const timeLimitsOf = (
  definition: CaseTypeDefinition,
  categories: ReadonlyArray<Row>,
  breached: readonly BreachedClock[],
) => {
  const priority = definition.defaultPriority ?? definition.priorities[0]!.key;
  return categories
    .filter((c) => c.resolutionStopped > 0 || c.breached > 0)
    .map((c) => {
      const limits = limitsFor(definition, { category: c.key, priority });
      const mine = breached.filter((b) => b.category.key === c.key);
      const unit = mostFrequent(mine.map((b) => b.unit.name));
      const owner = mostFrequent(mine.map((b) => b.assignee?.name ?? '未分派'));
      return {
        category: c.label,
        limitText: definition.clocks
          .filter((k) => limits[k.key] !== undefined)
          .map((k) => `${k.name} ${limitInWords(limits[k.key]!)}`)
          .join('，'),
        stopped: c.resolutionStopped,
        onTimeRate: c.onTimeRate,
        breached: c.breached,
        resolutionBreached: c.resolutionBreached,
        worstUnit: unit?.name ?? '—',
        worstUnitCount: unit?.count ?? 0,
        worstOwner: owner?.name ?? '—',
        worstOwnerCount: owner?.count ?? 0,
      };
    })
    .sort((a, b) => b.breached - a.breached || b.stopped - a.stopped);
};

export type CasesReportContext = Awaited<ReturnType<typeof casesReportContext>>;
