import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError, isAppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import { getCustomer } from '../customers/customers.service.js';
import { isUnitInScope } from '../org/units.service.js';
import { caseTypeForInput } from './case-types.service.js';
import * as casesRepo from './cases.repo.js';
import { appendEvent, applyAction, auditView, loadForChange, notifyAssignee } from './case-transitions.js';
import { refreshClocks } from './case-clocks.service.js';
import { addFiguresOf, withFigureDelta } from './case-figure-days.js';
import {
  requireAssignee,
  requireCategory,
  requireDispatchOn,
  requirePriority,
  validateFields,
} from './case-rules.js';
import type { CreateCaseInput, ReclassifyInput, TransitionInput } from './cases.schema.js';
import { ZCreateCaseInput } from './cases.schema.js';
import type { CaseStatus } from './lifecycle.js';
import { isOpenStatus } from './lifecycle.js';

/*
 * The closed loop: registering a case and moving it through its lifecycle. Every change is one
 * transaction holding the case row, its event, its audit row, its recomputed clocks and the
 * follow-up work (callback, notifications): they commit or roll back together.
 */

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
    await addFiguresOf(tx, [caseId]);
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

/**
 * Takes a lifecycle action on a case: checks status and role (lifecycle.ts), the action's own
 * rules (assignee, reason codes, outcome), writes the case, its event, the audit row and the
 * recomputed clocks in one transaction; resolving opens the callback the type's policy asks for.
 */
export const transitionCase = async (
  args: { caseId: number; input: TransitionInput },
  { db, clock, actor }: Deps,
): Promise<{ caseId: number }> =>
  db.transaction().execute((tx) => transitionCaseIn(tx, args, { clock, actor }));

/** `transitionCase` inside the caller's transaction: an import of outcomes changes many cases in one. */
export const transitionCaseIn = async (
  tx: Executor,
  { caseId, input }: { caseId: number; input: TransitionInput },
  { clock, actor }: Pick<Deps, 'clock' | 'actor'>,
): Promise<{ caseId: number }> => {
  const locked = await loadForChange(tx, caseId, actor, input.expectedVersion);
  await withFigureDelta(tx, [caseId], () => applyAction(tx, locked, input, { clock, actor }));
  return { caseId };
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
    const after = await withFigureDelta(tx, [caseId], async () => {
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
      const changed = (await casesRepo.findCase(tx, row.id, { roots: 'all', userId: null }))!;
      await refreshClocks(tx, changed, type, now);
      return changed;
    });
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
