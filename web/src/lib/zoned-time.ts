// Wall-clock times of a calendar's time zone, whatever zone the browser is in. A working calendar
// lives in its own zone (Asia/Shanghai): 09:00 there is 09:00 for every user of the calendar.

/** A local date and time of day, as read on a clock on the wall; `month` is 1–12. */
export type WallTime = { year: number; month: number; day: number; hour: number; minute: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** The wall-clock time in `timeZone` at an instant (seconds dropped). */
export const wallTimeAt = (instant: Date, timeZone: string): WallTime & { second: number } => {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year'] ?? 1970,
    month: parts['month'] ?? 1,
    day: parts['day'] ?? 1,
    hour: (parts['hour'] ?? 0) % 24,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
  };
};

/** Minutes the zone is ahead of UTC at an instant (Asia/Shanghai: 480). */
export const zoneOffsetMinutes = (instant: Date, timeZone: string): number => {
  const w = wallTimeAt(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((asUtc - whole) / 60_000);
};

const pad = (n: number, width = 2): string => String(Math.abs(n)).padStart(width, '0');

/** `+08:00`, `-05:00`, `+00:00`. */
export const formatOffset = (minutes: number): string =>
  `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;

/**
 * The ISO string with offset of a wall-clock time in `timeZone`, e.g. 17:00 in Asia/Shanghai →
 * `2026-12-03T17:00:00+08:00`. In a daylight-saving gap the time moves forward, as clocks do.
 */
export const wallTimeToIso = (wall: WallTime, timeZone: string): string => {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const guess = zoneOffsetMinutes(new Date(naive), timeZone);
  const first = naive - guess * 60_000;
  const second = naive - zoneOffsetMinutes(new Date(first), timeZone) * 60_000;
  const matches = (instant: number) => {
    const w = wallTimeAt(new Date(instant), timeZone);
    return w.hour === wall.hour && w.minute === wall.minute && w.day === wall.day;
  };
  // Neither matches only in a gap (clocks jumped forward): take the later instant.
  const at = new Date(matches(second) ? second : matches(first) ? first : Math.max(first, second));
  const w = wallTimeAt(at, timeZone);
  const date = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
  return `${date}T${pad(w.hour)}:${pad(w.minute)}:00${formatOffset(zoneOffsetMinutes(at, timeZone))}`;
};

/** `YYYY-MM-DD HH:mm` of an instant on the clocks of `timeZone`. */
export const formatInZone = (instant: string | Date, timeZone: string): string => {
  const w = wallTimeAt(typeof instant === 'string' ? new Date(instant) : instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
};

/** `YYYY-MM-DD` of today on the clocks of `timeZone`. */
export const todayInZone = (timeZone: string, now: Date = new Date()): string => {
  const w = wallTimeAt(now, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
};

/* ---- Local dates `YYYY-MM-DD` (no time zone: a date of the calendar) ---- */

export const isoDate = (year: number, month: number, day: number): string =>
  `${pad(year, 4)}-${pad(month)}-${pad(day)}`;

export const daysInMonth = (year: number, month: number): number =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();

/** 0 = Monday … 6 = Sunday (the Chinese week starts on Monday). */
export const mondayIndex = (year: number, month: number, day: number): number =>
  (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;

export const mondayIndexOf = (date: string): number => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return mondayIndex(year, month, day);
};
