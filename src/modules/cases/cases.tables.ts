import type { Generated } from 'kysely';

/** A configured case type; `definitionJson` is a validated CaseTypeDefinition (case-type.schema.ts). */
export type CaseTypeTable = {
  id: Generated<number>;
  key: string;
  name: string;
  nameEn: string | null;
  definitionJson: string;
  version: Generated<number>;
  active: Generated<number>;
  createdAt: string;
  updatedAt: string;
};

/**
 * A case (工单). Status and the timestamps are the current state; the history is case_events.
 * `nextDueAt` (earliest due of a running clock) and `breached` are kept from case_clocks so that
 * the overdue list is one index range.
 */
export type CaseTable = {
  id: Generated<number>;
  caseTypeId: number;
  unitId: number;
  externalKey: string | null;
  title: string;
  description: string | null;
  categoryKey: string;
  priorityKey: string;
  status: string;
  /** 1 until resolved, closed or cancelled: work is still owed. */
  isOpen: number;
  customerId: number | null;
  registrantUserId: number | null;
  assigneeUserId: number | null;
  fieldsJson: Generated<string>;
  /** The structured outcome (the type's `closing.outcomeFields`), set on resolving or closing. */
  outcomeJson: Generated<string | null>;
  reasonCode: string | null;
  feedback: string | null;
  repeatOfCaseId: number | null;
  reopenCount: Generated<number>;
  nextDueAt: string | null;
  breached: Generated<number>;
  /** Working time from registration to the latest resolution, minus pauses. */
  resolutionWorkingMs: number | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  version: Generated<number>;
};

export type CaseEventTable = {
  id: Generated<number>;
  caseId: number;
  kind: string;
  at: string;
  actorUserId: number | null;
  actorName: string;
  fromStatus: string | null;
  toStatus: string | null;
  payloadJson: Generated<string>;
};

/** The SLA state of one clock of a case, recomputed from the events at every change. */
export type CaseClockTable = {
  caseId: number;
  clockKey: string;
  /** 1, or 1 + the number of reopenings for clocks that restart on reopen. */
  cycle: number;
  limitText: string;
  state: string;
  startedAt: string;
  dueAt: string;
  atRiskAt: string;
  stoppedAt: string | null;
  pausedMs: Generated<number>;
};

/** One row per escalation level reached: the key that makes the sweep fire once. */
export type CaseEscalationTable = {
  caseId: number;
  clockKey: string;
  cycle: number;
  level: number;
  firedAt: string;
};

export type CaseCallbackTable = {
  id: Generated<number>;
  caseId: number;
  cycle: number;
  dueAt: string;
  status: string;
  reached: number | null;
  satisfaction: number | null;
  comment: string | null;
  recordedByUserId: number | null;
  recordedAt: string | null;
  createdAt: string;
};

export type CaseAttachmentTable = {
  id: Generated<number>;
  caseId: number;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  content: Buffer;
  uploadedByUserId: number | null;
  createdAt: string;
};

/**
 * The daily rollup behind the figures: how many of one countable fact (`metric`) happened on one
 * reporting day to the cases of one unit, type, category and owner (0 = unassigned). Kept by
 * case-figure-days.ts in the transactions that change cases.
 */
export type CaseFigureDayTable = {
  unitId: number;
  day: string;
  caseTypeId: number;
  categoryKey: string;
  assigneeUserId: number;
  metric: string;
  n: number;
};

export type CasesTables = {
  caseTypes: CaseTypeTable;
  cases: CaseTable;
  caseEvents: CaseEventTable;
  caseClocks: CaseClockTable;
  caseEscalations: CaseEscalationTable;
  caseCallbacks: CaseCallbackTable;
  caseAttachments: CaseAttachmentTable;
  caseFigureDays: CaseFigureDayTable;
};
