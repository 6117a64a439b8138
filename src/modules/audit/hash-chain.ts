import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { AuditLogTable } from './audit.tables.js';

/** The hash before the first row. */
export const genesisHash = '0'.repeat(64);

/** The fields of an audit row that its hash covers: all but the hash itself. */
export type ChainedFields = Omit<Selectable<AuditLogTable>, 'hash'>;

/**
 * SHA-256 over the row's fields and the previous row's hash. The id is covered, so a
 * row cannot be moved, and the stored JSON text is covered exactly as stored.
 */
export const hashAuditRow = (row: ChainedFields): string =>
  createHash('sha256')
    .update(
      JSON.stringify([
        row.prevHash,
        row.id,
        row.at,
        row.actorId,
        row.actorName,
        row.action,
        row.entity,
        row.entityId,
        row.unitId,
        row.beforeJson,
        row.afterJson,
      ]),
    )
    .digest('hex');

export type ChainProblem = { id: number; problem: 'edited' | 'missing_before' | 'relinked'; detail: string };

/**
 * Checks one row against the one before it. Row ids are consecutive by construction,
 * so a gap means deleted rows; a wrong hash means an edited row; a wrong link means
 * the chain was re-stitched around a change.
 */
export const checkAuditRow = (
  row: ChainedFields & { hash: string },
  previous: { id: number; hash: string } | null,
): ChainProblem[] => {
  const problems: ChainProblem[] = [];
  const expectedId = previous ? previous.id + 1 : 1;
  if (row.id !== expectedId) {
    problems.push({
      id: row.id,
      problem: 'missing_before',
      detail: `rows ${expectedId}..${row.id - 1} are missing`,
    });
  }
  if (row.prevHash !== (previous ? previous.hash : genesisHash) && row.id === expectedId) {
    problems.push({ id: row.id, problem: 'relinked', detail: 'prev_hash does not match the previous row' });
  }
  if (hashAuditRow(row) !== row.hash) {
    problems.push({ id: row.id, problem: 'edited', detail: 'content does not match its hash' });
  }
  return problems;
};
