// Indicators (指标 / KPIs): types of the v1 indicators API, written by hand after
// src/modules/indicators/indicator.schema.ts, indicators.service.ts, indicator-values.service.ts,
// indicator-alerts.service.ts and indicator-dashboard.service.ts (the web does not import server
// code), the calls, and the TanStack Query keys of everything under /indicators, /indicator-alerts
// and /dashboard.

import { api } from './client';

/* ---- Definitions (indicator.schema.ts) ---- */

/** A ratio is a fraction in [0, 1], shown as a percentage; the others carry their unit. */
export type Measure =
  | { kind: 'ratio' }
  | { kind: 'count' }
  | { kind: 'amount'; unit: string }
  | { kind: 'duration'; unit: 'hours' | 'minutes' }
  | { kind: 'value'; unit: string };
export type MeasureKind = Measure['kind'];

export const DIRECTIONS = ['higher_better', 'lower_better', 'band'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const AGGREGATIONS = ['ratio_of_sums', 'sum', 'weighted_mean', 'max'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];
/** `xun` is the 旬: days 1–10, 11–20, 21–end of a month. */
export const GRAINS = ['day', 'week', 'xun', 'month', 'quarter', 'year'] as const;
export type Grain = (typeof GRAINS)[number];

export type IndicatorSource =
  | {
      kind: 'computed';
      /** e.g. `cases.overdue_count`, `cases.on_time_rate`, `campaigns.reached_rate`. */
      from: string;
      /** caseType: one case type or several. */
      params: { caseType?: string | string[]; clock?: string; campaign?: string };
    }
  | { kind: 'loaded' };

export type TargetRow = {
  /** A unit code or `*`. */
  unit: string;
  from?: string;
  to?: string;
  target?: number;
  warning?: number;
  band?: [number, number];
};

export type IndicatorDefinition = {
  key: string;
  name: string;
  nameEn?: string;
  description?: string;
  measure: Measure;
  direction: Direction;
  aggregation: Aggregation;
  grain: Grain;
  source: IndicatorSource;
  targets: TargetRow[];
  normalisation?: { per: number; of: string };
  weight?: { name: string; nameEn?: string };
  /** The login name of the user who answers for the indicator. */
  owner?: string;
};

export type Indicator = {
  id: number;
  key: string;
  definition: IndicatorDefinition;
  ownerUserId: number | null;
  pack: string | null;
  createdAt: string;
  updatedAt: string;
};

export type Status = 'met' | 'warning' | 'missed';

/* ---- Values, ranking, history (indicator-values.service.ts) ---- */

export type IndicatorValue = {
  unitId: number;
  unitCode: string;
  unitName: string;
  /** The period's first day, `YYYY-MM-DD`. */
  period: string;
  /** The period for people: `2026-10`, `2026-Q4`, `2026-10 上旬`. */
  label: string;
  /** The roll-up of the unit's subtree. */
  value: number | null;
  numerator: number;
  denominator: number | null;
  /** The unit's own part, null when it has none. */
  ownValue: number | null;
  target: number | null;
  warning: number | null;
  band: [number, number] | null;
  status: Status | null;
  /** value − target (a band: the distance outside it). */
  gap: number | null;
};

export type ValuesQuery = {
  unitId?: number;
  units?: 'unit' | 'children' | 'subtree';
  from?: string;
  to?: string;
  asOf?: string;
};

export type RankingRow = IndicatorValue & { rank: number; normalised: number | null };

export type Ranking = {
  indicator: string;
  period: string | null;
  label: string | null;
  by: 'value' | 'normalised';
  rows: RankingRow[];
  best: RankingRow | null;
  worst: RankingRow | null;
  spread: number | null;
  median: number | null;
  unranked: { unitId: number; unitCode: string; unitName: string }[];
};

export type RankingQuery = { parentUnitId?: number; kind?: string; period?: string };

/** One version of a unit's own value in a period: who entered what, and when. */
export type ValueVersion = {
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  origin: string;
  note: string;
  recordedAt: string;
  recordedBy: string | null;
  supersededAt: string | null;
};

/* ---- Alerts (indicator-alerts.service.ts) ---- */

export type IndicatorAlert = {
  id: number;
  indicator: string;
  indicatorName: string;
  grain: Grain;
  unitId: number;
  unitName: string;
  /** Western Electric rule 1–4. */
  rule: number;
  side: string;
  period: string;
  label: string;
  value: number;
  centre: number;
  raisedAt: string;
};

/* ---- Dashboard (indicator-dashboard.service.ts) ---- */

export type UnitRef = { id: number; code: string; name: string };

export type DashboardCard = {
  key: string;
  name: string;
  nameEn: string | null;
  measure: Measure;
  direction: Direction;
  grain: Grain;
  /** The caller owns the indicator. */
  owned: boolean;
  /** The latest period with a value (null: none in the window). */
  period: string | null;
  label: string | null;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  target: number | null;
  warning: number | null;
  band: [number, number] | null;
  status: Status | null;
  gap: number | null;
  sparkline: { period: string; label: string; value: number | null }[];
  /** Where the values come from (a case-engine source: the cases behind it can be listed). */
  source: IndicatorSource;
};

export type Dashboard = {
  unit: UnitRef | null;
  /** The units the caller may switch to: his top units and the units right under them. */
  units: UnitRef[];
  cards: DashboardCard[];
  alerts: IndicatorAlert[];
  overdue: {
    total: number;
    cases: { id: number; title: string; unitName: string; dueAt: string | null }[];
  } | null;
  ranking: Ranking | null;
};

/* ---- Calls ---- */

const seg = encodeURIComponent;

export const getDashboard = (unitId?: number): Promise<Dashboard> =>
  api.get<Dashboard>('/dashboard', { unitId });
export const listIndicators = (): Promise<Indicator[]> => api.get<Indicator[]>('/indicators');
export const getIndicator = (key: string): Promise<Indicator> =>
  api.get<Indicator>(`/indicators/${seg(key)}`);
export const listIndicatorValues = (key: string, query: ValuesQuery): Promise<IndicatorValue[]> =>
  api.get<IndicatorValue[]>(`/indicators/${seg(key)}/values`, { ...query });
export const getIndicatorRanking = (key: string, query: RankingQuery): Promise<Ranking> =>
  api.get<Ranking>(`/indicators/${seg(key)}/ranking`, { ...query });
export const listValueVersions = (key: string, unitId: number, period: string): Promise<ValueVersion[]> =>
  api.get<ValueVersion[]>(`/indicators/${seg(key)}/history`, { unitId, period });
export const listIndicatorAlerts = (query: { indicator?: string; limit?: number } = {}) =>
  api.get<IndicatorAlert[]>('/indicator-alerts', { ...query });
export const defineIndicator = (definition: IndicatorDefinition): Promise<Indicator> =>
  api.post<Indicator>('/indicators', definition);

export type LoadRow = {
  /** A unit code. */
  unit: string;
  period: string;
  value?: number;
  numerator?: number;
  denominator?: number;
  weight?: number;
};
/** What a load did (indicator-load.service.ts): `corrected` rows replaced a stored value. */
export type LoadResult = { rows: number; written: number; corrected: number; unchanged: number };
/**
 * One problem of a refused load, in the details of `indicators.values_invalid` (nothing is written).
 * `field` names the row's field (unit, period, value, numerator, denominator, weight); codes:
 * unknown_unit, out_of_scope, bad_period, bad_value, duplicate.
 */
/** A refused row: `message` in English, `messageZh` in Chinese. */
export type LoadProblem = { row: number; field: string; code: string; message: string; messageZh: string };
/** Loads series values of a loaded indicator, all or nothing (indicators.load on each unit). */
export const loadIndicatorValues = (key: string, rows: LoadRow[]): Promise<LoadResult> =>
  api.post<LoadResult>(`/indicators/${seg(key)}/values`, { rows });
export const recomputeIndicators = (input: { indicators?: string[]; from?: string; to?: string } = {}) =>
  api.post<{ indicators: number; periods: number; valuesWritten: number; rollupsWritten: number }>(
    '/indicators/recompute',
    input,
  );

/* ---- Query keys (everything under ['indicators'] refreshes together) ---- */

export const indicatorKeys = {
  all: ['indicators'] as const,
  list: ['indicators', 'list'] as const,
  dashboard: (unitId: number | undefined) => ['indicators', 'dashboard', unitId ?? null] as const,
  detail: (key: string) => ['indicators', 'detail', key] as const,
  values: (key: string, q: ValuesQuery) => ['indicators', 'detail', key, 'values', q] as const,
  ranking: (key: string, q: RankingQuery) => ['indicators', 'detail', key, 'ranking', q] as const,
  history: (key: string, unitId: number, period: string) =>
    ['indicators', 'detail', key, 'history', unitId, period] as const,
  alerts: ['indicators', 'alerts'] as const,
};
