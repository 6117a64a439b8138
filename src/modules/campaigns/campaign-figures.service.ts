import { z } from 'zod';
import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';
import { requirePermission } from '../../platform/access.js';
import { dialectOf } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { findNode } from '../cases/case-type.schema.js';
import type { LoadedCaseType } from '../cases/case-types.service.js';
import { caseTypeById } from '../cases/case-types.service.js';
import { isUnitInScope, unitNames } from '../org/units.service.js';
import { userNames } from '../org/users.service.js';
import { unitCondition } from '../org/scope.js';
import { ZMonth } from './campaigns.schema.js';
import { isCampaignVisible, otherReason, reactivatedField, unreachableReason } from './campaigns.service.js';

/*
 * The figures of dispatch campaigns, from their follow-up cases (never typed in):
 * - targets: follow-ups dispatched; followed up: those with an outcome recorded (resolved, called
 *   back or closed with a reason code), cancelled ones excluded from both;
 * - reached: followed up with a reason outside `unreachable` (联系不上); reached rate = reached ÷ followed up;
 * - reactivated: outcome `reactivated` = true; reactivation rate (激活率) = reactivated ÷ targets;
 * - net disconnections (净拆机) = targets − reactivated; other reason: followed up under `other` (其他);
 * - only the targets whose follow-ups the caller may read count (a grid manager: his grid's);
 * - reasons: followed-up targets by reason, root reasons with their sub-reasons, counts and shares
 *   of the followed up, largest first.
 */

export const ZCampaignFiguresQuery = z
  .object({
    /** One campaign by key … */
    campaign: z.string().trim().min(1).max(64).optional(),
    /** … or the campaigns of a month's lists (清单月份), by units in a subtree … */
    period: ZMonth.optional(),
    /** … or the campaigns created in [from, to). */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    unitId: z.coerce.number().int().positive().optional(),
  })
  .refine(
    (q) => q.campaign !== undefined || q.period !== undefined || (q.from !== undefined && q.to !== undefined),
    { message: 'give a campaign, a period, or from and to', path: ['campaign'] },
  );
export type CampaignFiguresQuery = z.input<typeof ZCampaignFiguresQuery>;

const ZRate = z.number().nullable();
export const ZCampaignFigureRow = z.object({
  key: z.string(),
  label: z.string(),
  targets: z.number().int(),
  followedUp: z.number().int(),
  followUpRate: ZRate,
  reached: z.number().int(),
  reachedRate: ZRate,
  reactivated: z.number().int(),
  reactivationRate: ZRate,
  netDisconnections: z.number().int(),
  /** Followed up with a reason under `other` (其他): many of them means vague feedback. */
  otherReason: z.number().int(),
});
export type CampaignFigureRow = z.infer<typeof ZCampaignFigureRow>;

const ZReasonShare = z.object({ key: z.string(), name: z.string(), count: z.number().int(), share: ZRate });
export const ZReasonRow = ZReasonShare.extend({ children: z.array(ZReasonShare) });
export type ReasonRow = z.infer<typeof ZReasonRow>;

export const ZCampaignFigures = z
  .object({
    campaigns: z.array(z.object({ key: z.string(), name: z.string() })),
    total: ZCampaignFigureRow,
    byCategory: z.array(ZCampaignFigureRow),
    byUnit: z.array(ZCampaignFigureRow),
    byAssignee: z.array(ZCampaignFigureRow),
    reasons: z.array(ZReasonRow),
    /** The reason breakdown per category (product line), by category key. */
    reasonsByCategory: z.record(z.string(), z.array(ZReasonRow)),
  })
  .meta({ id: 'CampaignFigures' });
export type CampaignFigures = z.infer<typeof ZCampaignFigures>;

type Acc = {
  key: string;
  label: string;
  targets: number;
  followedUp: number;
  reached: number;
  reactivated: number;
  otherReason: number;
};
const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);
const finish = (a: Acc): CampaignFigureRow => ({
  ...a,
  followUpRate: ratio(a.followedUp, a.targets),
  reachedRate: ratio(a.reached, a.followedUp),
  reactivationRate: ratio(a.reactivated, a.targets),
  netDisconnections: a.targets - a.reactivated,
});

const followedUpStatuses = new Set(['resolved', 'called_back', 'closed']);

/** The root reason and the reason itself of a code (a root's own code counts as its root). */
const reasonPath = (type: LoadedCaseType, code: string) => {
  const node = findNode(type.definition.reasons, code);
  const rootKey = node?.path[0] ?? code;
  const root = findNode(type.definition.reasons, rootKey);
  return {
    root: { key: rootKey, name: root?.name ?? rootKey },
    leaf: node && node.key !== rootKey ? { key: node.key, name: node.name } : null,
  };
};

/** Campaign figures: totals, by category (product line), unit (grid) and assignee (manager), and reasons. */
export const figuresOfCampaigns = async (
  rawQuery: CampaignFiguresQuery,
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<CampaignFigures> => {
  const roots = requirePermission(actor, 'cases.read');
  const query = ZCampaignFiguresQuery.parse(rawQuery);
  let select = db.selectFrom('campaigns').select(['id', 'key', 'name', 'unitId', 'caseTypeId']);
  if (query.campaign !== undefined) select = select.where('key', '=', query.campaign);
  else if (query.period !== undefined) select = select.where('period', '=', query.period);
  else
    select = select
      .where('createdAt', '>=', new Date(query.from!).toISOString())
      .where('createdAt', '<', new Date(query.to!).toISOString());
  const within = query.unitId;
  const campaigns = [];
  for (const c of await select.orderBy('createdAt').orderBy('id').execute()) {
    if (!(await isCampaignVisible(db, roots, c.unitId))) continue;
    if (within !== undefined && !(await isUnitInScope({ unitId: c.unitId, roots: [within] }, { db })))
      continue;
    campaigns.push(c);
  }
  if (query.campaign !== undefined && campaigns.length === 0)
    throw new AppError('campaigns.not_found', { key: query.campaign });

  const types = new Map<number, LoadedCaseType>();
  for (const c of campaigns)
    if (!types.has(c.caseTypeId)) types.set(c.caseTypeId, await caseTypeById(db, c.caseTypeId));
  // Grouped in the database: a month of a big branch is 100,000 targets but a few thousand groups.
  // The JSON path as a literal: PostgreSQL matches the GROUP BY expression to the selected one only
  // when they are the same text, which two bound parameters are not.
  const reactivatedOf: RawBuilder<number | string | null> =
    dialectOf(db) === 'postgres'
      ? sql`cast(${sql.ref('cases.outcomeJson')} as json) ->> ${sql.lit(reactivatedField)}`
      : sql`json_extract(${sql.ref('cases.outcomeJson')}, ${sql.lit(`$.${reactivatedField}`)})`;
  const rows =
    campaigns.length === 0
      ? []
      : await db
          .selectFrom('campaignTargets')
          .innerJoin('cases', 'cases.id', 'campaignTargets.caseId')
          .select((eb) => [
            'cases.caseTypeId',
            'cases.unitId',
            'cases.assigneeUserId',
            'cases.categoryKey',
            'cases.status',
            'cases.reasonCode',
            reactivatedOf.as('reactivated'),
            eb.fn.countAll<number>().as('n'),
          ])
          .where(
            'campaignTargets.campaignId',
            'in',
            campaigns.map((c) => c.id),
          )
          // Only the targets whose follow-ups the caller may read.
          .where(unitCondition('cases.unitId', { roots, subtree: true }))
          .groupBy([
            'cases.caseTypeId',
            'cases.unitId',
            'cases.assigneeUserId',
            'cases.categoryKey',
            'cases.status',
            'cases.reasonCode',
            reactivatedOf,
          ])
          .execute();
  const [units, users] = await Promise.all([
    unitNames({ db }),
    userNames(
      { userIds: [...new Set(rows.flatMap((r) => (r.assigneeUserId === null ? [] : [r.assigneeUserId])))] },
      { db },
    ),
  ]);

  const total: Acc = {
    key: 'total',
    label: '',
    targets: 0,
    followedUp: 0,
    reached: 0,
    reactivated: 0,
    otherReason: 0,
  };
  const groups = {
    category: new Map<string, Acc>(),
    unit: new Map<string, Acc>(),
    assignee: new Map<string, Acc>(),
  };
  const reasonCounts = new Map<
    string,
    Map<string, { name: string; count: number; children: Map<string, { name: string; count: number }> }>
  >();
  const accOf = (map: Map<string, Acc>, key: string, label: string) => {
    let acc = map.get(key);
    if (!acc)
      map.set(
        key,
        (acc = { key, label, targets: 0, followedUp: 0, reached: 0, reactivated: 0, otherReason: 0 }),
      );
    return acc;
  };
  const countReason = (scope: string, type: LoadedCaseType, code: string, n: number) => {
    let roots = reasonCounts.get(scope);
    if (!roots) reasonCounts.set(scope, (roots = new Map()));
    const { root, leaf } = reasonPath(type, code);
    let entry = roots.get(root.key);
    if (!entry) roots.set(root.key, (entry = { name: root.name, count: 0, children: new Map() }));
    entry.count += n;
    if (leaf) {
      const child = entry.children.get(leaf.key) ?? { name: leaf.name, count: 0 };
      child.count += n;
      entry.children.set(leaf.key, child);
    }
  };

  for (const r of rows) {
    if (r.status === 'cancelled') continue;
    const type = types.get(r.caseTypeId)!;
    const category = findNode(type.definition.categories, r.categoryKey);
    const accs = [
      total,
      accOf(groups.category, r.categoryKey, category?.name ?? r.categoryKey),
      accOf(groups.unit, String(r.unitId), units.get(r.unitId) ?? `#${r.unitId}`),
      accOf(
        groups.assignee,
        r.assigneeUserId === null ? 'unassigned' : String(r.assigneeUserId),
        r.assigneeUserId === null ? '' : (users.get(r.assigneeUserId) ?? `#${r.assigneeUserId}`),
      ),
    ];
    const followedUp = followedUpStatuses.has(r.status) && r.reasonCode !== null;
    const root = followedUp ? reasonPath(type, r.reasonCode!).root.key : null;
    const reached = followedUp && root !== unreachableReason;
    const other = root === otherReason;
    // JSON true: 1 from SQLite's json_extract, 'true' from PostgreSQL's ->>.
    const reactivated = followedUp && (r.reactivated === 1 || r.reactivated === 'true');
    const n = Number(r.n);
    for (const a of accs) {
      a.targets += n;
      if (followedUp) a.followedUp += n;
      if (reached) a.reached += n;
      if (reactivated) a.reactivated += n;
      if (other) a.otherReason += n;
    }
    if (followedUp) {
      countReason('', type, r.reasonCode!, n);
      countReason(r.categoryKey, type, r.reasonCode!, n);
    }
  }

  const reasonRows = (scope: string, base: number): ReasonRow[] =>
    [...(reasonCounts.get(scope) ?? new Map())]
      .map(([key, e]) => ({
        key,
        name: e.name,
        count: e.count,
        share: ratio(e.count, base),
        children: [...e.children]
          .map(([k, c]) => ({ key: k, name: c.name, count: c.count, share: ratio(c.count, base) }))
          .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
      }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  const sorted = (map: Map<string, Acc>) =>
    [...map.values()].map(finish).sort((a, b) => b.targets - a.targets || a.key.localeCompare(b.key));

  return {
    campaigns: campaigns.map((c) => ({ key: c.key, name: c.name })),
    total: finish(total),
    byCategory: sorted(groups.category),
    byUnit: sorted(groups.unit),
    byAssignee: sorted(groups.assignee),
    reasons: reasonRows('', total.followedUp),
    reasonsByCategory: Object.fromEntries(
      [...groups.category.values()].map((g) => [g.key, reasonRows(g.key, g.followedUp)]),
    ),
  };
};
