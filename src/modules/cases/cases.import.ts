import { requirePermission } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { recordAudit } from '../audit/audit.service.js';
import type { CellValue } from '../imports/cell-convert.js';
import type { ImportField, ImportReport, ImportTarget } from '../imports/import-runner.js';
import { runImport } from '../imports/import-runner.js';
import type { ImportFileInput } from '../imports/import-target.js';
import type { RowProblemOf } from '../imports/row-problem.js';
import { rowProblem } from '../imports/row-problem.js';
import { unitsWithin } from '../org/units.service.js';
import { calendarsOf } from './case-clocks.service.js';
import { importFieldOf } from './case-field-cells.js';
import type { Checked, ImportProblem, ImportProblemCode } from './case-import.rows.js';
import { checkRow, computeRow, indexType } from './case-import.rows.js';
import { commonAncestor, writeImportedCases } from './case-import.service.js';
import type { TreeNode } from './case-type.schema.js';
import { flattenTree } from './case-type.schema.js';
import type { LoadedCaseType } from './case-types.service.js';
import { caseTypeForInput } from './case-types.service.js';
import * as casesRepo from './cases.repo.js';

/*
 * Cases of one case type from a CSV or XLSX file, through the import runner (its modes, progress
 * and per-row problems): the case-history import (case-import.service.ts) with columns instead of
 * JSON rows. Each row is checked by the same `checkRow` and `computeRow` (the type's categories,
 * priorities, reasons, fields and closing rules; the clocks in the type's calendars) and written
 * by the same `writeImportedCases`, so a case imported either way is the same case.
 *
 * - The unit is named by its code and must lie in the caller's cases.write scope.
 * - Category, priority and reason cells take the key or the name (Chinese or English) of a node;
 *   a name two nodes share is not guessed (the cell stays unknown).
 * - Idempotent by external key: a key the type holds already is counted unchanged and NOT
 *   overwritten — once imported, a case lives on in this system (it is worked, reopened, closed
 *   here) and a later export of the old system must not roll that back.
 * - One audit row (`case.import`), as the history import writes it.
 */

const fixedFields: ImportField[] = [
  {
    key: 'externalKey',
    labels: ['工单编号', '工单号', '单号', '编号', '外部编号', '流水号', 'external key', 'case no', 'key'],
    required: true,
    cell: { type: 'text', maxLength: 100 },
  },
  {
    key: 'unit',
    labels: ['单元编码', '网格编码', '所属单元', '处理单位', 'unit code', 'unit'],
    required: true,
    cell: { type: 'text', maxLength: 64 },
  },
  {
    key: 'title',
    labels: ['标题', '工单标题', '主题', 'title'],
    required: true,
    cell: { type: 'text', maxLength: 200 },
  },
  {
    key: 'description',
    labels: ['描述', '问题描述', '工单内容', '内容', 'description'],
    cell: { type: 'text', maxLength: 5000 },
  },
  {
    key: 'category',
    labels: ['分类', '工单分类', '类别', '问题分类', 'category'],
    required: true,
    cell: { type: 'text', maxLength: 200 },
  },
  { key: 'priority', labels: ['优先级', '紧急程度', 'priority'], cell: { type: 'text', maxLength: 200 } },
  {
    key: 'openedAt',
    labels: ['受理时间', '开单时间', '登记时间', '创建时间', 'opened at', 'created at'],
    required: true,
    cell: { type: 'datetime' },
  },
  { key: 'closedAt', labels: ['办结时间', '结单时间', '关闭时间', 'closed at'], cell: { type: 'datetime' } },
  {
    key: 'status',
    labels: ['状态', '工单状态', 'status'],
    cell: {
      type: 'enum',
      choices: [
        { key: 'open', labels: ['在办', '未办结', '处理中', '未结', 'open'] },
        { key: 'closed', labels: ['办结', '已办结', '已关闭', '已结', 'closed'] },
      ],
    },
  },
  {
    key: 'reasonCode',
    labels: ['原因', '原因代码', '办结原因', 'reason'],
    cell: { type: 'text', maxLength: 200 },
  },
  {
    key: 'feedback',
    labels: ['反馈', '处理结果', '办理结果', '回复', 'feedback'],
    cell: { type: 'text', maxLength: 5000 },
  },
];

/** The import fields of a case type: the fixed columns, then the type's own fields under their labels. */
export const caseImportFields = (type: LoadedCaseType): ImportField[] => [
  ...fixedFields,
  ...type.definition.fields
    .filter((f) => !fixedFields.some((x) => x.key === f.key))
    .map((f) => importFieldOf(f, { required: true })),
];

/** Key by key, Chinese name or English name; a name two nodes share maps to null (never guessed). */
const keysByName = (nodes: ReadonlyArray<Pick<TreeNode, 'key' | 'name' | 'nameEn'>>) => {
  const map = new Map<string, string | null>();
  for (const n of nodes)
    for (const name of [n.name, n.nameEn])
      if (name !== undefined) map.set(name, map.has(name) && map.get(name) !== n.key ? null : n.key);
  for (const n of nodes) map.set(n.key, n.key);
  return (text: string | null) => (text === null ? null : (map.get(text) ?? text));
};

const whyZh: Record<ImportProblemCode, string> = {
  invalid: '格式不正确',
  invalid_date: '不是有效的日期时间',
  closed_before_opened: '办结时间早于受理时间',
  in_future: '时间晚于导入时间，历史工单不能在未来',
  status_conflict: '状态与办结时间不符（办结须有办结时间，在办不能有）',
  duplicate_key: '与前面某行重复',
  'org.unit_not_found': '单元不存在或不在您的管辖范围内',
  'cases.unknown_category': '该工单类型没有这个分类',
  'cases.unknown_priority': '该工单类型没有这个优先级',
  'cases.unknown_reason': '该工单类型没有这个原因',
  'cases.field_invalid': '字段值无效',
  'cases.outcome_required': '该工单类型要求办结工单填写原因或反馈',
  'cases.calendar_not_covering': '工作日历未覆盖该年份',
};

type Stats = { unitIds: Set<number>; closed: number; first: string | null; last: string | null };

/** The cases target of one case type (cases.write on each row's unit). */
export const casesImportTarget = async (
  { caseType }: { caseType: string },
  { db, clock, actor }: Deps,
): Promise<ImportTarget<Checked> & { type: LoadedCaseType }> => {
  const roots = requirePermission(actor, 'cases.write');
  const type = await caseTypeForInput(db, caseType);
  const typeIndex = indexType(type);
  const calendars = await calendarsOf(db, type.definition);
  const unitIds = new Map((await unitsWithin({ roots }, { db })).map((u) => [u.code, u.id]));
  const nowMs = clock.now().getTime();
  const categoryKey = keysByName(flattenTree(type.definition.categories));
  const priorityKey = keysByName(type.definition.priorities);
  const reasonKey = keysByName(flattenTree(type.definition.reasons));
  const fields = caseImportFields(type);
  const typeFields = type.definition.fields.filter((f) => !fixedFields.some((x) => x.key === f.key));
  const stats: Stats = { unitIds: new Set(), closed: 0, first: null, last: null };

  const check = (values: Record<string, CellValue>, at: number): Checked | RowProblemOf[] => {
    const text = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : null);
    const unitCode = String(values.unit);
    const unitId = unitIds.get(unitCode);
    const caseFields: Record<string, unknown> = {};
    for (const f of typeFields) {
      const value = values[f.key];
      if (value === null || value === undefined) continue;
      caseFields[f.key] = f.type === 'number' ? Number(value) : value;
    }
    const raw = {
      externalKey: String(values.externalKey),
      // A placeholder for an unknown unit, so that the row's other problems are reported too.
      unitId: unitId ?? 1,
      title: String(values.title),
      description: text('description'),
      category: categoryKey(text('category')),
      priority: priorityKey(text('priority')),
      openedAt: String(values.openedAt),
      closedAt: text('closedAt'),
      ...(values.status ? { status: values.status as 'open' | 'closed' } : {}),
      fields: caseFields,
      reasonCode: reasonKey(text('reasonCode')),
      feedback: text('feedback'),
    };
    // checkRow numbers rows from 1 at its first row; the runner numbers them as a spreadsheet does.
    const { valid, problems } = checkRow(at - 1, raw, typeIndex, nowMs);
    const toProblem = (p: ImportProblem): RowProblemOf => {
      const field = p.field.replace(/^fields\./, '');
      return rowProblem(field, String(values[field] ?? ''), p.code, p.message, `${whyZh[p.code]}`);
    };
    const out = problems.map(toProblem);
    if (unitId === undefined)
      out.push(
        rowProblem(
          'unit',
          unitCode,
          'org.unit_not_found',
          `unit ${unitCode} does not exist or is outside your cases.write scope`,
          whyZh['org.unit_not_found'],
        ),
      );
    if (out.length > 0 || !valid) return out;
    const computed = computeRow(valid, typeIndex, calendars, nowMs);
    if ('code' in computed) return [toProblem(computed)];
    return { row: valid, computed };
  };

  return {
    type,
    key: 'cases',
    fields,
    keyField: 'externalKey',
    check,
    write: async (tx, rows) => {
      const existing = await casesRepo.existingKeys(
        tx,
        type.id,
        rows.map((r) => r.value.row.externalKey),
      );
      const fresh = rows.map((r) => r.value).filter((c) => !existing.has(c.row.externalKey));
      await writeImportedCases(tx, type, fresh, actor);
      for (const c of fresh) {
        stats.unitIds.add(c.row.unitId);
        if (c.row.closedAt !== null) stats.closed++;
        stats.first ??= c.row.externalKey;
        stats.last = c.row.externalKey;
      }
      return { created: fresh.length, updated: 0, unchanged: rows.length - fresh.length };
    },
    finish: async (tx, counts) => {
      // One row for the import, as the history import writes it (see auditImport there).
      await recordAudit(
        tx,
        {
          action: 'case.import',
          entity: 'case_type',
          entityId: type.id,
          unitId: await commonAncestor(tx, [...stats.unitIds]),
          after: {
            caseType: type.key,
            caseTypeVersion: type.version,
            imported: counts.created,
            closed: stats.closed,
            skipped: counts.unchanged,
            rejectedRows: counts.bad,
            firstExternalKey: stats.first,
            lastExternalKey: stats.last,
          },
        },
        { actor, clock },
      );
    },
  };
};

export type ImportCasesInput = ImportFileInput & {
  caseType: string;
};

/** Imports cases of one case type from a CSV or XLSX file (cases.write on each row's unit). */
export const importCases = async (
  { caseType, source, mode, mapping, read, onProgress }: ImportCasesInput,
  deps: Deps,
): Promise<ImportReport & { caseType: string }> => {
  const target = await casesImportTarget({ caseType }, deps);
  const report = await runImport(
    { target, source, mode, mapping, read, onProgress },
    { db: deps.db, now: () => deps.clock.now().getTime() },
  );
  return { ...report, caseType: target.type.key };
};
