import { z } from 'zod';
import { requirePermission } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { reportingDayOf } from '../cases/case-figure-days.js';
import { notify } from '../notifications/notifications.service.js';
import { usersWithRoleOn } from '../org/users.service.js';
import type { RatioPoint, Side, WesternElectricAlert } from './control-chart.js';
import { individualsChartLimits, pChartLimits, westernElectricAlerts } from './control-chart.js';
import type { IndicatorDefinition } from './indicator.schema.js';
import { grains } from './indicator.schema.js';
import { periodLabel, periodStartOf, periodsEndingWith, previousPeriodStart } from './indicator-periods.js';
import type { LoadedIndicator } from './indicators.service.js';
import { loadIndicators } from './indicators.service.js';
import { unitIndexOf } from './indicator-values.service.js';

/*
 * Control-chart alerts. For every indicator and unit with enough history, control limits are set
 * on a baseline window (the 12 complete periods before the last 6) and the last 6 complete periods
 * are judged by the Western Electric rules. Decisions:
 * - A p-chart (each period in the zones of its own denominator) only for computed ratios, whose
 *   denominators count trials (clocks stopped, callbacks opened): the binomial σ holds. A loaded
 *   ratio's denominator is an amount (应收 in 元 or 万元, kWh): its binomial σ would depend on the
 *   unit the amount is written in and flag nearly every month, so it gets an individuals chart of
 *   its values, like every other measure, whose σ comes from the series' own variation.
 * - Only drifts to the bad side alert (below for higher-is-better, above for lower-is-better, either
 *   side of a band): a unit getting better out of control is good news, not a matter for the owner.
 * - The current period is not judged until it is complete: a third of a month is not a month.
 * - Each alert is a row keyed by indicator, unit and the rule's stable episode id; the row is
 *   inserted (or found) in the transaction that notifies, so two workers sweeping at once, or the
 *   same sweep run twice, notify once. The notice goes to the indicator's owner, or else to the
 *   unit's managers.
 */

export const BASELINE_PERIODS = 12;
export const MONITORED_PERIODS = 6;

const ruleNames = {
  1: { zh: '1 点超出 3σ', en: 'a point beyond 3σ' },
  2: { zh: '3 点中 2 点超出 2σ（同侧）', en: '2 of 3 points beyond 2σ on one side' },
  3: { zh: '5 点中 4 点超出 1σ（同侧）', en: '4 of 5 points beyond 1σ on one side' },
  4: { zh: '连续 8 点位于中心线同侧', en: '8 points in a row on one side of the centre' },
} as const;

const badSides = (def: IndicatorDefinition): Side[] =>
  def.direction === 'higher_better'
    ? ['below']
    : def.direction === 'lower_better'
      ? ['above']
      : ['above', 'below'];

type Series = {
  periods: string[];
  points: Array<{ numerator: number; denominator: number | null; value: number | null } | null>;
};

/** The alerts of one unit's series (baseline then monitored periods), bad side only. */
export const alertsOfSeries = (
  def: IndicatorDefinition,
  series: Series,
): Array<WesternElectricAlert & { period: string; value: number; centre: number }> => {
  const baseline = series.points.slice(0, BASELINE_PERIODS);
  const monitored = series.points.slice(BASELINE_PERIODS);
  const keys = series.periods.slice(BASELINE_PERIODS);
  let alerts: WesternElectricAlert[];
  let centre: number;
  if (def.measure.kind === 'ratio' && def.source.kind === 'computed') {
    const limits = pChartLimits({
      baseline: baseline.flatMap((p) =>
        p && p.denominator ? [{ numerator: p.numerator, denominator: p.denominator }] : [],
      ),
    });
    if (!limits.ok) return [];
    centre = limits.limits.centre;
    const points: (RatioPoint | null)[] = monitored.map((p) =>
      p && p.denominator ? { numerator: p.numerator, denominator: p.denominator } : null,
    );
    alerts = westernElectricAlerts({ limits: limits.limits, points, keys });
  } else {
    const limits = individualsChartLimits({
      baseline: baseline.flatMap((p) => (p && p.value !== null ? [p.value] : [])),
    });
    if (!limits.ok) return [];
    centre = limits.limits.centre;
    alerts = westernElectricAlerts({
      limits: limits.limits,
      points: monitored.map((p) => p?.value ?? null),
      keys,
    });
  }
  const sides = badSides(def);
  return alerts
    .filter((a) => sides.includes(a.side))
    .map((a) => ({ ...a, period: keys[a.index]!, value: monitored[a.index]!.value!, centre }));
};

export type AlertRun = { indicators: number; series: number; raised: number };

const formatValue = (def: IndicatorDefinition, value: number) =>
  def.measure.kind === 'ratio' ? `${(value * 100).toFixed(2)}%` : String(Math.round(value * 100) / 100);

/** One pass over every indicator (or those named); see the header. */
export const raiseIndicatorAlerts = async (
  { indicators: keys }: { indicators?: readonly string[] },
  { db, clock }: { db: Db; clock: Clock },
): Promise<AlertRun> => {
  const run: AlertRun = { indicators: 0, series: 0, raised: 0 };
  const index = await unitIndexOf(db, 'all');
  for (const indicator of await loadIndicators(db)) {
    if (keys && !keys.includes(indicator.key)) continue;
    run.indicators++;
    const def = indicator.definition;
    const lastComplete = previousPeriodStart(
      def.grain,
      periodStartOf(def.grain, reportingDayOf(clock.now().toISOString())),
    );
    const periods = periodsEndingWith(def.grain, lastComplete, BASELINE_PERIODS + MONITORED_PERIODS);
    const rows = await db
      .selectFrom('indicatorValues')
      .select(['unitId', 'period', 'treeNumerator', 'treeDenominator', 'treeValue'])
      .where('indicatorId', '=', indicator.id)
      .where('period', '>=', periods[0]!)
      .where('period', '<=', periods.at(-1)!)
      .execute();
    const byUnit = new Map<number, Map<string, (typeof rows)[number]>>();
    for (const r of rows) {
      let m = byUnit.get(r.unitId);
      if (!m) byUnit.set(r.unitId, (m = new Map()));
      m.set(r.period, r);
    }
    for (const [unitId, values] of byUnit) {
      if (values.size < BASELINE_PERIODS / 2) continue;
      run.series++;
      const series: Series = {
        periods,
        points: periods.map((p) => {
          const r = values.get(p);
          return r
            ? { numerator: r.treeNumerator, denominator: r.treeDenominator, value: r.treeValue }
            : null;
        }),
      };
      for (const alert of alertsOfSeries(def, series))
        if (
          await recordAlert(db, clock, indicator, index.all.get(unitId)?.name ?? `#${unitId}`, unitId, alert)
        )
          run.raised++;
    }
  }
  return run;
};

/** Inserts the alert row if new and notifies in the same transaction; true when it was new. */
const recordAlert = async (
  db: Db,
  clock: Clock,
  indicator: LoadedIndicator,
  unitName: string,
  unitId: number,
  alert: ReturnType<typeof alertsOfSeries>[number],
): Promise<boolean> =>
  db.transaction().execute(async (tx) => {
    const now = clock.now().toISOString();
    const inserted = await tx
      .insertInto('indicatorAlerts')
      .values({
        indicatorId: indicator.id,
        unitId,
        alertKey: alert.id,
        rule: alert.rule,
        side: alert.side,
        period: alert.period,
        value: alert.value,
        centre: alert.centre,
        raisedAt: now,
      })
      .onConflict((oc) => oc.columns(['indicatorId', 'unitId', 'alertKey']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return false;
    const def = indicator.definition;
    const recipients =
      indicator.ownerUserId !== null
        ? [indicator.ownerUserId]
        : await usersWithRoleOn({ unitId, role: 'manager', climb: false }, { db: tx });
    const label = periodLabel(def.grain, alert.period);
    const labelEn = periodLabel(def.grain, alert.period, 'en');
    const rule = ruleNames[alert.rule];
    await notify(
      tx,
      {
        recipientUserIds: recipients,
        dedupeKey: `indicator-alert:${indicator.id}:${unitId}:${alert.id}`,
        topic: 'indicator.alert',
        title: {
          zh: `指标预警：${unitName}「${def.name}」失控（${label}）`,
          en: `Indicator alert: ${def.nameEn ?? def.name} of ${unitName} out of control (${labelEn})`,
        },
        body: {
          zh: `${unitName} 的「${def.name}」在 ${label} 为 ${formatValue(def, alert.value)}，基线中心 ${formatValue(def, alert.centre)}：${rule.zh}。`,
          en: `${def.nameEn ?? def.name} of ${unitName} was ${formatValue(def, alert.value)} in ${labelEn} against a baseline centre of ${formatValue(def, alert.centre)}: ${rule.en}.`,
        },
        link: `/indicators/${indicator.key}?unitId=${unitId}`,
        unitId,
        entity: { type: 'indicator', id: indicator.id },
      },
      { clock },
    );
    return true;
  });

export const ZIndicatorAlert = z
  .object({
    id: z.number().int(),
    indicator: z.string(),
    indicatorName: z.string(),
    grain: z.enum(grains),
    unitId: z.number().int(),
    unitName: z.string(),
    rule: z.number().int(),
    side: z.string(),
    period: z.string(),
    label: z.string(),
    value: z.number(),
    centre: z.number(),
    raisedAt: z.string(),
  })
  .meta({ id: 'IndicatorAlert' });
export type IndicatorAlert = z.infer<typeof ZIndicatorAlert>;

/** The latest alerts on units in the caller's scope (newest first). */
export const listIndicatorAlerts = async (
  {
    indicator,
    limit = 50,
    unitIds,
  }: { indicator?: string | undefined; limit?: number; unitIds?: ReadonlySet<number> },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<IndicatorAlert[]> => {
  const roots = requirePermission(actor, 'indicators.read');
  const index = await unitIndexOf(db, roots);
  const indicators = new Map((await loadIndicators(db)).map((i) => [i.id, i]));
  const rows = await db
    .selectFrom('indicatorAlerts')
    .selectAll()
    .$if(indicator !== undefined, (q) =>
      q.where('indicatorId', '=', [...indicators.values()].find((i) => i.key === indicator)?.id ?? -1),
    )
    .$if(unitIds !== undefined && unitIds.size <= 1000, (q) => q.where('unitId', 'in', [...unitIds!, -1]))
    .orderBy('raisedAt', 'desc')
    .orderBy('id', 'desc')
    .limit(5000)
    .execute();
  return rows
    .filter((r) => index.visible.has(r.unitId) && (unitIds === undefined || unitIds.has(r.unitId)))
    .slice(0, limit)
    .map((r) => {
      const def = indicators.get(r.indicatorId)!.definition;
      return {
        id: r.id,
        indicator: def.key,
        indicatorName: def.name,
        grain: def.grain,
        unitId: r.unitId,
        unitName: index.visible.get(r.unitId)!.name,
        rule: r.rule,
        side: r.side,
        period: r.period,
        label: periodLabel(def.grain, r.period),
        value: r.value,
        centre: r.centre,
        raisedAt: r.raisedAt,
      };
    });
};
