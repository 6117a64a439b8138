import { z } from 'zod';
import {
  campaignOutcomeFields,
  importCampaignOutcomes,
} from './modules/campaigns/campaign-outcomes.import.js';
import { dispatchListFields, importDispatchList } from './modules/campaigns/dispatch-list.import.js';
import { caseImportFields, importCases } from './modules/cases/cases.import.js';
import { caseTypeForInput } from './modules/cases/case-types.service.js';
import type { ImportTargetRegistry } from './modules/imports/import-target.js';
import { defineImportTarget } from './modules/imports/import-target.js';
import { importIndicatorValues, indicatorValueFields } from './modules/indicators/indicator-values.import.js';
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
    fields: async ({ caseType }, { db }) => dispatchListFields(await caseTypeForInput(db, caseType)),
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
  'indicator-values': defineImportTarget({
    key: 'indicator-values',
    name: '指标数据',
    nameEn: 'Indicator values',
    permission: 'indicators.load',
    options: z.object({ indicator: ZText('指标编码 / indicator key') }),
    fields: async ({ indicator }, deps) => indicatorValueFields({ indicator }, deps),
    run: ({ source, mode, mapping, onProgress, options }, deps) =>
      importIndicatorValues(
        { indicator: options.indicator, source, mode, mapping, ...(onProgress ? { onProgress } : {}) },
        deps,
      ),
  }),
};
