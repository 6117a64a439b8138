import { AppError } from '../../platform/errors/app-error.js';

/*
 * A report's period: a calendar month in Asia/Shanghai, with the month before for comparisons.
 * Bounds are midnights with the +08:00 offset, as the figures services count whole days.
 */

export type ReportPeriod = {
  key: string;
  year: number;
  month: number;
  /** As the report reads: 2026年10月. */
  label: string;
  from: string;
  to: string;
  previous: { key: string; from: string; to: string };
};

const midnight = (year: number, month: number) =>
  `${year + Math.floor((month - 1) / 12)}-${String(((month - 1) % 12) + 1).padStart(2, '0')}-01T00:00:00+08:00`;

/** `2026-10` → the month and the one before; anything else is `request.invalid` on `period`. */
export const monthPeriod = (text: string): ReportPeriod => {
  const match = /^(\d{4})-(\d{2})$/.exec(text.trim());
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  if (!match || month < 1 || month > 12)
    throw new AppError('request.invalid', {
      issues: [{ path: 'period', code: 'custom', message: 'a month such as 2026-10' }],
    });
  const before = month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
  return {
    key: `${year}-${String(month).padStart(2, '0')}`,
    year,
    month,
    label: `${year}年${month}月`,
    from: midnight(year, month),
    to: midnight(year, month + 1),
    previous: {
      key: `${before.year}-${String(before.month).padStart(2, '0')}`,
      from: midnight(before.year, before.month),
      to: midnight(year, month),
    },
  };
};
