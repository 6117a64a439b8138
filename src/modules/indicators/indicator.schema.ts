import { z } from 'zod';

/*
 * An indicator (指标 / KPI) as configuration: what a pack file or an administrator writes. The
 * definition is validated here once; the service keeps it as JSON and reads it back typed. Pure:
 * no database, no clock. `targetFor` and `statusOf` are the two rules every screen and report
 * shares, so they live next to the schema rather than in a service.
 *
 * Decisions (the tests pin each of them):
 * - A ratio is stored and written as a fraction in [0, 1] and only shown as a percentage: a target
 *   of 95 on a ratio is refused ("write 0.95 for 95 %"), never silently divided by 100.
 * - A ratio aggregates over units only as a ratio of sums (Σ numerators / Σ denominators). An
 *   average of the units' ratios weighs a unit with 3 cases like one with 3,000, and its `max` or
 *   `sum` means nothing; so numerator and denominator are kept for every ratio, computed or loaded.
 *   Conversely `ratio_of_sums` needs a numerator and a denominator, which only a ratio has.
 * - A computed source has a fixed measure (the overdue count is a count): the definition must
 *   declare the same measure kind, so a count is never shown as a percentage.
 * - Target rows: the most specific row wins, whole (its warning and band come with it, nothing is
 *   merged from a less specific row). Unit specificity ranks first (the unit itself, then its
 *   nearest ancestor, …, then `*`), the period second (a dated row over an undated one): a unit's
 *   own permanent target is a deliberate exception that a company-wide change of year must not undo.
 * - Two dated rows of the same unit may not overlap (not only: may not be equal), so that for any
 *   unit and month at most one dated and one undated row can match and the winner is never a tie.
 * - Periods are matched by the month they start in (a quarter by its first month, a week or 旬 by
 *   the month of its first day): targets are dated by month, the coarsest grain that still lets a
 *   target change mid-year.
 */

const ZKey = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'lower-case letters, digits, dot, dash or underscore');

const ZLabel = z.string().trim().min(1).max(100);

/** A unit code, as the org module writes it. */
const ZUnitCode = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash or underscore');

const ZMonth = z
  .string()
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');

export const ZMeasure = z.discriminatedUnion('kind', [
  /** A fraction in [0, 1], shown as a percentage; stored as numerator and denominator. */
  z.object({ kind: z.literal('ratio') }),
  z.object({ kind: z.literal('count') }),
  /** Money, e.g. `元`, `万元`. */
  z.object({ kind: z.literal('amount'), unit: z.string().trim().min(1).max(20) }),
  z.object({ kind: z.literal('duration'), unit: z.enum(['hours', 'minutes']) }),
  /** Any other quantity in its own unit of measure, e.g. `元/kWh`. */
  z.object({ kind: z.literal('value'), unit: z.string().trim().min(1).max(20) }),
]);
export type Measure = z.infer<typeof ZMeasure>;
export type MeasureKind = Measure['kind'];

export const directions = ['higher_better', 'lower_better', 'band'] as const;
export type Direction = (typeof directions)[number];
export const aggregations = ['ratio_of_sums', 'sum', 'weighted_mean', 'max'] as const;
/** `xun` is the 旬: days 1–10, 11–20, 21–end of a month. */
export const grains = ['day', 'week', 'xun', 'month', 'quarter', 'year'] as const;

type SourceParam = 'caseType' | 'clock' | 'campaign';

/**
 * The figures the modules compute, with the measure each yields and the parameters it takes.
 * Closed on purpose: a source that does not exist is refused when the definition is written, not
 * discovered empty at the first report. Adding a source means adding its computation.
 */
export const computedSources = {
  /** Met / stopped clocks of one clock key (response, arrival, resolution …). */
  'cases.on_time_rate': { measure: 'ratio', params: ['caseType', 'clock'], required: ['clock'] },
  'cases.callback_rate': { measure: 'ratio', params: ['caseType'], required: [] },
  'cases.satisfaction_rate': { measure: 'ratio', params: ['caseType'], required: [] },
  'cases.rework_rate': { measure: 'ratio', params: ['caseType'], required: [] },
  'cases.overdue_count': { measure: 'count', params: ['caseType', 'clock'], required: [] },
  'campaigns.reactivation_rate': { measure: 'ratio', params: ['campaign'], required: [] },
  'campaigns.reached_rate': { measure: 'ratio', params: ['campaign'], required: [] },
  'campaigns.feedback_rate': { measure: 'ratio', params: ['campaign'], required: [] },
} as const satisfies Record<
  string,
  { measure: MeasureKind; params: readonly SourceParam[]; required: readonly SourceParam[] }
>;
export type ComputedSourceKey = keyof typeof computedSources;
const computedSourceKeys = Object.keys(computedSources) as [ComputedSourceKey, ...ComputedSourceKey[]];

export const ZIndicatorSource = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('computed'),
    from: z.enum(computedSourceKeys),
    params: z
      .object({
        /** One case type, or several (a pack's four property types): the figures of those only. */
        caseType: z.union([ZKey, z.array(ZKey).min(1).max(20)]).optional(),
        clock: ZKey.optional(),
        campaign: ZKey.optional(),
      })
      .strict()
      .default({}),
  }),
  /** A series loaded from outside (fee recovery, line loss, outage hours, reliability, price). */
  z.object({ kind: z.literal('loaded') }),
]);
export type IndicatorSource = z.infer<typeof ZIndicatorSource>;

/** The case types a computed source is limited to, as a list; undefined: every type. */
export const caseTypesOf = (source: IndicatorSource): string[] | undefined => {
  if (source.kind !== 'computed' || source.params.caseType === undefined) return undefined;
  const { caseType } = source.params;
  return typeof caseType === 'string' ? [caseType] : [...caseType];
};

export const ZTargetRow = z.object({
  /** A unit code (the row applies to that unit and, unless overridden, everything under it) or `*`. */
  unit: z.union([ZUnitCode, z.literal('*')]).default('*'),
  /** First month the row applies to; absent: since ever. */
  from: ZMonth.optional(),
  /** Last month the row applies to (inclusive); absent: for ever. */
  to: ZMonth.optional(),
  /** Required unless the direction is `band`. */
  target: z.number().finite().optional(),
  /**
   * higher_better: the level below the target still counted as a warning (below it: missed);
   * lower_better: the level above the target still counted as a warning;
   * band: how far outside the band a value may be and still be a warning.
   */
  warning: z.number().finite().optional(),
  /** For `band` only: [low, high], both inclusive. */
  band: z.tuple([z.number().finite(), z.number().finite()]).optional(),
});
export type TargetRow = z.infer<typeof ZTargetRow>;

export const ZIndicatorDefinition = z
  .object({
    key: ZKey,
    name: ZLabel,
    nameEn: ZLabel.optional(),
    description: z.string().trim().max(2000).optional(),
    measure: ZMeasure,
    direction: z.enum(directions),
    aggregation: z.enum(aggregations),
    grain: z.enum(grains),
    source: ZIndicatorSource,
    targets: z.array(ZTargetRow).default([]),
    /**
     * For benchmarking: the value is also shown per `per` of `of`, e.g. per 1,000 customers. `of` is
     * the key of another indicator holding the base (a loaded count series such as customers).
     */
    normalisation: z.object({ per: z.number().int().min(1).max(1_000_000_000), of: ZKey }).optional(),
    /**
     * What a weighted mean is weighted by (售电量 for an average price): each loaded value comes with
     * its weight, and a roll-up is Σ value·weight / Σ weight. Required for, and only for, weighted_mean.
     */
    weight: z.object({ name: ZLabel, nameEn: ZLabel.optional() }).optional(),
    /** The user (login name) who answers for the indicator: control-chart alerts go to him. */
    owner: z.string().trim().min(1).max(64).optional(),
  })
  .superRefine((def, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const kind = def.measure.kind;

    if (kind === 'ratio' && def.aggregation !== 'ratio_of_sums')
      issue(
        ['aggregation'],
        'a ratio aggregates only as ratio_of_sums (Σ numerators / Σ denominators), never an average of ratios',
      );
    if (kind !== 'ratio' && def.aggregation === 'ratio_of_sums')
      issue(['aggregation'], `ratio_of_sums needs a numerator and a denominator; a ${kind} has neither`);
    if (def.aggregation === 'weighted_mean' && !def.weight)
      issue(['weight'], 'a weighted mean needs a declared weight (what each value is weighted by)');
    if (def.aggregation !== 'weighted_mean' && def.weight)
      issue(['weight'], `a weight is only for weighted_mean, not ${def.aggregation}`);
    if (def.normalisation?.of === def.key)
      issue(['normalisation', 'of'], 'an indicator cannot be normalised by itself');
    if (kind === 'ratio' && def.normalisation)
      issue(['normalisation'], 'a ratio is already normalised by its denominator');

    if (def.source.kind === 'computed') {
      const source = computedSources[def.source.from];
      if (source.measure !== kind)
        issue(['measure', 'kind'], `${def.source.from} is a ${source.measure}, not a ${kind}`);
      const allowed: readonly SourceParam[] = source.params;
      for (const param of Object.keys(def.source.params) as SourceParam[])
        if (def.source.params[param] !== undefined && !allowed.includes(param))
          issue(['source', 'params', param], `${def.source.from} takes no ${param}`);
      // A campaign counts in the month of its list (清单月份): nothing finer can hold it.
      if (def.source.from.startsWith('campaigns.') && !['month', 'quarter', 'year'].includes(def.grain))
        issue(
          ['grain'],
          `${def.source.from} is counted by list month: the grain must be month, quarter or year`,
        );
      for (const param of source.required)
        if (def.source.params[param] === undefined)
          issue(['source', 'params', param], `${def.source.from} needs a ${param}`);
    }

    const inRange = (value: number, path: (string | number)[]) => {
      if (kind === 'ratio' && (value < 0 || value > 1))
        issue(path, `a ratio is a fraction between 0 and 1: write 0.95 for 95 % (got ${value})`);
      else if ((kind === 'count' || kind === 'duration') && value < 0)
        issue(path, `a ${kind} cannot be negative (got ${value})`);
    };
    def.targets.forEach((row, i) => {
      const at = (field: string) => ['targets', i, field];
      if (row.from && row.to && row.from > row.to)
        issue(at('to'), `ends (${row.to}) before it starts (${row.from})`);
      if (def.direction === 'band') {
        if (!row.band) issue(at('band'), 'a band indicator needs band: [low, high]');
        else {
          const [low, high] = row.band;
          if (low > high) issue(at('band'), `low (${low}) must not be above high (${high})`);
          inRange(low, [...at('band'), 0]);
          inRange(high, [...at('band'), 1]);
        }
        if (row.target !== undefined) inRange(row.target, at('target'));
        if (row.warning !== undefined) {
          // A distance, so it is bounded like a value of the measure but must be positive.
          if (row.warning <= 0) issue(at('warning'), 'the warning distance outside the band must be above 0');
          else inRange(row.warning, at('warning'));
        }
        return;
      }
      if (row.band) issue(at('band'), `a band is only for direction band, not ${def.direction}`);
      if (row.target === undefined) {
        issue(at('target'), 'a target is required');
        return;
      }
      inRange(row.target, at('target'));
      if (row.warning === undefined) return;
      inRange(row.warning, at('warning'));
      if (def.direction === 'higher_better' && !(row.warning < row.target))
        issue(
          at('warning'),
          `higher is better: the warning (${row.warning}) must be below the target (${row.target})`,
        );
      if (def.direction === 'lower_better' && !(row.warning > row.target))
        issue(
          at('warning'),
          `lower is better: the warning (${row.warning}) must be above the target (${row.target})`,
        );
    });

    // Rows of one unit must not be ambiguous: one undated row, dated rows that do not overlap.
    const start = (row: TargetRow) => row.from ?? '0000-01';
    const end = (row: TargetRow) => row.to ?? '9999-12';
    const dated = (row: TargetRow) => row.from !== undefined || row.to !== undefined;
    def.targets.forEach((row, i) => {
      const earlier = def.targets.findIndex(
        (other, j) =>
          j < i &&
          other.unit === row.unit &&
          dated(other) === dated(row) &&
          start(other) <= end(row) &&
          start(row) <= end(other),
      );
      if (earlier >= 0)
        issue(
          ['targets', i],
          dated(row)
            ? `overlaps targets[${earlier}] for unit ${row.unit}: which target applies would be ambiguous`
            : `duplicate undated target for unit ${row.unit} (see targets[${earlier}])`,
        );
    });
  })
  .meta({ id: 'IndicatorDefinition' });
export type IndicatorDefinition = z.infer<typeof ZIndicatorDefinition>;
export type IndicatorDefinitionInput = z.input<typeof ZIndicatorDefinition>;

/**
 * The target row that applies to a unit in a period, or null when none does.
 * `unitCodes`: the unit and its ancestors, nearest first. `period`: `YYYY-MM` or `YYYY-MM-DD`, the
 * period's first day (it is matched by its month). Ranking: see the header.
 */
export const targetFor = ({
  definition,
  unitCodes,
  period,
}: {
  definition: Pick<IndicatorDefinition, 'targets'>;
  unitCodes: readonly string[];
  period: string;
}): TargetRow | null => {
  const month = period.slice(0, 7);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`not a period start: ${period}`);
  let best: { row: TargetRow; rank: number } | null = null;
  for (const row of definition.targets) {
    if ((row.from && month < row.from) || (row.to && month > row.to)) continue;
    const distance = row.unit === '*' ? unitCodes.length : unitCodes.indexOf(row.unit);
    if (distance < 0) continue;
    // Nearer unit first; within one unit, dated over undated.
    const rank = (unitCodes.length - distance) * 2 + (row.from || row.to ? 1 : 0);
    if (!best || rank > best.rank) best = { row, rank };
  }
  return best?.row ?? null;
};

export type Status = 'met' | 'warning' | 'missed';

/**
 * Tolerance on the edges: a computed 57/60 must meet a 0.95 target however the division rounded.
 * Far below any meaningful difference of the measures we hold (a minute, a yuan, 0.01 %).
 */
const EPSILON = 1e-9;

/**
 * Whether a value meets its target row. Edges count in the value's favour:
 * - higher_better: ≥ target met; else ≥ warning warning; else missed (no warning: missed);
 * - lower_better: ≤ target met; else ≤ warning warning; else missed;
 * - band: within [low, high] met; else at most `warning` outside the band warning; else missed.
 */
export const statusOf = ({
  definition,
  value,
  target,
}: {
  definition: Pick<IndicatorDefinition, 'direction'>;
  value: number;
  target: Pick<TargetRow, 'target' | 'warning' | 'band'>;
}): Status => {
  if (!Number.isFinite(value)) throw new RangeError(`not a value: ${value}`);
  const { direction } = definition;
  if (direction === 'band') {
    if (!target.band) throw new RangeError('a band indicator needs a band');
    const [low, high] = target.band;
    const outside = Math.max(low - value, value - high, 0);
    if (outside <= EPSILON) return 'met';
    return target.warning !== undefined && outside <= target.warning + EPSILON ? 'warning' : 'missed';
  }
  if (target.target === undefined) throw new RangeError('a target is required');
  // Signed so that "better" is positive for either direction.
  const sign = direction === 'higher_better' ? 1 : -1;
  if (sign * (value - target.target) >= -EPSILON) return 'met';
  if (target.warning !== undefined && sign * (value - target.warning) >= -EPSILON) return 'warning';
  return 'missed';
};
