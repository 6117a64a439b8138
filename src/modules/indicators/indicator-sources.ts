import { systemActor } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import { figuresOfCampaigns } from '../campaigns/campaign-figures.service.js';
import { figureCountsByUnit, overdueCountsByUnit } from '../cases/case-figure-counts.js';
import { reportingDayOf } from '../cases/case-figure-days.js';
import type { IndicatorDefinition } from './indicator.schema.js';
import { caseTypesOf } from './indicator.schema.js';
import type { Grain } from './indicator-periods.js';
import { nextPeriodStart, periodStartOf } from './indicator-periods.js';
import type { Part } from './indicator-store.js';

/*
 * The computed sources: each module's figures per unit (the unit's own cases or targets) and
 * period, as numerator and denominator. They read the same facts the module's own figures read —
 * the cases' daily rollup, the campaign figures — so an indicator never disagrees with the case or
 * campaign page it drills down to.
 */

/** period → unit → part; a period that is absent is not known to this source and left as stored. */
export type SourceParts = Map<string, Map<number, Part>>;

type ComputedSource = Extract<IndicatorDefinition['source'], { kind: 'computed' }>;

/** The rollup metrics of a ratio from the case figures: numerator, denominator (minus: subtracted). */
const caseRatioMetrics = (
  source: ComputedSource,
): { numerator: string[]; minus?: string; denominator: string } | null => {
  switch (source.from) {
    case 'cases.on_time_rate':
      return {
        numerator: [`clock_met:${source.params.clock}`],
        denominator: `clock_stopped:${source.params.clock}`,
      };
    case 'cases.callback_rate':
      return { numerator: ['callbacks_opened_reached'], denominator: 'callbacks_opened' };
    case 'cases.satisfaction_rate':
      // Satisfied = scored above the unsatisfied threshold, of all scored.
      return { numerator: ['satisfaction_count'], minus: 'unsatisfied', denominator: 'satisfaction_count' };
    case 'cases.rework_rate':
      return { numerator: ['reopened'], denominator: 'resolved' };
    default:
      return null;
  }
};

const partOf = (map: Map<number, Part>, unitId: number) => {
  let part = map.get(unitId);
  if (!part) map.set(unitId, (part = { numerator: 0, denominator: 0 }));
  return part;
};

const emptyPeriods = (periods: readonly string[]): SourceParts => new Map(periods.map((p) => [p, new Map()]));

const caseRatioParts = async (
  db: Executor,
  source: ComputedSource,
  grain: Grain,
  periods: readonly string[],
): Promise<SourceParts> => {
  const metrics = caseRatioMetrics(source)!;
  const out = emptyPeriods(periods);
  const fine = grain === 'day' || grain === 'week' || grain === 'xun';
  const counts = await figureCountsByUnit(db, {
    fromDay: periods[0]!,
    toDay: nextPeriodStart(grain, periods.at(-1)!),
    caseTypes: caseTypesOf(source),
    metrics: [
      ...new Set([...metrics.numerator, metrics.denominator, ...(metrics.minus ? [metrics.minus] : [])]),
    ],
    bucket: fine ? 'day' : 'month',
  });
  for (const c of counts) {
    const period = periodStartOf(grain, fine ? c.bucket : `${c.bucket}-01`);
    const parts = out.get(period);
    if (!parts) continue;
    const part = partOf(parts, c.unitId);
    if (metrics.numerator.includes(c.metric)) part.numerator += c.n;
    if (c.metric === metrics.minus) part.numerator -= c.n;
    if (c.metric === metrics.denominator) part.denominator! += c.n;
  }
  return out;
};

/** The overdue count is of this moment: only the period holding `now` is known. */
const overdueParts = async (
  db: Executor,
  source: ComputedSource,
  grain: Grain,
  periods: readonly string[],
  now: Date,
): Promise<SourceParts> => {
  const current = periodStartOf(grain, reportingDayOf(now.toISOString()));
  if (!periods.includes(current)) return new Map();
  const rows = await overdueCountsByUnit(db, {
    caseTypes: caseTypesOf(source),
    clock: source.params.clock,
    now,
  });
  return new Map([[current, new Map(rows.map((r) => [r.unitId, { numerator: r.n, denominator: null }]))]]);
};

const campaignParts = async (
  db: Executor,
  source: ComputedSource,
  grain: Grain,
  periods: readonly string[],
): Promise<SourceParts> => {
  const out = emptyPeriods(periods);
  const months = new Set<string>();
  for (const p of periods)
    for (let m = p; m < nextPeriodStart(grain, p); m = nextPeriodStart('month', m)) months.add(m.slice(0, 7));
  const actor = systemActor('indicators');
  const queries = source.params.campaign
    ? [{ campaign: source.params.campaign }]
    : [...months].map((period) => ({ period }));
  for (const query of queries) {
    let month: string | null | undefined = 'period' in query ? query.period : undefined;
    if (month === undefined) {
      const row = await db
        .selectFrom('campaigns')
        .select('period')
        .where('key', '=', source.params.campaign!)
        .executeTakeFirst();
      month = row?.period;
      if (!month || !months.has(month)) continue;
    }
    const parts = out.get(periodStartOf(grain, `${month}-01`));
    if (!parts) continue;
    const figures = await figuresOfCampaigns(query, { db, actor });
    for (const row of figures.byUnit) {
      const part = partOf(parts, Number(row.key));
      const [numerator, denominator] =
        source.from === 'campaigns.reactivation_rate'
          ? [row.reactivated, row.targets]
          : source.from === 'campaigns.reached_rate'
            ? [row.reached, row.followedUp]
            : [row.followedUp, row.targets];
      part.numerator += numerator;
      part.denominator! += denominator;
    }
  }
  return out;
};

/**
 * The own parts of every unit for the periods (starts of the definition's grain, ascending) of a
 * computed indicator. A period present in the result is complete: a unit missing from it has no
 * part (nothing counted).
 */
export const computeSourceParts = async (
  def: IndicatorDefinition,
  periods: readonly string[],
  { db, now }: { db: Executor; now: Date },
): Promise<SourceParts> => {
  if (def.source.kind !== 'computed' || periods.length === 0) return new Map();
  const source = def.source;
  if (source.from === 'cases.overdue_count') return overdueParts(db, source, def.grain, periods, now);
  if (source.from.startsWith('campaigns.')) return campaignParts(db, source, def.grain, periods);
  return caseRatioParts(db, source, def.grain, periods);
};
