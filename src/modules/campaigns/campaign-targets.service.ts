import { z } from 'zod';
import { requirePermission, scopeRoots } from '../../platform/access.js';
import { containsText } from '../../platform/db/search.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { visibilityOf } from '../cases/case-access.js';
import type { LoadedCaseType } from '../cases/case-types.service.js';
import { caseTypeById } from '../cases/case-types.service.js';
import { findNode, flattenTree } from '../cases/case-type.schema.js';
import { summariesOf } from '../cases/case-views.service.js';
import * as casesRepo from '../cases/cases.repo.js';
import type { CaseRow } from '../cases/cases.repo.js';
import { ZCaseStatus, ZCaseSummary } from '../cases/cases.schema.js';
import { isUnitInScope, unitNames } from '../org/units.service.js';
import { isCampaignVisible, reactivatedField, unreachableReason } from './campaigns.service.js';

/*
 * A campaign's targets as people work them: the list of targets with their follow-up's state and
 * outcome, the target behind a case (shown on the case page, before the follow-up or the visit),
 * the imported lists waiting to be dispatched, and the escalation of an unreachable target to a
 * door-to-door visit (上门走访) — a case of the campaign's visit type, filled from the target's
 * data so the visitor sees the arrears and the package first.
 */

export const ZTargetValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const ZTargetListSummary = z
  .object({
    key: z.string(),
    name: z.string(),
    caseType: z.string(),
    unit: z.object({ id: z.number().int(), name: z.string() }),
    rowCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'TargetList' });
export type TargetListSummary = z.infer<typeof ZTargetListSummary>;

export const ZCampaignTargetsQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  /** open: the follow-up is still open; closed: resolved or closed. */
  status: z.enum(['open', 'closed']).optional(),
  /** reached: a reason outside 联系不上; unreachable: under it; none: no outcome yet. */
  contact: z.enum(['reached', 'unreachable', 'none']).optional(),
  /** Part of the target's key or of its follow-up's title. */
  q: z.string().trim().min(1).max(100).optional(),
});
export type CampaignTargetsQuery = z.input<typeof ZCampaignTargetsQuery>;

const ZVisitRef = z.object({
  caseId: z.number().int(),
  status: ZCaseStatus,
  assignee: z.object({ id: z.number().int(), name: z.string() }).nullable(),
});

export const ZCampaignTargetRow = z
  .object({
    externalKey: z.string(),
    row: z.number().int(),
    case: ZCaseSummary,
    reasonCode: z.string().nullable(),
    /** The reason with its parents, e.g. 联系不上 · 空号. */
    reasonName: z.string().nullable(),
    reactivated: z.boolean().nullable(),
    data: z.record(z.string(), ZTargetValue),
    /** The door-to-door visit this target was escalated to (null when it was not, or is not visible). */
    visit: ZVisitRef.nullable(),
  })
  .meta({ id: 'CampaignTargetRow' });
export type CampaignTargetRow = z.infer<typeof ZCampaignTargetRow>;

export const ZCampaignTargetPage = z.object({ total: z.number().int(), items: z.array(ZCampaignTargetRow) });

export const ZCaseCampaignTarget = z
  .object({
    campaign: z.object({ key: z.string(), name: z.string() }),
    externalKey: z.string(),
    row: z.number().int(),
    /** The target's data labelled by the case type's fields (on a visit, the visit type's first), the rest after. */
    fields: z.array(z.object({ key: z.string(), label: z.string(), value: ZTargetValue })),
    followUp: z.object({
      caseId: z.number().int(),
      status: ZCaseStatus,
      reasonName: z.string().nullable(),
      feedback: z.string().nullable(),
    }),
    visit: ZVisitRef.nullable(),
    /** Whether the caller may escalate it to a visit now. */
    canEscalate: z.boolean(),
  })
  .meta({ id: 'CaseCampaignTarget' });
export type CaseCampaignTarget = z.infer<typeof ZCaseCampaignTarget>;

/** The reason codes under 联系不上 (the root included). */
export const unreachableCodes = (type: LoadedCaseType) => {
  const root = findNode(type.definition.reasons, unreachableReason);
  return root ? [root.key, ...flattenTree(root.children ?? []).map((n) => n.key)] : [];
};

/** 联系不上 · 空号: the reason with its ancestors' names. */
export const reasonPath = (type: LoadedCaseType, code: string | null) => {
  if (code === null) return null;
  const node = flattenTree(type.definition.reasons).find((n) => n.key === code);
  if (!node) return code;
  return [...node.path.map((k) => findNode(type.definition.reasons, k)?.name ?? k), node.name].join(' · ');
};

const reactivatedOf = (row: CaseRow) => {
  if (row.outcomeJson === null) return null;
  const value = (JSON.parse(row.outcomeJson) as Record<string, unknown>)[reactivatedField];
  return typeof value === 'boolean' ? value : null;
};

export type TargetData = Record<string, z.infer<typeof ZTargetValue>>;

/** A target's data labelled: the fields of each type in its order (the first type first), the rest after. */
export const labelledData = (data: TargetData, types: readonly LoadedCaseType[]) => {
  const out: Array<{ key: string; label: string; value: z.infer<typeof ZTargetValue> }> = [];
  const seen = new Set<string>();
  for (const type of types)
    for (const f of type.definition.fields)
      if (f.key in data && !seen.has(f.key)) {
        seen.add(f.key);
        out.push({ key: f.key, label: f.label, value: data[f.key]! });
      }
  for (const key of Object.keys(data)) if (!seen.has(key)) out.push({ key, label: key, value: data[key]! });
  return out;
};

/** A campaign the caller sees, by key. */
export const visibleCampaign = async (
  db: Executor,
  key: string,
  roots: ReturnType<typeof requirePermission>,
) => {
  const campaign = await db.selectFrom('campaigns').selectAll().where('key', '=', key).executeTakeFirst();
  if (!campaign || !(await isCampaignVisible(db, roots, campaign.unitId)))
    throw new AppError('campaigns.not_found', { key });
  return campaign;
};

/** The visits of some targets, as refs (the visits the caller cannot see are left out). */
const visitRefs = async (db: Executor, visitCaseIds: number[], deps: Pick<Deps, 'actor' | 'clock'>) => {
  if (visitCaseIds.length === 0) return new Map<number, z.infer<typeof ZVisitRef>>();
  const rows = await casesRepo
    .visibleCases(db, visibilityOf(deps.actor))
    .selectAll('cases')
    .where('cases.id', 'in', visitCaseIds)
    .execute();
  const summaries = await summariesOf(db, rows, deps.clock.now());
  return new Map(summaries.map((s) => [s.id, { caseId: s.id, status: s.status, assignee: s.assignee }]));
};

/**
 * A page of a campaign's targets the caller sees (the follow-ups visible to him: a grid manager
 * sees his grid's), in list order, with the follow-up's state and outcome.
 */
export const listCampaignTargets = async (
  { campaign: key, query: rawQuery }: { campaign: string; query: CampaignTargetsQuery },
  { db, clock, actor }: Pick<Deps, 'db' | 'clock' | 'actor'>,
): Promise<z.infer<typeof ZCampaignTargetPage>> => {
  const roots = requirePermission(actor, 'cases.read');
  const query = ZCampaignTargetsQuery.parse(rawQuery);
  const campaign = await visibleCampaign(db, key, roots);
  const type = await caseTypeById(db, campaign.caseTypeId);
  const unreachable = unreachableCodes(type);
  let q = casesRepo
    .visibleCases(db, visibilityOf(actor))
    .innerJoin('campaignTargets', 'campaignTargets.caseId', 'cases.id')
    .where('campaignTargets.campaignId', '=', campaign.id);
  if (query.status) q = q.where('cases.isOpen', '=', query.status === 'open' ? 1 : 0);
  if (query.contact === 'none') q = q.where('cases.reasonCode', 'is', null);
  if (query.contact === 'unreachable') q = q.where('cases.reasonCode', 'in', unreachable);
  if (query.contact === 'reached')
    q = q.where('cases.reasonCode', 'is not', null).where('cases.reasonCode', 'not in', unreachable);
  if (query.q) {
    const text = query.q;
    q = q.where((eb) =>
      eb.or([containsText('campaignTargets.externalKey', text), containsText('cases.title', text)]),
    );
  }
  const [rows, total] = await Promise.all([
    q
      .selectAll('cases')
      .select([
        'campaignTargets.externalKey as targetKey',
        'campaignTargets.rowNumber',
        'campaignTargets.dataJson',
        'campaignTargets.visitCaseId',
      ])
      .orderBy('campaignTargets.rowNumber')
      .orderBy('campaignTargets.externalKey')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const [summaries, visits] = await Promise.all([
    summariesOf(db, rows, clock.now()),
    visitRefs(
      db,
      rows.flatMap((r) => (r.visitCaseId === null ? [] : [r.visitCaseId])),
      { actor, clock },
    ),
  ]);
  return {
    total: Number(total.n),
    items: rows.map((r, i) => ({
      externalKey: r.targetKey,
      row: r.rowNumber,
      case: summaries[i]!,
      reasonCode: r.reasonCode,
      reasonName: reasonPath(type, r.reasonCode),
      reactivated: reactivatedOf(r),
      data: JSON.parse(r.dataJson) as CampaignTargetRow['data'],
      visit: r.visitCaseId === null ? null : (visits.get(r.visitCaseId) ?? null),
    })),
  };
};

/** Imported target lists the caller may dispatch (cases.dispatch on their unit), newest first. */
export const listTargetLists = async ({ db, actor }: Pick<Deps, 'db' | 'actor'>) => {
  const roots = requirePermission(actor, 'cases.dispatch');
  const [rows, names] = await Promise.all([
    db
      .selectFrom('targetLists')
      .innerJoin('caseTypes', 'caseTypes.id', 'targetLists.caseTypeId')
      .selectAll('targetLists')
      .select('caseTypes.key as caseTypeKey')
      .orderBy('targetLists.updatedAt', 'desc')
      .orderBy('targetLists.id', 'desc')
      .execute(),
    unitNames({ db }),
  ]);
  const out: TargetListSummary[] = [];
  for (const r of rows)
    if (await isUnitInScope({ unitId: r.unitId, roots }, { db }))
      out.push({
        key: r.key,
        name: r.name,
        caseType: r.caseTypeKey,
        unit: { id: r.unitId, name: names.get(r.unitId) ?? `#${r.unitId}` },
        rowCount: r.rowCount,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      });
  return out;
};

type TargetContext = {
  campaign: { id: number; key: string; name: string; unitId: number; visitCaseTypeId: number | null };
  target: { externalKey: string; rowNumber: number; dataJson: string; visitCaseId: number | null };
  followUp: CaseRow;
  type: LoadedCaseType;
};

/** The target whose follow-up or visit is `caseId`, when the caller sees that case. */
export const targetOfCase = async (
  db: Executor,
  caseId: number,
  actor: Deps['actor'],
): Promise<TargetContext | undefined> => {
  if (!(await casesRepo.findCase(db, caseId, visibilityOf(actor)))) return undefined;
  const target = await db
    .selectFrom('campaignTargets')
    .innerJoin('campaigns', 'campaigns.id', 'campaignTargets.campaignId')
    .select([
      'campaigns.id',
      'campaigns.key',
      'campaigns.name',
      'campaigns.unitId',
      'campaigns.visitCaseTypeId',
      'campaigns.caseTypeId',
      'campaignTargets.externalKey',
      'campaignTargets.rowNumber',
      'campaignTargets.dataJson',
      'campaignTargets.visitCaseId',
      'campaignTargets.caseId',
    ])
    .where((eb) =>
      eb.or([eb('campaignTargets.caseId', '=', caseId), eb('campaignTargets.visitCaseId', '=', caseId)]),
    )
    .executeTakeFirst();
  if (!target) return undefined;
  const followUp = await db
    .selectFrom('cases')
    .selectAll()
    .where('id', '=', target.caseId)
    .executeTakeFirstOrThrow();
  return {
    campaign: target,
    target,
    followUp,
    type: await caseTypeById(db, target.caseTypeId),
  };
};

/** Why the target cannot become a visit now, or null when it can (the caller's rights aside). */
export const visitRefusal = ({ campaign, target, followUp, type }: TargetContext) => {
  if (campaign.visitCaseTypeId === null)
    return new AppError('campaigns.no_visit_type', { key: campaign.key, field: 'campaign' });
  if (target.visitCaseId !== null)
    return new AppError('campaigns.visit_exists', { visitCaseId: target.visitCaseId });
  if (followUp.reasonCode === null || !unreachableCodes(type).includes(followUp.reasonCode))
    return new AppError('campaigns.visit_not_allowed', { caseId: followUp.id });
  return null;
};

/** The target behind a follow-up or visit case, labelled for the case page; campaigns.not_found when none. */
export const getCaseCampaignTarget = async (
  { caseId }: { caseId: number },
  { db, clock, actor }: Pick<Deps, 'db' | 'clock' | 'actor'>,
): Promise<CaseCampaignTarget> => {
  requirePermission(actor, 'cases.read');
  const found = await targetOfCase(db, caseId, actor);
  if (!found) throw new AppError('campaigns.not_found', { caseId });
  const { campaign, target, followUp, type } = found;
  // On the visit, the visit type's fields come first (it puts the arrears and the package first).
  const visitType =
    caseId === target.visitCaseId && campaign.visitCaseTypeId !== null
      ? await caseTypeById(db, campaign.visitCaseTypeId)
      : undefined;
  const fields = labelledData(JSON.parse(target.dataJson) as TargetData, [
    ...(visitType ? [visitType] : []),
    type,
  ]);
  const visits = await visitRefs(db, target.visitCaseId === null ? [] : [target.visitCaseId], {
    actor,
    clock,
  });
  return {
    campaign: { key: campaign.key, name: campaign.name },
    externalKey: target.externalKey,
    row: target.rowNumber,
    fields,
    followUp: {
      caseId: followUp.id,
      status: ZCaseStatus.parse(followUp.status),
      reasonName: reasonPath(type, followUp.reasonCode),
      feedback: followUp.feedback,
    },
    visit: target.visitCaseId === null ? null : (visits.get(target.visitCaseId) ?? null),
    canEscalate:
      visitRefusal(found) === null &&
      (await isUnitInScope({ unitId: followUp.unitId, roots: scopeRoots(actor, 'cases.write') }, { db })),
  };
};
