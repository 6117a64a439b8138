// Compiles a calendar definition into working intervals, one block per local year, built on first
// use and cached. All the rules of the calendar (weekly hours, holidays, overrides, breaks, leaves,
// time zone and DST) are applied here once; the operations only search sorted arrays.
import { DAY_MS, MINUTE_MS } from './working-time.duration.js';
import { CalendarCoverageError } from './working-time.errors.js';
import { minutesOf, ZCalendarDefinition } from './working-time.schema.js';
import type { CalendarDefinition, Weekday } from './working-time.schema.js';
import { dayResolver, offsetFunction } from './working-time.zone.js';
import type { OffsetAt, WallResolver } from './working-time.zone.js';

/** The working time of one local year, as sorted, disjoint [start, end) UTC instants in ms. */
export type YearBlock = {
  readonly year: number;
  /** Local midnight of 1 January, and of 1 January of the next year. */
  readonly startMs: number;
  readonly endMs: number;
  readonly days: number;
  /** Local midnight of each day of the year (0-based); `dayStart[days]` is `endMs`. */
  readonly dayStart: Float64Array;
  /** The intervals of day d are `dayFirst[d]` … `dayFirst[d + 1] − 1`. */
  readonly dayFirst: Int32Array;
  /** Working days before day d; `dayRank[days]` is the number of working days of the year. */
  readonly dayRank: Int32Array;
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  /** Working ms before interval i; `cum[n]` is the working time of the year. */
  readonly cum: Float64Array;
  readonly total: number;
};

/** A validated calendar with its lazily compiled years. Build it with `compileCalendar`. */
export type WorkingCalendar = {
  readonly definition: CalendarDefinition;
  readonly offsetAt: OffsetAt;
  /** The block of a local year; throws `CalendarCoverageError` outside the coverage. */
  readonly year: (year: number) => YearBlock;
  /** The block whose span holds the instant: start ≤ t < end. */
  readonly yearAt: (t: number) => YearBlock;
  /** The block whose span holds the instant as an end point: start < t ≤ end. */
  readonly yearEndingAt: (t: number) => YearBlock;
  /** Wall-clock time of a local date → instant (DST rules of `dayResolver`). */
  readonly resolveWall: (date: string, minutes: number) => number;
};

/** An instant: a Date or epoch milliseconds. */
export type Instant = Date | number;
/** A working segment: [start, end) of uninterrupted working time. */
export type WorkingSegment = { start: Date; end: Date };
export type Direction = 'forward' | 'backward';

export const toMs = (instant: Instant): number => {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('Invalid instant');
  return ms;
};

/** Consecutive years without any working time after which a search gives up. */
export const EMPTY_YEARS_LIMIT = 10;
export const noWorkingTime = (year: number): RangeError =>
  new RangeError(`The calendar has no working time in the ${EMPTY_YEARS_LIMIT} years around ${year}`);

const weekdayOfUtcDay: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const AVERAGE_YEAR_MS = 31_556_952_000;

export const dateOfWall = (wallMs: number): string => new Date(wallMs).toISOString().slice(0, 10);
export const wallOfDate = (date: string): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));

/** Sorts ranges given as a flat [s0, e0, s1, e1, …] list and merges overlapping or touching ones. */
export const normalizeRanges = (flat: readonly number[]): number[] => {
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2)
    if (flat[i]! < flat[i + 1]!) pairs.push([flat[i]!, flat[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [start, end] of pairs) {
    if (out.length && start <= out[out.length - 1]!)
      out[out.length - 1] = Math.max(out[out.length - 1]!, end);
    else out.push(start, end);
  }
  return out;
};

/** Ranges minus cuts; both flat, sorted and disjoint. */
export const subtractRanges = (ranges: readonly number[], cuts: ArrayLike<number>): number[] => {
  const out: number[] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    let start = ranges[i]!;
    const end = ranges[i + 1]!;
    for (let j = 0; j < cuts.length && start < end; j += 2) {
      const cutStart = cuts[j]!;
      const cutEnd = cuts[j + 1]!;
      if (cutEnd <= start) continue;
      if (cutStart >= end) break;
      if (cutStart > start) out.push(start, cutStart);
      start = Math.max(start, cutEnd);
    }
    if (start < end) out.push(start, end);
  }
  return out;
};

const minuteRanges = (hours: readonly (readonly [string, string])[]): number[] =>
  normalizeRanges(hours.flatMap(([start, end]) => [minutesOf(start), minutesOf(end)]));

/** Validates the definition and prepares the per-year compilation; no year is compiled yet. */
export const compileCalendar = (input: CalendarDefinition): WorkingCalendar => {
  const definition = ZCalendarDefinition.parse(input);
  const { coverage } = definition;
  const offsetAt = offsetFunction(definition.timeZone);
  const weekly = Object.fromEntries(
    Object.entries(definition.weekly).map(([day, hours]) => [day, minuteRanges(hours)]),
  ) as Record<Weekday, number[]>;
  const overrides = new Map((definition.dateOverrides ?? []).map((o) => [o.date, minuteRanges(o.hours)]));
  const breaks = new Map<string, number[]>();
  for (const b of definition.dateBreaks ?? [])
    breaks.set(b.date, [...(breaks.get(b.date) ?? []), minutesOf(b.start), minutesOf(b.end)]);
  for (const [date, ranges] of breaks) breaks.set(date, normalizeRanges(ranges));
  const leaves = normalizeRanges(
    (definition.leaves ?? []).flatMap((l) => [Date.parse(l.start), Date.parse(l.end)]),
  );

  const yearStarts = new Map<number, number>();
  const yearStart = (year: number): number => {
    let start = yearStarts.get(year);
    if (start === undefined) {
      const wall = Date.UTC(year, 0, 1);
      start = dayResolver(offsetAt, wall)(wall);
      yearStarts.set(year, start);
    }
    return start;
  };

  /** Flags the holidays of a year (1 = closed unless overridden). */
  const holidayFlags = (year: number, days: number): Uint8Array => {
    const flags = new Uint8Array(days);
    const jan1 = Date.UTC(year, 0, 1);
    for (const holiday of definition.holidays ?? []) {
      if (holiday.yearly) {
        const from = holiday.from.slice(5);
        const to = holiday.to.slice(5);
        for (let d = 0; d < days; d++) {
          const monthDay = dateOfWall(jan1 + d * DAY_MS).slice(5);
          if (from <= to ? monthDay >= from && monthDay <= to : monthDay >= from || monthDay <= to)
            flags[d] = 1;
        }
      } else {
        const first = Math.max(0, (wallOfDate(holiday.from) - jan1) / DAY_MS);
        const last = Math.min(days - 1, (wallOfDate(holiday.to) - jan1) / DAY_MS);
        for (let d = first; d <= last; d++) flags[d] = 1;
      }
    }
    return flags;
  };

  const buildYear = (year: number): YearBlock => {
    const jan1 = Date.UTC(year, 0, 1);
    const days = (Date.UTC(year + 1, 0, 1) - jan1) / DAY_MS;
    const closed = holidayFlags(year, days);
    const resolvers: WallResolver[] = [];
    const dayStart = new Float64Array(days + 1);
    for (let d = 0; d < days; d++) {
      resolvers.push(dayResolver(offsetAt, jan1 + d * DAY_MS));
      dayStart[d] = resolvers[d]!(jan1 + d * DAY_MS);
    }
    dayStart[days] = yearStart(year + 1);
    const dayFirst = new Int32Array(days + 1);
    const dayRank = new Int32Array(days + 1);
    const flat: number[] = [];
    let leaf = 0;
    for (let d = 0; d < days; d++) {
      const wall = jan1 + d * DAY_MS;
      const date = dateOfWall(wall);
      const weekday = weekdayOfUtcDay[new Date(wall).getUTCDay()]!;
      let minutes = overrides.get(date) ?? (closed[d] ? [] : weekly[weekday]);
      const cuts = breaks.get(date);
      if (cuts) minutes = subtractRanges(minutes, cuts);
      const resolve = resolvers[d]!;
      const low = dayStart[d]!;
      const high = dayStart[d + 1]!;
      // Clamped to the day so that a DST oddity can never make days overlap.
      let instants = normalizeRanges(
        minutes.map((m) => Math.min(high, Math.max(low, resolve(wall + m * MINUTE_MS)))),
      );
      while (leaf < leaves.length && leaves[leaf + 1]! <= low) leaf += 2;
      if (leaf < leaves.length && leaves[leaf]! < high)
        instants = subtractRanges(instants, leaves.slice(leaf));
      dayFirst[d] = flat.length / 2;
      dayRank[d + 1] = dayRank[d]! + (instants.length ? 1 : 0);
      for (const value of instants) flat.push(value);
    }
    const n = flat.length / 2;
    dayFirst[days] = n;
    const starts = new Float64Array(n);
    const ends = new Float64Array(n);
    const cum = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      starts[i] = flat[2 * i]!;
      ends[i] = flat[2 * i + 1]!;
      cum[i + 1] = cum[i]! + ends[i]! - starts[i]!;
    }
    return {
      year,
      startMs: dayStart[0]!,
      endMs: dayStart[days]!,
      days,
      dayStart,
      dayFirst,
      dayRank,
      starts,
      ends,
      cum,
      total: cum[n]!,
    };
  };

  const blocks = new Map<number, YearBlock>();
  const yearBlock = (year: number): YearBlock => {
    let block = blocks.get(year);
    if (block) return block;
    if (coverage && (year < coverage.fromYear || year > coverage.toYear))
      throw new CalendarCoverageError(year, coverage);
    if (year < 1900 || year > 9999) throw new RangeError(`The year ${year} is out of range`);
    block = buildYear(year);
    blocks.set(year, block);
    return block;
  };

  // The last block used: most calls of a run fall into the same year.
  let last: YearBlock | undefined;
  const yearAt = (t: number): YearBlock => {
    if (last && t >= last.startMs && t < last.endMs) return last;
    let year = 1970 + Math.floor(t / AVERAGE_YEAR_MS);
    while (t < yearStart(year)) year--;
    while (t >= yearStart(year + 1)) year++;
    return (last = yearBlock(year));
  };
  const yearEndingAt = (t: number): YearBlock => {
    if (last && t > last.startMs && t <= last.endMs) return last;
    let year = 1970 + Math.floor(t / AVERAGE_YEAR_MS);
    while (t <= yearStart(year)) year--;
    while (t > yearStart(year + 1)) year++;
    return (last = yearBlock(year));
  };
  const resolveWall = (date: string, minutes: number): number => {
    const wall = wallOfDate(date);
    return dayResolver(offsetAt, wall)(wall + minutes * MINUTE_MS);
  };

  return { definition, offsetAt, year: yearBlock, yearAt, yearEndingAt, resolveWall };
};

/** Largest i in [0, n) with a[i] ≤ x, or −1. */
export const lastAtMost = (a: Float64Array | Int32Array, n: number, x: number): number => {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
};

/** Smallest i in [0, n) with a[i] ≥ x, or n. */
export const firstAtLeast = (a: Float64Array | Int32Array, n: number, x: number): number => {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/**
 * The working day `delta` (≠ 0) working days after day `day` of `block` (the day itself not
 * counted), as its block and day index.
 */
export const shiftWorkingDays = (
  calendar: WorkingCalendar,
  block: YearBlock,
  day: number,
  delta: number,
): [YearBlock, number] => {
  // 0-based rank, among the working days of the block, of the day we are looking for.
  let rank = delta > 0 ? block.dayRank[day + 1]! + delta - 1 : block.dayRank[day]! + delta;
  let current = block;
  let empty = 0;
  while (rank >= current.dayRank[current.days]!) {
    rank -= current.dayRank[current.days]!;
    empty = current.total === 0 ? empty + 1 : 0;
    if (empty >= EMPTY_YEARS_LIMIT) throw noWorkingTime(current.year);
    current = calendar.year(current.year + 1);
  }
  while (rank < 0) {
    current = calendar.year(current.year - 1);
    rank += current.dayRank[current.days]!;
    empty = current.total === 0 ? empty + 1 : 0;
    if (empty >= EMPTY_YEARS_LIMIT) throw noWorkingTime(current.year);
  }
  // The first day with rank + 1 working days up to and including it.
  return [current, firstAtLeast(current.dayRank, current.days + 1, rank + 1) - 1];
};
