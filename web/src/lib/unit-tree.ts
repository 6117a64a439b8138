import type { Unit } from '../api/types';

export type UnitNode = { unit: Unit; children: UnitNode[]; depth: number };

const compareUnits = (a: Unit, b: Unit): number =>
  a.sortOrder - b.sortOrder || a.code.localeCompare(b.code) || a.id - b.id;

/**
 * Builds the tree from the flat list of `GET /units`. A unit whose parent is not in the list is a root
 * for this user (his scope starts below the company). Cycles cannot come from the API, but are guarded
 * against so a bad row never hangs the page.
 */
export const buildUnitTree = (units: readonly Unit[]): UnitNode[] => {
  const byId = new Map(units.map((u) => [u.id, u]));
  const childrenOf = new Map<number | null, Unit[]>();
  for (const unit of units) {
    const key = unit.parentId !== null && byId.has(unit.parentId) ? unit.parentId : null;
    const list = childrenOf.get(key) ?? [];
    list.push(unit);
    childrenOf.set(key, list);
  }
  const seen = new Set<number>();
  const build = (parentId: number | null, depth: number): UnitNode[] =>
    (childrenOf.get(parentId) ?? [])
      .slice()
      .sort(compareUnits)
      .filter((u) => !seen.has(u.id))
      .map((unit) => {
        seen.add(unit.id);
        return { unit, depth, children: build(unit.id, depth + 1) };
      });
  return build(null, 0);
};

/** Ids of a unit and all units below it. */
export const descendantIds = (units: readonly Unit[], rootId: number): Set<number> => {
  const result = new Set<number>([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of units) {
      if (u.parentId !== null && result.has(u.parentId) && !result.has(u.id)) {
        result.add(u.id);
        grew = true;
      }
    }
  }
  return result;
};

/** Ids from the root down to (not including) the unit: used to expand the tree to a selection. */
export const ancestorIds = (units: readonly Unit[], unitId: number): number[] => {
  const byId = new Map(units.map((u) => [u.id, u]));
  const path: number[] = [];
  let current = byId.get(unitId);
  const guard = new Set<number>();
  while (current && current.parentId !== null && byId.has(current.parentId) && !guard.has(current.id)) {
    guard.add(current.id);
    path.unshift(current.parentId);
    current = byId.get(current.parentId);
  }
  return path;
};

/** The unit's name in the UI language: the English name when the UI is English and one is set. */
export const unitDisplayName = (unit: Pick<Unit, 'name' | 'nameEn'>, lang: string): string =>
  lang === 'en' && unit.nameEn ? unit.nameEn : unit.name;
