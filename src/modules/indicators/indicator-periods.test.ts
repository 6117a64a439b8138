import { describe, expect, it } from 'vitest';
import {
  nextPeriodStart,
  parsePeriod,
  periodLabel,
  periodLastDay,
  periodStartOf,
  periodsBetween,
  periodsEndingWith,
  previousPeriodStart,
} from './indicator-periods.js';

describe('indicator periods', () => {
  it('the start of the period holding a day, for every grain', () => {
    // 2026-11-28 is a Saturday.
    expect(periodStartOf('day', '2026-11-28')).toBe('2026-11-28');
    expect(periodStartOf('week', '2026-11-28')).toBe('2026-11-23');
    expect(periodStartOf('week', '2026-11-23')).toBe('2026-11-23');
    expect(periodStartOf('week', '2026-11-29')).toBe('2026-11-23');
    expect(periodStartOf('xun', '2026-11-10')).toBe('2026-11-01');
    expect(periodStartOf('xun', '2026-11-11')).toBe('2026-11-11');
    expect(periodStartOf('xun', '2026-11-30')).toBe('2026-11-21');
    expect(periodStartOf('month', '2026-11-28')).toBe('2026-11-01');
    expect(periodStartOf('quarter', '2026-11-28')).toBe('2026-10-01');
    expect(periodStartOf('quarter', '2026-03-31')).toBe('2026-01-01');
    expect(periodStartOf('year', '2026-11-28')).toBe('2026-01-01');
  });

  it('next and previous periods cross months and years; the 下旬 ends with the month', () => {
    expect(nextPeriodStart('xun', '2026-02-21')).toBe('2026-03-01');
    expect(periodLastDay('xun', '2026-02-21')).toBe('2026-02-28');
    expect(periodLastDay('xun', '2028-02-21')).toBe('2028-02-29');
    expect(previousPeriodStart('xun', '2026-03-01')).toBe('2026-02-21');
    expect(nextPeriodStart('quarter', '2026-10-01')).toBe('2027-01-01');
    expect(previousPeriodStart('month', '2026-01-01')).toBe('2025-12-01');
    expect(nextPeriodStart('week', '2026-12-28')).toBe('2027-01-04');
    expect(periodsBetween('xun', '2026-10-15', '2026-11-05')).toEqual([
      '2026-10-11',
      '2026-10-21',
      '2026-11-01',
    ]);
    expect(periodsEndingWith('month', '2026-02-14', 3)).toEqual(['2025-12-01', '2026-01-01', '2026-02-01']);
  });

  it('labels, and reading them back', () => {
    expect(periodLabel('month', '2026-10-01')).toBe('2026-10');
    expect(periodLabel('quarter', '2026-10-01')).toBe('2026-Q4');
    expect(periodLabel('xun', '2026-10-21')).toBe('2026-10 下旬');
    expect(periodLabel('xun', '2026-10-11', 'en')).toBe('2026-10 mid');
    // ISO weeks: 2026-12-28 is in week 53 of 2026; 2027-01-04 starts week 1 of 2027.
    expect(periodLabel('week', '2026-12-28')).toBe('2026-W53');
    expect(periodLabel('week', '2027-01-04')).toBe('2027-W01');
    expect(periodLabel('week', '2024-12-30')).toBe('2025-W01');
    expect(parsePeriod('week', '2025-W01')).toBe('2024-12-30');
    expect(parsePeriod('week', '2026-W53')).toBe('2026-12-28');
    expect(parsePeriod('week', '2027-W53')).toBeNull();
    expect(parsePeriod('month', '2026-10')).toBe('2026-10-01');
    expect(parsePeriod('month', '2026-10-17')).toBe('2026-10-01');
    expect(parsePeriod('quarter', '2026-Q4')).toBe('2026-10-01');
    expect(parsePeriod('quarter', '2026-11')).toBe('2026-10-01');
    expect(parsePeriod('year', '2026')).toBe('2026-01-01');
    expect(parsePeriod('xun', '2026-10-15')).toBe('2026-10-11');
  });

  it('a text that names no period is null', () => {
    for (const text of ['2026-13', '2026-02-30', '2026-Q5', '26-10', '', 'October', '2026-00'])
      expect(parsePeriod('month', text)).toBeNull();
  });
});
