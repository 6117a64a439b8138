import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { ScopeRoots } from '../../platform/access.js';
import type { Database } from '../../platform/db/schema.js';

/**
 * The subquery of unit ids inside a scope: every descendant (itself included) of the
 * grant roots, read from the closure table. Used in WHERE clauses so that data outside
 * the scope is never loaded.
 */
export const unitIdsUnder = <DB extends Database, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  roots: number[],
) =>
  (eb as unknown as ExpressionBuilder<Database, never>)
    .selectFrom('unitClosure')
    .select('unitClosure.descendantId')
    .where('unitClosure.ancestorId', 'in', roots.length ? roots : [-1]);

/** Which units a list is asked for: the caller's scope, narrowed to one unit or its subtree. */
export type UnitFilter = { roots: ScopeRoots; unitId?: number | undefined; subtree: boolean };

/**
 * The WHERE condition "the row's unit is inside the scope, and under (or equal to) the
 * requested unit". Every unit-owned list (people, customers, later cases) uses this one rule.
 * `column` is the row's unit reference, e.g. 'people.unitId'.
 */
export const unitCondition =
  (column: string, { roots, unitId, subtree }: UnitFilter) =>
  <DB extends Database, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>) => {
    const unit = sql.ref<number>(column);
    const conditions: Expression<SqlBool>[] = [];
    if (roots !== 'all') conditions.push(eb(unit, 'in', unitIdsUnder(eb, roots)));
    if (unitId !== undefined) {
      conditions.push(subtree ? eb(unit, 'in', unitIdsUnder(eb, [unitId])) : eb(unit, '=', unitId));
    }
    return eb.and(conditions);
  };
