import type { Deps } from '../../platform/deps.js';
import { periodLabel, periodsEndingWith, periodStartOf } from '../indicators/indicator-periods.js';
import { readIndicatorValues } from '../indicators/indicator-values.service.js';
import { getIndicator } from '../indicators/indicators.service.js';
import type { IndicatorBlockData } from './indicator-blocks.js';
import { indicatorBlockKey, indicatorBlocksIn, indicatorRequestOf } from './indicator-blocks.js';
import type { ReportPeriod } from './report-period.js';
import type { ReportTemplate } from './report-template.schema.js';

/*
 * The values the indicator blocks of a template show, read through the indicators module (its
 * scope rules, its targets and statuses) for the report's unit and month: once per distinct
 * indicator, units and number of periods. The periods are those of the indicator's grain ending
 * with the one that holds the month's last day (a month for a monthly indicator, the quarter or
 * year so far for a coarser one).
 */

const lastDayOf = (period: ReportPeriod) =>
  new Date(Date.UTC(period.year, period.month, 0)).toISOString().slice(0, 10);

/** `{ indicatorBlocks: … }` for the context of `fillTemplate`; empty when the template has no indicator block. */
export const indicatorBlockData = async (
  {
    template,
    unitId,
    unitName,
    period,
  }: { template: ReportTemplate; unitId: number; unitName: string; period: ReportPeriod },
  deps: Deps,
): Promise<Record<string, IndicatorBlockData>> => {
  const out: Record<string, IndicatorBlockData> = {};
  for (const block of indicatorBlocksIn(template.blocks)) {
    const request = indicatorRequestOf(block);
    const key = indicatorBlockKey(request);
    if (key in out) continue;
    const { definition } = await getIndicator({ key: request.indicator }, deps);
    const last = periodStartOf(definition.grain, lastDayOf(period));
    const periods = periodsEndingWith(definition.grain, last, request.periods);
    const values = await readIndicatorValues(
      {
        indicator: request.indicator,
        query: { unitId, units: request.units, from: periods[0]!, to: last },
      },
      deps,
    );
    out[key] = {
      name: definition.name,
      measure: definition.measure,
      unitName,
      periods: periods.map((start) => ({ start, label: periodLabel(definition.grain, start) })),
      values,
    };
  }
  return out;
};
