import type { TableRow } from './table-row.js';

/*
 * The text of a cell to a field's value. Pure functions: no refusal throws, each says why in a
 * short sentence in both languages, for the row's problem and the downloadable error report.
 *
 * What users type is accepted where it has one meaning (1,234.50, ￥1 234 元, １２３, 2026年10月1日,
 * 是/否) and refused where it has two (10/01/2026: 1 October or 10 January?) rather than guessed.
 */

export type Converted<T> = { ok: true; value: T } | { ok: false; why: string; whyZh: string };

const ok = <T>(value: T): Converted<T> => ({ ok: true, value });
const fail = (why: string, whyZh: string): { ok: false; why: string; whyZh: string } => ({
  ok: false,
  why,
  whyZh,
});

const asciiOnly = /^[\x20-\x7e]*$/;

/** Full-width digits, letters and signs to ASCII (NFKC, and − to -); skipped for ASCII text, most cells. */
const fold = (text: string) =>
  (asciiOnly.test(text) ? text : text.normalize('NFKC').replace(/\u2212/g, '-')).trim();

const empty = fail('the cell is empty', '单元格为空');

/* ---------- text ---------- */

/** Trimmed text of at most `maxLength` characters (code points, as a database counts them). */
export const convertText = (text: string, { maxLength }: { maxLength?: number } = {}): Converted<string> => {
  const value = text.trim();
  if (value === '') return empty;
  if (maxLength !== undefined && value.length > maxLength) {
    const length = [...value].length;
    if (length > maxLength)
      return fail(
        `longer than ${maxLength} characters (${length})`,
        `超过 ${maxLength} 个字（${length} 个）`,
      );
  }
  return ok(value);
};

/* ---------- numbers ---------- */

type ParsedNumber = { negative: boolean; whole: string; fraction: string };

/**
 * A sign, a currency (¥, ￥ folded to ¥, $, RMB, CNY) and a sign after it (¥-12), digits bare or
 * grouped in threes by commas or spaces, a fraction, and 元.
 */
const numberPattern =
  /^([+-]?)\s*(?:[¥$]|rmb|cny)?\s*([+-]?)(\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d*)(?:\.(\d+))?\s*元?$/i;
/** The same with separators anywhere: a number whose grouping is wrong (1,23,4), not a word. */
const misgrouped = /^[+-]?\s*(?:[¥$]|rmb|cny)?\s*[+-]?\d[\d, ]*(?:\.\d+)?\s*元?$/i;

const notANumber = fail('not a number', '不是数字');
const badGrouping = fail(
  'thousands separators must group three digits, as in 1,234,567',
  '千位分隔符位置不对，应为 1,234,567 这样每三位一组',
);

/** A number as written by people and spreadsheets, to its sign and digits (no rounding, ever). */
const parseNumber = (text: string): ParsedNumber | { ok: false; why: string; whyZh: string } => {
  const s = fold(text);
  const match = numberPattern.exec(s);
  if (!match) return misgrouped.test(s) ? badGrouping : notANumber;
  const [, sign, currencySign, whole = '', fraction = ''] = match;
  if ((sign && currencySign) || (whole === '' && fraction === '')) return notANumber;
  return {
    negative: sign === '-' || currencySign === '-',
    whole: whole.includes(',') || whole.includes(' ') ? whole.replace(/[, ]/g, '') : whole,
    fraction,
  };
};

/** Digits without leading zeros, and a fraction without trailing ones: equal numbers, equal texts. */
const canonical = ({ negative, whole, fraction }: ParsedNumber): string => {
  let start = 0;
  while (start < whole.length - 1 && whole.charCodeAt(start) === 48) start++;
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 48) end--;
  const w = whole === '' ? '0' : whole.slice(start);
  const f = fraction.slice(0, end);
  const zero = w === '0' && f === '';
  return `${negative && !zero ? '-' : ''}${w}${f === '' ? '' : `.${f}`}`;
};

/**
 * A decimal as canonical text (`-1234.5`): thousands separators, full-width digits, a currency
 * sign (¥ ￥ RMB) and 元 accepted; never rounded: more than `scale` decimals is refused. Text, not
 * a number, so that an amount reaches the database exactly.
 */
export const convertDecimal = (text: string, { scale }: { scale?: number } = {}): Converted<string> => {
  if (text.trim() === '') return empty;
  const parsed = parseNumber(text);
  if ('ok' in parsed) return parsed;
  const value = canonical(parsed);
  const decimals = value.includes('.') ? value.length - value.indexOf('.') - 1 : 0;
  if (scale !== undefined && decimals > scale)
    return fail(`more than ${scale} decimal places`, `小数位数超过 ${scale} 位`);
  return ok(value);
};

/** A whole number (1,234 and 12.00 too), within `min`–`max` when given. */
export const convertInteger = (
  text: string,
  { min, max }: { min?: number; max?: number } = {},
): Converted<number> => {
  if (text.trim() === '') return empty;
  const parsed = parseNumber(text);
  if ('ok' in parsed) return parsed;
  const value = canonical(parsed);
  if (value.includes('.')) return fail('not a whole number', '不是整数');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) return fail('too large a number', '数值过大');
  if (min !== undefined && n < min) return fail(`less than ${min}`, `小于 ${min}`);
  if (max !== undefined && n > max) return fail(`greater than ${max}`, `大于 ${max}`);
  return ok(n);
};

/* ---------- dates ---------- */

/** Set when a cell was a number in an .xlsx file: such a number may be an Excel serial date. */
export type ExcelSerial = 'excel1900' | 'excel1904';

/** The `excelSerial` of a row's cell: for a date field whose column holds plain numbers in Excel. */
export const excelSerialOf = (row: TableRow, column: number, date1904: boolean): ExcelSerial | undefined =>
  row.numberCells?.has(column) ? (date1904 ? 'excel1904' : 'excel1900') : undefined;

type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number };

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const isoDate = ({ year, month, day }: WallClock) => `${pad(year, 4)}-${pad(month)}-${pad(day)}`;

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export const daysInMonth = (year: number, month: number) =>
  month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : monthDays[month - 1]!;

const timePart = String.raw`(?:[T\s]+(?<hour>\d{1,2})[:：](?<minute>\d{2})(?:[:：](?<second>\d{2})(?:\.\d+)?)?)?`;
const offsetPart = String.raw`\s*(?<offset>Z|[+-]\d{2}:?\d{2})?`;
const datePatterns = [
  // 2026-10-01, 2026/10/1, 2026.10.01: one separator throughout
  String.raw`(?<year>\d{4})(?<sep>[-/.])(?<month>\d{1,2})\k<sep>(?<day>\d{1,2})`,
  // 20261001
  String.raw`(?<year>\d{4})(?<month>\d{2})(?<day>\d{2})`,
  // 2026年10月1日 (or 号)
  String.raw`(?<year>\d{4})\s*年\s*(?<month>\d{1,2})\s*月\s*(?<day>\d{1,2})\s*[日号]?`,
].map((date) => new RegExp(`^${date}${timePart}${offsetPart}$`, 'i'));
/** The commonest forms, a date alone (2026-10-01, 2026年10月1日), read before folding and the general patterns. */
const plainDate = /^(\d{4})(?:([-/.])(\d{1,2})\2(\d{1,2})|\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?)$/;
/** 10/01/2026, 1-10-26: day first or month first, no one can tell. */
const yearLast = /^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(?:[T\s].*)?$/;
const bareNumber = /^\d+(?:\.\d+)?$/;

type ParsedDate = { wall: WallClock; offset: string | undefined };

const notADate = fail('not a date; write it as 2026-10-01', '不是日期，请写成 2026-10-01 这样的格式');

/**
 * Days and the fraction of a day since Excel's epoch to a wall clock. The 1900 system counts the
 * 29 February 1900 Lotus had, so its serials from 61 on are a day ahead of the calendar.
 */
const fromExcelSerial = (serial: number, system: ExcelSerial): WallClock | null => {
  const days = Math.floor(serial);
  if (system === 'excel1900' && days === 60) return null; // 1900-02-29 does not exist
  const epoch = system === 'excel1904' ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, days < 60 ? 31 : 30);
  const ms = epoch + Math.round(serial * 86_400) * 1000;
  const d = new Date(ms);
  if (d.getUTCFullYear() < 1900 || d.getUTCFullYear() > 9999) return null;
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
};

const parseDateTime = (
  text: string,
  excelSerial: ExcelSerial | undefined,
): ParsedDate | { ok: false; why: string; whyZh: string } => {
  const plain = plainDate.exec(text.trim());
  if (plain) return checkedDate(text.trim(), plain[1]!, plain[3] ?? plain[5]!, plain[4] ?? plain[6]!);
  const s = fold(text);
  if (excelSerial && bareNumber.test(s) && Number(s) < 2_958_466) {
    const wall = fromExcelSerial(Number(s), excelSerial);
    if (!wall) return fail(`${s} is not an Excel date`, `${s} 不是有效的 Excel 日期`);
    return { wall, offset: undefined };
  }
  let groups: Record<string, string | undefined> | undefined;
  for (const pattern of datePatterns) if ((groups = pattern.exec(s)?.groups)) break;
  if (!groups) {
    if (yearLast.test(s))
      return fail(
        `day and month order is ambiguous in ${s}; write the year first: 2026-10-01`,
        `日期 ${s} 的日、月顺序不明确，请把年份写在前面，如 2026-10-01`,
      );
    if (bareNumber.test(s))
      return fail(
        'a plain number is a date only in an Excel date cell; write it as 2026-10-01',
        '纯数字只在 Excel 日期单元格中才是日期，请写成 2026-10-01',
      );
    return notADate;
  }
  const { year, month, day, hour, minute, second, offset } = groups;
  return checkedDate(s, year!, month!, day!, hour, minute, second, offset);
};

/** The parts of a date and time as numbers, refused when the calendar or the clock has no such day or time. */
const checkedDate = (
  s: string,
  year: string,
  month: string,
  day: string,
  hour?: string,
  minute?: string,
  second?: string,
  offset?: string,
): ParsedDate | { ok: false; why: string; whyZh: string } => {
  const wall: WallClock = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: hour === undefined ? 0 : Number(hour),
    minute: minute === undefined ? 0 : Number(minute),
    second: second === undefined ? 0 : Number(second),
  };
  if (
    wall.month < 1 ||
    wall.month > 12 ||
    wall.day < 1 ||
    wall.day > daysInMonth(wall.year, wall.month) ||
    wall.year < 1000
  )
    return fail(`${s} is not a date of the calendar`, `${s} 不是真实存在的日期`);
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59)
    return fail(`${s} is not a time of day`, `${s} 不是有效的时间`);
  return { wall, offset };
};

/**
 * A date as `yyyy-mm-dd`: 2026-10-01, 2026/10/1, 2026.10.01, 20261001, 2026年10月1日, a date
 * with a midnight time (as databases export dates), and an Excel serial number when the cell
 * was a number in an .xlsx file (`excelSerial`). Day-first and month-first forms are refused.
 */
export const convertDate = (
  text: string,
  { excelSerial }: { excelSerial?: ExcelSerial | undefined } = {},
): Converted<string> => {
  if (text.trim() === '') return empty;
  const parsed = parseDateTime(text, excelSerial);
  if ('ok' in parsed) return parsed;
  const { wall, offset } = parsed;
  if (wall.hour !== 0 || wall.minute !== 0 || wall.second !== 0 || offset !== undefined)
    return fail('has a time of day; expected a date alone', '含有时间，此处只需日期');
  return ok(isoDate(wall));
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** How far ahead of UTC `timeZone`'s clocks are at an instant, in ms. */
const offsetAt = (instant: number, timeZone: string): number => {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
};

/** The instant a wall clock in `timeZone` shows (the earlier one when clocks go back). */
const instantOf = (wall: WallClock, timeZone: string): number => {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const first = asUtc - offsetAt(asUtc, timeZone);
  const second = asUtc - offsetAt(first, timeZone);
  return Math.min(first, second);
};

/**
 * An instant as ISO UTC (`2026-10-01T00:30:00.000Z`): the date forms of `convertDate` with a time
 * (HH:mm or HH:mm:ss; a date alone is midnight) and an offset (Z, +08:00) or, without one, the
 * wall clock of `timeZone` (Asia/Shanghai unless said).
 */
export const convertDateTime = (
  text: string,
  {
    excelSerial,
    timeZone = 'Asia/Shanghai',
  }: { excelSerial?: ExcelSerial | undefined; timeZone?: string } = {},
): Converted<string> => {
  if (text.trim() === '') return empty;
  const parsed = parseDateTime(text, excelSerial);
  if ('ok' in parsed) return parsed;
  const { wall, offset } = parsed;
  if (offset === undefined) return ok(new Date(instantOf(wall, timeZone)).toISOString());
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  if (offset.toUpperCase() === 'Z') return ok(new Date(asUtc).toISOString());
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return ok(new Date(asUtc - sign * minutes * 60_000).toISOString());
};

/* ---------- booleans and choices ---------- */

export const booleanWords = new Map<string, boolean>([
  ...['是', '有', '对', 'y', 'yes', 'true', 't', '1', '√', '✓'].map((w) => [w, true] as const),
  ...['否', '无', '没有', '错', 'n', 'no', 'false', 'f', '0', '×', '✗'].map((w) => [w, false] as const),
]);

/** Yes or no: 是/否, 有/无, Y/N, yes/no, true/false, 1/0 (and √/×), in any case. */
export const convertBoolean = (text: string): Converted<boolean> => {
  const s = text.trim();
  if (s === '') return empty;
  // Lower case and NFKC only when the text as it is names nothing: both are slow on Chinese text.
  const value =
    booleanWords.get(s) ?? booleanWords.get(s.toLowerCase()) ?? booleanWords.get(fold(s).toLowerCase());
  return value === undefined
    ? fail('not yes or no (是/否, Y/N, 1/0)', '不是“是/否”（是/否、Y/N、1/0）')
    : ok(value);
};

export type EnumChoice = {
  key: string;
  /** What a file may say instead of the key: the Chinese and English labels, synonyms. */
  labels?: readonly string[];
};

const choiceText = (text: string) => fold(text).toLowerCase();
const choiceIndexes = new WeakMap<readonly EnumChoice[], Map<string, string>>();

/** The choices by every text that names them; built once per list of choices. */
const choiceIndex = (choices: readonly EnumChoice[]) => {
  let index = choiceIndexes.get(choices);
  if (!index) {
    index = new Map();
    for (const { key, labels = [] } of choices)
      for (const name of [key, ...labels]) {
        const text = choiceText(name);
        if (!index.has(text)) index.set(text, key);
      }
    choiceIndexes.set(choices, index);
  }
  return index;
};

/** One of `choices`, by its key or one of its labels (case-blind, full-width folded); gives the key. */
export const convertEnum = (
  text: string,
  { choices }: { choices: readonly EnumChoice[] },
): Converted<string> => {
  const s = text.trim();
  if (s === '') return empty;
  const index = choiceIndex(choices);
  const key = index.get(s) ?? index.get(s.toLowerCase()) ?? index.get(choiceText(s));
  if (key !== undefined) return ok(key);
  const names = choices
    .slice(0, 10)
    .map((c) => c.labels?.[0] ?? c.key)
    .join(', ');
  const more = choices.length > 10 ? ' …' : '';
  return fail(`not one of: ${names}${more}`, `不是可选值之一：${names}${more}`);
};

/* ---------- by field type ---------- */

/** The type of a field, as an import target declares it. */
export type CellType =
  | { type: 'text'; maxLength?: number }
  | { type: 'integer'; min?: number; max?: number }
  | { type: 'decimal'; scale?: number }
  | { type: 'date' }
  | { type: 'datetime'; timeZone?: string }
  | { type: 'boolean' }
  | { type: 'enum'; choices: readonly EnumChoice[] };

export type CellValue = string | number | boolean | null;

/**
 * A cell to the value of a field of `type`; an empty cell is `null` (whether a field may be
 * empty is the target's rule). `excelSerial` only matters to dates (see `excelSerialOf`).
 */
export const convertCell = (
  text: string,
  type: CellType,
  { excelSerial }: { excelSerial?: ExcelSerial | undefined } = {},
): Converted<CellValue> => {
  if (text.trim() === '') return ok(null);
  switch (type.type) {
    case 'text':
      return convertText(text, type);
    case 'integer':
      return convertInteger(text, type);
    case 'decimal':
      return convertDecimal(text, type);
    case 'date':
      return convertDate(text, { excelSerial });
    case 'datetime':
      return convertDateTime(text, { excelSerial, ...(type.timeZone ? { timeZone: type.timeZone } : {}) });
    case 'boolean':
      return convertBoolean(text);
    case 'enum':
      return convertEnum(text, type);
  }
};

/* ---------- the same, a million times ---------- */
