import type { IndicatorDefinition } from '../indicators/indicator.schema.js';
import type { LoadRow } from '../indicators/indicator-load-rows.js';
import type { PackSeries, SeriesQuantity, SeriesSpec } from './pack.schema.js';
import type { Random } from './random.js';
import { createRandom } from './random.js';

/*
 * Generated history of a pack's loaded series (fee recovery, line loss, outage hours …): one row
 * per unit and month, as a load file would have it. Pure and deterministic: the same series
 * section, definitions and end month give the same rows on every machine. Every level, spread,
 * season and drift comes from the pack; this file knows no indicator.
 *
 * A unit's value in month m (0 = the first) is
 *   baseline(group) + offset(unit) + trend·m/12 + season(month of year) + noise + drift(m)
 * kept inside the bounds. The offset is drawn once per unit, so units differ the same way every
 * month (a benchmark has something stable to rank); the noise is drawn per month. The drift ramps
 * linearly over its last months to `by`, so a unit slides out of control rather than jumping.
 */

export type SeriesRows = {
  key: string;
  /** The months generated, `YYYY-MM`, oldest first. */
  months: string[];
  rows: LoadRow[];
};

/** The `count` months ending with `last` (`YYYY-MM`), oldest first. */
export const monthsEndingWith = (last: string, count: number): string[] => {
  const [year, month] = last.split('-').map(Number) as [number, number];
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const index = year * 12 + (month - 1) - i;
    out.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return out;
};

/** The month `back` months before `month` (`YYYY-MM`). */
export const monthsBefore = (month: string, back: number): string => monthsEndingWith(month, back + 1)[0]!;

/** A standard normal draw (Box–Muller; 1 − next() keeps the logarithm finite). */
const normal = (random: Random) =>
  Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());

const round = (value: number, decimals: number) => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

const seasonOf = (season: Record<string, number>, month: string) => season[String(Number(month.slice(5, 7)))];

/** A quantity (denominator or weight) per month for one unit, multiplicatively. */
const quantities = (
  quantity: SeriesQuantity,
  group: string,
  months: readonly string[],
  random: Random,
): number[] => {
  const level = quantity.base[group]! * (1 + quantity.spread * (2 * random.next() - 1));
  return months.map((month, m) => {
    const factor =
      (1 + quantity.growth) ** (m / 12) *
      (seasonOf(quantity.season, month) ?? 1) *
      (1 + quantity.noise * normal(random));
    // Never zero: a ratio needs a denominator above 0, a weighted mean a weight above 0.
    return Math.max(10 ** -quantity.decimals, round(level * factor, quantity.decimals));
  });
};

/** The value of one unit in each month (see the header). */
const values = (
  spec: SeriesSpec,
  unit: string,
  group: string,
  months: readonly string[],
  random: Random,
): number[] => {
  const offset = spec.spread * (2 * random.next() - 1);
  const drift = spec.drift.find((d) => d.unit === unit);
  const [low, high] = spec.bounds;
  return months.map((month, m) => {
    let value =
      spec.baseline[group]! +
      offset +
      (spec.trend * m) / 12 +
      (seasonOf(spec.season, month) ?? 0) +
      spec.noise * normal(random);
    const fromEnd = months.length - 1 - m;
    if (drift && fromEnd < drift.months) value += (drift.by * (drift.months - fromEnd)) / drift.months;
    return round(Math.min(high, Math.max(low, value)), spec.decimals);
  });
};

/**
 * The rows of every series of the pack, ending with month `last` (`YYYY-MM`). `definitions`: the
 * pack's indicators by key (the measure tells a ratio from a weighted mean).
 */
export const generateSeriesRows = ({
  series,
  definitions,
  last,
}: {
  series: PackSeries;
  definitions: ReadonlyMap<string, IndicatorDefinition>;
  last: string;
}): SeriesRows[] => {
  const months = monthsEndingWith(last, series.months);
  const root = createRandom(series.seed);
  const units = Object.entries(series.groups).flatMap(([group, codes]) =>
    codes.map((code) => ({ code, group })),
  );
  return Object.entries(series.indicators).map(([key, spec]) => {
    const def = definitions.get(key);
    if (!def) throw new Error(`series ${key} has no indicator definition`); // the pack schema checks it
    const rows: LoadRow[] = [];
    for (const { code, group } of units) {
      // A stream per indicator, unit and role: adding a unit or a series changes no other's values.
      const random = root.fork(`${key}:${code}`);
      const value = values(spec, code, group, months, random.fork('value'));
      const denominator =
        spec.denominator && quantities(spec.denominator, group, months, random.fork('denominator'));
      const weight = spec.weight && quantities(spec.weight, group, months, random.fork('weight'));
      months.forEach((period, m) => {
        const row: LoadRow = { unit: code, period, value: value[m]! };
        if (denominator) row.denominator = denominator[m]!;
        if (weight) row.weight = weight[m]!;
        if (def.measure.kind === 'count') row.value = Math.round(row.value!);
        rows.push(row);
      });
    }
    return { key, months, rows };
  });
};
