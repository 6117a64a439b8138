import { z } from 'zod';
import {
  campaignOutcomeFields,
  importCampaignOutcomes,
} from './modules/campaigns/campaign-outcomes.import.js';
import { importDispatchList } from './modules/campaigns/dispatch-list.import.js';
import { caseImportFields, importCases } from './modules/cases/cases.import.js';
import { caseTypeForInput } from './modules/cases/case-types.service.js';
import type { ImportTargetRegistry } from './modules/imports/import-target.js';
import { defineImportTarget } from './modules/imports/import-target.js';
import { importPeople, personImportFields } from './modules/org/people.import.js';
import { importUnits, unitImportFields } from './modules/org/units.import.js';
import { getUnitByCode } from './modules/org/units.service.js';

/*
 * Every import target, for the CLI (`guankong import <target> <file>`) and the API (/api/v1/imports):
 * the composition root of imports, as src/app.ts is of routes. Each target lives in its own
 * module (`*.import.ts`); this file only names them and says what options they take.
 */

const ZText = (label: string) => z.string().trim().min(1).max(200).describe(label);
const ZCaseTypeKey = ZText('工单类型 / case type');

/** The fields a dispatch list has for a case type (the same columns importDispatchList reads). */
const dispatchListFields = async (caseType: string, db: Parameters<typeof caseTypeForInput>[0]) => {
  const type = await caseTypeForInput(db, caseType);
  // dispatch-list.import.ts keeps its fixed columns private; these are its labels (keep in step).
  const fixed = [
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
      cell: { type: 'text' as const, maxLength: 100 },
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
      cell: { type: 'text' as const, maxLength: 200 },
    },
    {
      key: 'category',
      labels: ['产品类型', '产品线', '产品', '业务类型', '类别', 'product', 'product line', 'category'],
      cell: { type: 'text' as const, maxLength: 200 },
    },
  ];
  // The case type's own fields, as the target declares them (labels and types come from the type).
  return [
    ...fixed,
    ...caseImportFields(type)
      .filter(
        (f) => type.definition.fields.some((d) => d.key === f.key) && !fixed.some((x) => x.key === f.key),
      )
      .map((f) => ({ ...f, required: false })),
  ];
};

export const importTargets: ImportTargetRegistry = {
  units: defineImportTarget({
    key: 'units',
    name: '组织单元',
    nameEn: 'Units',
    permission: 'org.write',
    options: z.object({}),
    fields: async () => [...unitImportFields],
    run: ({ source, mode, mapping, onProgress }, deps) =>
      importUnits({ source, mode, mapping, onProgress }, deps),
  }),
  people: defineImportTarget({
    key: 'people',
    name: '人员',
    nameEn: 'People',
    permission: 'org.write',
    options: z.object({}),
    fields: async () => [...personImportFields],
    run: ({ source, mode, mapping, onProgress }, deps) =>
      importPeople({ source, mode, mapping, onProgress }, deps),
  }),
  cases: defineImportTarget({
    key: 'cases',
    name: '工单',
    nameEn: 'Cases',
    permission: 'cases.write',
    options: z.object({ caseType: ZCaseTypeKey }),
    fields: async ({ caseType }, { db }) => caseImportFields(await caseTypeForInput(db, caseType)),
    run: ({ source, mode, mapping, onProgress, options }, deps) =>
      importCases({ caseType: options.caseType, source, mode, mapping, onProgress }, deps),
  }),
  'dispatch-list': defineImportTarget({
    key: 'dispatch-list',
    name: '派单清单',
    nameEn: 'Dispatch list',
    permission: 'cases.dispatch',
    options: z.object({
      list: ZText('清单编号 / list key'),
      name: z.string().trim().min(1).max(200).optional().describe('清单名称 / list name'),
      caseType: ZCaseTypeKey,
      unit: ZText('所属单元编码 / unit code'),
    }),
    fields: async ({ caseType }, { db }) => dispatchListFields(caseType, db),
    run: async ({ source, mode, mapping, onProgress, options }, deps) => {
      const unit = await getUnitByCode({ code: options.unit }, deps);
      return importDispatchList(
        {
          list: {
            key: options.list,
            name: options.name ?? options.list,
            caseType: options.caseType,
            unitId: unit.id,
          },
          source,
          mode,
          mapping,
          ...(onProgress ? { onProgress } : {}),
        },
        deps,
      );
    },
  }),
  'campaign-outcomes': defineImportTarget({
    key: 'campaign-outcomes',
    name: '回访结果',
    nameEn: 'Campaign outcomes',
    permission: 'cases.write',
    options: z.object({ campaign: ZText('派单批次编号 / campaign key') }),
    fields: async ({ campaign }, deps) => campaignOutcomeFields({ campaign }, deps),
    run: ({ source, mode, mapping, onProgress, options }, deps) =>
      importCampaignOutcomes(
        { campaign: options.campaign, source, mode, mapping, ...(onProgress ? { onProgress } : {}) },
        deps,
      ),
  }),
};
