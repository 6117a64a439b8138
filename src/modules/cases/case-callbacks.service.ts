import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import { isUnitInScope } from '../org/units.service.js';
import * as casesRepo from './cases.repo.js';
import type { Actor } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import type { Executor } from '../../platform/db/database.js';
import { withFigureDelta } from './case-figure-days.js';
import type { LockedCase } from './case-transitions.js';
import { appendEvent, applyAction, loadForChange } from './case-transitions.js';
import type { RecordCallbackInput } from './cases.schema.js';

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
    const locked = await loadForChange(tx, caseId, actor);
    await withFigureDelta(tx, [caseId], () => recordOn(tx, locked, input, { actor, clock }));
    return { caseId };
  });
};

/** The callback's writes on the locked case: the callback, its event and audit row, then reopening or closing. */
const recordOn = async (
  tx: Executor,
  { row, type, roles }: LockedCase,
  input: RecordCallbackInput,
  { actor, clock }: { actor: Actor; clock: Clock },
): Promise<void> => {
  if (!(await isUnitInScope({ unitId: row.unitId, roots: scopeRoots(actor, 'cases.callback') }, { db: tx })))
    throw new AppError('cases.not_allowed', { action: 'callback', allowedBy: 'cases.callback' });
  const pending = row.status === 'resolved' ? await casesRepo.pendingCallback(tx, row.id) : undefined;
  if (!pending) throw new AppError('cases.callback_not_pending', { caseId: row.id });
  const now = clock.now();
  await casesRepo.updateCallback(tx, pending.id, {
    status: 'done',
    reached: input.reached ? 1 : 0,
    satisfaction: input.reached ? (input.satisfaction ?? null) : null,
    comment: input.comment ?? null,
    recordedByUserId: actor.userId,
    recordedAt: now.toISOString(),
  });
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
  if (!input.reached) return;
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
    return;
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
};
