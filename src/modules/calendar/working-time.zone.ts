// Time-zone arithmetic with the built-in Intl (Node ships full ICU): only used while compiling a
// calendar year, never on the hot path of adding or measuring, so no date library is needed.
import { HOUR_MS } from './working-time.duration.js';

/** The UTC offset in ms (local − UTC) of a zone at an instant. */
export type OffsetAt = (instantMs: number) => number;

export const offsetFunction = (timeZone: string): OffsetAt => {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (instantMs) => {
    const seconds = Math.floor(instantMs / 1000) * 1000;
    const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    for (const part of format.formatToParts(seconds))
      if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
    const { year, month, day, hour, minute, second } = fields;
    return Date.UTC(year, month - 1, day, hour, minute, second) - seconds;
  };
};

/** Maps a wall-clock time (ms as if it were UTC) to an instant. */
export type WallResolver = (wallMs: number) => number;

/**
 * The resolver for the wall-clock times of one local date (`wallMidnight` = its 00:00 as if UTC),
 * with the rules of Temporal's `compatible` disambiguation: a time repeated when clocks fall back
 * is the earlier instant; a time skipped when clocks spring forward is moved forward by the
 * length of the gap (so a range that starts in the gap and ends just after it becomes empty,
 * as biz and Odoo skip it). Days without a transition nearby take the fast path.
 */
export const dayResolver = (offsetAt: OffsetAt, wallMidnight: number): WallResolver => {
  // Instants of a local date lie within [midnight − 14h, midnight + 24h + 12h] for any zone.
  const before = offsetAt(wallMidnight - 15 * HOUR_MS);
  const after = offsetAt(wallMidnight + 37 * HOUR_MS);
  if (before === after) return (wall) => wall - before;
  return (wall) => {
    const withBefore = wall - before;
    const withAfter = wall - after;
    const beforeValid = offsetAt(withBefore) === before;
    const afterValid = offsetAt(withAfter) === after;
    if (beforeValid && afterValid) return Math.min(withBefore, withAfter);
    if (afterValid) return withAfter;
    // Valid with the offset before the transition, or in a gap: that offset moves it past the gap.
    return withBefore;
  };
};
