import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, expect, it } from 'vitest';
import { importCampaignOutcomes } from '../../src/modules/campaigns/campaign-outcomes.import.js';
import { figuresOfCampaigns } from '../../src/modules/campaigns/campaign-figures.service.js';
import type { CampaignFigures } from '../../src/modules/campaigns/campaign-figures.service.js';
import { createCampaign } from '../../src/modules/campaigns/campaigns.service.js';
import { importDispatchList, targetsOfList } from '../../src/modules/campaigns/dispatch-list.import.js';
import { ensureStandardCalendar } from '../../src/modules/calendar/calendar.service.js';
import type { CaseTypeDefinitionInput } from '../../src/modules/cases/case-type.schema.js';
import { installCaseType } from '../../src/modules/cases/case-types.service.js';
import type { Actor } from '../../src/platform/access.js';
import { systemActor } from '../../src/platform/access.js';
import { manualClock } from '../../src/platform/clock.js';
import type { Db } from '../../src/platform/db/database.js';
import { describeEachDialect } from '../helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../helpers/factories.js';

/*
 * Real data (issue 4): IBM's telco customers (../shared/datasets/telco-churn, 7,043 rows, Churn
 * Category and Churn Reason filled for the 1,869 churned). The whole status file is imported as a
 * dispatch list through the importer; its churned customers become a campaign's targets; the
 * same file is then imported as the manager's outcome sheet, resolving each follow-up with its
 * category (原因大类, the root reason) and reason (具体原因, the sub-reason).
 * The campaign's reason breakdown must equal a count over the CSV made here with another CSV
 * reader (csv-parse, where the importer uses papaparse). The quirk the data set keeps: "Poor
 * expertise of online support" is filed under two categories (Dissatisfaction and Other), so a
 * reason is not a key by itself — the taxonomy keys each reason under its category.
 */

const file = path.resolve(
  import.meta.dirname,
  '../../../shared/datasets/telco-churn/Telco_customer_churn_status.csv',
);
type StatusRow = Record<string, string>;
const statusRows = parse(readFileSync(file), {
  columns: true,
  bom: true,
  skip_empty_lines: true,
}) as StatusRow[];
const churned = statusRows.filter((r) => r['Customer Status'] === 'Churned');

/** The independent count: category → reason → customers. */
const expected = new Map<string, Map<string, number>>();
for (const r of churned) {
  const reasons = expected.get(r['Churn Category']!) ?? new Map<string, number>();
  reasons.set(r['Churn Reason']!, (reasons.get(r['Churn Reason']!) ?? 0) + 1);
  expected.set(r['Churn Category']!, reasons);
}

/** The follow-up type: the categories as root reasons, their reasons as children (keyed per category). */
const categories = [...expected.keys()].sort();
const reasonKey = (category: string, reason: string) =>
  `c${categories.indexOf(category)}.r${[...expected.get(category)!.keys()].sort().indexOf(reason)}`;
const churnFollowUp: CaseTypeDefinitionInput = {
  key: 'telco.churn',
  name: '流失用户回访',
  nameEn: 'Churned customer follow-up',
  fields: [
    { key: 'status', label: 'Customer Status', type: 'text' },
    { key: 'satisfaction', label: 'Satisfaction Score', type: 'number' },
    { key: 'cltv', label: 'CLTV', type: 'number' },
    { key: 'churn_category', label: 'Churn Category', type: 'text' },
    { key: 'churn_reason', label: 'Churn Reason', type: 'text' },
  ],
  categories: [{ key: 'churned', name: '流失', nameEn: 'Churned' }],
  priorities: [{ key: 'normal', name: '一般' }],
  reasons: [
    { key: 'unreachable', name: '联系不上', children: [{ key: 'unreachable.no_answer', name: '无人接听' }] },
    ...categories.map((category, i) => ({
      key: `c${i}`,
      name: category,
      children: [...expected.get(category)!.keys()].sort().map((reason) => ({
        key: reasonKey(category, reason),
        name: reason,
      })),
    })),
  ],
  closing: {
    requireReason: true,
    outcomeFields: [{ key: 'reactivated', label: '是否激活', type: 'boolean' }],
  },
};

describeEachDialect('real data: IBM telco churn as a campaign', (ctx) => {
  const clock = manualClock(new Date('2026-10-08T09:00:00+08:00'));
  let db: Db;
  let figures: CampaignFigures;
  let report: Awaited<ReturnType<typeof importDispatchList>>;
  let outcomes: Awaited<ReturnType<typeof importCampaignOutcomes>>;

  beforeAll(async () => {
    db = ctx().db;
    const org = await buildOrgTree(db);
    await ensureStandardCalendar({ db, clock });
    await db
      .transaction()
      .execute((tx) =>
        installCaseType(tx, churnFollowUp, { clock, actor: systemActor('test'), mode: 'create' }),
      );
    const head: Actor = (await buildUser(db, [grant('manager', org.east.id)], { clock })).actor;
    const manager: Actor = (await buildUser(db, [grant('manager', org.eastGrid1.id)], { clock })).actor;
    const deps = (actor: Actor) => ({ db, clock, actor });

    report = await importDispatchList(
      {
        list: { key: 'ibm-q3', name: 'IBM telco Q3', caseType: 'telco.churn', unitId: org.east.id },
        source: file,
        mode: 'all_or_nothing',
        mapping: {
          externalKey: 'Customer ID',
          status: 'Customer Status',
          satisfaction: 'Satisfaction Score',
          cltv: 'CLTV',
          churn_category: 'Churn Category',
          churn_reason: 'Churn Reason',
        },
      },
      deps(head),
    );
    const listId = (
      await db.selectFrom('targetLists').select('id').where('key', '=', 'ibm-q3').executeTakeFirstOrThrow()
    ).id;
    const targets = (await targetsOfList(db, listId)).filter((t) => t.data.status === 'Churned');
    const created = await createCampaign(
      {
        key: 'ibm-q3-churned',
        name: 'IBM 流失用户回访',
        caseType: 'telco.churn',
        unitId: org.east.id,
        category: 'churned',
        rule: { by: 'single_unit', unitCode: org.eastGrid1.code, assignTo: 'unit_manager' },
        targets,
      },
      deps(head),
    );
    expect(created.dispatched).toBe(churned.length);

    // The manager returns the outcomes on a sheet: the same file, its category and reason columns.
    // Its 5,174 customers who did not churn are no targets of the campaign: reported, not applied.
    outcomes = await importCampaignOutcomes(
      { campaign: 'ibm-q3-churned', source: file, mode: 'skip_bad' },
      deps(manager),
    );
    figures = await figuresOfCampaigns({ campaign: 'ibm-q3-churned' }, deps(head));
  }, 240_000);

  it('imports the whole status file, row for row', () => {
    expect(statusRows).toHaveLength(7043);
    expect(report).toMatchObject({ applied: true, rows: 7043, created: 7043, bad: 0 });
    expect(churned).toHaveLength(1869);
  });

  it('records the outcomes from the sheet: the churned rows applied, the others reported by row', () => {
    expect(outcomes).toMatchObject({ applied: true, rows: 7043, created: 1869, bad: 7043 - 1869 });
    const stayed = statusRows.findIndex((r) => r['Customer Status'] !== 'Churned');
    expect(outcomes.problems[0]).toMatchObject({
      row: stayed + 2,
      field: 'externalKey',
      value: statusRows[stayed]!['Customer ID'],
      code: 'not_a_target',
    });
  });

  it("gives the campaign's reason breakdown equal to the count over the CSV", () => {
    expect(figures.total).toMatchObject({ targets: 1869, followedUp: 1869, reached: 1869, reactivated: 0 });
    const actual = new Map(
      figures.reasons.map((root) => [root.name, new Map(root.children.map((c) => [c.name, c.count]))]),
    );
    expect(actual).toEqual(expected);
    for (const root of figures.reasons)
      expect(root.count).toBe([...expected.get(root.name)!.values()].reduce((a, b) => a + b, 0));
    // Sorted by count, with shares of the followed up.
    const counts = figures.reasons.map((r) => r.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(figures.reasons[0]!.share).toBeCloseTo(figures.reasons[0]!.count / 1869, 2);
  });

  it('keeps a reason filed under two categories apart under each', () => {
    const poor = 'Poor expertise of online support';
    const under = figures.reasons.flatMap((root) =>
      root.children.filter((c) => c.name === poor).map((c) => [root.name, c.count] as const),
    );
    expect(new Map(under)).toEqual(
      new Map(
        [...expected]
          .filter(([, reasons]) => reasons.has(poor))
          .map(([cat, reasons]) => [cat, reasons.get(poor)!]),
      ),
    );
    expect(under.map(([cat]) => cat).sort()).toEqual(['Dissatisfaction', 'Other']);
  });
});
