import type { Duration, Pause, WorkingCalendar } from '../calendar/working-time.js';
import { addWorkingTime, measureWorkingTime, parseDuration } from '../calendar/working-time.js';
import type { CaseTypeDefinition } from './case-type.schema.js';
import { limitsFor } from './case-type.schema.js';

/*
 * SLA clocks from the event history: pure, so a change of category or priority, a late pause
 * or a reopening is a recomputation from the same events, never an adjustment of stored values.
 * A clock's limit is the one the case's current category × priority gives; it counts from the
 * event the clock starts at, in its calendar's working time, minus the time spent paused.
 */

/** The events that matter to clocks, as stored in case_events (kind + instant). */
export type SlaEvent = { kind: string; at: number };

export type ClockState = {
  key: string;
  /** 1, then +1 per reopening for a clock that stops at resolution (it restarts as rework). */
  cycle: number;
  limitText: string;
  /** running / paused: still counting; met / breached: stopped in / after time; cancelled. */
  state: 'running' | 'paused' | 'met' | 'breached' | 'cancelled';
  startedAt: Date;
  dueAt: Date;
  /** When `atRiskShare` of the limit has elapsed. */
  atRiskAt: Date;
  stoppedAt: Date | null;
  /** Time the clock stood still: working time, or calendar time for a calendar-time limit. */
  pausedMs: number;
};

/** Stages in order: a clock stops at its stage or any later one (resolved without arriving stops arrival too). */
const stages = ['created', 'assigned', 'accepted', 'started', 'resolved'] as const;
const stageOf = (kind: string): number => stages.indexOf(kind as (typeof stages)[number]);

/** Events that end a pause besides `resumed`: the case left the paused status. */
const pauseEnders = new Set(['resumed', 'assigned', 'resolved', 'cancelled', 'reopened']);

/** Whether the case is paused after the last event (a pause with no end yet). */
export const isPaused = (events: readonly SlaEvent[]): boolean => {
  let open = false;
  for (const e of events) {
    if (e.kind === 'paused') open = true;
    else if (pauseEnders.has(e.kind)) open = false;
  }
  return open;
};

/** Pause intervals [start, end) from the events; an open pause ends at `now`. */
export const pausesOf = (events: readonly SlaEvent[], now: number): Array<{ start: number; end: number }> => {
  const pauses: Array<{ start: number; end: number }> = [];
  let open: number | null = null;
  for (const e of events) {
    if (e.kind === 'paused' && open === null) open = e.at;
    else if (open !== null && pauseEnders.has(e.kind)) {
      pauses.push({ start: open, end: e.at });
      open = null;
    }
  }
  if (open !== null) pauses.push({ start: open, end: Math.max(open, now) });
  return pauses;
};

const clip = (pauses: ReadonlyArray<{ start: number; end: number }>, from: number, to: number): Pause[] =>
  pauses
    .map((p) => ({ start: Math.max(p.start, from), end: Math.min(p.end, to) }))
    .filter((p) => p.end > p.start);

const measureIn = (
  calendar: WorkingCalendar,
  duration: Duration,
  start: number,
  end: number,
  pauses: Pause[],
) =>
  duration.kind === 'calendar'
    ? end - start - pauses.reduce((sum, p) => sum + (Number(p.end) - Number(p.start)), 0)
    : measureWorkingTime({ calendar, start, end, pauses });

export type ComputeClocksInput = {
  type: Pick<CaseTypeDefinition, 'clocks' | 'limits' | 'categories' | 'calendar' | 'atRiskShare'>;
  categoryKey: string;
  priorityKey: string;
  /** The case's events in order. */
  events: readonly SlaEvent[];
  calendarOf: (code: string) => WorkingCalendar;
  now: number;
};

/**
 * The state of every clock of the case that has started and has a limit for its category ×
 * priority; a clock that stops at resolution has one entry per cycle (the last is current).
 */
export const computeClocks = ({
  type,
  categoryKey,
  priorityKey,
  events,
  calendarOf,
  now,
}: ComputeClocksInput): ClockState[] => {
  const limits = limitsFor(type, { category: categoryKey, priority: priorityKey });
  const allPauses = pausesOf(events, now);
  const paused = isPaused(events);
  const reopenings = events.filter((e) => e.kind === 'reopened');
  const cancelled = events.find((e) => e.kind === 'cancelled');
  const states: ClockState[] = [];
  for (const clock of type.clocks) {
    const limitText = limits[clock.key];
    if (!limitText) continue; // no limit for this category × priority: the clock is not kept
    const calendar = calendarOf(clock.calendar ?? type.calendar);
    const duration = parseDuration(limitText);
    // A clock that stops at resolution runs again after each reopening (rework): one cycle each.
    const restarts = clock.stopsAt === 'resolved';
    const cycles = restarts ? 1 + reopenings.length : 1;
    for (let cycle = 1; cycle <= cycles; cycle++) {
      const cycleStart = cycle > 1 ? reopenings[cycle - 2]! : null;
      const cycleEnd = restarts && cycle <= reopenings.length ? reopenings[cycle - 1]!.at : Infinity;
      const inCycle = events.filter((e) => e.at >= (cycleStart?.at ?? -Infinity) && e.at <= cycleEnd);
      const start = cycleStart ?? inCycle.find((e) => stageOf(e.kind) >= stageOf(clock.startsAt));
      if (!start) continue; // not started yet
      // A history that went past the stop stage without the start stage (an imported closed case
      // with no assignment) never ran this clock.
      if (!cycleStart && stageOf(start.kind) >= stageOf(clock.stopsAt)) continue;
      const startIndex = inCycle.indexOf(start);
      const stop = inCycle.find(
        (e, i) => i > startIndex && e.kind !== 'reopened' && stageOf(e.kind) >= stageOf(clock.stopsAt),
      );
      const cancel = !stop && cancelled && cancelled.at >= start.at ? cancelled : undefined;
      const end = stop?.at ?? cancel?.at ?? now;
      const pauses = clip(allPauses, start.at, end);
      const dueAt = addWorkingTime({ calendar, start: start.at, duration, pauses });
      // The limit as an amount of time in the clock's own measure, to find the at-risk instant.
      const limitMs =
        duration.kind === 'workingDays'
          ? measureWorkingTime({
              calendar,
              start: start.at,
              end: addWorkingTime({ calendar, start: start.at, duration }),
            })
          : duration.ms;
      const riskKind = duration.kind === 'calendar' ? 'calendar' : 'working';
      const atRiskAt = addWorkingTime({
        calendar,
        start: start.at,
        duration: { kind: riskKind, ms: Math.round(limitMs * type.atRiskShare) },
        pauses,
      });
      const pausedMs = pauses.length
        ? measureIn(calendar, duration, start.at, end, []) -
          measureIn(calendar, duration, start.at, end, pauses)
        : 0;
      const pausedNow = !stop && !cancel && paused;
      states.push({
        key: clock.key,
        cycle,
        limitText,
        state: stop
          ? stop.at <= dueAt.getTime()
            ? 'met'
            : 'breached'
          : cancel
            ? 'cancelled'
            : pausedNow
              ? 'paused'
              : 'running',
        startedAt: new Date(start.at),
        dueAt,
        atRiskAt,
        stoppedAt: stop ? new Date(stop.at) : cancel ? new Date(cancel.at) : null,
        pausedMs,
      });
    }
  }
  return states;
};

/**
 * Working time from registration to the latest resolution, minus paused working time: the
 * "resolution time" of the figures. Null while the case is not resolved.
 */
export const resolutionWorkingMs = ({
  events,
  calendar,
}: {
  events: readonly SlaEvent[];
  calendar: WorkingCalendar;
}): number | null => {
  const created = events.find((e) => e.kind === 'created');
  const resolved = events.findLast((e) => e.kind === 'resolved');
  if (!created || !resolved) return null;
  const pauses = clip(pausesOf(events, resolved.at), created.at, resolved.at);
  return measureWorkingTime({ calendar, start: created.at, end: resolved.at, pauses });
};

/** How a running clock looks at `now`, for lists and the case page. */
export const clockStatusAt = (
  clock: Pick<ClockState, 'state' | 'dueAt' | 'atRiskAt'>,
  now: number,
): 'met' | 'breached' | 'cancelled' | 'paused' | 'overdue' | 'at_risk' | 'on_track' => {
  if (clock.state === 'met' || clock.state === 'breached' || clock.state === 'cancelled') return clock.state;
  // A paused clock stands still: its stored due time moves on with the pause, so it is never overdue.
  if (clock.state === 'paused') return 'paused';
  if (now > clock.dueAt.getTime()) return 'overdue';
  return now >= clock.atRiskAt.getTime() ? 'at_risk' : 'on_track';
};
