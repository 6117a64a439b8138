import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import type { FieldDefinition } from '../cases/case-type.schema.js';
import type { LoadedCaseType } from '../cases/case-types.service.js';
import { caseTypeForInput } from '../cases/case-types.service.js';
import type { CellType } from '../imports/cell-convert.js';
import type {
  ImportField,
  ImportMode,
  ImportProgress,
  ImportReport,
  ImportTarget,
} from '../imports/import-runner.js';
import { runImport } from '../imports/import-runner.js';
import type { OpenTableOptions } from '../imports/tabular-reader.js';
import { isUnitInScope } from '../org/units.service.js';

/*
 * Importing a target list (派单清单) — the monthly export of subscribers disconnected for
 * arrears, of meters to audit — into `target_list_rows`, where a campaign dispatches it from
 * (`createCampaign({ list })`). The columns are the target's key, its unit (网格编码) and category
 * (产品类型), and the fields of the follow-up case type (用户号码, 欠费金额 …), typed as the case
 * type types them. Re-importing the same file changes nothing; a changed row is updated.
 */

/** The header names each fixed column accepts (compared after normalisation: case, spaces, brackets). */
const fixedFields: ImportField[] = [
  {
    key: 'externalKey',
    labels: [
      '用户号码',
      '服务号码',
      '号码',
      '手机号码',
      '客户编号',
      '用户编号',
      '编号',
      'external key',
      'key',
      'subscriber',
      'number',
    ],
    required: true,
    cell: { type: 'text', maxLength: 100 },
  },
  {
    key: 'unit',
    labels: [
      '网格编码',
      '网格',
      '所属网格',
      '单元编码',
      '片区',
      '区域',
      'grid',
      'grid code',
      'unit',
      'unit code',
      'area',
    ],
    cell: { type: 'text', maxLength: 200 },
  },
  {
    key: 'category',
    labels: ['产品类型', '产品线', '产品', '业务类型', '类别', 'product', 'product line', 'category'],
    cell: { type: 'text', maxLength: 200 },
  },
];

const cellTypeOf = (f: FieldDefinition): CellType => {
  switch (f.type) {
    case 'number':
      return { type: 'decimal' };
    case 'date':
      return { type: 'date' };
    case 'boolean':
      return { type: 'boolean' };
    case 'select':
      return {
        type: 'enum',
        choices: (f.options ?? []).map((o) => ({
          key: o.value,
          labels: [o.label, ...(o.labelEn ? [o.labelEn] : [])],
        })),
      };
    default:
      return { type: 'text', maxLength: f.type === 'text' ? 200 : 5000 };
  }
};

export type TargetListRow = {
  externalKey: string;
  unit: string | null;
  category: string | null;
  data: Record<string, string | number | boolean>;
};

/** The import target of a list of one case type; `listId` is created by the caller in the transaction. */
const dispatchListTarget = (
  type: LoadedCaseType,
  listIdIn: (tx: Executor) => Promise<{ listId: number; fresh: boolean }>,
): ImportTarget<TargetListRow> => {
  const caseFields = type.definition.fields.filter((f) => !fixedFields.some((x) => x.key === f.key));
  const fields: ImportField[] = [
    ...fixedFields,
    ...caseFields.map((f) => ({
      key: f.key,
      labels: [f.label, ...(f.labelEn ? [f.labelEn] : []), f.key],
      cell: cellTypeOf(f),
    })),
  ];
  return {
    key: 'dispatch-list',
    fields,
    keyField: 'externalKey',
    check: (values) => {
      const data: TargetListRow['data'] = {};
      for (const f of caseFields) {
        const value = values[f.key];
        if (value === null || value === undefined) continue;
        data[f.key] = f.type === 'number' ? Number(value) : (value as string | boolean);
      }
      return {
        externalKey: String(values.externalKey),
        unit: (values.unit as string | null | undefined) ?? null,
        category: (values.category as string | null | undefined) ?? null,
        data,
      };
    },
    write: async (tx, rows) => {
      const { listId, fresh: newList } = await listIdIn(tx);
      // A list created by this import holds only rows of this file, which has no key twice.
      const existing = newList
        ? new Map<string, { unit: string | null; category: string | null; dataJson: string }>()
        : new Map(
            (
              await tx
                .selectFrom('targetListRows')
                .select(['externalKey', 'unit', 'category', 'dataJson'])
                .where('listId', '=', listId)
                .where(
                  'externalKey',
                  'in',
                  rows.map((r) => r.value.externalKey),
                )
                .execute()
            ).map((r) => [r.externalKey, r]),
          );
      const fresh = [];
      let updated = 0;
      let unchanged = 0;
      for (const { row, value } of rows) {
        const dataJson = JSON.stringify(value.data);
        const before = existing.get(value.externalKey);
        const values = { unit: value.unit, category: value.category, dataJson, rowNumber: row };
        if (!before) fresh.push({ listId, externalKey: value.externalKey, ...values });
        else if (
          before.unit === value.unit &&
          before.category === value.category &&
          before.dataJson === dataJson
        )
          unchanged++;
        else {
          updated++;
          await tx
            .updateTable('targetListRows')
            .set(values)
            .where('listId', '=', listId)
            .where('externalKey', '=', value.externalKey)
            .execute();
        }
      }
      if (fresh.length > 0) await tx.insertInto('targetListRows').values(fresh).execute();
      return { created: fresh.length, updated, unchanged };
    },
  };
};

export type ImportDispatchListInput = {
  list: { key: string; name: string; caseType: string; unitId: number };
  source: OpenTableOptions['source'];
  mode: ImportMode;
  mapping?: Readonly<Record<string, string | number>> | undefined;
  read?: Omit<OpenTableOptions, 'source'>;
  onProgress?: (progress: ImportProgress) => void;
};

/**
 * Imports a target list into `key` (created on the first import; the same key imports into the
 * same list again). Needs cases.dispatch on the list's unit. One audit row per applied import.
 */
export const importDispatchList = async (
  { list, source, mode, mapping, read, onProgress }: ImportDispatchListInput,
  { db, clock, actor }: Deps,
): Promise<ImportReport & { list: string }> => {
  requirePermission(actor, 'cases.dispatch');
  if (!(await isUnitInScope({ unitId: list.unitId, roots: scopeRoots(actor, 'cases.dispatch') }, { db })))
    throw new AppError('org.unit_not_found', { unitId: list.unitId, field: 'unitId' });
  const type = await caseTypeForInput(db, list.caseType);
  // Created with the first batch (or at the end of an empty import), inside the import's transaction.
  let listState: { listId: number; fresh: boolean } | undefined;
  const listIdIn = async (tx: Executor) => {
    if (listState !== undefined) return listState;
    const now = clock.now().toISOString();
    const found = await tx
      .selectFrom('targetLists')
      .select(['id', 'caseTypeId', 'unitId'])
      .where('key', '=', list.key)
      .executeTakeFirst();
    if (found && (found.caseTypeId !== type.id || found.unitId !== list.unitId))
      throw new AppError('campaigns.list_mismatch', { key: list.key, field: 'list' });
    const listId =
      found?.id ??
      (
        await tx
          .insertInto('targetLists')
          .values({
            key: list.key,
            name: list.name,
            caseTypeId: type.id,
            unitId: list.unitId,
            rowCount: 0,
            createdByUserId: actor.userId,
            createdAt: now,
            updatedAt: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    listState = { listId, fresh: !found };
    return listState;
  };
  const report = await runImport(
    {
      target: {
        ...dispatchListTarget(type, listIdIn),
        // The list's count and the import's audit row, in the import's transaction.
        finish: async (tx, counts) => {
          const { listId: id } = await listIdIn(tx);
          const { n } = await tx
            .selectFrom('targetListRows')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('listId', '=', id)
            .executeTakeFirstOrThrow();
          await tx
            .updateTable('targetLists')
            .set({ rowCount: Number(n), updatedAt: clock.now().toISOString() })
            .where('id', '=', id)
            .execute();
          await recordAudit(
            tx,
            {
              action: 'target_list.import',
              entity: 'target_list',
              entityId: id,
              unitId: list.unitId,
              after: { key: list.key, ...counts },
            },
            { actor, clock },
          );
        },
      },
      source,
      mode,
      mapping,
      read,
      onProgress,
    },
    { db, now: () => clock.now().getTime() },
  );
  return { ...report, list: list.key };
};

/** The rows of a target list as campaign targets. */
export const targetsOfList = async (db: Executor, listId: number) =>
  (
    await db
      .selectFrom('targetListRows')
      .select(['externalKey', 'rowNumber', 'unit', 'category', 'dataJson'])
      .where('listId', '=', listId)
      .orderBy('rowNumber')
      .execute()
  ).map((r) => ({
    externalKey: r.externalKey,
    row: r.rowNumber,
    ...(r.unit !== null ? { unit: r.unit } : {}),
    ...(r.category !== null ? { category: r.category } : {}),
    data: JSON.parse(r.dataJson) as Record<string, string | number | boolean | null>,
  }));
