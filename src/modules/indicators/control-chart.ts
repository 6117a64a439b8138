// Statistical process control for indicators: control limits from a baseline window and the four
// Western Electric rules, so that a unit drifting out of control is flagged before it misses its
// target. Pure: no database, no clock, no dependency; the indicators service feeds it the values
// it has loaded and decides what to do with the alerts.
//
// Two charts, matching the two ways an indicator value is stored:
// - ratio indicators (numerator / denominator per unit × period, e.g. on-time rate = met / stopped)
//   use a p-chart, whose σ depends on each period's denominator;
// - plain values (outage hours) use an individuals (X-mR) chart, whose σ is estimated from the
//   moving range.
// Both are reduced to one z-score per point, and the rules are evaluated on the z-scores, so each
// p-chart point is judged in its own zones.
//
// Decisions (the tests pin each of them):
// - Not enough history is a normal state for a new indicator, not a fault: the limit functions
//   return `{ ok: false, reason, … }` instead of throwing. Malformed values (negative, non-finite,
//   numerator > denominator) are a caller's bug and throw `ControlChartInputError`.
// - A baseline without variation (σ = 0: a constant series, or p̄ of exactly 0 or 1) is refused with
//   `reason: 'no_variation'`: limits of zero width would turn every later deviation, however small,
//   into a "beyond 3σ" alert. The target check still catches such a unit.
// - "Beyond" is strict: a point exactly on a limit is not beyond it; a point exactly on the centre
//   line is on neither side, so it breaks a rule-4 run.
// - Missing points (`null`, or a ratio point with denominator 0: no event, no rate) are skipped:
//   windows are counted over the points that exist, as a chart skips a period it cannot plot.
// - One alert per episode, not one per completing point: patterns of the same rule and side that
//   share a point, or follow on without a gap, are one alert (eight in a row, then a ninth, is
//   still one drift; so are three points in a row beyond 3σ). The alert's
//   `id` is rule + side + the first point of its first pattern; evaluating a longer series never
//   changes the id (or the index, or the points involved) of an alert already raised, only its
//   `lastIndex`, so a caller can send each alert once.
// - A point can satisfy several rules at once (a point beyond 3σ is also beyond 2σ): every rule
//   that fires is reported; ranking them is the caller's choice.

/** Fewer baseline points than this and the limits are too uncertain to alert on. */
export const DEFAULT_MIN_BASELINE_POINTS = 8;

/**
 * d2 for subgroups of 2: the expected range of two independent normal values, in σ. The moving
 * range of consecutive values is such a range, so mean(mR) / d2 estimates σ from short-term
 * variation only; a drift in the baseline inflates the plain standard deviation but barely the
 * moving range, which is why X-mR charts use it.
 */
export const D2_FOR_MOVING_RANGE = 1.128;

export type Side = 'above' | 'below';
export type WesternElectricRule = 1 | 2 | 3 | 4;

/** A ratio indicator's value for one unit × period, as stored. */
export type RatioPoint = { numerator: number; denominator: number };

/** The centre line and the lines at 1, 2 and 3 σ on each side. */
export type Zones = {
  centre: number;
  lower3: number;
  lower2: number;
  lower1: number;
  upper1: number;
  upper2: number;
  upper3: number;
};

export type PChartLimits = {
  kind: 'p';
  /** p̄ = Σ numerator / Σ denominator over the baseline. */
  centre: number;
  baselineNumerator: number;
  baselineDenominator: number;
  /** Baseline points with a denominator above 0 (the ones the limits stand on). */
  baselinePoints: number;
  /** The zones of each baseline point, aligned with the input; `null` where the denominator is 0. */
  baseline: (Zones | null)[];
};

export type IndividualsLimits = {
  kind: 'individuals';
  centre: number;
  averageMovingRange: number;
  /** σ̂ = mean moving range / d2. */
  sigma: number;
  baselinePoints: number;
  zones: Zones;
};

export type ControlLimits = PChartLimits | IndividualsLimits;

export type LimitsRefusal = {
  ok: false;
  /**
   * `too_few_points`: fewer usable baseline points than `minPoints`;
   * `no_denominator`: baseline points exist but none has a denominator above 0;
   * `no_variation`: σ of the baseline is 0 (constant values, or p̄ of 0 or 1).
   */
  reason: 'too_few_points' | 'no_denominator' | 'no_variation';
  usablePoints: number;
  minPoints: number;
  message: string;
};

export type LimitsResult<L extends ControlLimits> = { ok: true; limits: L } | LimitsRefusal;

export type WesternElectricAlert = {
  /** Stable identity (`we<rule>:<side>:<key of the first point>`), for sending each alert once. */
  id: string;
  rule: WesternElectricRule;
  side: Side;
  /** The point that completed the first pattern of the episode: when the alert is raised. */
  index: number;
  /** The points of that first pattern (those beyond the rule's line), ascending; ends with `index`. */
  involved: number[];
  /** The last point that still completed a pattern of this episode (grows as the series grows). */
  lastIndex: number;
};

/** A value the chart cannot use: a bug in the caller, not a state of the data. */
export class ControlChartInputError extends Error {
  readonly field: string;
  readonly index: number | undefined;

  constructor(field: string, index: number | undefined, reason: string) {
    super(`Invalid ${field}${index === undefined ? '' : `[${index}]`}: ${reason}`);
    this.name = 'ControlChartInputError';
    this.field = field;
    this.index = index;
  }
}

const refuse = (
  reason: LimitsRefusal['reason'],
  usablePoints: number,
  minPoints: number,
  message: string,
): LimitsRefusal => ({ ok: false, reason, usablePoints, minPoints, message });

const checkMinPoints = (minPoints: number, floor: number): void => {
  if (!Number.isInteger(minPoints) || minPoints < floor)
    throw new ControlChartInputError(
      'minPoints',
      undefined,
      `must be an integer ≥ ${floor}, got ${minPoints}`,
    );
};

const checkRatio = (field: string, point: RatioPoint, index: number): void => {
  const { numerator, denominator } = point;
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator))
    throw new ControlChartInputError(field, index, 'numerator and denominator must be finite numbers');
  if (numerator < 0 || denominator < 0)
    throw new ControlChartInputError(field, index, 'numerator and denominator must not be negative');
  // A p-chart models a proportion: more successes than trials is a data error, not a rate above 1.
  if (numerator > denominator)
    throw new ControlChartInputError(
      field,
      index,
      `numerator ${numerator} exceeds denominator ${denominator}`,
    );
};

const zonesAround = (centre: number, sigma: number, clamp?: { min: number; max: number }): Zones => {
  const at = (k: number) => {
    const value = centre + k * sigma;
    return clamp ? Math.min(clamp.max, Math.max(clamp.min, value)) : value;
  };
  return {
    centre,
    lower3: at(-3),
    lower2: at(-2),
    lower1: at(-1),
    upper1: at(1),
    upper2: at(2),
    upper3: at(3),
  };
};

/** σ of a proportion over `denominator` trials when the process rate is `centre`. */
const pSigma = (centre: number, denominator: number): number =>
  Math.sqrt((centre * (1 - centre)) / denominator);

/**
 * The zones of one p-chart point with `denominator` trials, clamped to [0, 1] because a proportion
 * cannot leave it (the alerts use the unclamped z-score, and a clamped limit can never be crossed).
 */
export const pChartZones = (limits: PChartLimits, denominator: number): Zones => {
  if (!Number.isFinite(denominator) || denominator <= 0)
    throw new ControlChartInputError(
      'denominator',
      undefined,
      `must be a number above 0, got ${denominator}`,
    );
  return zonesAround(limits.centre, pSigma(limits.centre, denominator), { min: 0, max: 1 });
};

/**
 * p-chart limits from a baseline of ratio points. The centre is the ratio of sums, not the mean of
 * the ratios: a period with 2 stops must not weigh as much as one with 200, and Σ met / Σ stopped
 * is the rate the unit actually achieved over the window. The limits then vary with each point's
 * own denominator: p̄ ± k·√(p̄(1−p̄)/nᵢ).
 */
export const pChartLimits = ({
  baseline,
  minPoints = DEFAULT_MIN_BASELINE_POINTS,
}: {
  baseline: readonly RatioPoint[];
  minPoints?: number;
}): LimitsResult<PChartLimits> => {
  checkMinPoints(minPoints, 1);
  baseline.forEach((point, i) => checkRatio('baseline', point, i));
  const usable = baseline.filter((point) => point.denominator > 0);
  if (baseline.length > 0 && usable.length === 0)
    return refuse(
      'no_denominator',
      0,
      minPoints,
      'No baseline period has a denominator above 0: there is no rate',
    );
  if (usable.length < minPoints)
    return refuse(
      'too_few_points',
      usable.length,
      minPoints,
      `The baseline has ${usable.length} usable period(s); control limits need at least ${minPoints}`,
    );
  const baselineNumerator = usable.reduce((sum, p) => sum + p.numerator, 0);
  const baselineDenominator = usable.reduce((sum, p) => sum + p.denominator, 0);
  const centre = baselineNumerator / baselineDenominator;
  if (centre === 0 || centre === 1)
    return refuse(
      'no_variation',
      usable.length,
      minPoints,
      `The baseline rate is exactly ${centre}: with no variation there are no meaningful limits`,
    );
  const limits: PChartLimits = {
    kind: 'p',
    centre,
    baselineNumerator,
    baselineDenominator,
    baselinePoints: usable.length,
    baseline: [],
  };
  limits.baseline = baseline.map((p) => (p.denominator > 0 ? pChartZones(limits, p.denominator) : null));
  return { ok: true, limits };
};

/**
 * Individuals (X-mR) chart limits from a baseline of plain values: centre x̄, σ̂ = mean moving
 * range / 1.128, zones at 1, 2 and 3 σ̂. Not clamped: the chart does not know the value's domain
 * (a lower limit below 0 for outage hours simply cannot be crossed).
 */
export const individualsChartLimits = ({
  baseline,
  minPoints = DEFAULT_MIN_BASELINE_POINTS,
}: {
  baseline: readonly number[];
  minPoints?: number;
}): LimitsResult<IndividualsLimits> => {
  // A moving range needs two values.
  checkMinPoints(minPoints, 2);
  baseline.forEach((value, i) => {
    if (!Number.isFinite(value)) throw new ControlChartInputError('baseline', i, 'must be a finite number');
  });
  if (baseline.length < minPoints)
    return refuse(
      'too_few_points',
      baseline.length,
      minPoints,
      `The baseline has ${baseline.length} value(s); control limits need at least ${minPoints}`,
    );
  const centre = baseline.reduce((sum, v) => sum + v, 0) / baseline.length;
  let rangeSum = 0;
  for (let i = 1; i < baseline.length; i++) rangeSum += Math.abs(baseline[i]! - baseline[i - 1]!);
  const averageMovingRange = rangeSum / (baseline.length - 1);
  const sigma = averageMovingRange / D2_FOR_MOVING_RANGE;
  if (sigma === 0)
    return refuse(
      'no_variation',
      baseline.length,
      minPoints,
      'The baseline values never change: with no variation there are no meaningful limits',
    );
  return {
    ok: true,
    limits: {
      kind: 'individuals',
      centre,
      averageMovingRange,
      sigma,
      baselinePoints: baseline.length,
      zones: zonesAround(centre, sigma),
    },
  };
};

export type WesternElectricInput =
  | { limits: IndividualsLimits; points: readonly (number | null)[]; keys?: readonly string[] }
  | {
      limits: PChartLimits;
      points: readonly (RatioPoint | null)[];
      keys?: readonly string[];
    };

/**
 * Each point's distance from the centre in its own σ (`null` for a missing point). For the p-chart
 * σ depends on the point's denominator, so the same rate can be inside the limits in a busy month
 * and beyond them in a quiet one.
 */
export const controlScores = (input: WesternElectricInput): (number | null)[] => {
  if (input.limits.kind === 'individuals') {
    const { centre, sigma } = input.limits;
    return input.points.map((value, i) => {
      if (value === null) return null;
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new ControlChartInputError('points', i, 'must be a finite number or null');
      return (value - centre) / sigma;
    });
  }
  const { centre } = input.limits;
  return input.points.map((point, i) => {
    if (point === null) return null;
    if (typeof point !== 'object')
      throw new ControlChartInputError('points', i, 'must be a ratio point or null');
    checkRatio('points', point, i);
    if (point.denominator === 0) return null;
    return (point.numerator / point.denominator - centre) / pSigma(centre, point.denominator);
  });
};

/**
 * The Western Electric rules as (window, needed, line): a pattern is completed at a point beyond
 * `line` σ on one side when at least `needed` of the last `window` points (that point included) are
 * beyond `line` σ on that same side. Rule 4's line is the centre itself.
 */
const RULES: readonly { rule: WesternElectricRule; window: number; needed: number; line: number }[] = [
  { rule: 1, window: 1, needed: 1, line: 3 },
  { rule: 2, window: 3, needed: 2, line: 2 },
  { rule: 3, window: 5, needed: 4, line: 1 },
  { rule: 4, window: 8, needed: 8, line: 0 },
];

const sideOf = (z: number, line: number): Side | null => (z > line ? 'above' : z < -line ? 'below' : null);

/**
 * The Western Electric alerts on a series of z-scores (`null` = missing point, skipped). Exposed so
 * that rules can be checked on hand-made series; `westernElectricAlerts` is the usual entry point.
 * A window near the start of the series holds fewer points (two beyond 2σ among the first two
 * points already is "2 of 3"), but a rule never fires with fewer than `needed` points.
 */
export const westernElectricAlertsFromScores = (
  scores: readonly (number | null)[],
  keys?: readonly string[],
): WesternElectricAlert[] => {
  if (keys !== undefined && keys.length !== scores.length)
    throw new ControlChartInputError(
      'keys',
      undefined,
      `has ${keys.length} keys for ${scores.length} points`,
    );
  const present: { index: number; z: number }[] = [];
  scores.forEach((z, index) => {
    if (z === null) return;
    if (Number.isNaN(z)) throw new ControlChartInputError('points', index, 'score is not a number');
    present.push({ index, z });
  });

  const alerts: WesternElectricAlert[] = [];
  for (const { rule, window, needed, line } of RULES) {
    // The open episode per side: its alert and every point any of its patterns involved.
    const open: Record<Side, { alert: WesternElectricAlert; points: Set<number>; last: number } | null> = {
      above: null,
      below: null,
    };
    for (let j = 0; j < present.length; j++) {
      const side = sideOf(present[j]!.z, line);
      if (side === null) continue;
      const involved = present
        .slice(Math.max(0, j - window + 1), j + 1)
        .filter((p) => sideOf(p.z, line) === side)
        .map((p) => p.index);
      if (involved.length < needed) continue;
      const index = present[j]!.index;
      const episode = open[side];
      // The same episode while its patterns share a point, or follow on from its last point
      // without a gap (three months in a row beyond 3σ are one drift, not three).
      const start = present.findIndex((p) => p.index === involved[0]);
      if (episode && (involved.some((i) => episode.points.has(i)) || start === episode.last + 1)) {
        episode.alert.lastIndex = index;
        involved.forEach((i) => episode.points.add(i));
        episode.last = j;
        continue;
      }
      const first = involved[0]!;
      const alert: WesternElectricAlert = {
        id: `we${rule}:${side}:${keys?.[first] ?? String(first)}`,
        rule,
        side,
        index,
        involved,
        lastIndex: index,
      };
      alerts.push(alert);
      open[side] = { alert, points: new Set(involved), last: j };
    }
  }
  return alerts.sort((a, b) => a.index - b.index || a.rule - b.rule);
};

/**
 * The Western Electric alerts on a series evaluated against limits from `pChartLimits` (ratio
 * points) or `individualsChartLimits` (plain values). `keys` (e.g. period ids, one per point) make
 * the alert ids independent of where the series starts.
 */
export const westernElectricAlerts = (input: WesternElectricInput): WesternElectricAlert[] =>
  westernElectricAlertsFromScores(controlScores(input), input.keys);
