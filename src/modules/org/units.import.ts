import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { recordAudit } from '../audit/audit.service.js';
import type { CellValue } from '../imports/cell-convert.js';
import type { ImportField, ImportReport, ImportTarget } from '../imports/import-runner.js';
import { runImport } from '../imports/import-runner.js';
import type { ImportFileInput } from '../imports/import-target.js';
import type { RowProblemOf } from '../imports/row-problem.js';
import { rowProblem, zodRowProblem } from '../imports/row-problem.js';
import type { UnitKind } from './org.schema.js';
import { unitKinds, ZCreateUnitInput } from './org.schema.js';
import * as unitsRepo from './units.repo.js';
import { widenToOrganisation } from './units.service.js';

/*
 * Importing the organisation tree (组织单元导入): one row per unit, keyed by its code, from the
 * spreadsheet another system (or HR) keeps of branches, grids and teams.
 *
 * - A parent is named by its code and must exist already or come on an EARLIER row of the same
 *   file: an exported tree lists parents first, and checking row by row (as the runner does,
 *   streaming) cannot wait for a later row. An unknown parent, a parent outside the caller's
 *   org.write scope and a move that would put a unit under itself or its descendants are row
 *   problems (`unknown_parent`, `org.unit_not_found`, `org.unit_cycle`).
 * - The rules of createUnit/updateUnit: org.write on the parent (and on the unit to change), a
 *   top-level unit only for an organisation-wide administrator (`org.root_forbidden`), the code's
 *   and the name's own rules (its zod schema, not a copy).
 * - Idempotent by code: a known code updates that unit, a row that changes nothing is unchanged.
 *   An empty parent cell keeps an existing unit where it is (a new one becomes top-level); an empty
 *   kind, sort order or active cell keeps the unit's value; an empty English name clears it.
 * - Units have no manager of their own: a manager is a user with the manager role on the unit
 *   (users.service), which an import of units does not grant.
 * - One audit row (`unit.import`) with the counts, in the import's transaction.
 */

const kindLabels: Record<UnitKind, string[]> = {
  company: ['公司', '总公司', 'company'],
  branch: ['分公司', '支公司', '分局', 'branch'],
  department: ['部门', 'department'],
  grid: ['网格', 'grid'],
  area: ['片区', '区域', 'area'],
  team: ['班组', '小组', 'team'],
  site: ['站点', '营业厅', 'site'],
};

export const unitImportFields: readonly ImportField[] = [
  {
    key: 'code',
    labels: ['单元编码', '编码', '机构编码', '组织编码', 'unit code', 'code'],
    required: true,
    cell: { type: 'text', maxLength: 64 },
  },
  {
    key: 'name',
    labels: ['单元名称', '名称', '机构名称', '组织名称', 'unit name', 'name'],
    required: true,
    cell: { type: 'text', maxLength: 100 },
  },
  {
    key: 'nameEn',
    labels: ['英文名称', '英文名', 'english name', 'name en'],
    cell: { type: 'text', maxLength: 100 },
  },
  {
    key: 'parent',
    labels: ['上级单元编码', '上级编码', '上级单元', '上级', 'parent code', 'parent'],
    cell: { type: 'text', maxLength: 64 },
  },
  {
    key: 'kind',
    labels: ['单元类型', '类型', '层级', 'kind', 'type'],
    cell: {
      type: 'enum',
      choices: unitKinds.map((k) => ({ key: k, labels: kindLabels[k] })),
    },
  },
  {
    key: 'sortOrder',
    labels: ['排序', '序号', 'sort order'],
    cell: { type: 'integer', min: 0, max: 1_000_000 },
  },
  { key: 'active', labels: ['启用', '是否启用', '有效', 'active'], cell: { type: 'boolean' } },
];

export type UnitImportRow = {
  code: string;
  name: string;
  /** undefined: the column is not in the file (keep); null: an empty cell (clear). */
  nameEn: string | null | undefined;
  parentCode: string | null;
  kind: UnitKind | null;
  sortOrder: number | null;
  active: boolean | null;
};

type Known = { id: number | null; parentCode: string | null; writable: boolean };

type Problem = RowProblemOf;
const problem = rowProblem;
const zodProblem = zodRowProblem;

/**
 * The units target: the tree as it is now (codes, parents, which units the actor may change) is
 * read once, then kept up to date with each good row, so that a row may name a parent created
 * by an earlier row and a cycle through rows of the file is seen.
 */
export const unitsImportTarget = async ({ db, clock, actor }: Deps): Promise<ImportTarget<UnitImportRow>> => {
  const roots = requirePermission(actor, 'org.write');
  const orgWide = (await widenToOrganisation(db, scopeRoots(actor, 'users.manage'))) === 'all';
  const all = await unitsRepo.listUnits(db, 'all');
  const writable = new Set((await unitsRepo.listUnits(db, roots)).map((u) => u.id));
  const codeOfId = new Map(all.map((u) => [u.id, u.code]));
  const known = new Map<string, Known>(
    all.map((u) => [
      u.code,
      {
        id: u.id,
        parentCode: u.parentId === null ? null : (codeOfId.get(u.parentId) ?? null),
        writable: writable.has(u.id),
      },
    ]),
  );
  const idOfCode = new Map(all.map((u) => [u.code, u.id]));

  /** Whether `code` is `parentCode` or an ancestor of it, in the tree as the file leaves it so far. */
  const wouldCycle = (code: string, parentCode: string) => {
    const seen = new Set<string>();
    for (
      let at: string | null = parentCode;
      at !== null && !seen.has(at);
      at = known.get(at)?.parentCode ?? null
    ) {
      if (at === code) return true;
      seen.add(at);
    }
    return false;
  };

  const check = (values: Record<string, CellValue>): UnitImportRow | Problem[] => {
    const problems: Problem[] = [];
    const code = String(values.code);
    const name = String(values.name);
    const shape = ZCreateUnitInput.shape;
    for (const found of [
      zodProblem('code', shape.code, code),
      zodProblem('name', shape.name, name),
      values.nameEn ? zodProblem('nameEn', shape.nameEn, values.nameEn) : null,
    ])
      if (found) problems.push(found);
    const existing = known.get(code);
    if (existing && !existing.writable)
      problems.push(
        problem(
          'code',
          code,
          'org.unit_code_taken',
          `unit code ${code} belongs to a unit outside your org.write scope`,
          `单元编码 ${code} 已被您无权修改的单元使用`,
        ),
      );
    const parentCode = typeof values.parent === 'string' ? values.parent : null;
    if (parentCode !== null) {
      const parent = known.get(parentCode);
      if (!parent)
        problems.push(
          problem(
            'parent',
            parentCode,
            'unknown_parent',
            `no unit has the code ${parentCode}, nor does an earlier row of the file`,
            `上级单元编码 ${parentCode} 不存在（上级须已存在，或在文件中更靠前的行）`,
          ),
        );
      else if (!parent.writable)
        problems.push(
          problem(
            'parent',
            parentCode,
            'org.unit_not_found',
            `unit ${parentCode} does not exist or is outside your org.write scope`,
            `上级单元 ${parentCode} 不存在或不在您的管辖范围内`,
          ),
        );
      else if (wouldCycle(code, parentCode))
        problems.push(
          problem(
            'parent',
            parentCode,
            'org.unit_cycle',
            'a unit cannot be moved under itself or its descendants',
            '不能把单元移到它自己或其下级之下',
          ),
        );
    } else if (!existing && !orgWide)
      problems.push(
        problem(
          'parent',
          '',
          'org.root_forbidden',
          'only an organisation-wide administrator may create a top-level unit',
          '只有全局管理员可以创建顶级单元（请填写上级单元编码）',
        ),
      );
    const kind = (values.kind as UnitKind | null | undefined) ?? null;
    if (!existing && kind === null)
      problems.push(problem('kind', '', 'required', 'a new unit needs a kind', '新单元须填写单元类型'));
    if (problems.length > 0) return problems;
    known.set(code, {
      id: existing?.id ?? null,
      parentCode: parentCode ?? existing?.parentCode ?? null,
      writable: true,
    });
    return {
      code,
      name,
      nameEn: values.nameEn === undefined ? undefined : ((values.nameEn as string | null) ?? null),
      parentCode,
      kind,
      sortOrder: (values.sortOrder as number | null | undefined) ?? null,
      active: (values.active as boolean | null | undefined) ?? null,
    };
  };

  return {
    key: 'units',
    fields: unitImportFields,
    keyField: 'code',
    check,
    write: async (tx, rows) => {
      const current = new Map(
        (
          await tx
            .selectFrom('units')
            .selectAll()
            .where(
              'code',
              'in',
              rows.map((r) => r.value.code),
            )
            .execute()
        ).map((u) => [u.code, u]),
      );
      let created = 0;
      let updated = 0;
      let unchanged = 0;
      const now = clock.now().toISOString();
      for (const { value } of rows) {
        const before = current.get(value.code);
        const parentId = value.parentCode === null ? null : (idOfCode.get(value.parentCode) ?? null);
        if (!before) {
          const inserted = await unitsRepo.insertUnit(tx, {
            parentId,
            code: value.code,
            name: value.name,
            nameEn: value.nameEn ?? null,
            kind: value.kind ?? 'department',
            sortOrder: value.sortOrder ?? 0,
            active: value.active === false ? 0 : 1,
            createdAt: now,
            updatedAt: now,
          });
          idOfCode.set(value.code, inserted.id);
          created++;
          continue;
        }
        const after = {
          name: value.name,
          nameEn: value.nameEn === undefined ? before.nameEn : value.nameEn,
          kind: value.kind ?? before.kind,
          sortOrder: value.sortOrder ?? before.sortOrder,
          active: value.active === null ? before.active : value.active ? 1 : 0,
          parentId: value.parentCode === null ? before.parentId : parentId,
        };
        const changed = (Object.keys(after) as Array<keyof typeof after>).some((k) => after[k] !== before[k]);
        if (!changed) {
          unchanged++;
          continue;
        }
        await unitsRepo.updateUnit(tx, before.id, { ...after, updatedAt: now });
        if (after.parentId !== before.parentId && after.parentId !== null)
          await unitsRepo.moveSubtree(tx, before.id, after.parentId);
        updated++;
      }
      // The cached trees of every process see the change by the version (unit-tree.cache.ts).
      if (created + updated > 0) await unitsRepo.bumpTreeVersion(tx);
      return { created, updated, unchanged };
    },
    finish: async (tx, counts) => {
      await recordAudit(
        tx,
        { action: 'unit.import', entity: 'unit', entityId: 'import', unitId: null, after: counts },
        { actor, clock },
      );
    },
  };
};

export type ImportUnitsInput = ImportFileInput;

/** Imports units from a CSV or XLSX file (org.write; top-level units need an organisation-wide admin). */
export const importUnits = async (
  { source, mode, mapping, read, onProgress }: ImportUnitsInput,
  deps: Deps,
): Promise<ImportReport> =>
  runImport(
    { target: await unitsImportTarget(deps), source, mode, mapping, read, onProgress },
    { db: deps.db, now: () => deps.clock.now().getTime() },
  );
