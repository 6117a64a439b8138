import type { grains } from './indicator.schema.js';

/*
 * Periods of an indicator's grain. A period is named by its first day (`YYYY-MM-DD`), which sorts
 * as text and is what the values table stores; labels (`2026-10`, `2026-Q4`, `2026-10 上旬`) are for
 * people. Days are reporting days (Asia/Shanghai), the days the case figures count in. Pure.
 *
 * - week: ISO weeks, Monday first;
 * - xun (旬): days 1–10, 11–20 and 21 to the month's end (上旬 / 中旬 / 下旬);
 * - quarter: January, April, July, October.
 */

export type Grain = (typeof grains)[number];

const dayMs = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const toUtc = (day: string) => {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`not a day: ${day}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    throw new RangeError(`not a day: ${day}`);
  return date;
};
const fromUtc = (date: Date) => date.toISOString().slice(0, 10);
const firstOf = (y: number, month0: number, d = 1) => fromUtc(new Date(Date.UTC(y, month0, d)));

/** True for a calendar day written `YYYY-MM-DD`. */
export const isDay = (text: string) => {
  try {
    toUtc(text);
    return true;
  } catch {
    return false;
  }
};

/** The first day of the period of `grain` holding `day`. */
export const periodStartOf = (grain: Grain, day: string): string => {
  const date = toUtc(day);
  const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()];
  switch (grain) {
    case 'day':
      return day;
    case 'week':
      // getUTCDay: Sunday 0 … Saturday 6; ISO weeks start on Monday.
      return fromUtc(new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * dayMs));
    case 'xun':
      return firstOf(y, m, d <= 10 ? 1 : d <= 20 ? 11 : 21);
    case 'month':
      return firstOf(y, m);
    case 'quarter':
      return firstOf(y, m - (m % 3));
    case 'year':
      return firstOf(y, 0);
  }
};

/** The first day of the period after the one starting on `start`. */
export const nextPeriodStart = (grain: Grain, start: string): string => {
  const date = toUtc(start);
  const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()];
  switch (grain) {
    case 'day':
      return fromUtc(new Date(date.getTime() + dayMs));
    case 'week':
      return fromUtc(new Date(date.getTime() + 7 * dayMs));
    case 'xun':
      return d === 1 ? firstOf(y, m, 11) : d === 11 ? firstOf(y, m, 21) : firstOf(y, m + 1);
    case 'month':
      return firstOf(y, m + 1);
    case 'quarter':
      return firstOf(y, m + 3);
    case 'year':
      return firstOf(y + 1, 0);
  }
};

/** The first day of the period before the one starting on `start`. */
export const previousPeriodStart = (grain: Grain, start: string): string =>
  periodStartOf(grain, fromUtc(new Date(toUtc(start).getTime() - dayMs)));

/** Every period start from the period holding `fromDay` to the one holding `toDay`, both included. */
export const periodsBetween = (grain: Grain, fromDay: string, toDay: string): string[] => {
  const out: string[] = [];
  const last = periodStartOf(grain, toDay);
  for (let p = periodStartOf(grain, fromDay); p <= last; p = nextPeriodStart(grain, p)) out.push(p);
  return out;
};

/** The `count` periods ending with the one starting on `last`, oldest first. */
export const periodsEndingWith = (grain: Grain, last: string, count: number): string[] => {
  const out = [periodStartOf(grain, last)];
  while (out.length < count) out.unshift(previousPeriodStart(grain, out[0]!));
  return out;
};

const xunNames = { zh: ['上旬', '中旬', '下旬'], en: ['early', 'mid', 'late'] } as const;

/** How people write the period: `2026-10-05`, `2026-W41`, `2026-10 上旬`, `2026-10`, `2026-Q4`, `2026`. */
export const periodLabel = (grain: Grain, start: string, locale: 'zh' | 'en' = 'zh'): string => {
  const month = start.slice(0, 7);
  switch (grain) {
    case 'day':
      return start;
    case 'week': {
      // The ISO year is the year of the week's Thursday.
      const thursday = new Date(toUtc(start).getTime() + 3 * dayMs);
      const year = thursday.getUTCFullYear();
      const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * dayMs)) + 1;
      return `${year}-W${String(week).padStart(2, '0')}`;
    }
    case 'xun':
      return `${month} ${xunNames[locale][Math.floor((Number(start.slice(8)) - 1) / 10)]}`;
    case 'month':
      return month;
    case 'quarter':
      return `${start.slice(0, 4)}-Q${Math.floor((Number(start.slice(5, 7)) - 1) / 3) + 1}`;
    case 'year':
      return start.slice(0, 4);
  }
};

/**
 * Reads a period as a person or a spreadsheet writes it, for an indicator of `grain`: any day of
 * the period (`2026-10-05`), or its label — `2026-10` (month and finer grains: the month's first
 * period), `2026-Q4`, `2026`, `2026-W41`. Returns the period start, or null when the text names no
 * period (`2026-13`, `2026-02-30`, `2026-Q5`).
 */
export const parsePeriod = (grain: Grain, text: string): string | null => {
  const t = text.trim();
  let day: string | null = null;
  let m: RegExpExecArray | null;
  if (isDay(t)) day = t;
  else if ((m = /^(\d{4})-(\d{2})$/.exec(t)) && Number(m[2]) >= 1 && Number(m[2]) <= 12) day = `${t}-01`;
  else if ((m = /^(\d{4})-?Q([1-4])$/i.exec(t))) day = firstOf(Number(m[1]), (Number(m[2]) - 1) * 3);
  else if (/^\d{4}$/.test(t)) day = `${t}-01-01`;
  else if ((m = /^(\d{4})-W(\d{2})$/.exec(t))) {
    const [year, week] = [Number(m[1]), Number(m[2])];
    // ISO week 1 holds 4 January.
    const jan4 = Date.UTC(year, 0, 4);
    const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * dayMs + (week - 1) * 7 * dayMs;
    const candidate = fromUtc(new Date(monday));
    if (week < 1 || periodLabel('week', candidate) !== t) return null;
    day = candidate;
  }
  if (day === null || !isDay(day)) return null;
  // A coarse label for a finer grain names its first period; a finer one for a coarser grain its own.
  return periodStartOf(grain, day);
};

/** The last day of the period starting on `start` (inclusive). */
export const periodLastDay = (grain: Grain, start: string): string =>
  fromUtc(new Date(toUtc(nextPeriodStart(grain, start)).getTime() - dayMs));
