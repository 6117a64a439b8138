import type { CellType, CellValue } from './cell-convert.js';
import { booleanWords, convertCell, daysInMonth } from './cell-convert.js';

/*
 * The converters an import runs a million times: the common plain forms of each cell type read by
 * hand, with no object per cell, and everything else handed to `convertCell` — so that values and
 * refusals are exactly `convertCell`'s (cell-convert.test.ts checks the two agree).
 */

/** A refusal, as `convertCell` gives it. */
export type CellRefusal = { ok: false; why: string; whyZh: string };

/**
 * What `cellConverter`'s function gives: the value, or the refusal (an object: a value never is
 * one) — no `Converted` object for every cell of a large file.
 */
export type CellResult = CellValue | CellRefusal;

export const isRefusal = (result: CellResult): result is CellRefusal =>
  typeof result === 'object' && result !== null;

const general = (text: string, type: CellType): CellResult => {
  const converted = convertCell(text, type);
  return converted.ok ? converted.value : converted;
};

/** A code unit that `String.prototype.trim` would not remove: ASCII above the space, and the CJK ranges. */
const unspaced = (code: number) => (code > 32 && code < 127) || (code >= 0x3001 && code < 0xfeff);

/**
 * `1234`, `1,234.50`, `-12.3`: ASCII digits grouped by commas in threes or not, a fraction, a
 * leading minus; to the canonical text of `convertDecimal`, or null for any other form (the
 * general path then decides).
 */
const plainDecimal = (text: string, scale: number | undefined): string | null => {
  const length = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const negative = i === 1;
  const wholeStart = i;
  let commas = false;
  let group = -1; // digits since the last comma (-1: no comma yet)
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (group !== -1) group++;
      continue;
    }
    if (c !== 44) break; // ','
    // A comma after 1–3 digits, then after exactly 3.
    if (group === -1 ? i - wholeStart < 1 || i - wholeStart > 3 : group !== 3) return null;
    group = 0;
    commas = true;
  }
  const wholeEnd = i;
  if (wholeEnd === wholeStart || (group !== -1 && group !== 3)) return null;
  let fractionEnd = wholeEnd;
  if (i < length) {
    if (text.charCodeAt(i) !== 46) return null; // '.'
    for (i++; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return null;
    }
    if (i === wholeEnd + 1) return null; // '12.' : the general path's business
    fractionEnd = length;
    while (fractionEnd > wholeEnd + 1 && text.charCodeAt(fractionEnd - 1) === 48) fractionEnd--;
    if (fractionEnd === wholeEnd + 1) fractionEnd = wholeEnd; // '.00'
    if (scale !== undefined && fractionEnd - wholeEnd - 1 > scale) return null;
  }
  let start = wholeStart;
  while (start < wholeEnd - 1 && text.charCodeAt(start) === 48) start++;
  let whole = text.slice(start, wholeEnd);
  if (commas) whole = whole.replaceAll(',', '');
  // Leading zeros of a grouped number ('0,123') are left to the general path.
  if (whole.length > 1 && whole.charCodeAt(0) === 48) return null;
  const zero = whole === '0' && fractionEnd === wholeEnd;
  // Most amounts are canonical already: the cell's own text, no new string.
  if (start === wholeStart && !commas && fractionEnd === length && !(negative && zero)) return text;
  const value = fractionEnd === wholeEnd ? whole : `${whole}${text.slice(wholeEnd, fractionEnd)}`;
  return negative && !zero ? `-${value}` : value;
};

/** `2026-10-05`, `2026/10/5`, `2026.10.05`, `2026年10月5日`: a date alone, written plainly; null for any other form. */
const plainDateOf = (text: string): string | null => {
  const length = text.length;
  if (length < 8) return null;
  let year = 0;
  for (let i = 0; i < 4; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    year = year * 10 + d;
  }
  const sep = text.charCodeAt(4);
  const cjk = sep === 0x5e74; // 年
  if (!cjk && sep !== 45 && sep !== 47 && sep !== 46) return null;
  let i = 5;
  let month = 0;
  let digits = 0;
  for (; i < length && digits < 3; i++, digits++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    month = month * 10 + d;
  }
  if (digits === 0 || digits > 2 || text.charCodeAt(i) !== (cjk ? 0x6708 : sep)) return null; // 月
  i++;
  let day = 0;
  digits = 0;
  for (; i < length && digits < 3; i++, digits++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    day = day * 10 + d;
  }
  if (digits === 0 || digits > 2) return null;
  if (cjk && i < length && (text.charCodeAt(i) === 0x65e5 || text.charCodeAt(i) === 0x53f7)) i++; // 日, 号
  if (i !== length) return null;
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (length === 10 && sep === 45) return text; // already ISO
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
};

/**
 * The converter of a cell type, for the rows of an import: the same values and refusals as
 * `convertCell` (without `excelSerial`: an .xlsx number cell takes `convertCell`), with the plain
 * forms most cells have (trimmed text, `1,234.50`, `2026-10-05`, `是`) read without regular
 * expressions or objects: converting was a third of the reading of a million rows of ten cells.
 */
export const cellConverter = (type: CellType): ((text: string) => CellResult) => {
  switch (type.type) {
    case 'text': {
      const { maxLength } = type;
      return (text) => {
        const length = text.length;
        const value =
          length > 0 && unspaced(text.charCodeAt(0)) && unspaced(text.charCodeAt(length - 1))
            ? text
            : text.trim();
        if (value === '') return null;
        return maxLength !== undefined && value.length > maxLength ? general(text, type) : value;
      };
    }
    case 'decimal': {
      const { scale } = type;
      return (text) => (text.length > 0 && plainDecimal(text, scale)) || general(text, type);
    }
    case 'date':
      return (text) => (text.length > 0 && plainDateOf(text)) || general(text, type);
    case 'boolean':
      return (text) => booleanWords.get(text) ?? general(text, type);
    default:
      return (text) => general(text, type);
  }
};
