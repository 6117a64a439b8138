import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Chinese public holidays and make-up working days (调休), from the maintained `chinese-days`
 * package (follows the State Council's notices). Wrapped here so that the source can be
 * replaced; the rest of the module sees only dates.
 */
export type OfficialDay = { date: string; kind: 'holiday' | 'workday'; name: string };

type PackageData = Record<'holidays' | 'workdays', Record<string, string>>;

let data: PackageData | undefined;
const load = (): PackageData => {
  if (!data) {
    const require = createRequire(import.meta.url);
    const file = path.join(
      path.dirname(require.resolve('chinese-days/package.json')),
      'dist',
      'chinese-days.json',
    );
    data = JSON.parse(readFileSync(file, 'utf8')) as PackageData;
  }
  return data;
};

/** "National Day,国庆节,3" → "国庆节". */
const chineseName = (label: string) => label.split(',')[1] ?? label;

/** The official special days of the given years, sorted by date. */
export const officialChineseDays = (fromYear: number, toYear: number): OfficialDay[] => {
  const { holidays, workdays } = load();
  const inRange = (date: string) => {
    const year = Number(date.slice(0, 4));
    return year >= fromYear && year <= toYear;
  };
  const days: OfficialDay[] = [
    ...Object.entries(holidays).map(([date, label]) => ({
      date,
      kind: 'holiday' as const,
      name: chineseName(label),
    })),
    ...Object.entries(workdays).map(([date, label]) => ({
      date,
      kind: 'workday' as const,
      name: `${chineseName(label)}调休`,
    })),
  ];
  return days.filter((d) => inRange(d.date)).sort((a, b) => a.date.localeCompare(b.date));
};

/** The years the package has holiday data for. */
export const officialYears = (): { fromYear: number; toYear: number } => {
  const years = Object.keys(load().holidays).map((d) => Number(d.slice(0, 4)));
  return { fromYear: Math.min(...years), toYear: Math.max(...years) };
};
