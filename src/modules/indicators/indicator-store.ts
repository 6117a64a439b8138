import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { dialectOf } from '../../platform/db/database.js';
import type { IndicatorDefinition } from './indicator.schema.js';

/*
 * Writing indicator values: a unit's own part by difference, then the roll-ups of the subtrees
 * that hold it. Both the recompute and a series load come through here, so "only what changed is
 * written" and "every change leaves a version" hold for both.
 *
 * - A part is { numerator, denominator }: a ratio's met / stopped, a weighted mean's Σ value·weight
 *   / Σ weight, a sum's or a max's value with no denominator. Its value follows from the
 *   definition's aggregation (valueOf), never stored apart from what it is computed from.
 * - A roll-up (tree*) is computed from the own parts of the subtree in SQL (unit_closure), so it
 *   is exact whatever the aggregation: Σ/Σ for ratios and weighted means, Σ for sums, max for max.
 */

export type Part = { numerator: number; denominator: number | null };

type Aggregation = IndicatorDefinition['aggregation'];

/** The value of a part: a quotient for ratios and weighted means (none without a denominator). */
export const valueOf = (aggregation: Aggregation, part: Part): number | null => {
  if (aggregation === 'ratio_of_sums' || aggregation === 'weighted_mean')
    return part.denominator !== null && part.denominator > 0 ? part.numerator / part.denominator : null;
  return part.numerator;
};

/** Equal up to float noise: a recompute that sums the same counts in another order writes nothing. */
const same = (a: number | null, b: number | null) =>
  a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

export type WriteOwnPartsInput = {
  indicatorId: number;
  aggregation: Aggregation;
  origin: 'computed' | 'loaded';
  period: string;
  /** unit → its new own part; null removes it. */
  parts: ReadonlyMap<number, Part | null>;
  /** Also remove the own parts of units not in `parts` (a recompute states the whole period). */
  complete: boolean;
  recordedByUserId: number | null;
  note: 'recompute' | 'load' | 'correction';
  now: string;
};

export type WriteResult = {
  /** Own parts inserted, changed or removed. */
  written: number;
  /** Of those, parts that replaced an existing value. */
  corrected: number;
  /** Units whose own part changed: their ancestors' roll-ups must follow. */
  changedUnitIds: number[];
};

const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** Writes the own parts of one period that differ from the stored ones, each with a new version. */
export const writeOwnParts = async (tx: Executor, input: WriteOwnPartsInput): Promise<WriteResult> => {
  const { indicatorId, period, aggregation, now } = input;
  // A partial write (a load's batch) reads only the units it writes: a big period is not re-read
  // for every batch.
  const select = () =>
    tx
      .selectFrom('indicatorValues')
      .select(['unitId', 'ownNumerator', 'ownDenominator', 'ownValue'])
      .where('indicatorId', '=', indicatorId)
      .where('period', '=', period)
      .where('ownValue', 'is not', null);
  const storedRows = input.complete
    ? await select().execute()
    : (
        await Promise.all(
          chunk([...input.parts.keys()], 1000).map((ids) => select().where('unitId', 'in', ids).execute()),
        )
      ).flat();
  const stored = new Map(storedRows.map((r) => [r.unitId, r]));
  const target = new Map(input.parts);
  if (input.complete) for (const unitId of stored.keys()) if (!target.has(unitId)) target.set(unitId, null);

  const changes: Array<{ unitId: number; part: Part | null; value: number | null; existed: boolean }> = [];
  for (const [unitId, part] of target) {
    const old = stored.get(unitId);
    const value = part ? valueOf(aggregation, part) : null;
    // A part without a value (a ratio with nothing counted) is no part.
    const next = value === null ? null : part;
    if (!old && !next) continue;
    if (old && next && same(old.ownNumerator, next.numerator) && same(old.ownDenominator, next.denominator))
      continue;
    changes.push({ unitId, part: next, value: next ? value : null, existed: old !== undefined });
  }
  if (changes.length === 0) return { written: 0, corrected: 0, changedUnitIds: [] };

  for (const batch of chunk(changes, 500)) {
    const unitIds = batch.map((c) => c.unitId);
    await tx
      .updateTable('indicatorValueVersions')
      .set({ supersededAt: now })
      .where('indicatorId', '=', indicatorId)
      .where('period', '=', period)
      .where('unitId', 'in', unitIds)
      .where('supersededAt', 'is', null)
      .execute();
    await tx
      .insertInto('indicatorValueVersions')
      .values(
        batch.map((c) => ({
          indicatorId,
          unitId: c.unitId,
          period,
          numerator: c.part?.numerator ?? null,
          denominator: c.part?.denominator ?? null,
          value: c.value,
          origin: input.origin,
          recordedAt: now,
          recordedByUserId: input.recordedByUserId,
          supersededAt: null,
          note: c.part ? (c.existed && input.note === 'load' ? 'correction' : input.note) : 'removed',
        })),
      )
      .execute();
    await tx
      .insertInto('indicatorValues')
      .values(
        batch.map((c) => ({
          indicatorId,
          unitId: c.unitId,
          period,
          ownNumerator: c.part?.numerator ?? null,
          ownDenominator: c.part?.denominator ?? null,
          ownValue: c.value,
          // The roll-up is refreshed right after; until then it is at least the own part.
          treeNumerator: c.part?.numerator ?? 0,
          treeDenominator: c.part?.denominator ?? null,
          treeValue: c.value,
          origin: input.origin,
          recordedAt: now,
          recordedByUserId: input.recordedByUserId,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['indicatorId', 'period', 'unitId']).doUpdateSet((eb) => ({
          ownNumerator: eb.ref('excluded.ownNumerator'),
          ownDenominator: eb.ref('excluded.ownDenominator'),
          ownValue: eb.ref('excluded.ownValue'),
          origin: eb.ref('excluded.origin'),
          recordedAt: eb.ref('excluded.recordedAt'),
          recordedByUserId: eb.ref('excluded.recordedByUserId'),
        })),
      )
      .execute();
  }
  return {
    written: changes.length,
    corrected: changes.filter((c) => c.existed && c.part !== null).length,
    changedUnitIds: changes.map((c) => c.unitId),
  };
};

/** The units whose subtree holds one of `unitIds` (themselves included). */
export const ancestorsOf = async (db: Executor, unitIds: readonly number[]): Promise<number[]> => {
  const out = new Set<number>();
  for (const ids of chunk([...new Set(unitIds)], 1000))
    for (const r of await db
      .selectFrom('unitClosure')
      .select('ancestorId')
      .distinct()
      .where('descendantId', 'in', ids)
      .execute())
      out.add(r.ancestorId);
  return [...out];
};

/**
 * Recomputes the roll-ups of `unitIds` (which must include every ancestor of a changed unit) for
 * one period from the own parts of their subtrees, writing only those that differ. Returns how many
 * rows it wrote.
 */
export const refreshTrees = async (
  tx: Executor,
  {
    indicatorId,
    aggregation,
    origin,
    period,
    unitIds,
    now,
  }: {
    indicatorId: number;
    aggregation: Aggregation;
    origin: 'computed' | 'loaded';
    period: string;
    unitIds: readonly number[];
    now: string;
  },
): Promise<number> => {
  let written = 0;
  for (const ids of chunk(unitIds, 1000)) {
    const [sums, stored] = await Promise.all([
      tx
        .selectFrom('indicatorValues as v')
        .innerJoin('unitClosure as c', 'c.descendantId', 'v.unitId')
        .select([
          'c.ancestorId',
          sql<number | string>`sum(${sql.ref('v.ownNumerator')})`.as('numerator'),
          sql<number | string | null>`sum(${sql.ref('v.ownDenominator')})`.as('denominator'),
          sql<number | string>`max(${sql.ref('v.ownValue')})`.as('maximum'),
        ])
        .where('v.indicatorId', '=', indicatorId)
        .where('v.period', '=', period)
        .where('v.ownValue', 'is not', null)
        // Unary plus: a filter, not an index term. Otherwise SQLite probes (descendant, ancestor)
        // once per listed ancestor for every part read (2,000 parts × 1,000 ids a chunk).
        .where(sql<number>`+${sql.ref('c.ancestorId')}`, 'in', ids)
        .groupBy('c.ancestorId')
        .execute(),
      tx
        .selectFrom('indicatorValues')
        .select(['unitId', 'ownValue', 'treeNumerator', 'treeDenominator'])
        .where('indicatorId', '=', indicatorId)
        .where('period', '=', period)
        .where('unitId', 'in', ids)
        .execute(),
    ]);
    const storedOf = new Map(stored.map((r) => [r.unitId, r]));
    const seen = new Set<number>();
    for (const s of sums) {
      seen.add(s.ancestorId);
      const part: Part =
        aggregation === 'max'
          ? { numerator: Number(s.maximum), denominator: null }
          : {
              numerator: Number(s.numerator),
              denominator: s.denominator === null ? null : Number(s.denominator),
            };
      const old = storedOf.get(s.ancestorId);
      if (old && same(old.treeNumerator, part.numerator) && same(old.treeDenominator, part.denominator))
        continue;
      const tree = {
        treeNumerator: part.numerator,
        treeDenominator: part.denominator,
        treeValue: valueOf(aggregation, part),
      };
      written++;
      if (old)
        await tx
          .updateTable('indicatorValues')
          .set(tree)
          .where('indicatorId', '=', indicatorId)
          .where('period', '=', period)
          .where('unitId', '=', s.ancestorId)
          .execute();
      else
        await tx
          .insertInto('indicatorValues')
          .values({
            indicatorId,
            unitId: s.ancestorId,
            period,
            ownNumerator: null,
            ownDenominator: null,
            ownValue: null,
            ...tree,
            origin,
            recordedAt: now,
            recordedByUserId: null,
          })
          .execute();
    }
    // A subtree left with no part at all: the row goes (its own part is gone too, or it would sum).
    const empty = stored.filter((r) => !seen.has(r.unitId)).map((r) => r.unitId);
    if (empty.length) {
      written += empty.length;
      await tx
        .deleteFrom('indicatorValues')
        .where('indicatorId', '=', indicatorId)
        .where('period', '=', period)
        .where('unitId', 'in', empty)
        .execute();
    }
  }
  return written;
};

/** Writes a period's own parts by difference, then the roll-ups of the changed units' ancestors. */
export const writePeriod = async (
  tx: Executor,
  input: WriteOwnPartsInput,
): Promise<WriteResult & { rollupsWritten: number }> => {
  const result = await writeOwnParts(tx, input);
  const rollupsWritten =
    result.changedUnitIds.length === 0
      ? 0
      : await refreshTrees(tx, {
          indicatorId: input.indicatorId,
          aggregation: input.aggregation,
          origin: input.origin,
          period: input.period,
          unitIds: await ancestorsOf(tx, result.changedUnitIds),
          now: input.now,
        });
  return { ...result, rollupsWritten };
};

/** Rows written by one call above which PostgreSQL's statistics are refreshed at once. */
const ANALYZE_AFTER_ROWS = 10_000;

/**
 * After a large write (a new indicator's history, a month loaded for every unit), refreshes
 * PostgreSQL's statistics of the values table. Until then the planner does not know the new
 * indicator's rows and picks a plan that reads every unit's row for "the latest period" of a
 * ranking (46 ms instead of 0.3 ms, measured: docs/benchmarks.md); autovacuum would wait for ~10 %
 * of the table to change. SQLite plans without statistics here.
 */
export const refreshStatisticsAfter = async (db: Executor, rowsWritten: number): Promise<void> => {
  if (rowsWritten > ANALYZE_AFTER_ROWS && dialectOf(db) === 'postgres')
    await sql`analyze indicator_values`.execute(db);
};
