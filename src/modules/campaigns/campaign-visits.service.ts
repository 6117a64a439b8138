import { createHash } from 'node:crypto';
import { z } from 'zod';
import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { AppError, isAppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import { caseTypeById } from '../cases/case-types.service.js';
import { findNode } from '../cases/case-type.schema.js';
import * as casesRepo from '../cases/cases.repo.js';
import { createCase } from '../cases/cases.service.js';
import { isUnitInScope } from '../org/units.service.js';
import type { TargetData, ZTargetValue } from './campaign-targets.service.js';
import {
  labelledData,
  reasonPath,
  targetOfCase,
  visibleCampaign,
  visitRefusal,
} from './campaign-targets.service.js';

/*
 * Door-to-door visits (上门走访): an unreachable target escalated to a case of the campaign's visit
 * type, filled from the target's data so that the visitor reads the arrears and the package first.
 */

export const ZEscalateToVisitInput = z.object({
  /** Who visits; by default the follow-up's assignee (when the caller may dispatch in the unit). */
  assigneeUserId: z.number().int().positive().optional(),
  note: z.string().trim().max(2000).optional(),
});
export type EscalateToVisitInput = z.input<typeof ZEscalateToVisitInput>;

/**
 * The visit's external key: one visit per target, so that an escalation interrupted between
 * registering the visit and linking it is completed, not duplicated, when it is asked again.
 */
const visitKeyOf = (campaignId: number, externalKey: string) => {
  const key = `campaign-${campaignId}:${externalKey}`;
  return key.length <= 100
    ? key
    : `campaign-${campaignId}:#${createHash('sha256').update(externalKey).digest('hex').slice(0, 40)}`;
};

const renderValue = (value: z.infer<typeof ZTargetValue>) =>
  value === true ? '是' : value === false ? '否' : value === null ? '' : String(value);

/**
 * Escalates an unreachable target (its follow-up resolved with a reason under 联系不上) to a
 * door-to-door visit: a case of the campaign's visit type in the follow-up's unit, its fields
 * filled from the target's data where the visit type has them, its description listing the
 * target's data in the visit type's field order (which puts the arrears and the package first),
 * then the follow-up type's, and the follow-up's outcome. Needs cases.write on the unit; assigning needs cases.dispatch there (createCase).
 */
export const escalateTargetToVisit = async (
  {
    campaign: key,
    externalKey,
    input: rawInput,
  }: { campaign: string; externalKey: string; input: EscalateToVisitInput },
  deps: Deps,
): Promise<{ caseId: number }> => {
  const { db, clock, actor } = deps;
  const roots = requirePermission(actor, 'cases.write');
  const input = ZEscalateToVisitInput.parse(rawInput);
  const campaign = await visibleCampaign(db, key, roots);
  const row = await db
    .selectFrom('campaignTargets')
    .select('caseId')
    .where('campaignId', '=', campaign.id)
    .where('externalKey', '=', externalKey)
    .executeTakeFirst();
  const found = row && (await targetOfCase(db, row.caseId, actor));
  if (!found) throw new AppError('campaigns.target_not_found', { key: externalKey, field: 'externalKey' });
  const refusal = visitRefusal(found);
  if (refusal) throw refusal;
  const { followUp, type, target } = found;
  const visitType = await caseTypeById(db, campaign.visitCaseTypeId!);
  const data = JSON.parse(target.dataJson) as TargetData;
  const description = [
    `派单：${campaign.name}（${externalKey}）`,
    ...labelledData(data, [visitType, type]).map((f) => `${f.label}：${renderValue(f.value)}`),
    `回访结果：${reasonPath(type, followUp.reasonCode) ?? ''}`,
    ...(followUp.feedback ? [`回访反馈：${followUp.feedback}`] : []),
    ...(input.note ? [`说明：${input.note}`] : []),
  ].join('\n');
  const fields = Object.fromEntries(
    visitType.definition.fields
      .filter((f) => data[f.key] !== undefined && data[f.key] !== null)
      .map((f) => [f.key, data[f.key]]),
  );
  const category = findNode(visitType.definition.categories, followUp.categoryKey)
    ? followUp.categoryKey
    : visitType.definition.categories[0]!.key;
  const mayDispatch = await isUnitInScope(
    { unitId: followUp.unitId, roots: scopeRoots(actor, 'cases.dispatch') },
    { db },
  );
  const assigneeUserId = input.assigneeUserId ?? (mayDispatch ? followUp.assigneeUserId : null);
  const visitKey = visitKeyOf(campaign.id, externalKey);
  let caseId: number;
  try {
    ({ caseId } = await createCase(
      {
        caseType: visitType.key,
        unitId: followUp.unitId,
        title: `上门走访 · ${externalKey}`,
        description,
        category,
        fields,
        assigneeUserId,
        externalKey: visitKey,
      },
      deps,
    ));
  } catch (error) {
    if (!isAppError(error) || error.code !== 'cases.external_key_taken') throw error;
    caseId = (await casesRepo.findByExternalKey(db, visitType.id, visitKey))!.id;
  }
  await db.transaction().execute(async (tx) => {
    const linked = await tx
      .updateTable('campaignTargets')
      .set({ visitCaseId: caseId })
      .where('campaignId', '=', campaign.id)
      .where('externalKey', '=', externalKey)
      .where('visitCaseId', 'is', null)
      .executeTakeFirst();
    if (Number(linked.numUpdatedRows) === 0) return; // a concurrent escalation linked the same visit
    await recordAudit(
      tx,
      {
        action: 'campaign.visit',
        entity: 'campaign',
        entityId: campaign.id,
        unitId: followUp.unitId,
        // The target's key is a phone number, which the trail keeps out: the cases identify it.
        after: { followUpCaseId: followUp.id, visitCaseId: caseId },
      },
      { actor, clock },
    );
  });
  return { caseId };
};
