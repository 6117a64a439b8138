import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import { sqliteHandleOf } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import type { LoadedCaseType } from '../cases/case-types.service.js';
import { caseTypeForInput } from '../cases/case-types.service.js';
import { importFieldOf } from '../cases/case-field-cells.js';
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

/** The target's key column (用户号码 …): the same in a list and in the outcome sheet returned for it. */
export const targetKeyField: ImportField = {
  key: 'externalKey',
  labels: [
    '用户号码',
    '服务号码',
    '号码',
    '手机号码',
    '客户编号',
    '用户编号',
    '编号',
    'customer id',
    'external key',
    'key',
    'subscriber',
    'number',
  ],
  required: true,
  cell: { type: 'text', maxLength: 100 },
};

/** The header names each fixed column accepts (compared after normalisation: case, spaces, brackets). */
const fixedFields: ImportField[] = [
  targetKeyField,
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

/** The columns of a dispatch list for a case type: key, unit, category, then the type's fields. */
export const dispatchListFields = (type: LoadedCaseType): ImportField[] => [
  ...fixedFields,
  ...type.definition.fields
    .filter((f) => !fixedFields.some((x) => x.key === f.key))
    .map((f) => importFieldOf(f)),
];

export type TargetListRow = {
  externalKey: string;
  unit: string | null;
  category: string | null;
  /** The case type's fields as JSON (an object of the non-empty ones), made by the import's reader. */
  dataJson: string;
};

/** The key under which the import gives `check` the row's `dataJson` (no field key has a `$`). */
const dataKey = '$data';

/** The import target of a list of one case type; `listId` is created by the caller in the transaction. */
const dispatchListTarget = (
  type: LoadedCaseType,
  listIdIn: (tx: Executor) => Promise<{ listId: number; fresh: boolean }>,
): ImportTarget<TargetListRow> => {
  const caseFields = type.definition.fields.filter((f) => !fixedFields.some((x) => x.key === f.key));
  const fields = dispatchListFields(type);
  return {
    key: 'dispatch-list',
    fields,
    keyField: 'externalKey',
    // Made with the conversion, in the import's reading thread, not row by row here.
    document: {
      key: dataKey,
      fields: caseFields.map((f) => ({ key: f.key, number: f.type === 'number' })),
      only: true,
    },
    check: (values) => ({
      externalKey: String(values.externalKey),
      unit: (values.unit as string | null | undefined) ?? null,
      category: (values.category as string | null | undefined) ?? null,
      dataJson: values[dataKey] as string,
    }),
    write: async (tx, rows) => {
      const { listId, fresh: newList } = await listIdIn(tx);
      // A new list on SQLite, the usual case of a big file: a prepared statement run row by row
      // (inside the import's transaction) instead of Kysely's multi-row inserts, which cost as
      // much to build and parse as SQLite took to write the rows (docs/benchmarks.md, Imports).
      const sqlite = newList ? sqliteHandleOf(tx) : null;
      if (sqlite) {
        const insert = sqlite.prepare(
          'insert into target_list_rows (list_id, external_key, row_number, unit, category, data_json) values (?, ?, ?, ?, ?, ?)',
        );
        for (const { row, value } of rows)
          insert.run(listId, value.externalKey, row, value.unit, value.category, value.dataJson);
        return { created: rows.length, updated: 0, unchanged: 0 };
      }
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
        const { dataJson } = value;
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
  /** Where a file is read (`runImport`'s `thread`): tests force the worker thread on a small file. */
  thread?: 'auto' | 'this' | 'worker';
};

/**
 * Imports a target list into `key` (created on the first import; the same key imports into the
 * same list again). Needs cases.dispatch on the list's unit. One audit row per applied import.
 */
export const importDispatchList = async (
  { list, source, mode, mapping, read, onProgress, thread }: ImportDispatchListInput,
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
          const { listId: id, fresh } = await listIdIn(tx);
          // A new list holds the rows this import created: no count over a million rows (0.5 s).
          const { n } = fresh
            ? { n: counts.created }
            : await tx
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
      thread,
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
