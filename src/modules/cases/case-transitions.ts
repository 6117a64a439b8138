import type { Actor } from '../../platform/access.js';
import { requirePermission } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import type { Executor } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import { notify } from '../notifications/notifications.service.js';
import type { LoadedCaseType } from './case-types.service.js';
import { caseTypeById } from './case-types.service.js';
import * as casesRepo from './cases.repo.js';
import { rolesOn, visibilityOf } from './case-access.js';
import { openCallbackFor } from './callback-policy.js';
import type { CaseRow } from './cases.repo.js';
import { refreshClocks } from './case-clocks.service.js';
import { requireAssignee, requireDispatchOn, requireOutcome, requireReason } from './case-rules.js';
import type { TransitionInput } from './cases.schema.js';
import type { CaseAction, CaseStatus, Role } from './lifecycle.js';
import { isOpenStatus, planTransition } from './lifecycle.js';

/*
 * Applying one lifecycle action inside a transaction: the rules of lifecycle.ts and the case type,
 * then the case row, its event, the audit row, the recomputed clocks, the callback and the
 * notifications — shared by the transitions, the callback recorder and the escalation sweep.
 */

export type EventInput = {
  kind: string;
  fromStatus?: CaseStatus | null;
  toStatus?: CaseStatus | null;
  payload?: Record<string, unknown>;
};

export const appendEvent = (
  tx: Executor,
  caseId: number,
  event: EventInput,
  { actor, clock }: { actor: Actor; clock: Clock },
) =>
  casesRepo.insertEvent(tx, {
    caseId,
    kind: event.kind,
    at: clock.now().toISOString(),
    actorUserId: actor.userId,
    actorName: actor.name,
    fromStatus: event.fromStatus ?? null,
    toStatus: event.toStatus ?? null,
    payloadJson: JSON.stringify(event.payload ?? {}),
  });

/** What the audit trail keeps of a case: its state, not its free text. */
export const auditView = (row: CaseRow) => ({
  status: row.status,
  unitId: row.unitId,
  categoryKey: row.categoryKey,
  priorityKey: row.priorityKey,
  assigneeUserId: row.assigneeUserId,
  reasonCode: row.reasonCode,
  reopenCount: row.reopenCount,
});

export const notifyAssignee = async (
  tx: Executor,
  row: CaseRow,
  assigneeUserId: number,
  { clock, topic, eventId }: { clock: Clock; topic: 'case.assigned' | 'case.reopened'; eventId: number },
) => {
  const verb =
    topic === 'case.assigned'
      ? { zh: '派给您', en: 'assigned to you' }
      : { zh: '已重开（返工）', en: 'reopened (rework)' };
  await notify(
    tx,
    {
      recipientUserIds: [assigneeUserId],
      dedupeKey: `case:${row.id}:event:${eventId}`,
      topic,
      title: {
        zh: `工单 #${row.id} ${verb.zh}：${row.title}`,
        en: `Case #${row.id} ${verb.en}: ${row.title}`,
      },
      body: {
        zh: `**${row.title}**\n\n工单 #${row.id} ${verb.zh}。${row.nextDueAt ? `时限：${row.nextDueAt}` : ''}`,
        en: `**${row.title}**\n\nCase #${row.id} ${verb.en}.${row.nextDueAt ? ` Due: ${row.nextDueAt}` : ''}`,
      },
      link: `/cases/${row.id}`,
      unitId: row.unitId,
      entity: { type: 'case', id: row.id },
    },
    { clock },
  );
};

const eventKindOf: Record<CaseAction, string> = {
  assign: 'assigned',
  accept: 'accepted',
  start: 'started',
  pause: 'paused',
  resume: 'resumed',
  resolve: 'resolved',
  close: 'closed',
  reopen: 'reopened',
  cancel: 'cancelled',
};

export type LockedCase = { row: CaseRow; type: LoadedCaseType; roles: Role[] };

/** The case for a change: visible to the caller (404 otherwise), at the expected version. */
export const loadForChange = async (
  tx: Executor,
  caseId: number,
  actor: Actor,
  expectedVersion?: number,
): Promise<LockedCase> => {
  requirePermission(actor, 'cases.read');
  // Take the row lock first on PostgreSQL, so concurrent transitions of one case queue up.
  await tx
    .updateTable('cases')
    .set((eb) => ({ version: eb.ref('version') }))
    .where('id', '=', caseId)
    .execute();
  const row = await casesRepo.findCase(tx, caseId, visibilityOf(actor));
  if (!row) throw new AppError('cases.not_found', { caseId });
  if (expectedVersion !== undefined && expectedVersion !== row.version)
    throw new AppError('cases.version_conflict', { caseId, expectedVersion, version: row.version });
  return { row, type: await caseTypeById(tx, row.caseTypeId), roles: await rolesOn(tx, row, actor) };
};

export const applyAction = async (
  tx: Executor,
  { row, type, roles }: LockedCase,
  input: TransitionInput,
  { clock, actor }: { clock: Clock; actor: Actor },
): Promise<CaseRow> => {
  const status = row.status as CaseStatus;
  const events = await casesRepo.listEvents(tx, row.id);
  const lastPause = events.findLast((e) => e.kind === 'paused');
  const plan = planTransition({
    action: input.action,
    status,
    previousStatus: (lastPause?.fromStatus as CaseStatus | null) ?? undefined,
    roles,
  });
  if (!plan.ok) {
    if (plan.reason === 'wrong_status')
      throw new AppError('cases.transition_refused', {
        action: input.action,
        status,
        allowedFrom: plan.allowedFrom,
      });
    throw new AppError('cases.not_allowed', { action: input.action, allowedBy: plan.allowedBy.join(', ') });
  }
  const now = clock.now();
  const iso = now.toISOString();
  const changes: Partial<CaseRow> = {};
  const payload: Record<string, unknown> = {};
  if ('note' in input && input.note) payload.note = input.note;
  let openCallback = false;
  switch (input.action) {
    case 'assign': {
      if (input.unitId !== undefined && input.unitId !== row.unitId) {
        await requireDispatchOn(tx, actor, input.unitId, 'unitId');
        changes.unitId = input.unitId;
        payload.fromUnitId = row.unitId;
        payload.unitId = input.unitId;
      }
      const assignee = await requireAssignee(tx, input.assigneeUserId);
      changes.assigneeUserId = input.assigneeUserId;
      payload.assignee = { id: assignee.id, name: assignee.displayName };
      if (row.assigneeUserId) payload.previousAssigneeUserId = row.assigneeUserId;
      break;
    }
    case 'pause':
      if (!type.definition.pauseReasons.some((p) => p.key === input.pauseReason))
        throw new AppError('cases.unknown_pause_reason', {
          caseType: type.key,
          key: input.pauseReason,
          field: 'pauseReason',
        });
      payload.pauseReason = input.pauseReason;
      break;
    case 'resolve':
    case 'close': {
      requireReason(type, input.reasonCode);
      // Closing after a resolution keeps what the resolution recorded unless it is given again.
      const outcome = {
        reasonCode: input.reasonCode ?? row.reasonCode,
        feedback: input.feedback ?? row.feedback,
        values:
          input.outcome ?? (row.outcomeJson ? (JSON.parse(row.outcomeJson) as Record<string, unknown>) : {}),
      };
      const values = requireOutcome(type, outcome);
      changes.reasonCode = outcome.reasonCode;
      changes.feedback = outcome.feedback;
      if (type.definition.closing.outcomeFields.length > 0) changes.outcomeJson = JSON.stringify(values);
      if (input.reasonCode) payload.reasonCode = input.reasonCode;
      if (input.feedback) payload.feedback = input.feedback;
      if (input.outcome) payload.outcome = values;
      if (input.action === 'resolve') {
        changes.resolvedAt = iso;
        openCallback = true;
      } else {
        if (status === 'resolved' && (await casesRepo.pendingCallback(tx, row.id)))
          throw new AppError('cases.transition_refused', {
            action: 'close',
            status,
            allowedFrom: ['called_back'],
            pendingCallback: true,
          });
        changes.closedAt = iso;
      }
      break;
    }
    case 'reopen':
      changes.reopenCount = row.reopenCount + 1;
      changes.resolvedAt = null;
      changes.closedAt = null;
      break;
    default:
      break;
  }
  const to = plan.to;
  if (to === 'cancelled') changes.closedAt = iso;
  if (
    input.action !== 'assign' &&
    !roles.includes('assignee') &&
    roles.includes('dispatcher') &&
    ['accept', 'start', 'pause', 'resume', 'resolve'].includes(input.action)
  )
    payload.onBehalfOf = row.assigneeUserId;
  await casesRepo.updateCase(tx, row.id, {
    ...changes,
    status: to,
    isOpen: isOpenStatus(to) ? 1 : 0,
    updatedAt: iso,
    version: row.version + 1,
  });
  const eventId = await appendEvent(
    tx,
    row.id,
    { kind: eventKindOf[input.action], fromStatus: status, toStatus: to, payload },
    { actor, clock },
  );
  const after = (await casesRepo.findCase(tx, row.id, { roots: 'all', userId: null }))!;
  await refreshClocks(tx, after, type, now);
  await recordAudit(
    tx,
    {
      action: `case.${input.action}`,
      entity: 'case',
      entityId: row.id,
      unitId: after.unitId,
      before: auditView(row),
      after: auditView(after),
    },
    { actor, clock },
  );
  if (openCallback) await openCallbackFor(tx, after, type, now);
  if (input.action === 'assign')
    await notifyAssignee(tx, after, input.assigneeUserId, { clock, topic: 'case.assigned', eventId });
  if (input.action === 'reopen' && after.assigneeUserId)
    await notifyAssignee(tx, after, after.assigneeUserId, { clock, topic: 'case.reopened', eventId });
  return after;
};
