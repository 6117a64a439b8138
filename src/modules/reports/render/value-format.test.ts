import { describe, expect, it } from 'vitest';
import { columnAlign, columnWidths, displayWidth, formatDateTime, formatValue } from './value-format.js';

describe('formatValue', () => {
  it.each([
    [1234, 'integer', '1,234'],
    [1234.6, 'integer', '1,235'],
    [12.345, 'decimal1', '12.3'],
    [0.1234, 'percent1', '12.3%'],
    [1, 'percent1', '100.0%'],
    [-0.0001, 'percent1', '0.0%'],
    [-0.04, 'integer', '0'],
    [-1234, 'integer', '-1,234'],
    [3.14159, undefined, '3.14'],
    [42, 'text', '42'],
  ] as const)('%s as %s → %s', (value, format, text) => expect(formatValue(value, format)).toBe(text));

  it('shows a dash for missing figures and strings as they are', () => {
    expect(formatValue(null, 'integer')).toBe('—');
    expect(formatValue(undefined)).toBe('—');
    expect(formatValue(Number.NaN, 'integer')).toBe('—');
    expect(formatValue('城东网格', 'percent1')).toBe('城东网格');
  });
});

describe('columnAlign', () => {
  it('right-aligns numeric columns and left-aligns text unless told', () => {
    const rows = [{ a: null, b: 'x', c: 3 }];
    expect(columnAlign({ key: 'a', title: 'A', format: 'percent1' }, rows)).toBe('right');
    expect(columnAlign({ key: 'b', title: 'B' }, rows)).toBe('left');
    expect(columnAlign({ key: 'c', title: 'C' }, rows)).toBe('right');
    expect(columnAlign({ key: 'c', title: 'C', format: 'text' }, rows)).toBe('left');
    expect(columnAlign({ key: 'c', title: 'C', align: 'center' }, rows)).toBe('center');
  });
});

describe('widths', () => {
  it('counts CJK and full-width characters double', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('网格经理')).toBe(8);
    expect(displayWidth('（一）')).toBe(6);
    expect(displayWidth('12.5%')).toBe(5);
  });

  it('fits a column to its widest title or value, within bounds', () => {
    const widths = columnWidths(
      {
        columns: [
          { key: 'a', title: '网格' },
          { key: 'b', title: 'n', format: 'integer' },
          { key: 'c', title: 'x' },
        ],
        rows: [{ a: '开发区网格', b: 1234567, c: 'y'.repeat(100) }],
      },
      { max: 40 },
    );
    expect(widths).toEqual([10, 9, 40]);
  });
});

describe('formatDateTime', () => {
  it('shows the time in China by default and in any zone asked for', () => {
    expect(formatDateTime('2026-06-30T16:05:00Z')).toBe('2026年7月1日 00:05');
    expect(formatDateTime('2026-06-30T16:05:00Z', 'UTC')).toBe('2026年6月30日 16:05');
  });
});
