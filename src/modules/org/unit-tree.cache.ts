import type { ScopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import { createVersionedCache } from '../../platform/db/versioned-cache.js';
import type { Unit } from './org.schema.js';
import * as unitsRepo from './units.repo.js';
import type { UnitRow } from './units.repo.js';

/**
 * The unit tree kept in memory, per database handle. Units are read on every page and
 * change rarely; loading them from SQL cost more than the rest of a request. A snapshot is
 * valid while the tree version (a counter bumped in the same transaction as every unit
 * change) is the one it was loaded at, so a change made by any process — another server
 * on the same PostgreSQL, the CLI — is seen by the next read here. The version is read
 * before the data: a change landing in between makes the snapshot look stale, never fresh.
 */
type Snapshot = {
  version: number;
  /** Every unit, frozen, in display order (sort order, then id). */
  units: readonly Unit[];
  /** ancestor id → itself and all its descendants. */
  subtree: ReadonlyMap<number, ReadonlySet<number>>;
};

const snapshots = createVersionedCache<'tree', Snapshot>();

const load = async (db: Executor, version: number, toUnit: (row: UnitRow) => Unit): Promise<Snapshot> => {
  const [rows, pairs] = await Promise.all([unitsRepo.listUnits(db, 'all'), unitsRepo.listClosure(db)]);
  const subtree = new Map<number, Set<number>>();
  for (const { ancestorId, descendantId } of pairs) {
    let set = subtree.get(ancestorId);
    if (!set) subtree.set(ancestorId, (set = new Set()));
    set.add(descendantId);
  }
  return { version, units: rows.map((row) => Object.freeze(toUnit(row))), subtree };
};

/** The units under the scope roots, from the current snapshot (loaded when stale). */
export const unitsInScope = async (
  db: Executor,
  roots: ScopeRoots,
  toUnit: (row: UnitRow) => Unit,
): Promise<Unit[]> => {
  const version = await unitsRepo.readTreeVersion(db);
  let snapshot = snapshots.get(db, 'tree', version);
  if (!snapshot) {
    snapshot = await load(db, version, toUnit);
    snapshots.set(db, 'tree', version, snapshot);
  }
  if (roots === 'all') return [...snapshot.units];
  const { subtree } = snapshot;
  const visible = new Set<number>();
  for (const root of roots) for (const id of subtree.get(root) ?? []) visible.add(id);
  return snapshot.units.filter((unit) => visible.has(unit.id));
};
