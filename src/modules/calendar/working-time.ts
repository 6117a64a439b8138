// The clock maths for SLA due times: pure functions over a compiled calendar (no database, no
// clock). Adding and measuring never walk minute by minute: each compiled year keeps the
// cumulative working time of its intervals, so both are two binary searches plus a jump over
// whole years when a duration is longer than what is left of the year.
import {
  EMPTY_YEARS_LIMIT,
  firstAtLeast,
  lastAtMost,
  noWorkingTime,
  shiftWorkingDays,
  toMs,
} from './working-time.intervals.js';
import type {
  Direction,
  Instant,
  WorkingCalendar,
  WorkingSegment,
  YearBlock,
} from './working-time.intervals.js';
import type { Duration } from './working-time.duration.js';

export { compileCalendar } from './working-time.intervals.js';
export type { WorkingCalendar } from './working-time.intervals.js';
export { CalendarCoverageError, DurationSyntaxError } from './working-time.errors.js';
export { ZCalendarDefinition, weekdays } from './working-time.schema.js';
export type { CalendarDefinition, Weekday } from './working-time.schema.js';
export { formatDuration, parseDuration, ZDuration, ZDurationText } from './working-time.duration.js';
export type { Duration } from './working-time.duration.js';
export { describeDay, describeInstant, isWorkingDay, workingDayOffset } from './working-time.days.js';
export type { DayDescription, InstantDescription } from './working-time.days.js';

export type { Direction, Instant, WorkingSegment } from './working-time.intervals.js';
/** An interval during which the SLA clock is stopped (e.g. 挂起, waiting for the customer). */
export type Pause = { start: Instant; end: Instant };

/** Working ms of the block before instant t (t inside or at an end of the block's span). */
const positionIn = (block: YearBlock, t: number): number => {
  const i = lastAtMost(block.starts, block.starts.length, t);
  if (i < 0) return 0;
  return block.cum[i]! + Math.min(t - block.starts[i]!, block.ends[i]! - block.starts[i]!);
};

/** The instant after `ms` > 0 of working time from t; running out at a close ends AT the close. */
const addForward = (calendar: WorkingCalendar, t: number, ms: number): number => {
  let block = calendar.yearAt(t);
  let target = positionIn(block, t) + ms;
  let empty = 0;
  while (target > block.total) {
    target -= block.total;
    empty = block.total === 0 ? empty + 1 : 0;
    if (empty >= EMPTY_YEARS_LIMIT) throw noWorkingTime(block.year - empty + 1);
    block = calendar.year(block.year + 1);
  }
  const j = firstAtLeast(block.cum, block.cum.length, target) - 1;
  return block.starts[j]! + (target - block.cum[j]!);
};

/** The instant `ms` > 0 of working time before t; running out at an opening ends AT the opening. */
const addBackward = (calendar: WorkingCalendar, t: number, ms: number): number => {
  let block = calendar.yearEndingAt(t);
  let target = positionIn(block, t) - ms;
  let empty = 0;
  while (target < 0) {
    block = calendar.year(block.year - 1);
    target += block.total;
    empty = block.total === 0 ? empty + 1 : 0;
    if (empty >= EMPTY_YEARS_LIMIT) throw noWorkingTime(block.year);
  }
  const j = lastAtMost(block.cum, block.starts.length, target);
  return block.starts[j]! + (target - block.cum[j]!);
};

/** Working ms in [a, b]; 0 when b ≤ a. */
const measure = (calendar: WorkingCalendar, a: number, b: number): number => {
  if (b <= a) return 0;
  const first = calendar.yearAt(a);
  const lastBlock = calendar.yearEndingAt(b);
  if (first === lastBlock) return positionIn(first, b) - positionIn(first, a);
  let sum = first.total - positionIn(first, a) + positionIn(lastBlock, b);
  for (let year = first.year + 1; year < lastBlock.year; year++) sum += calendar.year(year).total;
  return sum;
};

/** The segment of working time at or after t (clipped at t), or before t (clipped at t). */
const segmentAround = (
  calendar: WorkingCalendar,
  t: number,
  direction: Direction,
): [number, number] | null => {
  let empty = 0;
  if (direction === 'forward') {
    let block = calendar.yearAt(t);
    // The first interval still running after t: ends[i] > t.
    let i = lastAtMost(block.ends, block.ends.length, t) + 1;
    while (i >= block.ends.length) {
      empty = block.total === 0 ? empty + 1 : 0;
      if (empty >= EMPTY_YEARS_LIMIT) return null;
      block = calendar.year(block.year + 1);
      i = 0;
    }
    return [Math.max(t, block.starts[i]!), block.ends[i]!];
  }
  let block = calendar.yearEndingAt(t);
  // The last interval that began before t: starts[i] < t.
  let i = firstAtLeast(block.starts, block.starts.length, t) - 1;
  while (i < 0) {
    block = calendar.year(block.year - 1);
    i = block.starts.length - 1;
    empty = block.total === 0 ? empty + 1 : 0;
    if (empty >= EMPTY_YEARS_LIMIT) return null;
  }
  return [block.starts[i]!, Math.min(t, block.ends[i]!)];
};

const isOpenAt = (calendar: WorkingCalendar, t: number): boolean => {
  const block = calendar.yearAt(t);
  const i = lastAtMost(block.starts, block.starts.length, t);
  return i >= 0 && t < block.ends[i]!;
};

/** Sorted, merged pauses as a flat [s0, e0, …] list. */
const mergePauses = (pauses: readonly Pause[]): number[] => {
  const pairs = pauses.map((p) => [toMs(p.start), toMs(p.end)] as const).filter(([s, e]) => s < e);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [s, e] of pairs) {
    if (out.length && s <= out[out.length - 1]!) out[out.length - 1] = Math.max(out[out.length - 1]!, e);
    else out.push(s, e);
  }
  return out;
};

type Clock = { measure: (a: number, b: number) => number; add: (t: number, ms: number) => number };

/** Adds `ms` ≥ 0 on a clock that stops during the pauses (working or calendar time alike). */
const addPaused = (clock: Clock, t: number, ms: number, pauses: readonly number[]): number => {
  let cursor = t;
  let remaining = ms;
  for (let i = 0; i < pauses.length; i += 2) {
    const pauseStart = pauses[i]!;
    const pauseEnd = pauses[i + 1]!;
    if (pauseEnd <= cursor) continue;
    if (pauseStart > cursor) {
      const available = clock.measure(cursor, pauseStart);
      // Exactly used up at the pause start: done there (a zero duration goes on to the next running instant).
      if (available > remaining || (available === remaining && remaining > 0)) break;
      remaining -= available;
    }
    cursor = pauseEnd;
  }
  return clock.add(cursor, remaining);
};

const workingClock = (calendar: WorkingCalendar): Clock => ({
  measure: (a, b) => measure(calendar, a, b),
  add: (t, ms) => addWorking(calendar, t, ms),
});
const calendarClock: Clock = { measure: (a, b) => Math.max(0, b - a), add: (t, ms) => t + ms };

/** Working time from t; 0 gives the next working instant (t itself when t is working time). */
const addWorking = (calendar: WorkingCalendar, t: number, ms: number): number => {
  if (ms > 0) return addForward(calendar, t, ms);
  if (ms < 0) return addBackward(calendar, t, -ms);
  if (isOpenAt(calendar, t)) return t;
  const next = segmentAround(calendar, t, 'forward');
  if (!next) throw noWorkingTime(calendar.yearAt(t).year);
  return next[0];
};

/** Close of business of the day `days` working days after (or, negative, opening of the day before) t's date. */
const addWorkingDays = (calendar: WorkingCalendar, t: number, days: number): number => {
  const block = calendar.yearAt(t);
  const day = lastAtMost(block.dayStart, block.days, t);
  const isWorking = block.dayRank[day + 1]! > block.dayRank[day]!;
  if (days === 0 && isWorking && t < block.ends[block.dayFirst[day + 1]! - 1]!)
    return block.ends[block.dayFirst[day + 1]! - 1]!;
  const [target, index] = shiftWorkingDays(calendar, block, day, days === 0 ? 1 : days);
  return days < 0 ? target.starts[target.dayFirst[index]!]! : target.ends[target.dayFirst[index + 1]! - 1]!;
};

const backwardPauses = () => new RangeError('Pauses can only be applied to forward durations');

/**
 * The due instant of a duration from `start`.
 * - `working`: a start outside working hours counts from the next opening; a duration that runs
 *   out exactly at closing time ends at that closing instant, not at the next opening. Negative
 *   durations go backwards (and end at an opening instant when they run out there). Zero gives the
 *   next working instant (t itself during working hours); for the previous one use `nextOpening`
 *   backwards.
 * - `workingDays`: close of business of the N-th working day after the start's local date (the
 *   start date is never counted, as in 民法典 art. 201); negative N gives the opening of the N-th
 *   working day before; 0 is close of business of the start's day if still ahead, else of the next
 *   working day.
 * - `calendar`: plain milliseconds.
 * Pauses stop the clock: their working time (calendar time for `calendar`) does not count; for
 * `workingDays` the day-based due is pushed out by the working time paused before it.
 */
export const addWorkingTime = ({
  calendar,
  start,
  duration,
  pauses,
}: {
  calendar: WorkingCalendar;
  start: Instant;
  duration: Duration;
  pauses?: readonly Pause[];
}): Date => {
  const t = toMs(start);
  const merged = pauses?.length ? mergePauses(pauses) : undefined;
  if (duration.kind === 'workingDays') {
    if (!Number.isInteger(duration.days)) throw new RangeError('Working days must be a whole number');
    if (merged && duration.days < 0) throw backwardPauses();
    const due = addWorkingDays(calendar, t, duration.days);
    if (!merged) return new Date(due);
    // The clock stopped during the pauses: the working time still owed is what it was without them.
    const owed = measure(calendar, t, due);
    return new Date(owed > 0 ? addPaused(workingClock(calendar), t, owed, merged) : due);
  }
  const ms = Math.round(duration.ms);
  if (!Number.isFinite(ms)) throw new RangeError('The duration must be a finite number of milliseconds');
  if (merged && ms < 0) throw backwardPauses();
  if (duration.kind === 'calendar')
    return new Date(merged ? addPaused(calendarClock, t, ms, merged) : t + ms);
  if (merged) return new Date(addPaused(workingClock(calendar), t, ms, merged));
  return new Date(addWorking(calendar, t, ms));
};

/** Working ms between two instants (0 when end ≤ start), minus the working time inside the pauses. */
export const measureWorkingTime = ({
  calendar,
  start,
  end,
  pauses,
}: {
  calendar: WorkingCalendar;
  start: Instant;
  end: Instant;
  pauses?: readonly Pause[];
}): number => {
  const a = toMs(start);
  const b = toMs(end);
  let total = measure(calendar, a, b);
  if (pauses?.length && total > 0) {
    const merged = mergePauses(pauses);
    for (let i = 0; i < merged.length; i += 2)
      total -= measure(calendar, Math.max(a, merged[i]!), Math.min(b, merged[i + 1]!));
  }
  return total;
};

/** Whether an instant is working time; segments are [opening, closing): the closing instant is not. */
export const isWorkingTime = ({ calendar, at }: { calendar: WorkingCalendar; at: Instant }): boolean =>
  isOpenAt(calendar, toMs(at));

/**
 * The working segment at or after `at` (forward, its start clipped to `at`), or the last one that
 * began before `at` (backward, its end clipped to `at`); null when a calendar without coverage
 * has no working time for years.
 */
export const nextOpening = ({
  calendar,
  at,
  direction = 'forward',
}: {
  calendar: WorkingCalendar;
  at: Instant;
  direction?: Direction;
}): WorkingSegment | null => {
  const segment = segmentAround(calendar, toMs(at), direction);
  return segment && { start: new Date(segment[0]), end: new Date(segment[1]) };
};
