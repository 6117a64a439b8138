import { beforeAll, expect, it } from 'vitest';
import { buildCase, installRepairType } from '../../../test/helpers/cases.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUnit, buildUser, grant, systemDeps } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { transitionCase } from '../cases/cases.service.js';
import type { TransitionInput } from '../cases/cases.schema.js';
import type { IndicatorDefinitionInput } from './indicator.schema.js';
import { recomputeIndicators } from './indicator-compute.service.js';
import { readIndicatorValues } from './indicator-values.service.js';
import { defineIndicator } from './indicators.service.js';

const local = (text: string) => new Date(`${text}+08:00`);

const ratio = (
  key: string,
  from: string,
  params: Record<string, string | string[]>,
): IndicatorDefinitionInput => ({
  key,
  name: key,
  measure: { kind: 'ratio' },
  direction: key === 'rework' ? 'lower_better' : 'higher_better',
  aggregation: 'ratio_of_sums',
  grain: 'month',
  source: { kind: 'computed', from, params } as IndicatorDefinitionInput['source'],
  targets: key === 'rework' ? [{ target: 0.03 }] : [{ target: 0.95, warning: 0.9 }],
});

describeEachDialect('indicator recompute', (ctx) => {
  const clock = manualClock(local('2026-11-02T09:00')); // a Monday
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let desk: Actor;
  let tech: Actor;
  const caseIds: Record<string, number> = {};

  const act = (actor: Actor, caseId: number, input: TransitionInput) =>
    transitionCase({ caseId, input }, { db, clock, actor });
  const resolveAt = async (caseId: number, at: string) => {
    await act(desk, caseId, { action: 'assign', assigneeUserId: tech.userId! });
    await act(tech, caseId, { action: 'accept' });
    await act(tech, caseId, { action: 'start' });
    clock.set(local(at));
    await act(tech, caseId, { action: 'resolve', reasonCode: 'misuse', feedback: '已处理' });
  };
  const recompute = (from = '2026-10-01', to = '2026-11-30') =>
    recomputeIndicators({ from, to }, { db, clock });
  const valueOf = async (indicator: string, unitId: number, period = '2026-11', asOf?: string) =>
    (
      await readIndicatorValues(
        { indicator, query: { unitId, from: period, to: period, ...(asOf ? { asOf } : {}) } },
        { ...systemDeps(db), clock },
      )
    )[0];

  beforeAll(async () => {
    db = ctx().db;
    org = await buildOrgTree(db);
    await installRepairType(db, clock);
    desk = (await buildUser(db, [grant('manager', org.company.id)])).actor;
    const team = await buildUnit(db, { parentId: org.company.id, kind: 'team', name: '维修班' });
    tech = (await buildUser(db, [grant('staff', team.id)])).actor;
    const deps = { ...systemDeps(db), clock };
    await defineIndicator(
      { definition: ratio('on_time', 'cases.on_time_rate', { caseType: ['repair'], clock: 'resolution' }) },
      deps,
    );
    await defineIndicator({ definition: ratio('rework', 'cases.rework_rate', { caseType: 'repair' }) }, deps);
    await defineIndicator(
      {
        definition: {
          key: 'overdue',
          name: '超时工单',
          measure: { kind: 'count' },
          direction: 'lower_better',
          aggregation: 'sum',
          grain: 'month',
          source: { kind: 'computed', from: 'cases.overdue_count', params: { caseType: 'repair' } },
          targets: [{ target: 0 }],
        },
      },
      deps,
    );

    // Resolution within one working day (CN-STD). 东一: one on time, one late; 西一: on time; 东二: open.
    clock.set(local('2026-11-02T09:00'));
    caseIds.onTime = (await buildCase(db, clock, desk, { unitId: org.eastGrid1.id })).caseId;
    caseIds.late = (await buildCase(db, clock, desk, { unitId: org.eastGrid1.id })).caseId;
    caseIds.west = (await buildCase(db, clock, desk, { unitId: org.westGrid1.id })).caseId;
    caseIds.open = (await buildCase(db, clock, desk, { unitId: org.eastGrid2.id })).caseId;
    await resolveAt(caseIds.onTime, '2026-11-02T15:00');
    clock.set(local('2026-11-02T09:30'));
    await resolveAt(caseIds.west, '2026-11-02T16:00');
    clock.set(local('2026-11-02T10:00'));
    await resolveAt(caseIds.late, '2026-11-05T10:00');
    clock.set(local('2026-11-10T09:00'));
  });

  it('computes own parts from the case figures and exact roll-ups of each subtree', async () => {
    const first = await recompute();
    // Own parts: on_time and rework of 东一 and 西一 (0 reopened of 1–2 resolved is a value, 0 %),
    // overdue of 东二. Roll-ups: 城东, 城西 and the company for on_time and rework, 城东 and the company
    // for overdue. Periods: October and November of the two ratios; only the current month of the
    // overdue count, which is of the moment.
    expect(first).toEqual({ indicators: 3, periods: 5, valuesWritten: 5, rollupsWritten: 8 });
    expect(await valueOf('on_time', org.company.id)).toMatchObject({
      numerator: 2,
      denominator: 3,
      value: 2 / 3,
      status: 'missed',
    });
    expect(await valueOf('on_time', org.east.id)).toMatchObject({
      numerator: 1,
      denominator: 2,
      ownValue: null,
    });
    expect(await valueOf('on_time', org.eastGrid1.id)).toMatchObject({
      numerator: 1,
      denominator: 2,
      ownValue: 0.5,
    });
    expect(await valueOf('on_time', org.west.id)).toMatchObject({ value: 1, status: 'met' });
    expect(await valueOf('overdue', org.company.id)).toMatchObject({ value: 1, status: 'missed', gap: 1 });
    expect(await valueOf('overdue', org.eastGrid2.id)).toMatchObject({ value: 1, ownValue: 1 });
    expect(await valueOf('overdue', org.west.id)).toBeUndefined();
    expect(await valueOf('rework', org.company.id)).toMatchObject({
      numerator: 0,
      denominator: 3,
      value: 0,
      status: 'met',
    });
  });

  it('is idempotent: a second recompute writes nothing', async () => {
    expect(await recompute()).toMatchObject({ valuesWritten: 0, rollupsWritten: 0 });
  });

  it('after one case changes, writes only that unit’s part and its ancestors’ roll-ups; as of before, the old value stands', async () => {
    const before = clock.now().toISOString();
    clock.set(local('2026-11-11T10:00'));
    await act(desk, caseIds.onTime!, { action: 'reopen', note: '业主反映仍漏水' });
    clock.set(local('2026-11-11T11:00'));
    // The rework rate of 东一 changes (1 reopened of 2 resolved): its own part, and the roll-ups of
    // 东一 itself, 城东 and the company. Nothing else, though every unit and period was recomputed.
    expect(await recompute()).toMatchObject({ valuesWritten: 1, rollupsWritten: 3 });
    expect(await valueOf('rework', org.eastGrid1.id)).toMatchObject({ numerator: 1, denominator: 2 });
    expect(await valueOf('rework', org.company.id)).toMatchObject({
      numerator: 1,
      denominator: 3,
      status: 'missed',
    });
    expect(await valueOf('rework', org.company.id, '2026-11', before)).toMatchObject({
      numerator: 0,
      denominator: 3,
    });
  });

  it('the overdue count is of the moment: the current period follows, a past one keeps its last value', async () => {
    clock.set(local('2026-12-01T09:00'));
    // December: 东二's case is still overdue, and so is the case reopened on 11 November (its
    // restarted one-working-day clock ran out); November keeps the 1 it had when it was current.
    const result = await recomputeIndicators(
      { indicators: ['overdue'], from: '2026-11-01', to: '2026-12-31' },
      { db, clock },
    );
    expect(result).toMatchObject({ periods: 1, valuesWritten: 2 });
    expect(await valueOf('overdue', org.company.id, '2026-12')).toMatchObject({ value: 2 });
    expect(await valueOf('overdue', org.company.id, '2026-11')).toMatchObject({ value: 1 });
  });

  it('refuses an unknown indicator', async () => {
    await expect(recomputeIndicators({ indicators: ['nope'] }, { db, clock })).rejects.toMatchObject({
      code: 'indicators.not_found',
    });
  });
});
