import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';

/**
 * `column LIKE '%text%'` with `%`, `_` and `\` in the text taken literally. The ESCAPE clause
 * is explicit because SQLite has no default escape character (PostgreSQL's is the backslash).
 * `column` is a `table.column` reference in the code's camelCase, like any Kysely reference.
 */
export const containsText = (column: string, text: string): RawBuilder<boolean> =>
  sql<boolean>`${sql.ref(column)} like ${`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`;
