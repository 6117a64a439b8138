import type { Actor } from '../../platform/access.js';
import { requirePermission } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import type { Db, Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import * as auditRepo from './audit.repo.js';
import type { AuditEvent, AuditQuery } from './audit.schema.js';
import type { ChainProblem } from './hash-chain.js';
import { checkAuditRow, genesisHash, hashAuditRow } from './hash-chain.js';

export type RecordAuditInput = {
  action: string;
  entity: string;
  entityId: string | number;
  unitId?: number | null;
  before?: object | null;
  after?: object | null;
};

/** Secrets never enter the trail, whatever a caller passes. */
const redactedKeys = new Set(['passwordHash', 'password', 'tokenHash', 'csrfToken', 'secret']);
const toJson = (value: object | null | undefined): string | null =>
  value == null
    ? null
    : JSON.stringify(value, (key, v: unknown) => (redactedKeys.has(key) ? '[redacted]' : v));

/**
 * Appends one row to the hash-chained audit log. Call it inside the transaction that makes
 * the change, so the change and its record commit or roll back together.
 */
export const recordAudit = async (
  tx: Executor,
  input: RecordAuditInput,
  { actor, clock }: { actor: Actor; clock: Clock },
): Promise<void> => {
  await auditRepo.lockChain(tx);
  const last = await auditRepo.lastRow(tx);
  const row = {
    id: (last?.id ?? 0) + 1,
    at: clock.now().toISOString(),
    actorId: actor.userId,
    actorName: actor.name,
    action: input.action,
    entity: input.entity,
    entityId: String(input.entityId),
    unitId: input.unitId ?? null,
    beforeJson: toJson(input.before),
    afterJson: toJson(input.after),
    prevHash: last?.hash ?? genesisHash,
  };
  await auditRepo.insertRow(tx, { ...row, hash: hashAuditRow(row) });
};

const parseJson = (text: string | null): Record<string, unknown> | null =>
  text == null ? null : (JSON.parse(text) as Record<string, unknown>);

/** The audit trail readable by the actor (permission audit.read), newest first. */
export const listAuditEvents = async (
  query: AuditQuery,
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<{ items: AuditEvent[]; total: number; page: number; pageSize: number }> => {
  const unitRoots = requirePermission(actor, 'audit.read');
  const { items, total } = await auditRepo.listRows(
    db,
    { entity: query.entity, entityId: query.entityId, unitRoots },
    { limit: query.pageSize, offset: (query.page - 1) * query.pageSize },
  );
  return {
    items: items.map((r) => ({
      id: r.id,
      at: r.at,
      actorId: r.actorId,
      actorName: r.actorName,
      action: r.action,
      entity: r.entity,
      entityId: r.entityId,
      before: parseJson(r.beforeJson),
      after: parseJson(r.afterJson),
    })),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
};

export type AuditVerification = { rows: number; ok: boolean; problems: ChainProblem[] };

/**
 * Walks the whole chain in id order, a batch at a time, and names every row that was
 * edited, deleted before, or re-linked. Deleting the newest rows leaves a shorter valid
 * chain; compare `rows` with an earlier count (or a backup) to catch that.
 */
export const verifyAuditChain = async (
  { batchSize = 2000, maxProblems = 100 }: { batchSize?: number; maxProblems?: number },
  { db }: { db: Db },
): Promise<AuditVerification> => {
  let previous: { id: number; hash: string } | null = null;
  let rows = 0;
  const problems: ChainProblem[] = [];
  for (;;) {
    const batch = await auditRepo.rowsAfter(db, previous?.id ?? 0, batchSize);
    for (const row of batch) {
      rows += 1;
      if (problems.length < maxProblems) problems.push(...checkAuditRow(row, previous));
      previous = { id: row.id, hash: row.hash };
    }
    if (batch.length < batchSize) break;
  }
  return { rows, ok: problems.length === 0, problems: problems.slice(0, maxProblems) };
};
