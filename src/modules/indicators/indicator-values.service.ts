import { z } from 'zod';
import type { ScopeRoots } from '../../platform/access.js';
import { requirePermission } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { reportingDayOf } from '../cases/case-figure-days.js';
import type { Unit } from '../org/org.schema.js';
import { unitsInScope } from '../org/unit-tree.cache.js';
import { toUnit } from '../org/units.service.js';
import type { IndicatorDefinition, Status } from './indicator.schema.js';
import { statusOf, targetFor } from './indicator.schema.js';
import type { Grain } from './indicator-periods.js';
import {
  parsePeriod,
  periodLabel,
  periodStartOf,
  periodsBetween,
  periodsEndingWith,
} from './indicator-periods.js';
import type { Part } from './indicator-store.js';
import { valueOf } from './indicator-store.js';
import type { LoadedIndicator } from './indicators.service.js';
import { loadIndicator } from './indicators.service.js';

/*
 * Reading indicator values: a unit's value is the roll-up of its subtree (what a manager of the
 * unit answers for); its own part is shown beside it for drill-down. Each value comes with the
 * target row that applies, the status and the gap. "As of" an instant, the values are rebuilt
 * from the versions current at that instant (late data recorded after it is not seen).
 */

export const ZStatus = z.enum(['met', 'warning', 'missed']);

export const ZIndicatorValue = z
  .object({
    unitId: z.number().int(),
    unitCode: z.string(),
    unitName: z.string(),
    period: z.string(),
    label: z.string(),
    value: z.number().nullable(),
    numerator: z.number(),
    denominator: z.number().nullable(),
    /** The unit's own part (its own cases or the series loaded for it), null when it has none. */
    ownValue: z.number().nullable(),
    target: z.number().nullable(),
    warning: z.number().nullable(),
    band: z.tuple([z.number(), z.number()]).nullable(),
    status: ZStatus.nullable(),
    /** value − target (for a band: the distance outside it, signed towards the side it left). */
    gap: z.number().nullable(),
  })
  .meta({ id: 'IndicatorValue' });
export type IndicatorValue = z.infer<typeof ZIndicatorValue>;

export const ZValuesQuery = z.object({
  /** A unit; default the caller's top units. */
  unitId: z.coerce.number().int().positive().optional(),
  /** unit: the unit's own row; children: the units right under it; subtree: every unit under it. */
  units: z.enum(['unit', 'children', 'subtree']).default('unit'),
  /** Periods as written for the grain (`2026-10`, `2026-Q4`, a day); default the last 12. */
  from: z.string().trim().max(20).optional(),
  to: z.string().trim().max(20).optional(),
  /** The values as they stood at this instant. */
  asOf: z.iso.datetime({ offset: true }).optional(),
});
export type ValuesQuery = z.input<typeof ZValuesQuery>;

/** Units visible to the caller, with the parent chain of every unit for target rows. */
export type UnitIndex = {
  visible: Map<number, Unit>;
  all: Map<number, Unit>;
  /** The caller's top units: visible units whose parent is not visible. */
  tops: Unit[];
  childrenOf: (unitId: number) => Unit[];
  codesUp: (unitId: number) => string[];
};

export const unitIndexOf = async (db: Executor, roots: ScopeRoots): Promise<UnitIndex> => {
  const [all, visibleList] = await Promise.all([
    unitsInScope(db, 'all', toUnit),
    unitsInScope(db, roots, toUnit),
  ]);
  const byId = new Map(all.map((u) => [u.id, u]));
  const visible = new Map(visibleList.map((u) => [u.id, u]));
  const children = new Map<number, Unit[]>();
  for (const u of visibleList)
    if (u.parentId !== null) {
      const list = children.get(u.parentId) ?? [];
      list.push(u);
      children.set(u.parentId, list);
    }
  const codes = new Map<number, string[]>();
  const codesUp = (unitId: number): string[] => {
    let found = codes.get(unitId);
    if (!found) {
      const unit = byId.get(unitId);
      found = unit ? [unit.code, ...(unit.parentId === null ? [] : codesUp(unit.parentId))] : [];
      codes.set(unitId, found);
    }
    return found;
  };
  return {
    visible,
    all: byId,
    tops: visibleList.filter((u) => u.parentId === null || !visible.has(u.parentId)),
    childrenOf: (unitId) => children.get(unitId) ?? [],
    codesUp,
  };
};

/** The target, status and gap of a value for a unit and period. */
export const judge = (
  def: IndicatorDefinition,
  codesUp: string[],
  period: string,
  value: number | null,
): Pick<IndicatorValue, 'target' | 'warning' | 'band' | 'status' | 'gap'> => {
  const row = targetFor({ definition: def, unitCodes: codesUp, period });
  const none = { target: null, warning: null, band: null, status: null, gap: null };
  if (!row) return none;
  const base = { target: row.target ?? null, warning: row.warning ?? null, band: row.band ?? null };
  if (value === null) return { ...base, status: null, gap: null };
  const status: Status = statusOf({ definition: def, value, target: row });
  let gap: number | null = null;
  if (def.direction === 'band' && row.band) {
    const [low, high] = row.band;
    gap = value < low ? value - low : value > high ? value - high : 0;
  } else if (row.target !== undefined) gap = value - row.target;
  return { ...base, status, gap };
};

/** The period of `grain` holding now (a reporting day in Asia/Shanghai). */
export const currentPeriod = (grain: Grain, now: Date) =>
  periodStartOf(grain, reportingDayOf(now.toISOString()));

/** Reads `from`/`to` of a query for a grain; default the 12 periods up to the current one. */
export const periodRange = (
  grain: Grain,
  { from, to }: { from?: string | undefined; to?: string | undefined },
  now: Date,
): string[] => {
  const parse = (text: string, field: string) => {
    const period = parsePeriod(grain, text);
    if (period === null) throw new AppError('indicators.bad_period', { period: text, field });
    return period;
  };
  const last = to !== undefined ? parse(to, 'to') : currentPeriod(grain, now);
  if (from !== undefined) {
    const first = parse(from, 'from');
    if (first > last) throw new AppError('indicators.bad_period', { period: from, field: 'from' });
    const periods = periodsBetween(grain, first, last);
    if (periods.length > 400)
      throw new AppError('indicators.bad_period', { period: `${from}…${to ?? ''}`, field: 'from' });
    return periods;
  }
  return periodsEndingWith(grain, last, 12);
};

type StoredRow = {
  unitId: number;
  period: string;
  treeNumerator: number;
  treeDenominator: number | null;
  treeValue: number | null;
  ownValue: number | null;
};

/** Current roll-ups of some units over some periods. */
export const storedValues = async (
  db: Executor,
  indicatorId: number,
  unitIds: readonly number[],
  periods: readonly string[],
): Promise<StoredRow[]> => {
  if (unitIds.length === 0 || periods.length === 0) return [];
  const select = () =>
    db
      .selectFrom('indicatorValues')
      .select(['unitId', 'period', 'treeNumerator', 'treeDenominator', 'treeValue', 'ownValue'])
      .where('indicatorId', '=', indicatorId)
      .where('period', '>=', periods[0]!)
      .where('period', '<=', periods.at(-1)!);
  // Many units of few periods (a ranking of every grid): one range of the primary key
  // (indicator, period, unit) filtered here, rather than a seek per unit in the unit index.
  if (unitIds.length > 200 && periods.length <= 3) {
    const wanted = new Set(unitIds);
    return (await select().execute()).filter((r) => wanted.has(r.unitId));
  }
  const out: StoredRow[] = [];
  for (let i = 0; i < unitIds.length; i += 1000)
    out.push(
      ...(await select()
        .where('unitId', 'in', unitIds.slice(i, i + 1000))
        .execute()),
    );
  return out;
};

/** The roll-ups as of an instant, rebuilt from the versions then current. */
const valuesAsOf = async (
  db: Executor,
  indicator: LoadedIndicator,
  unitIds: readonly number[],
  periods: readonly string[],
  asOf: string,
): Promise<StoredRow[]> => {
  const versions = await db
    .selectFrom('indicatorValueVersions')
    .select(['unitId', 'period', 'numerator', 'denominator', 'value'])
    .where('indicatorId', '=', indicator.id)
    .where('period', '>=', periods[0]!)
    .where('period', '<=', periods.at(-1)!)
    .where('recordedAt', '<=', asOf)
    .where((eb) => eb.or([eb('supersededAt', 'is', null), eb('supersededAt', '>', asOf)]))
    .where('value', 'is not', null)
    .execute();
  const { aggregation } = indicator.definition;
  const byPeriod = new Map<string, Map<number, (typeof versions)[number]>>();
  for (const v of versions) {
    let m = byPeriod.get(v.period);
    if (!m) byPeriod.set(v.period, (m = new Map()));
    m.set(v.unitId, v);
  }
  const out: StoredRow[] = [];
  for (const unitId of unitIds) {
    const subtree = (await unitsInScope(db, [unitId], toUnit)).map((u) => u.id);
    for (const period of periods) {
      const own = byPeriod.get(period);
      const parts = own ? subtree.flatMap((id) => own.get(id) ?? []) : [];
      if (parts.length === 0) continue;
      const tree: Part =
        aggregation === 'max'
          ? { numerator: Math.max(...parts.map((v) => v.value!)), denominator: null }
          : {
              numerator: parts.reduce((s, v) => s + v.numerator!, 0),
              denominator: parts.every((v) => v.denominator === null)
                ? null
                : parts.reduce((s, v) => s + (v.denominator ?? 0), 0),
            };
      out.push({
        unitId,
        period,
        treeNumerator: tree.numerator,
        treeDenominator: tree.denominator,
        treeValue: valueOf(aggregation, tree),
        ownValue: own?.get(unitId)?.value ?? null,
      });
    }
  }
  return out;
};

/** Builds the API rows of stored roll-ups, in unit display order then period. */
export const toValueRows = (
  def: IndicatorDefinition,
  units: readonly Unit[],
  codesUp: (unitId: number) => string[],
  rows: readonly StoredRow[],
): IndicatorValue[] => {
  const order = new Map(units.map((u, i) => [u.id, i]));
  return [...rows]
    .filter((r) => order.has(r.unitId))
    .sort((a, b) => order.get(a.unitId)! - order.get(b.unitId)! || a.period.localeCompare(b.period))
    .map((r) => {
      const unit = units[order.get(r.unitId)!]!;
      return {
        unitId: r.unitId,
        unitCode: unit.code,
        unitName: unit.name,
        period: r.period,
        label: periodLabel(def.grain, r.period),
        value: r.treeValue,
        numerator: r.treeNumerator,
        denominator: r.treeDenominator,
        ownValue: r.ownValue,
        ...judge(def, codesUp(r.unitId), r.period, r.treeValue),
      };
    });
};

/** The units a query is about, inside the caller's scope. */
const unitsOfQuery = (
  index: UnitIndex,
  unitId: number | undefined,
  which: 'unit' | 'children' | 'subtree',
) => {
  if (unitId !== undefined && !index.visible.has(unitId))
    throw new AppError('org.unit_not_found', { unitId });
  const start = unitId !== undefined ? [index.visible.get(unitId)!] : index.tops;
  if (which === 'unit') return start;
  if (which === 'children') return start.flatMap((u) => index.childrenOf(u.id));
  const out: Unit[] = [];
  const walk = (u: Unit) => {
    out.push(u);
    index.childrenOf(u.id).forEach(walk);
  };
  start.forEach(walk);
  return out;
};

/** Values of one indicator for units and periods, each with its target and status. */
export const readIndicatorValues = async (
  { indicator: key, query: rawQuery }: { indicator: string; query: ValuesQuery },
  { db, clock, actor }: Deps,
): Promise<IndicatorValue[]> => {
  const roots = requirePermission(actor, 'indicators.read');
  const query = ZValuesQuery.parse(rawQuery);
  const indicator = await loadIndicator(db, key);
  const def = indicator.definition;
  const periods = periodRange(def.grain, query, clock.now());
  const index = await unitIndexOf(db, roots);
  const units = unitsOfQuery(index, query.unitId, query.units);
  const ids = units.map((u) => u.id);
  const rows = query.asOf
    ? await valuesAsOf(db, indicator, ids, periods, new Date(query.asOf).toISOString())
    : await storedValues(db, indicator.id, ids, periods);
  return toValueRows(def, units, index.codesUp, rows);
};

// ---- history (corrections) ----

export const ZValueVersion = z
  .object({
    numerator: z.number().nullable(),
    denominator: z.number().nullable(),
    value: z.number().nullable(),
    origin: z.string(),
    note: z.string(),
    recordedAt: z.string(),
    recordedBy: z.string().nullable(),
    supersededAt: z.string().nullable(),
  })
  .meta({ id: 'IndicatorValueVersion' });

/** Every version of a unit's own part in a period, oldest first: who entered what, and when. */
export const listValueVersions = async (
  { indicator: key, unitId, period: text }: { indicator: string; unitId: number; period: string },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<Array<z.infer<typeof ZValueVersion>>> => {
  const roots = requirePermission(actor, 'indicators.read');
  const indicator = await loadIndicator(db, key);
  const index = await unitIndexOf(db, roots);
  if (!index.visible.has(unitId)) throw new AppError('org.unit_not_found', { unitId });
  const period = parsePeriod(indicator.definition.grain, text);
  if (period === null) throw new AppError('indicators.bad_period', { period: text, field: 'period' });
  const rows = await db
    .selectFrom('indicatorValueVersions as v')
    .leftJoin('users as u', 'u.id', 'v.recordedByUserId')
    .select([
      'v.numerator',
      'v.denominator',
      'v.value',
      'v.origin',
      'v.note',
      'v.recordedAt',
      'v.supersededAt',
      'u.displayName as recordedBy',
    ])
    .where('v.indicatorId', '=', indicator.id)
    .where('v.unitId', '=', unitId)
    .where('v.period', '=', period)
    .orderBy('v.id')
    .execute();
  return rows;
};
