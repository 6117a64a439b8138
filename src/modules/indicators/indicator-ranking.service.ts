import { z } from 'zod';
import { requirePermission } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { Unit } from '../org/org.schema.js';
import { nextPeriodStart, parsePeriod, periodLabel, periodStartOf } from './indicator-periods.js';
import { loadIndicator } from './indicators.service.js';
import type { IndicatorValue } from './indicator-values.service.js';
import {
  currentPeriod,
  storedValues,
  toValueRows,
  unitIndexOf,
  ZIndicatorValue,
} from './indicator-values.service.js';

/*
 * Benchmarking (对标): the units of one level ranked on an indicator for a period, with the spread,
 * the best and the worst, and the ranking per 1,000 of a base when the definition normalises.
 */

export const ZRankingQuery = z.object({
  /** Rank the units right under this one; default under the caller's top unit. */
  parentUnitId: z.coerce.number().int().positive().optional(),
  /** … or every visible unit of this kind (all the grids, all the branches). */
  kind: z.string().trim().min(1).max(20).optional(),
  /** Default: the latest period with a value. */
  period: z.string().trim().max(20).optional(),
});
export type RankingQuery = z.input<typeof ZRankingQuery>;

export const ZRankingRow = ZIndicatorValue.extend({
  rank: z.number().int(),
  /** The value per `per` of the normalisation base (e.g. per 1,000 customers), when declared. */
  normalised: z.number().nullable(),
});
export const ZRanking = z
  .object({
    indicator: z.string(),
    period: z.string().nullable(),
    label: z.string().nullable(),
    /** What the ranking orders by: the value, or the normalised value. */
    by: z.enum(['value', 'normalised']),
    rows: z.array(ZRankingRow),
    best: ZRankingRow.nullable(),
    worst: ZRankingRow.nullable(),
    /** worst − best distance: max − min of what is ranked. */
    spread: z.number().nullable(),
    median: z.number().nullable(),
    /** Units of the level with no value in the period (not ranked). */
    unranked: z.array(z.object({ unitId: z.number().int(), unitCode: z.string(), unitName: z.string() })),
  })
  .meta({ id: 'IndicatorRanking' });
export type Ranking = z.infer<typeof ZRanking>;

/** Equal within float noise: two units with the same counts tie. */
const tie = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Ranks the units of one level on an indicator. Better first by the direction (a band: nearer to
 * the band first); ties share a rank and the next rank skips (1, 2, 2, 4: standard competition
 * ranking). With a normalisation the ranking is by the normalised value (per 1,000 customers).
 */
export const rankUnits = async (
  { indicator: key, query: rawQuery }: { indicator: string; query: RankingQuery },
  { db, clock, actor }: Deps,
): Promise<Ranking> => {
  const roots = requirePermission(actor, 'indicators.read');
  const query = ZRankingQuery.parse(rawQuery);
  const indicator = await loadIndicator(db, key);
  const def = indicator.definition;
  const index = await unitIndexOf(db, roots);
  let units: Unit[];
  if (query.kind !== undefined) units = [...index.visible.values()].filter((u) => u.kind === query.kind);
  else {
    const parent = query.parentUnitId ?? (index.tops.length === 1 ? index.tops[0]!.id : undefined);
    if (parent !== undefined && !index.visible.has(parent))
      throw new AppError('org.unit_not_found', { unitId: parent });
    units = parent === undefined ? index.tops : index.childrenOf(parent);
  }
  const ids = units.map((u) => u.id);
  let period: string | null;
  if (query.period !== undefined) {
    period = parsePeriod(def.grain, query.period);
    if (period === null)
      throw new AppError('indicators.bad_period', { period: query.period, field: 'period' });
  } else {
    // The latest period with a value for any of the units (before the next period starts).
    const before = nextPeriodStart(def.grain, currentPeriod(def.grain, clock.now()));
    period = null;
    for (let i = 0; i < ids.length; i += 1000) {
      const found = await db
        .selectFrom('indicatorValues')
        .select((eb) => eb.fn.max('period').as('period'))
        .where('indicatorId', '=', indicator.id)
        .where('unitId', 'in', ids.slice(i, i + 1000))
        .where('period', '<', before)
        .executeTakeFirst();
      const latest = (found?.period as string | null | undefined) ?? null;
      if (latest !== null && (period === null || latest > period)) period = latest;
    }
  }
  const rows =
    period === null
      ? []
      : toValueRows(def, units, index.codesUp, await storedValues(db, indicator.id, ids, [period]));

  let normaliser: Map<number, number> | null = null;
  if (def.normalisation && period !== null) {
    const base = await loadIndicator(db, def.normalisation.of);
    // The base may have another grain (customers counted yearly): its period holding this one's start.
    const basePeriod = periodStartOf(base.definition.grain, period);
    normaliser = new Map(
      (await storedValues(db, base.id, ids, [basePeriod])).flatMap((r) =>
        r.treeValue !== null && r.treeValue > 0 ? [[r.unitId, r.treeValue]] : [],
      ),
    );
  }
  const by = normaliser ? 'normalised' : 'value';
  // Each row built once with its sort key, smaller is better (a band: the distance outside it).
  const entries: Array<{ row: IndicatorValue & { normalised: number | null; rank: number }; key: number }> =
    [];
  for (const r of rows) {
    if (r.value === null) continue;
    const base = normaliser?.get(r.unitId);
    const normalised = normaliser ? (base ? (r.value / base) * def.normalisation!.per : null) : null;
    if (by === 'normalised' && normalised === null) continue;
    const v = by === 'value' ? r.value : normalised!;
    const band = r.band ?? [v, v];
    const key =
      def.direction === 'higher_better'
        ? -v
        : def.direction === 'lower_better'
          ? v
          : Math.max(band[0] - v, v - band[1], 0);
    entries.push({ row: { ...r, normalised, rank: 0 }, key });
  }
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  entries.sort((a, b) => a.key - b.key || byCode(a.row.unitCode, b.row.unitCode));
  entries.forEach((e, i) => {
    const previous = entries[i - 1];
    e.row.rank = previous && tie(previous.key, e.key) ? previous.row.rank : i + 1;
  });
  const ranked = entries.map((e) => e.row);
  const metric = (r: (typeof ranked)[number]) => (by === 'value' ? r.value! : r.normalised!);
  const values = ranked.map(metric).sort((a, b) => a - b);
  const mid = values.length / 2;
  const rankedIds = new Set(ranked.map((r) => r.unitId));
  return {
    indicator: key,
    period,
    label: period === null ? null : periodLabel(def.grain, period),
    by,
    rows: ranked,
    best: ranked[0] ?? null,
    worst: ranked.at(-1) ?? null,
    spread: values.length ? values.at(-1)! - values[0]! : null,
    median: values.length
      ? values.length % 2
        ? values[Math.floor(mid)]!
        : (values[mid - 1]! + values[mid]!) / 2
      : null,
    unranked: units
      .filter((u) => !rankedIds.has(u.id))
      .map((u) => ({ unitId: u.id, unitCode: u.code, unitName: u.name })),
  };
};
