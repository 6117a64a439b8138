import type { ScopeRoots } from '../../platform/access.js';
import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError, isAppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import { checkBatchCase, registerCaseBatch } from '../cases/case-batch.service.js';
import { reportingDayOf } from '../cases/case-figure-days.js';
import type { BatchCase } from '../cases/case-batch.service.js';
import { findNode, flattenTree } from '../cases/case-type.schema.js';
import type { LoadedCaseType } from '../cases/case-types.service.js';
import { caseTypeById, caseTypeForInput } from '../cases/case-types.service.js';
import { isUnitInScope, unitNames, unitsUnder } from '../org/units.service.js';
import { userNames, usersWithRoleOn } from '../org/users.service.js';
import type { Unit } from '../org/org.schema.js';
import type {
  AssignmentRule,
  Campaign,
  CampaignTarget,
  CreateCampaignResult,
  TargetProblem,
} from './campaigns.schema.js';
import { ZAssignmentRule, ZCreateCampaignInput } from './campaigns.schema.js';
import { targetsOfList } from './dispatch-list.import.js';
import type { Selectable } from 'kysely';
import type { CampaignTable } from './campaigns.tables.js';

/*
 * Dispatch campaigns (派单): a list of targets — subscribers disconnected for arrears, meters to
 * audit — becomes one follow-up case per target, filed in the target's unit and assigned by a
 * rule, in one transaction with one audit row. The follow-up's outcome (reason, feedback,
 * reactivated …) is the case's: the case type asks for it and the case engine enforces it.
 *
 * A follow-up case type for campaigns has a reason root `unreachable` (联系不上, with the
 * reasons why as children) and a boolean outcome field `reactivated`: the campaign figures
 * read "reached" and "reactivated" from them.
 */

export const unreachableReason = 'unreachable';
export const reactivatedField = 'reactivated';
/** The reason root of vague outcomes (其他): the figures count it per manager. */
export const otherReason = 'other';

/** At most this many problems travel in an error or a reply; `problemCount` counts all. */
const reportedProblems = 1000;

/** A follow-up type the figures can read: `unreachable` reasons and a boolean `reactivated` outcome. */
const requireFollowUpType = (type: LoadedCaseType) => {
  const hasUnreachable = findNode(type.definition.reasons, unreachableReason) !== undefined;
  const reactivated = type.definition.closing.outcomeFields.find((f) => f.key === reactivatedField);
  if (!hasUnreachable || reactivated?.type !== 'boolean' || !type.definition.closing.requireReason)
    throw new AppError('request.invalid', {
      issues: [
        {
          path: 'body.caseType',
          code: 'custom',
          message: `case type ${type.key} cannot take campaign follow-ups: it needs a required reason code with a root "${unreachableReason}" and a boolean outcome field "${reactivatedField}"`,
        },
      ],
    });
};

/** A category by key or by its Chinese or English name (lists carry 宽带, not broadband). */
const categoryOf = (type: LoadedCaseType, text: string): string | undefined => {
  if (findNode(type.definition.categories, text)) return text;
  const wanted = text.trim().toLowerCase();
  return flattenTree(type.definition.categories).find(
    (n) => n.name.trim().toLowerCase() === wanted || n.nameEn?.trim().toLowerCase() === wanted,
  )?.key;
};

type Resolved = { row: number; target: CampaignTarget; unit: Unit; batch: BatchCase & { priority: string } };

/**
 * Files and assigns the targets: the unit by the rule (inside the campaign's unit), the person
 * by `assignTo` inside that unit. Answers the good targets and the problems, both in input order.
 */
const resolveTargets = async (
  tx: Executor,
  {
    type,
    campaignKey,
    campaignName,
    units,
    category,
    rule,
    targets,
  }: {
    type: LoadedCaseType;
    campaignKey: string;
    campaignName: string;
    units: Unit[];
    category: string | undefined;
    rule: AssignmentRule;
    targets: CampaignTarget[];
  },
) => {
  const byCode = new Map(units.map((u) => [u.code, u]));
  const fieldKeys = new Set(type.definition.fields.map((f) => f.key));
  const pools = new Map<number, number[]>();
  const turns = new Map<number, number>();
  const poolOf = async (unitId: number) => {
    let pool = pools.get(unitId);
    if (!pool) {
      const managers = await usersWithRoleOn({ unitId, role: 'manager', climb: false }, { db: tx });
      pool =
        rule.assignTo === 'unit_manager'
          ? managers
          : [
              ...new Set([
                ...managers,
                ...(await usersWithRoleOn({ unitId, role: 'staff', climb: false }, { db: tx })),
              ]),
            ].sort((a, b) => a - b);
      pools.set(unitId, pool);
    }
    return pool;
  };

  const problems: TargetProblem[] = [];
  const resolved: Resolved[] = [];
  const firstRow = new Map<string, number>();
  for (const [index, target] of targets.entries()) {
    const row = target.row ?? index + 1;
    const problem = (field: string, code: string, message: string) =>
      problems.push({ row, externalKey: target.externalKey, field, code, message });
    const earlier = firstRow.get(target.externalKey);
    if (earlier !== undefined) {
      problem('externalKey', 'duplicate_key', `the same target is on row ${earlier} already`);
      continue;
    }
    firstRow.set(target.externalKey, row);

    const code =
      rule.by === 'single_unit'
        ? rule.unitCode
        : rule.by === 'mapping'
          ? rule.map[target.unit ?? '']
          : target.unit;
    if (!code) {
      problem(
        'unit',
        rule.by === 'mapping' ? 'unmapped_unit' : 'unit_required',
        rule.by === 'mapping'
          ? `"${target.unit ?? ''}" is not in the rule's mapping table`
          : 'the row names no unit',
      );
      continue;
    }
    const unit = byCode.get(code);
    if (!unit) {
      problem('unit', 'org.unit_not_found', `unit ${code} is not in the campaign's unit or under it`);
      continue;
    }
    const categoryText = target.category ?? category;
    const categoryKey = categoryText ? categoryOf(type, categoryText) : undefined;
    if (!categoryKey) {
      problem(
        'category',
        'cases.unknown_category',
        categoryText ? `case type ${type.key} has no category ${categoryText}` : 'the row names no category',
      );
      continue;
    }
    const pool = await poolOf(unit.id);
    if (pool.length === 0) {
      problem(
        'unit',
        'no_assignee',
        `nobody ${rule.assignTo === 'unit_manager' ? 'manages' : 'handles cases in'} unit ${unit.code} ${unit.name}`,
      );
      continue;
    }
    const turn = turns.get(unit.id) ?? 0;
    turns.set(unit.id, turn + 1);
    const fields = Object.fromEntries(Object.entries(target.data).filter(([k]) => fieldKeys.has(k)));
    try {
      const batch = checkBatchCase(type, {
        unitId: unit.id,
        title: target.title ?? `${campaignName} · ${target.externalKey}`,
        category: categoryKey,
        fields,
        externalKey: `${campaignKey}:${target.externalKey}`,
        assigneeUserId: pool[turn % pool.length]!,
      });
      resolved.push({ row, target, unit, batch });
    } catch (error) {
      if (!isAppError(error)) throw error;
      const field = typeof error.details.field === 'string' ? error.details.field : 'data';
      problem(
        field.replace(/^fields\./, 'data.'),
        error.code,
        `${field}: ${String(error.details.problem ?? error.message)}`,
      );
    }
  }
  return { resolved, problems };
};

/** The rows of an imported list, which must be of the campaign's case type and lie under its unit. */
const listTargets = async (tx: Executor, key: string, type: LoadedCaseType, unitId: number) => {
  const list = await tx.selectFrom('targetLists').selectAll().where('key', '=', key).executeTakeFirst();
  if (!list || !(await isUnitInScope({ unitId: list.unitId, roots: [unitId] }, { db: tx })))
    throw new AppError('campaigns.list_not_found', { key, field: 'list' });
  if (list.caseTypeId !== type.id) throw new AppError('campaigns.list_mismatch', { key, field: 'list' });
  return targetsOfList(tx, list.id);
};

const toCampaign = async (db: Executor, row: Selectable<CampaignTable>): Promise<Campaign> => {
  const [type, visitType, names] = await Promise.all([
    caseTypeById(db, row.caseTypeId),
    row.visitCaseTypeId === null ? null : caseTypeById(db, row.visitCaseTypeId),
    unitNames({ db }),
  ]);
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    nameEn: row.nameEn,
    caseType: type.key,
    unit: { id: row.unitId, name: names.get(row.unitId) ?? `#${row.unitId}` },
    category: row.categoryKey,
    rule: ZAssignmentRule.parse(JSON.parse(row.ruleJson)),
    visitCaseType: visitType?.key ?? null,
    period: row.period ?? reportingDayOf(row.createdAt).slice(0, 7),
    targetCount: row.targetCount,
    createdAt: row.createdAt,
  };
};

/**
 * Creates a campaign and dispatches its targets. Needs cases.dispatch on the campaign's unit.
 * In `all_or_nothing` mode one bad target refuses the whole list (`campaigns.targets_invalid`,
 * every problem by row); in `skip_bad` mode the good targets are dispatched and the bad ones
 * reported. Either way the campaign holds exactly the targets the reply says it dispatched.
 */
export const createCampaign = async (
  rawInput: unknown,
  { db, clock, actor }: Deps,
): Promise<CreateCampaignResult> => {
  requirePermission(actor, 'cases.dispatch');
  const input = ZCreateCampaignInput.parse(rawInput);
  return db.transaction().execute(async (tx) => {
    if (
      !(await isUnitInScope({ unitId: input.unitId, roots: scopeRoots(actor, 'cases.dispatch') }, { db: tx }))
    )
      throw new AppError('org.unit_not_found', { unitId: input.unitId, field: 'unitId' });
    if (await tx.selectFrom('campaigns').select('id').where('key', '=', input.key).executeTakeFirst())
      throw new AppError('campaigns.key_taken', { key: input.key, field: 'key' });
    const type = await caseTypeForInput(tx, input.caseType);
    requireFollowUpType(type);
    const visitType = input.visitCaseType ? await caseTypeForInput(tx, input.visitCaseType) : null;
    if (input.category !== undefined && !categoryOf(type, input.category))
      throw new AppError('cases.unknown_category', {
        caseType: type.key,
        key: input.category,
        field: 'category',
      });
    const units = await unitsUnder({ unitId: input.unitId }, { db: tx });
    const rule = input.rule;
    if (rule.by === 'single_unit' && !units.some((u) => u.code === rule.unitCode))
      throw new AppError('org.unit_not_found', { code: rule.unitCode, field: 'rule.unitCode' });

    const targets = input.targets ?? (await listTargets(tx, input.list!, type, input.unitId));
    const { resolved, problems } = await resolveTargets(tx, {
      type,
      campaignKey: input.key,
      campaignName: input.name,
      units,
      category: input.category ? categoryOf(type, input.category) : undefined,
      rule: input.rule,
      targets,
    });
    if (problems.length > 0 && (input.mode === 'all_or_nothing' || resolved.length === 0))
      throw new AppError('campaigns.targets_invalid', {
        problemCount: problems.length,
        problems: problems.slice(0, reportedProblems),
      });

    const now = clock.now().toISOString();
    const { id } = await tx
      .insertInto('campaigns')
      .values({
        key: input.key,
        name: input.name,
        nameEn: input.nameEn ?? null,
        caseTypeId: type.id,
        unitId: input.unitId,
        categoryKey: input.category ? (categoryOf(type, input.category) ?? null) : null,
        ruleJson: JSON.stringify(input.rule),
        visitCaseTypeId: visitType?.id ?? null,
        targetCount: resolved.length,
        period: input.period ?? reportingDayOf(now).slice(0, 7),
        createdByUserId: actor.userId,
        createdAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const caseIds = await registerCaseBatch(
      tx,
      {
        type,
        cases: resolved.map((r) => r.batch),
        notice: {
          label: { zh: input.name, en: input.nameEn ?? input.name },
          link: `/campaigns/${id}`,
          dedupeKey: `campaign:${id}`,
        },
      },
      { clock, actor },
    );
    const perRow = 7;
    for (let i = 0; i < resolved.length; i += Math.floor(30_000 / perRow))
      await tx
        .insertInto('campaignTargets')
        .values(
          resolved.slice(i, i + Math.floor(30_000 / perRow)).map((r, j) => ({
            campaignId: id,
            externalKey: r.target.externalKey,
            rowNumber: r.row,
            caseId: caseIds[i + j]!,
            dataJson: JSON.stringify(r.target.data),
            visitCaseId: null,
          })),
        )
        .execute();

    const counts = new Map<number, number>();
    for (const r of resolved)
      counts.set(r.batch.assigneeUserId, (counts.get(r.batch.assigneeUserId) ?? 0) + 1);
    const names = await userNames({ userIds: [...counts.keys()] }, { db: tx });
    const assignees = [...counts]
      .map(([userId, count]) => ({ userId, name: names.get(userId) ?? `#${userId}`, count }))
      .sort((a, b) => b.count - a.count || a.userId - b.userId);
    // One audit row for the campaign: the targets' keys are phone numbers, which the trail keeps out.
    await recordAudit(
      tx,
      {
        action: 'campaign.create',
        entity: 'campaign',
        entityId: id,
        unitId: input.unitId,
        after: {
          key: input.key,
          caseType: type.key,
          rule: input.rule,
          dispatched: resolved.length,
          rejected: problems.length,
          firstCaseId: caseIds[0] ?? null,
          lastCaseId: caseIds.at(-1) ?? null,
        },
      },
      { actor, clock },
    );
    const row = await tx.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return {
      campaign: await toCampaign(tx, row),
      dispatched: resolved.length,
      assignees,
      rejected: problems.slice(0, reportedProblems),
    };
  });
};

/**
 * Whether the holder of `roots` sees a campaign: it runs in his scope, or his scope lies inside
 * the campaign's unit (a grid manager sees the branch's campaign that dispatched to his grid;
 * its figures then count his grid's targets only).
 */
export const isCampaignVisible = async (db: Executor, roots: ScopeRoots, unitId: number) => {
  if (await isUnitInScope({ unitId, roots }, { db })) return true;
  if (roots === 'all') return false;
  for (const root of roots) if (await isUnitInScope({ unitId: root, roots: [unitId] }, { db })) return true;
  return false;
};

/** Campaigns the caller sees (`isCampaignVisible`), newest first. */
export const listCampaigns = async ({ db, actor }: Pick<Deps, 'db' | 'actor'>): Promise<Campaign[]> => {
  const roots = requirePermission(actor, 'cases.read');
  const rows = await db
    .selectFrom('campaigns')
    .selectAll()
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const out: Campaign[] = [];
  for (const row of rows)
    if (await isCampaignVisible(db, roots, row.unitId)) out.push(await toCampaign(db, row));
  return out;
};

/** A campaign by key, when its unit is inside the caller's cases.read scope. */
export const getCampaign = async ({ key }: { key: string }, { db, actor }: Pick<Deps, 'db' | 'actor'>) => {
  const roots = requirePermission(actor, 'cases.read');
  const row = await db.selectFrom('campaigns').selectAll().where('key', '=', key).executeTakeFirst();
  if (!row || !(await isCampaignVisible(db, roots, row.unitId)))
    throw new AppError('campaigns.not_found', { key });
  return toCampaign(db, row);
};
