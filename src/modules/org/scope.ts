import type { ExpressionBuilder } from 'kysely';
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

/** True when the roots cover everything. */
export const isUnrestricted = (roots: ScopeRoots): roots is 'all' => roots === 'all';
