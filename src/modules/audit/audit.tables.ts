import type { Generated } from 'kysely';

/** Append-only; every row carries the hash of the row before it, so an edit or a deletion breaks the chain. */
export type AuditLogTable = {
  id: Generated<number>;
  at: string;
  actorId: number | null;
  actorName: string;
  action: string;
  entity: string;
  entityId: string;
  /** The unit the entity belongs to, so the trail can be filtered by the reader's scope. */
  unitId: number | null;
  beforeJson: string | null;
  afterJson: string | null;
  prevHash: string;
  hash: string;
};

export type AuditTables = { auditLog: AuditLogTable };
