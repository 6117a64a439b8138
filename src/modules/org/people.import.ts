import { requirePermission } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { recordAudit } from '../audit/audit.service.js';
import type { CellValue } from '../imports/cell-convert.js';
import type { ImportField, ImportReport, ImportTarget } from '../imports/import-runner.js';
import { runImport } from '../imports/import-runner.js';
import type { ImportFileInput } from '../imports/import-target.js';
import type { RowProblemOf } from '../imports/row-problem.js';
import { rowProblem, zodRowProblem } from '../imports/row-problem.js';
import { ZCreatePersonInput } from './org.schema.js';
import * as unitsRepo from './units.repo.js';

/*
 * Importing people (人员导入): the staff roster HR keeps, keyed by employee number (工号).
 *
 * - A person is the org module's `people` row: name, unit, level, position, region, city, phone,
 *   e-mail, active. Login accounts, passwords and roles are users (users.service), never imported
 *   from a file: a password in a spreadsheet is a password leaked.
 * - The rules of createPerson/updatePerson: org.write on the person's unit (named by its code),
 *   the field rules of its zod schema (phone characters, e-mail, lengths). An employee number held
 *   by a person outside the caller's scope is a row problem (`org.employee_no_taken`).
 * - Idempotent by employee number: a known number updates that person, a row that changes
 *   nothing is unchanged. A column the file lacks leaves that field alone; an empty cell clears an
 *   optional one (phone, e-mail …); an empty unit or active cell keeps the person's.
 * - One audit row (`person.import`) with the counts: no names or phone numbers in the trail.
 */

export const personImportFields: readonly ImportField[] = [
  {
    key: 'employeeNo',
    labels: [
      '工号',
      '员工编号',
      '员工号',
      '人员编号',
      '职工编号',
      'employee no',
      'employee number',
      'staff no',
    ],
    required: true,
    cell: { type: 'text', maxLength: 32 },
  },
  {
    key: 'name',
    labels: ['姓名', '员工姓名', '名字', 'name'],
    required: true,
    cell: { type: 'text', maxLength: 100 },
  },
  {
    key: 'unit',
    labels: ['单元编码', '所属单元编码', '部门编码', '网格编码', '所属单元', 'unit code', 'unit'],
    cell: { type: 'text', maxLength: 64 },
  },
  { key: 'level', labels: ['职级', '级别', 'level'], cell: { type: 'text', maxLength: 50 } },
  { key: 'position', labels: ['岗位', '职位', '职务', 'position'], cell: { type: 'text', maxLength: 50 } },
  { key: 'region', labels: ['区域', '地区', 'region'], cell: { type: 'text', maxLength: 50 } },
  { key: 'city', labels: ['城市', '地市', 'city'], cell: { type: 'text', maxLength: 50 } },
  {
    key: 'phone',
    labels: ['手机号码', '手机', '联系电话', '电话', 'phone', 'mobile'],
    cell: { type: 'text', maxLength: 32 },
  },
  { key: 'email', labels: ['电子邮箱', '邮箱', 'email', 'e-mail'], cell: { type: 'text', maxLength: 200 } },
  { key: 'active', labels: ['在职', '是否在职', '启用', 'active'], cell: { type: 'boolean' } },
];

const optionalTexts = ['level', 'position', 'region', 'city', 'phone', 'email'] as const;
type OptionalText = (typeof optionalTexts)[number];

export type PersonImportRow = {
  employeeNo: string;
  name: string;
  /** null: keep the person's unit (a new person needs one). */
  unitId: number | null;
  /** undefined: the column is not in the file (keep); null: an empty cell (clear). */
  texts: Partial<Record<OptionalText, string | null>>;
  active: boolean | null;
};

/** The people target: unit codes in scope and the employee numbers in use are read once. */
export const peopleImportTarget = async ({
  db,
  clock,
  actor,
}: Deps): Promise<ImportTarget<PersonImportRow>> => {
  const roots = requirePermission(actor, 'org.write');
  const unitIds = new Map((await unitsRepo.listUnits(db, roots)).map((u) => [u.code, u.id]));
  const writableUnits = new Set(unitIds.values());
  const taken = new Map(
    (
      await db
        .selectFrom('people')
        .select(['employeeNo', 'unitId'])
        .where('employeeNo', 'is not', null)
        .execute()
    ).map((p) => [p.employeeNo!, p.unitId]),
  );
  const shape = ZCreatePersonInput.shape;

  const check = (values: Record<string, CellValue>): PersonImportRow | RowProblemOf[] => {
    const problems: RowProblemOf[] = [];
    const employeeNo = String(values.employeeNo);
    const name = String(values.name);
    const texts: PersonImportRow['texts'] = {};
    for (const key of optionalTexts)
      if (values[key] !== undefined) texts[key] = (values[key] as string | null) ?? null;
    for (const found of [
      zodRowProblem('employeeNo', shape.employeeNo, employeeNo),
      zodRowProblem('name', shape.name, name),
      ...optionalTexts.map((k) => (texts[k] ? zodRowProblem(k, shape[k], texts[k]) : null)),
    ])
      if (found) problems.push(found);
    const existingUnit = taken.get(employeeNo);
    if (existingUnit !== undefined && !writableUnits.has(existingUnit))
      problems.push(
        rowProblem(
          'employeeNo',
          employeeNo,
          'org.employee_no_taken',
          `employee number ${employeeNo} belongs to a person outside your org.write scope`,
          `工号 ${employeeNo} 已被您管辖范围之外的人员使用`,
        ),
      );
    const unitCode = typeof values.unit === 'string' ? values.unit : null;
    const unitId = unitCode === null ? null : (unitIds.get(unitCode) ?? null);
    if (unitCode !== null && unitId === null)
      problems.push(
        rowProblem(
          'unit',
          unitCode,
          'org.unit_not_found',
          `unit ${unitCode} does not exist or is outside your org.write scope`,
          `单元 ${unitCode} 不存在或不在您的管辖范围内`,
        ),
      );
    else if (unitCode === null && existingUnit === undefined)
      problems.push(
        rowProblem('unit', '', 'required', 'a new person needs a unit', '新人员须填写所属单元编码'),
      );
    if (problems.length > 0) return problems;
    return {
      employeeNo,
      name,
      unitId,
      texts,
      active: (values.active as boolean | null | undefined) ?? null,
    };
  };

  return {
    key: 'people',
    fields: personImportFields,
    keyField: 'employeeNo',
    check,
    write: async (tx, rows) => {
      const current = new Map(
        (
          await tx
            .selectFrom('people')
            .selectAll()
            .where(
              'employeeNo',
              'in',
              rows.map((r) => r.value.employeeNo),
            )
            .execute()
        ).map((p) => [p.employeeNo!, p]),
      );
      const now = clock.now().toISOString();
      const fresh = [];
      let updated = 0;
      let unchanged = 0;
      for (const { value } of rows) {
        const before = current.get(value.employeeNo);
        if (!before) {
          fresh.push({
            employeeNo: value.employeeNo,
            name: value.name,
            unitId: value.unitId!,
            level: value.texts.level ?? null,
            position: value.texts.position ?? null,
            region: value.texts.region ?? null,
            city: value.texts.city ?? null,
            phone: value.texts.phone ?? null,
            email: value.texts.email ?? null,
            active: value.active === false ? 0 : 1,
            createdAt: now,
            updatedAt: now,
          });
          taken.set(value.employeeNo, value.unitId!);
          continue;
        }
        const after = {
          name: value.name,
          unitId: value.unitId ?? before.unitId,
          ...Object.fromEntries(
            optionalTexts.map((k) => [k, value.texts[k] === undefined ? before[k] : value.texts[k]]),
          ),
          active: value.active === null ? before.active : value.active ? 1 : 0,
        } as Pick<typeof before, 'name' | 'unitId' | OptionalText | 'active'>;
        if ((Object.keys(after) as Array<keyof typeof after>).every((k) => after[k] === before[k])) {
          unchanged++;
          continue;
        }
        await tx
          .updateTable('people')
          .set({ ...after, updatedAt: now })
          .where('id', '=', before.id)
          .execute();
        updated++;
      }
      if (fresh.length > 0) await tx.insertInto('people').values(fresh).execute();
      return { created: fresh.length, updated, unchanged };
    },
    finish: async (tx, counts) => {
      await recordAudit(
        tx,
        { action: 'person.import', entity: 'person', entityId: 'import', unitId: null, after: counts },
        { actor, clock },
      );
    },
  };
};

export type ImportPeopleInput = ImportFileInput;

/** Imports people from a CSV or XLSX file (org.write on each person's unit). */
export const importPeople = async (
  { source, mode, mapping, read, onProgress }: ImportPeopleInput,
  deps: Deps,
): Promise<ImportReport> =>
  runImport(
    { target: await peopleImportTarget(deps), source, mode, mapping, read, onProgress },
    { db: deps.db, now: () => deps.clock.now().getTime() },
  );
