import { requirePermission } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { AppError, isAppError } from '../../platform/errors/app-error.js';
import { messageOf } from '../../platform/errors/catalog.js';
import { recordAudit } from '../audit/audit.service.js';
import { flattenTree } from '../cases/case-type.schema.js';
import type { LoadedCaseType } from '../cases/case-types.service.js';
import { caseTypeById } from '../cases/case-types.service.js';
import { importFieldOf } from '../cases/case-field-cells.js';
import { requireOutcome } from '../cases/case-rules.js';
import { transitionCaseIn } from '../cases/cases.service.js';
import type { CellValue } from '../imports/cell-convert.js';
import { normaliseHeader } from '../imports/column-mapping.js';
import type { ImportField, ImportProblem, ImportReport, ImportTarget } from '../imports/import-runner.js';
import { runImport } from '../imports/import-runner.js';
import type { ImportFileInput } from '../imports/import-target.js';
import { isCampaignVisible } from './campaigns.service.js';
import { targetKeyField } from './dispatch-list.import.js';

/*
 * Importing a campaign's outcomes (回访结果导入): a grid manager who followed his targets up on a
 * spreadsheet — one row per target with its reason (原因大类 and 具体原因), feedback and outcome
 * fields (是否激活 …) — records them all at once instead of case by case. Each row resolves the
 * target's follow-up through the case engine (accepting it first when it was only assigned), in
 * the import's one transaction, by the same rules as the case page: the reason must exist, the
 * feedback be long enough, the outcome fields complete. Only the follow-ups assigned to the
 * importer can be resolved by him (the lifecycle lets only the assignee resolve). Importing the
 * same file again changes nothing: a follow-up resolved with the same outcome is unchanged; one
 * resolved with another outcome is a row problem (reopen it first).
 */

const fixedFields: ImportField[] = [
  targetKeyField,
  {
    key: 'reasonRoot',
    labels: ['原因大类', '原因分类', '原因类别', '一级原因', 'reason category', 'churn category'],
    cell: { type: 'text', maxLength: 200 },
  },
  {
    key: 'reason',
    labels: ['具体原因', '回访原因', '拆机原因', '原因', '二级原因', 'reason', 'churn reason'],
    // Required, but checked by the target: a row that is no target should say so, not "reason required".
    cell: { type: 'text', maxLength: 200 },
  },
  {
    key: 'feedback',
    labels: ['回访反馈', '反馈内容', '反馈', '回访情况', '情况说明', 'feedback', 'comment'],
    cell: { type: 'text', maxLength: 5000 },
  },
];

/** The columns of an outcome sheet for a follow-up type: key, reasons, feedback, its outcome fields. */
const outcomeFieldsOf = (type: LoadedCaseType): ImportField[] => [
  ...fixedFields,
  ...type.definition.closing.outcomeFields.map((f) => importFieldOf(f)),
];

/** A campaign the caller sees, with its follow-up type. */
const campaignOf = async (key: string, { db, actor }: Pick<Deps, 'db' | 'actor'>) => {
  const roots = requirePermission(actor, 'cases.write');
  const campaign = await db.selectFrom('campaigns').selectAll().where('key', '=', key).executeTakeFirst();
  if (!campaign || !(await isCampaignVisible(db, roots, campaign.unitId)))
    throw new AppError('campaigns.not_found', { key, field: 'campaign' });
  return { campaign, type: await caseTypeById(db, campaign.caseTypeId) };
};

/** The columns of a campaign's outcome sheet (for a mapping screen). */
export const campaignOutcomeFields = async (
  { campaign }: { campaign: string },
  deps: Pick<Deps, 'db' | 'actor'>,
) => outcomeFieldsOf((await campaignOf(campaign, deps)).type);

type Follow = {
  caseId: number;
  status: string;
  assigneeUserId: number | null;
  reasonCode: string | null;
  feedback: string | null;
  outcomeJson: string | null;
};
type OutcomeRow = {
  caseId: number;
  accept: boolean;
  unchanged: boolean;
  reasonCode: string;
  feedback: string | undefined;
  outcome: Record<string, unknown>;
};

/**
 * A reason code from the file's text: a key, a name (Chinese or English) or a path (联系不上 · 空号,
 * 联系不上/空号), inside the root the file's 原因大类 names when it has one. A name found under two
 * roots needs the root (IBM's "Poor expertise of online support" is filed under two categories).
 */
const reasonFinder = (type: LoadedCaseType) => {
  const nodes = flattenTree(type.definition.reasons);
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const byName = new Map<string, typeof nodes>();
  for (const n of nodes)
    for (const name of [n.name, n.nameEn ?? ''])
      if (name) byName.set(normaliseHeader(name), [...(byName.get(normaliseHeader(name)) ?? []), n]);
  const named = (text: string, within?: string) =>
    [...new Set(byName.get(normaliseHeader(text)) ?? [])].filter(
      (n) => within === undefined || n.key === within || n.path[0] === within,
    );
  return (
    root: string | null,
    text: string,
  ): { code: string } | { problem: 'unknown_reason' | 'ambiguous_reason' } => {
    if (byKey.has(text)) return { code: text };
    let within: string | undefined;
    if (root !== null) {
      const roots = byKey.has(root) ? [byKey.get(root)!] : named(root).filter((n) => n.path.length === 0);
      if (roots.length !== 1) return { problem: 'unknown_reason' };
      within = roots[0]!.key;
    }
    const parts = text.split(/\s*[·/>＞]\s*/).filter((p) => p !== '');
    let found = named(text, within);
    if (found.length === 0 && parts.length === 2) {
      const [first] = named(parts[0]!).filter((n) => n.path.length === 0);
      found = first
        ? named(parts[1]!, first.key).filter((n) => within === undefined || n.path[0] === within)
        : [];
    }
    if (found.length === 1) return { code: found[0]!.key };
    return { problem: found.length === 0 ? 'unknown_reason' : 'ambiguous_reason' };
  };
};

const problemTexts = {
  not_a_target: [
    'not a target of this campaign (or not visible to you)',
    '不是本批次的派单目标（或无权查看）',
  ],
  not_assignee: ['the follow-up is assigned to someone else', '该目标的回访工单不是分配给您的'],
  unknown_reason: ['no such reason in the case type', '工单类型中没有这个原因'],
  ambiguous_reason: [
    'this reason is under several categories: give 原因大类',
    '该原因属于多个大类，请填写原因大类',
  ],
  already_resolved: [
    'resolved earlier with another outcome: reopen it first',
    '已按其他结果办结，请先重新打开',
  ],
  not_resolvable: ['the follow-up cannot be resolved in its state', '该回访工单当前状态不能办结'],
} as const;
const problemOf = (
  code: keyof typeof problemTexts,
  field: string,
  value: string,
): Omit<ImportProblem, 'row'> => ({
  field,
  value,
  code,
  why: problemTexts[code][0],
  whyZh: problemTexts[code][1],
});

const sameOutcome = (follow: Follow, row: Omit<OutcomeRow, 'unchanged'>) =>
  follow.reasonCode === row.reasonCode &&
  (follow.feedback ?? undefined) === row.feedback &&
  JSON.stringify(JSON.parse(follow.outcomeJson ?? '{}')) === JSON.stringify(row.outcome);

export type ImportCampaignOutcomesInput = ImportFileInput & {
  campaign: string;
};

/**
 * Records the outcomes of a campaign's follow-ups from a file (see above). Needs cases.write; each
 * row's follow-up must be assigned to the caller. One audit row for the import besides the
 * cases' own events.
 */
export const importCampaignOutcomes = async (
  { campaign: key, source, mode, mapping, read, onProgress }: ImportCampaignOutcomesInput,
  { db, clock, actor }: Deps,
): Promise<ImportReport & { campaign: string }> => {
  const { campaign, type } = await campaignOf(key, { db, actor });
  const outcomeFields = type.definition.closing.outcomeFields;
  // The targets' follow-ups as they are now; a row's checks need them before its batch is written.
  const follows = new Map<string, Follow>(
    (
      await db
        .selectFrom('campaignTargets')
        .innerJoin('cases', 'cases.id', 'campaignTargets.caseId')
        .select([
          'campaignTargets.externalKey',
          'cases.id as caseId',
          'cases.status',
          'cases.assigneeUserId',
          'cases.reasonCode',
          'cases.feedback',
          'cases.outcomeJson',
        ])
        .where('campaignTargets.campaignId', '=', campaign.id)
        .execute()
    ).map(({ externalKey, ...follow }) => [externalKey, follow]),
  );
  const findReason = reasonFinder(type);

  const target: ImportTarget<OutcomeRow> = {
    key: 'campaign-outcomes',
    fields: outcomeFieldsOf(type),
    keyField: 'externalKey',
    check: (values) => {
      const externalKey = String(values.externalKey);
      const follow = follows.get(externalKey);
      if (!follow) return [problemOf('not_a_target', 'externalKey', externalKey)];
      if (follow.assigneeUserId !== actor.userId)
        return [problemOf('not_assignee', 'externalKey', externalKey)];
      const text = (values.reason as string | null) ?? '';
      if (text === '')
        return [{ field: 'reason', value: '', code: 'required', why: 'required', whyZh: '必填' }];
      const found = findReason((values.reasonRoot as string | null) ?? null, text);
      if ('problem' in found) return [problemOf(found.problem, 'reason', text)];
      const feedback = (values.feedback as string | null) ?? undefined;
      const given = Object.fromEntries(
        outcomeFields.flatMap((f) =>
          values[f.key] === null || values[f.key] === undefined ? [] : [[f.key, values[f.key]]],
        ),
      ) as Record<string, CellValue>;
      let outcome: Record<string, unknown>;
      try {
        outcome = requireOutcome(type, { reasonCode: found.code, feedback: feedback ?? null, values: given });
      } catch (error) {
        if (!isAppError(error)) throw error;
        const field = String(error.details.field ?? '');
        return [
          {
            field: field.replace(/^outcome\./, ''),
            value: field === 'feedback' ? (feedback ?? '') : '',
            code: error.code,
            why: messageOf(error.code, 'en', error.details),
            whyZh: messageOf(error.code, 'zh-CN', error.details),
          },
        ];
      }
      const row = {
        caseId: follow.caseId,
        accept: follow.status === 'assigned',
        reasonCode: found.code,
        feedback,
        outcome,
      };
      if (['resolved', 'called_back', 'closed'].includes(follow.status))
        return sameOutcome(follow, row)
          ? { ...row, unchanged: true }
          : [problemOf('already_resolved', 'reason', text)];
      if (!['assigned', 'accepted', 'in_progress'].includes(follow.status))
        return [problemOf('not_resolvable', 'externalKey', externalKey)];
      return { ...row, unchanged: false };
    },
    write: async (tx, rows) => {
      let created = 0;
      let unchanged = 0;
      for (const { value } of rows) {
        if (value.unchanged) {
          unchanged++;
          continue;
        }
        if (value.accept)
          await transitionCaseIn(tx, { caseId: value.caseId, input: { action: 'accept' } }, { clock, actor });
        await transitionCaseIn(
          tx,
          {
            caseId: value.caseId,
            input: {
              action: 'resolve',
              reasonCode: value.reasonCode,
              ...(value.feedback !== undefined ? { feedback: value.feedback } : {}),
              outcome: value.outcome,
            },
          },
          { clock, actor },
        );
        created++;
      }
      return { created, updated: 0, unchanged };
    },
    finish: async (tx, counts) => {
      await recordAudit(
        tx,
        {
          action: 'campaign.outcomes_import',
          entity: 'campaign',
          entityId: campaign.id,
          unitId: campaign.unitId,
          after: { key, recorded: counts.created, unchanged: counts.unchanged, bad: counts.bad },
        },
        { actor, clock },
      );
    },
  };
  const report = await runImport(
    { target, source, mode, mapping, read, onProgress },
    { db, now: () => clock.now().getTime() },
  );
  return { ...report, campaign: key };
};
