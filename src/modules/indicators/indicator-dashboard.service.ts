import { z } from 'zod';
import { permissionsOf, requirePermission } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { reportingDayOf } from '../cases/case-figure-days.js';
import { listCases } from '../cases/case-views.service.js';
import { ZListCasesQuery } from '../cases/cases.schema.js';
import { ZIndicatorSource, ZMeasure, directions, grains } from './indicator.schema.js';
import { periodLabel, periodStartOf, periodsEndingWith } from './indicator-periods.js';
import { listIndicatorAlerts, ZIndicatorAlert } from './indicator-alerts.service.js';
import { loadIndicators } from './indicators.service.js';
import { judge, unitIndexOf, ZStatus } from './indicator-values.service.js';
import { rankUnits, ZRanking } from './indicator-ranking.service.js';

/*
 * The home dashboard: what a manager sees on login, for one of his units (his top unit by
 * default). The indicators he owns or his unit is measured on, each as a card (latest value,
 * target, status, the last 12 periods); the alerts on his units; the overdue cases behind the
 * figures; the ranking of the units under his (on the first indicator in the red, else the first).
 * One query reads every card's series: the unit's roll-up rows, by the (indicator, unit, period)
 * index.
 */

const SPARKLINE_PERIODS = 12;

const ZUnitRef = z.object({ id: z.number().int(), code: z.string(), name: z.string() });

export const ZDashboardCard = z.object({
  key: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  measure: ZMeasure,
  direction: z.enum(directions),
  grain: z.enum(grains),
  /** The caller owns the indicator. */
  owned: z.boolean(),
  /** The latest period with a value (null: none in the window). */
  period: z.string().nullable(),
  label: z.string().nullable(),
  value: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  target: z.number().nullable(),
  warning: z.number().nullable(),
  band: z.tuple([z.number(), z.number()]).nullable(),
  status: ZStatus.nullable(),
  gap: z.number().nullable(),
  sparkline: z.array(z.object({ period: z.string(), label: z.string(), value: z.number().nullable() })),
  /** Where the values come from (a case-engine source: the cases behind it can be listed). */
  source: ZIndicatorSource,
});
export type DashboardCard = z.infer<typeof ZDashboardCard>;

export const ZDashboard = z
  .object({
    unit: ZUnitRef.nullable(),
    /** The units the caller may switch to: his top units and the units right under them. */
    units: z.array(ZUnitRef),
    cards: z.array(ZDashboardCard),
    alerts: z.array(ZIndicatorAlert),
    overdue: z
      .object({
        total: z.number().int(),
        cases: z.array(
          z.object({
            id: z.number().int(),
            title: z.string(),
            unitName: z.string(),
            dueAt: z.string().nullable(),
          }),
        ),
      })
      .nullable(),
    ranking: ZRanking.nullable(),
  })
  .meta({ id: 'Dashboard' });
export type Dashboard = z.infer<typeof ZDashboard>;

export const ZDashboardQuery = z.object({ unitId: z.coerce.number().int().positive().optional() });

const statusOrder = { missed: 0, warning: 1, met: 2 } as const;

export const dashboardOf = async (query: z.input<typeof ZDashboardQuery>, deps: Deps): Promise<Dashboard> => {
  const { db, clock, actor } = deps;
  const roots = requirePermission(actor, 'indicators.read');
  const { unitId } = ZDashboardQuery.parse(query);
  const index = await unitIndexOf(db, roots);
  if (unitId !== undefined && !index.visible.has(unitId))
    throw new AppError('org.unit_not_found', { unitId });
  const unit = unitId !== undefined ? index.visible.get(unitId)! : (index.tops[0] ?? null);
  const ref = (u: { id: number; code: string; name: string }) => ({ id: u.id, code: u.code, name: u.name });
  const choices = index.tops.flatMap((u) => [u, ...index.childrenOf(u.id)]);
  if (!unit) return { unit: null, units: [], cards: [], alerts: [], overdue: null, ranking: null };

  const today = reportingDayOf(clock.now().toISOString());
  const indicators = await loadIndicators(db);
  const windows = new Map(
    indicators.map((i) => [
      i.id,
      periodsEndingWith(i.definition.grain, periodStartOf(i.definition.grain, today), SPARKLINE_PERIODS),
    ]),
  );
  const earliest = [...windows.values()].map((w) => w[0]!).sort()[0];
  const rows =
    indicators.length === 0
      ? []
      : await db
          .selectFrom('indicatorValues')
          .select(['indicatorId', 'period', 'treeNumerator', 'treeDenominator', 'treeValue'])
          .where(
            'indicatorId',
            'in',
            indicators.map((i) => i.id),
          )
          .where('unitId', '=', unit.id)
          .where('period', '>=', earliest!)
          .execute();
  const byIndicator = new Map<number, Map<string, (typeof rows)[number]>>();
  for (const r of rows) {
    let m = byIndicator.get(r.indicatorId);
    if (!m) byIndicator.set(r.indicatorId, (m = new Map()));
    m.set(r.period, r);
  }

  const cards: DashboardCard[] = [];
  for (const indicator of indicators) {
    const def = indicator.definition;
    const owned = actor.userId !== null && indicator.ownerUserId === actor.userId;
    const values = byIndicator.get(indicator.id);
    if (!owned && !values) continue;
    const window = windows.get(indicator.id)!;
    const latest = [...window].reverse().find((p) => values?.get(p)?.treeValue != null) ?? null;
    const row = latest === null ? undefined : values!.get(latest)!;
    cards.push({
      key: def.key,
      name: def.name,
      nameEn: def.nameEn ?? null,
      measure: def.measure,
      direction: def.direction,
      grain: def.grain,
      owned,
      period: latest,
      label: latest === null ? null : periodLabel(def.grain, latest),
      value: row?.treeValue ?? null,
      numerator: row?.treeNumerator ?? null,
      denominator: row?.treeDenominator ?? null,
      ...(latest === null
        ? { target: null, warning: null, band: null, status: null, gap: null }
        : judge(def, index.codesUp(unit.id), latest, row!.treeValue)),
      sparkline: window.map((p) => ({
        period: p,
        label: periodLabel(def.grain, p),
        value: values?.get(p)?.treeValue ?? null,
      })),
      source: def.source,
    });
  }
  // The red first, then owned, then by key: what needs attention comes first.
  cards.sort(
    (a, b) =>
      (a.status ? statusOrder[a.status] : 3) - (b.status ? statusOrder[b.status] : 3) ||
      Number(b.owned) - Number(a.owned) ||
      a.key.localeCompare(b.key),
  );

  const subtree = new Set<number>();
  const walk = (id: number) => {
    subtree.add(id);
    index.childrenOf(id).forEach((c) => walk(c.id));
  };
  walk(unit.id);
  const [alerts, overdue, ranking] = await Promise.all([
    listIndicatorAlerts({ limit: 200 }, deps).then((all) =>
      all.filter((a) => subtree.has(a.unitId)).slice(0, 10),
    ),
    permissionsOf(actor).includes('cases.read')
      ? listCases(
          ZListCasesQuery.parse({ view: 'overdue', unitId: unit.id, sort: 'due_asc', pageSize: 10 }),
          deps,
        ).then((page) => ({
          total: page.total,
          cases: page.items.map((c) => ({
            id: c.id,
            title: c.title,
            unitName: c.unit.name,
            dueAt: c.nextDueAt ?? null,
          })),
        }))
      : Promise.resolve(null),
    cards.length && index.childrenOf(unit.id).length
      ? rankUnits({ indicator: cards[0]!.key, query: { parentUnitId: unit.id } }, deps)
      : Promise.resolve(null),
  ]);
  return { unit: ref(unit), units: choices.map(ref), cards, alerts, overdue, ranking };
};
