import type { z } from 'zod';
import type { ImportProblem } from './import-runner.js';

/* Building the problems a target's `check` returns for a row (the runner adds the row number). */

export type RowProblemOf = Omit<ImportProblem, 'row'>;

export const rowProblem = (
  field: string,
  value: string,
  code: string,
  why: string,
  whyZh: string,
): RowProblemOf => ({ field, value, code, why, whyZh });

/**
 * The first issue of a zod check of one cell's value, or null when it passes: targets check cells
 * with the schema their service validates with (not a copy of its rules).
 */
export const zodRowProblem = (field: string, schema: z.ZodType, value: unknown): RowProblemOf | null => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return null;
  const why = parsed.error.issues[0]?.message ?? 'invalid';
  return rowProblem(field, String(value ?? ''), 'invalid', why, `格式不正确：${why}`);
};
