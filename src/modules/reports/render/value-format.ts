import type { CellValue, TableBlock, TableColumn, ValueFormat } from './report-document.js';

/*
 * How figures read in every text format (docx, HTML, Markdown, chart labels). The .xlsx renderer
 * keeps numbers as numbers and uses the matching Excel number formats instead.
 */

/** Shown for a missing figure; a dash rather than 0 so a gap is not read as a result. */
export const missingValue = '—';

const grouped = (fractionDigits: number) =>
  new Intl.NumberFormat('en-US', {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
    useGrouping: true,
  });
const integerFormat = grouped(0);
const decimal1Format = grouped(1);
const plainFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, useGrouping: true });

/** Avoids "-0.0%" when a small negative rounds to zero. */
const noNegativeZero = (text: string): string => (/^-0(\.0+)?%?$/.test(text) ? text.slice(1) : text);

/** A figure as it reads in a report: 1,234 / 12.5 / 12.3% (from 0.123) / — for null. */
export const formatValue = (value: CellValue | undefined, format?: ValueFormat): string => {
  if (value === null || value === undefined) return missingValue;
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return missingValue;
  switch (format) {
    case 'integer':
      return noNegativeZero(integerFormat.format(value));
    case 'decimal1':
      return noNegativeZero(decimal1Format.format(value));
    case 'percent1':
      return noNegativeZero(`${decimal1Format.format(value * 100)}%`);
    case 'text':
      return String(value);
    case undefined:
      return noNegativeZero(plainFormat.format(value));
  }
};

export const isNumericFormat = (format: ValueFormat | undefined): boolean =>
  format === 'integer' || format === 'decimal1' || format === 'percent1';

/**
 * A column's alignment: as given, else right for numeric formats and for unformatted columns
 * whose first figure is a number (so digits line up), else left.
 */
export const columnAlign = (column: TableColumn, rows: TableBlock['rows']): 'left' | 'center' | 'right' => {
  if (column.align) return column.align;
  if (column.format === 'text') return 'left';
  if (isNumericFormat(column.format)) return 'right';
  const first = rows.find((row) => row[column.key] !== null && row[column.key] !== undefined)?.[column.key];
  return typeof first === 'number' ? 'right' : 'left';
};

/** Columns a text takes in a fixed-pitch sense: CJK and full-width characters count 2. */
export const displayWidth = (text: string): number => {
  let width = 0;
  for (const char of text) {
    const cp = char.codePointAt(0) ?? 0;
    width +=
      cp >= 0x1100 &&
      (cp <= 0x115f ||
        (cp >= 0x2e80 && cp <= 0xa4cf) ||
        (cp >= 0xac00 && cp <= 0xd7a3) ||
        (cp >= 0xf900 && cp <= 0xfaff) ||
        (cp >= 0xfe30 && cp <= 0xfe4f) ||
        (cp >= 0xff00 && cp <= 0xff60) ||
        (cp >= 0xffe0 && cp <= 0xffe6) ||
        cp >= 0x20000)
        ? 2
        : 1;
  }
  return width;
};

/** "2026年7月1日 08:30" in `timeZone` (reports are read in China: Asia/Shanghai by default). */
export const formatDateTime = (iso: string, timeZone = 'Asia/Shanghai'): string => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}年${parts.month}月${parts.day}日 ${parts.hour}:${parts.minute}`;
};

/**
 * The width each column needs, in `displayWidth` units: the widest of its title and its
 * formatted values (the first `sample` rows: enough to size a column, cheap on 1,000 rows),
 * kept between `min` and `max`.
 */
export const columnWidths = (
  table: Pick<TableBlock, 'columns' | 'rows'>,
  { sample = 300, min = 4, max = 40 }: { sample?: number; min?: number; max?: number } = {},
): number[] =>
  table.columns.map((column) => {
    let widest = displayWidth(column.title);
    for (const row of table.rows.slice(0, sample))
      widest = Math.max(widest, displayWidth(formatValue(row[column.key], column.format)));
    return Math.min(max, Math.max(min, widest));
  });
