import { createHash } from 'node:crypto';
import type { Actor } from '../../platform/access.js';
import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError, isAppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import { workingCalendarByCode } from '../calendar/calendar-clock.service.js';
import { addWorkingTime, parseDuration } from '../calendar/working-time.js';
import { getCustomer } from '../customers/customers.service.js';
import { notify } from '../notifications/notifications.service.js';
import { isUnitInScope } from '../org/units.service.js';
import type { LoadedCaseType } from './case-types.service.js';
import { caseTypeById, caseTypeForInput } from './case-types.service.js';
import * as casesRepo from './cases.repo.js';
import type { CaseRow, Visibility } from './cases.repo.js';
import { refreshClocks, withCoverage } from './case-clocks.service.js';
import {
  requireAssignee,
  requireCategory,
  requireDispatchOn,
  requireOutcome,
  requirePriority,
  requireReason,
  validateFields,
} from './case-rules.js';
import type {
  CreateCaseInput,
  ReclassifyInput,
  RecordCallbackInput,
  TransitionInput,
} from './cases.schema.js';
import { ZCreateCaseInput } from './cases.schema.js';
import type { CaseAction, CaseStatus, Role } from './lifecycle.js';
import { isOpenStatus, planTransition } from './lifecycle.js';

/*
 * The closed loop: registering a case and moving it through its lifecycle. Every change is one
 * transaction holding the case row, its event, its audit row, its recomputed clocks and the
 * follow-up work (callback, notifications): they commit or roll back together.
 */

export const visibilityOf = (actor: Actor): Visibility => ({
  roots: scopeRoots(actor, 'cases.read'),
  userId: actor.userId,
});

/** The caller's relations to a case, which decide what he may do (lifecycle.ts). */
export const rolesOn = async (db: Executor, row: CaseRow, actor: Actor): Promise<Role[]> => {
  if (actor.kind === 'system') return ['dispatcher', 'assignee', 'handler'];
  const roles: Role[] = [];
  if (await isUnitInScope({ unitId: row.unitId, roots: scopeRoots(actor, 'cases.dispatch') }, { db }))
    roles.push('dispatcher');
  if (row.assigneeUserId === actor.userId) roles.push('assignee');
  if (
    row.registrantUserId === actor.userId ||
    (await isUnitInScope({ unitId: row.unitId, roots: scopeRoots(actor, 'cases.write') }, { db }))
  )
    roles.push('handler');
  return roles;
};

type EventInput = {
  kind: string;
  fromStatus?: CaseStatus | null;
  toStatus?: CaseStatus | null;
  payload?: Record<string, unknown>;
};

const appendEvent = (
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
const auditView = (row: CaseRow) => ({
  status: row.status,
  unitId: row.unitId,
  categoryKey: row.categoryKey,
  priorityKey: row.priorityKey,
  assigneeUserId: row.assigneeUserId,
  reasonCode: row.reasonCode,
  reopenCount: row.reopenCount,
});

const notifyAssignee = async (
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

/**
 * Registers a case. The category, priority and custom fields are checked against the case
 * type; a complaint by the same customer in the same category within the type's repeat window
 * is linked to the earlier case. Assigning at once needs cases.dispatch on the unit.
 */
export const createCase = async (
  rawInput: CreateCaseInput,
  { db, clock, actor }: Deps,
): Promise<{ caseId: number }> => {
  requirePermission(actor, 'cases.write');
  const input = ZCreateCaseInput.parse(rawInput);
  return db.transaction().execute(async (tx) => {
    const type = await caseTypeForInput(tx, input.caseType);
    if (!(await isUnitInScope({ unitId: input.unitId, roots: scopeRoots(actor, 'cases.write') }, { db: tx })))
      throw new AppError('org.unit_not_found', { unitId: input.unitId, field: 'unitId' });
    requireCategory(type, input.category);
    const priority = input.priority ?? type.definition.defaultPriority ?? type.definition.priorities[0]!.key;
    requirePriority(type, priority);
    const fields = validateFields(type, input.fields);
    if (input.customerId) {
      try {
        await getCustomer({ customerId: input.customerId }, { db: tx, actor });
      } catch (error) {
        if (isAppError(error))
          throw new AppError('cases.customer_not_found', {
            customerId: input.customerId,
            field: 'customerId',
          });
        throw error;
      }
    }
    let assignee: Awaited<ReturnType<typeof requireAssignee>> | undefined;
    if (input.assigneeUserId) {
      await requireDispatchOn(tx, actor, input.unitId, 'assigneeUserId');
      assignee = await requireAssignee(tx, input.assigneeUserId);
    }
    if (input.externalKey && (await casesRepo.findByExternalKey(tx, type.id, input.externalKey)))
      throw new AppError('cases.external_key_taken', {
        externalKey: input.externalKey,
        field: 'externalKey',
      });
    const now = clock.now();
    const repeatOf =
      input.customerId && type.definition.repeatWithinDays
        ? await casesRepo.findRepeatCandidate(tx, {
            customerId: input.customerId,
            caseTypeId: type.id,
            categoryKey: input.category,
            since: new Date(now.getTime() - type.definition.repeatWithinDays * 86_400_000).toISOString(),
          })
        : undefined;
    const status: CaseStatus = input.assigneeUserId ? 'assigned' : 'registered';
    const caseId = await casesRepo.insertCase(tx, {
      caseTypeId: type.id,
      unitId: input.unitId,
      externalKey: input.externalKey ?? null,
      title: input.title,
      description: input.description ?? null,
      categoryKey: input.category,
      priorityKey: priority,
      status,
      isOpen: 1,
      customerId: input.customerId ?? null,
      registrantUserId: actor.userId,
      assigneeUserId: input.assigneeUserId ?? null,
      fieldsJson: JSON.stringify(fields),
      reasonCode: null,
      feedback: null,
      repeatOfCaseId: repeatOf?.id ?? null,
      nextDueAt: null,
      resolutionWorkingMs: null,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      resolvedAt: null,
      closedAt: null,
    });
    const deps = { actor, clock };
    await appendEvent(
      tx,
      caseId,
      { kind: 'created', toStatus: 'registered', payload: { category: input.category, priority } },
      deps,
    );
    if (repeatOf)
      await appendEvent(
        tx,
        caseId,
        { kind: 'repeat_linked', payload: { repeatOfCaseId: repeatOf.id } },
        deps,
      );
    let assignedEvent: number | null = null;
    if (input.assigneeUserId)
      assignedEvent = await appendEvent(
        tx,
        caseId,
        {
          kind: 'assigned',
          fromStatus: 'registered',
          toStatus: 'assigned',
          payload: { assignee: { id: input.assigneeUserId, name: assignee?.displayName ?? null } },
        },
        deps,
      );
    const row = (await casesRepo.findCase(tx, caseId, { roots: 'all', userId: null }))!;
    await refreshClocks(tx, row, type, now);
    await recordAudit(
      tx,
      { action: 'case.create', entity: 'case', entityId: caseId, unitId: row.unitId, after: auditView(row) },
      deps,
    );
    if (assignedEvent !== null && input.assigneeUserId)
      await notifyAssignee(tx, row, input.assigneeUserId, {
        clock,
        topic: 'case.assigned',
        eventId: assignedEvent,
      });
    return { caseId };
  });
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

/** Whether a resolved case is drawn for a callback: all under share 1, else a stable sample by case and cycle. */
export const drawnForCallback = (caseId: number, cycle: number, share: number): boolean => {
  if (share >= 1) return true;
  if (share <= 0) return false;
  const digest = createHash('sha256').update(`${caseId}:${cycle}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32 < share;
};

type LockedCase = { row: CaseRow; type: LoadedCaseType; roles: Role[] };

/** The case for a change: visible to the caller (404 otherwise), at the expected version. */
const loadForChange = async (
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

/**
 * Takes a lifecycle action on a case: checks status and role (lifecycle.ts), the action's own
 * rules (assignee, reason codes, outcome), writes the case, its event, the audit row and the
 * recomputed clocks in one transaction; resolving opens the callback the type's policy asks for.
 */
export const transitionCase = async (
  { caseId, input }: { caseId: number; input: TransitionInput },
  { db, clock, actor }: Deps,
): Promise<{ caseId: number }> =>
  db.transaction().execute(async (tx) => {
    const { row, type, roles } = await loadForChange(tx, caseId, actor, input.expectedVersion);
    await applyAction(tx, { row, type, roles }, input, { clock, actor });
    return { caseId };
  });

const applyAction = async (
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
      const outcome = {
        reasonCode: input.reasonCode ?? row.reasonCode,
        feedback: input.feedback ?? row.feedback,
      };
      requireOutcome(type, outcome);
      changes.reasonCode = outcome.reasonCode;
      changes.feedback = outcome.feedback;
      if (input.reasonCode) payload.reasonCode = input.reasonCode;
      if (input.feedback) payload.feedback = input.feedback;
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

/** Opens the callback of this resolution when the type's policy draws the case; due in the type's calendar. */
const openCallbackFor = async (tx: Executor, row: CaseRow, type: LoadedCaseType, now: Date) => {
  const policy = type.definition.callback;
  const cycle = row.reopenCount + 1;
  if (!policy || !drawnForCallback(row.id, cycle, policy.share)) return;
  const calendar = await workingCalendarByCode({ code: type.definition.calendar }, { db: tx });
  const dueAt = withCoverage(type.definition.calendar, () =>
    addWorkingTime({ calendar, start: now, duration: parseDuration(policy.within) }),
  );
  await tx
    .insertInto('caseCallbacks')
    .values({
      caseId: row.id,
      cycle,
      dueAt: dueAt.toISOString(),
      status: 'pending',
      reached: null,
      satisfaction: null,
      comment: null,
      recordedByUserId: null,
      recordedAt: null,
      createdAt: now.toISOString(),
    })
    .onConflict((oc) => oc.columns(['caseId', 'cycle']).doNothing())
    .execute();
};

/**
 * Records the callback (回访) of a resolved case. Reached and satisfied: the case is called back
 * and closed. Reached and unsatisfied at or below the policy's threshold: the case reopens as
 * rework. Not reached: the attempt is recorded and the case may be closed by its handlers.
 */
export const recordCallback = async (
  { caseId, input }: { caseId: number; input: RecordCallbackInput },
  { db, clock, actor }: Deps,
): Promise<{ caseId: number }> => {
  requirePermission(actor, 'cases.callback');
  return db.transaction().execute(async (tx) => {
    const { row, type, roles } = await loadForChange(tx, caseId, actor);
    if (
      !(await isUnitInScope({ unitId: row.unitId, roots: scopeRoots(actor, 'cases.callback') }, { db: tx }))
    )
      throw new AppError('cases.not_allowed', { action: 'callback', allowedBy: 'cases.callback' });
    const pending = row.status === 'resolved' ? await casesRepo.pendingCallback(tx, row.id) : undefined;
    if (!pending) throw new AppError('cases.callback_not_pending', { caseId });
    const now = clock.now();
    await tx
      .updateTable('caseCallbacks')
      .set({
        status: 'done',
        reached: input.reached ? 1 : 0,
        satisfaction: input.reached ? (input.satisfaction ?? null) : null,
        comment: input.comment ?? null,
        recordedByUserId: actor.userId,
        recordedAt: now.toISOString(),
      })
      .where('id', '=', pending.id)
      .execute();
    const deps = { actor, clock };
    await appendEvent(
      tx,
      row.id,
      {
        kind: 'callback_recorded',
        payload: {
          reached: input.reached,
          satisfaction: input.satisfaction ?? null,
          comment: input.comment ?? null,
        },
      },
      deps,
    );
    await recordAudit(
      tx,
      {
        action: 'case.callback',
        entity: 'case',
        entityId: row.id,
        unitId: row.unitId,
        after: { reached: input.reached, satisfaction: input.satisfaction ?? null },
      },
      deps,
    );
    if (!input.reached) return { caseId };
    const threshold = type.definition.callback?.reopenAtOrBelow ?? 0;
    if ((input.satisfaction ?? 5) <= threshold) {
      const fresh = (await casesRepo.findCase(tx, row.id, { roots: 'all', userId: null }))!;
      await applyAction(
        tx,
        { row: fresh, type, roles: ['handler', ...roles] },
        {
          action: 'reopen',
          note: `回访不满意（${input.satisfaction}分）/ unsatisfied callback (${input.satisfaction})`,
        },
        deps,
      );
      return { caseId };
    }
    await casesRepo.updateCase(tx, row.id, {
      status: 'called_back',
      updatedAt: now.toISOString(),
      version: row.version + 1,
    });
    await appendEvent(
      tx,
      row.id,
      { kind: 'called_back', fromStatus: 'resolved', toStatus: 'called_back' },
      deps,
    );
    const calledBack = (await casesRepo.findCase(tx, row.id, { roots: 'all', userId: null }))!;
    await applyAction(tx, { row: calledBack, type, roles: ['handler'] }, { action: 'close' }, deps);
    return { caseId };
  });
};

/** Changes the category or priority; the clocks are recomputed from the events under the new limits. */
export const reclassifyCase = async (
  { caseId, input }: { caseId: number; input: ReclassifyInput },
  { db, clock, actor }: Deps,
): Promise<{ caseId: number }> =>
  db.transaction().execute(async (tx) => {
    const { row, type, roles } = await loadForChange(tx, caseId, actor);
    if (!roles.includes('dispatcher'))
      throw new AppError('cases.not_allowed', { action: 'reclassify', allowedBy: 'dispatcher' });
    if (!isOpenStatus(row.status as CaseStatus))
      throw new AppError('cases.transition_refused', {
        action: 'reclassify',
        status: row.status,
        allowedFrom: ['registered', 'assigned', 'accepted', 'in_progress', 'paused'],
      });
    if (input.category) requireCategory(type, input.category);
    if (input.priority) requirePriority(type, input.priority);
    const now = clock.now();
    await casesRepo.updateCase(tx, row.id, {
      categoryKey: input.category ?? row.categoryKey,
      priorityKey: input.priority ?? row.priorityKey,
      updatedAt: now.toISOString(),
      version: row.version + 1,
    });
    await appendEvent(
      tx,
      row.id,
      {
        kind: 'reclassified',
        payload: {
          from: { category: row.categoryKey, priority: row.priorityKey },
          to: { category: input.category ?? row.categoryKey, priority: input.priority ?? row.priorityKey },
          ...(input.note ? { note: input.note } : {}),
        },
      },
      { actor, clock },
    );
    const after = (await casesRepo.findCase(tx, row.id, { roots: 'all', userId: null }))!;
    await refreshClocks(tx, after, type, now);
    await recordAudit(
      tx,
      {
        action: 'case.reclassify',
        entity: 'case',
        entityId: row.id,
        unitId: row.unitId,
        before: auditView(row),
        after: auditView(after),
      },
      { actor, clock },
    );
    return { caseId };
  });

/** Adds a comment to the case's timeline; anyone who sees the case and may handle cases. */
export const commentOnCase = async (
  { caseId, text }: { caseId: number; text: string },
  { db, clock, actor }: Deps,
): Promise<number> => {
  requirePermission(actor, 'cases.write');
  return db.transaction().execute(async (tx) => {
    const { row } = await loadForChange(tx, caseId, actor);
    const id = await appendEvent(tx, row.id, { kind: 'commented', payload: { text } }, { actor, clock });
    await recordAudit(
      tx,
      {
        action: 'case.comment',
        entity: 'case',
        entityId: row.id,
        unitId: row.unitId,
        after: { eventId: id },
      },
      { actor, clock },
    );
    return id;
  });
};
