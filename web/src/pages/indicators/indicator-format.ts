import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { Direction, Grain, IndicatorDefinition, Measure, Status } from '../../api/indicators';
import { DEFAULT_FILTERS, filtersToParams } from '../cases/case-filters';

/*
 * How an indicator's numbers are shown, shared by the dashboard cards, the indicator page and the
 * tables: a ratio is stored as a fraction in [0, 1] and only shown as a percentage; a count as a
 * whole number; the others with their unit of measure. Status colours are the traffic lights every
 * manager reads without a legend.
 */

export const STATUS_COLORS: Record<Status, string> = {
  met: '#389e0d',
  warning: '#d48806',
  missed: '#cf1322',
};
/** antd Tag presets of the same lights. */
export const STATUS_TAG: Record<Status, string> = { met: 'success', warning: 'warning', missed: 'error' };

export const statusColor = (status: Status | null | undefined): string | undefined =>
  status ? STATUS_COLORS[status] : undefined;

const grouped = (n: number, digits: number) =>
  n.toLocaleString('zh-CN', { minimumFractionDigits: 0, maximumFractionDigits: digits });

/** The number alone (a ratio as `96.3%`, a count as `1,204`), without the unit of measure. */
export const formatNumber = (measure: Measure, value: number | null | undefined): string => {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (measure.kind) {
    case 'ratio':
      return `${(value * 100).toFixed(1)}%`;
    case 'count':
      // A roll-up by max or a mean may leave a fraction; a plain count never does.
      return grouped(value, Number.isInteger(value) ? 0 : 1);
    default:
      return grouped(value, 2);
  }
};

/** Formats values with their unit of measure, in the UI language. */
export const useIndicatorFormat = () => {
  const { t } = useTranslation();
  const unitOf = useCallback(
    (measure: Measure): string =>
      measure.kind === 'duration'
        ? t(`indicators.durationUnit.${measure.unit}`)
        : measure.kind === 'amount' || measure.kind === 'value'
          ? measure.unit
          : '',
    [t],
  );
  const format = useCallback(
    (measure: Measure, value: number | null | undefined): string => {
      const text = formatNumber(measure, value);
      const unit = unitOf(measure);
      return text === '—' || !unit ? text : `${text} ${unit}`;
    },
    [unitOf],
  );
  /** The target as a sentence: `目标 ≤ 0`, `目标 ≥ 95.0%`, `目标区间 …`. */
  const targetText = useCallback(
    (
      measure: Measure,
      direction: Direction,
      row: { target: number | null; band: [number, number] | null },
    ): string => {
      if (direction === 'band' && row.band)
        return t('indicators.target.band', {
          low: format(measure, row.band[0]),
          high: format(measure, row.band[1]),
        });
      if (direction !== 'band' && row.target !== null)
        return t(`indicators.target.${direction}`, { target: format(measure, row.target) });
      return t('indicators.target.none');
    },
    [format, t],
  );
  /** The gap to the target, signed; a ratio's in percentage points. */
  const gapText = useCallback(
    (measure: Measure, gap: number | null | undefined): string => {
      if (gap === null || gap === undefined) return '—';
      const sign = gap > 0 ? '+' : '';
      if (measure.kind === 'ratio')
        return t('indicators.gapPoints', { value: `${sign}${(gap * 100).toFixed(1)}` });
      return `${sign}${format(measure, gap)}`;
    },
    [format, t],
  );
  const measureText = useCallback(
    (measure: Measure): string =>
      measure.kind === 'ratio' || measure.kind === 'count'
        ? t(`indicators.measure.${measure.kind}`)
        : t(`indicators.measure.${measure.kind}`, { unit: unitOf(measure) }),
    [t, unitOf],
  );
  const sourceText = useCallback(
    (source: IndicatorDefinition['source']): string => {
      if (source.kind === 'loaded') return t('indicators.source.loaded');
      const known = t(
        `indicators.source.from.${source.from}` as 'indicators.source.from.cases.overdue_count',
        {
          defaultValue: source.from,
        },
      );
      const { caseType } = source.params;
      const params = [
        Array.isArray(caseType) ? caseType.join('、') : caseType,
        source.params.clock,
        source.params.campaign,
      ].filter(Boolean);
      return t('indicators.source.computed', {
        from: params.length ? `${known}（${params.join(' / ')}）` : known,
      });
    },
    [t],
  );
  return { format, unitOf, targetText, gapText, measureText, sourceText };
};

/**
 * The case list behind a computed case indicator, for a unit's subtree: the overdue view for the
 * overdue count (what the figure counts), else the cases of the type. Null for other indicators.
 */
export const casesLinkOf = (def: Pick<IndicatorDefinition, 'source'>, unitId: number | undefined) => {
  if (def.source.kind !== 'computed' || !def.source.from.startsWith('cases.')) return null;
  const params = filtersToParams({
    ...DEFAULT_FILTERS,
    view: def.source.from === 'cases.overdue_count' ? 'overdue' : 'all',
    // The case list filters on one type; an indicator over several lists them all.
    ...(typeof def.source.params.caseType === 'string' ? { caseType: def.source.params.caseType } : {}),
    ...(unitId !== undefined ? { unitId } : {}),
  });
  return { overdue: def.source.from === 'cases.overdue_count', to: `/cases?${params.toString()}` };
};

/** The indicator page of a unit. */
export const indicatorPath = (key: string, unitId: number | undefined) =>
  `/indicators/${encodeURIComponent(key)}${unitId !== undefined ? `?unitId=${unitId}` : ''}`;

/* ---- Periods ---- */

const dayMs = 86_400_000;
const utcOf = (day: string) =>
  Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const xunNames = { zh: ['上旬', '中旬', '下旬'], en: ['early', 'mid', 'late'] } as const;

/**
 * A period in the UI language, from its first day (`YYYY-MM-DD`, as the API names periods): ISO
 * week `2026-W41`, 旬 `2026-10 上旬` / `2026-10 early`, `2026-10`, `2026-Q4`, `2026`, a day as is.
 * The same text as the server's periodLabel (indicator-periods.ts), whose `label` is always
 * Chinese; only the 旬 differs by language.
 */
export const periodText = (grain: Grain, period: string, language: string): string => {
  const month = period.slice(0, 7);
  switch (grain) {
    case 'day':
      return period;
    case 'week': {
      // The ISO year is the year of the week's Thursday.
      const thursday = utcOf(period) + 3 * dayMs;
      const year = new Date(thursday).getUTCFullYear();
      const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * dayMs)) + 1;
      return `${year}-W${String(week).padStart(2, '0')}`;
    }
    case 'xun': {
      const names = xunNames[language.startsWith('en') ? 'en' : 'zh'];
      return `${month} ${names[Math.min(2, Math.floor((Number(period.slice(8, 10)) - 1) / 10))]}`;
    }
    case 'month':
      return month;
    case 'quarter':
      return `${period.slice(0, 4)}-Q${Math.floor((Number(period.slice(5, 7)) - 1) / 3) + 1}`;
    case 'year':
      return period.slice(0, 4);
  }
};

/** `periodText` in the current UI language. */
export const usePeriodText = () => {
  const { i18n } = useTranslation();
  const language = i18n.language;
  return useCallback((grain: Grain, period: string) => periodText(grain, period, language), [language]);
};

/** The first day of the period of `grain` holding `day` (both `YYYY-MM-DD`). */
export const periodStartOf = (grain: Grain, day: string): string => {
  const [y, m, d] = [day.slice(0, 4), day.slice(5, 7), Number(day.slice(8, 10))];
  switch (grain) {
    case 'day':
      return day;
    case 'week':
      // getUTCDay: Sunday 0 … Saturday 6; ISO weeks start on Monday.
      return dayOf(utcOf(day) - ((new Date(utcOf(day)).getUTCDay() + 6) % 7) * dayMs);
    case 'xun':
      return `${y}-${m}-${d <= 10 ? '01' : d <= 20 ? '11' : '21'}`;
    case 'month':
      return `${y}-${m}-01`;
    case 'quarter':
      return `${y}-${String(Math.floor((Number(m) - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
    case 'year':
      return `${y}-01-01`;
  }
};

/** The first day of the period before the one holding `day`: the last complete period. */
export const previousPeriodStart = (grain: Grain, day: string): string =>
  periodStartOf(grain, dayOf(utcOf(periodStartOf(grain, day)) - dayMs));
