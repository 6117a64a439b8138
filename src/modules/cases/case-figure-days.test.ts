import { beforeAll, expect, it } from 'vitest';
import { buildCase, installRepairType } from '../../../test/helpers/cases.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { createDatabase } from '../../platform/db/database.js';
import { isAppError } from '../../platform/errors/app-error.js';
import { recordCallback } from './case-callbacks.service.js';
import {
  expectedFigureDays,
  isReportingMidnight,
  rebuildCaseFigures,
  reportingDayOf,
  storedFigureDays,
} from './case-figure-days.js';
import { figuresOfCases } from './case-figures.service.js';
import type { FiguresQuery, TransitionInput } from './cases.schema.js';
import { reclassifyCase, transitionCase } from './cases.service.js';

const local = (text: string) => new Date(`${text}+08:00`);

it('reports days and midnights in Asia/Shanghai', () => {
  expect(reportingDayOf('2026-09-30T15:59:59.999Z')).toBe('2026-09-30');
  expect(reportingDayOf('2026-09-30T16:00:00.000Z')).toBe('2026-10-01');
  expect(isReportingMidnight('2026-09-30T16:00:00.000Z')).toBe(true);
  expect(isReportingMidnight('2026-10-01T00:00:00.000Z')).toBe(false);
});

describeEachDialect('the figures rollup', (ctx) => {
  const clock = manualClock(local('2026-11-23T09:00')); // a Monday
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let desk: Actor;
  let tech: Actor;
  const deps = (actor: Actor) => ({ db, clock, actor });
  const act = (actor: Actor, caseId: number, input: TransitionInput) =>
    transitionCase({ caseId, input }, deps(actor));
  const november: FiguresQuery = {
    from: '2026-11-01T00:00:00+08:00',
    to: '2026-12-01T00:00:00+08:00',
    unitId: undefined,
    subtree: true,
    groupBy: 'unit',
    timeBasis: 'working',
  };
  const byUnit = async () =>
    Object.fromEntries(
      (await figuresOfCases(november, deps(desk))).rows.map((r) => [
        r.label,
        { registered: r.registered, resolved: r.resolved, reopened: r.reopened, closed: r.closed },
      ]),
    );
  /** The rollup kept by deltas equals one recomputed from the stored cases. */
  const expectConsistent = async () =>
    expect(await storedFigureDays(db)).toEqual(await expectedFigureDays(db));

  beforeAll(async () => {
    db = ctx().db;
    org = await buildOrgTree(db);
    await installRepairType(db, clock);
    desk = (await buildUser(db, [grant('manager', org.company.id)], { clock })).actor;
    tech = (await buildUser(db, [grant('staff', org.company.id)], { clock })).actor;
  });

  it('follows every kind of change: transfer, reclassification, pause, reopen by callback, close, cancel', async () => {
    const { caseId } = await buildCase(db, clock, desk, { unitId: org.eastGrid1.id });
    await expectConsistent();
    expect(await byUnit()).toEqual({ 东一网格: { registered: 1, resolved: 0, reopened: 0, closed: 0 } });

    // Transferred to the west: its registration moves with it, as the figures group by the current unit.
    clock.set(local('2026-11-23T09:10'));
    await act(desk, caseId, { action: 'assign', assigneeUserId: tech.userId!, unitId: org.westGrid1.id });
    await expectConsistent();
    expect(await byUnit()).toEqual({ 西一网格: { registered: 1, resolved: 0, reopened: 0, closed: 0 } });

    clock.set(local('2026-11-23T09:20'));
    await act(tech, caseId, { action: 'accept' });
    await reclassifyCase({ caseId, input: { priority: 'urgent' } }, deps(desk));
    await act(tech, caseId, { action: 'start' });
    await act(tech, caseId, { action: 'pause', pauseReason: 'parts' });
    clock.set(local('2026-11-24T10:00'));
    await act(tech, caseId, { action: 'resume' });
    clock.set(local('2026-11-24T11:00'));
    await act(tech, caseId, { action: 'resolve', reasonCode: 'wear', feedback: 'pipe replaced' });
    await expectConsistent();
    // Unsatisfied: the callback reopens the case (rework), whose resolution clock restarts.
    clock.set(local('2026-11-24T14:00'));
    await recordCallback({ caseId, input: { reached: true, satisfaction: 1 } }, deps(desk));
    await expectConsistent();
    clock.set(local('2026-11-24T16:00'));
    await act(tech, caseId, { action: 'resolve', reasonCode: 'wear', feedback: 'valve too' });
    clock.set(local('2026-11-25T09:30'));
    await recordCallback({ caseId, input: { reached: true, satisfaction: 5 } }, deps(desk));
    await expectConsistent();
    expect(await byUnit()).toEqual({ 西一网格: { registered: 1, resolved: 2, reopened: 1, closed: 1 } });

    const second = await buildCase(db, clock, desk, { unitId: org.eastGrid2.id, category: 'lighting' });
    await act(desk, second.caseId, { action: 'cancel', note: 'registered twice' });
    await expectConsistent();
    const figures = await figuresOfCases({ ...november, groupBy: 'none' }, deps(desk));
    expect(figures.total).toMatchObject({ registered: 2, resolved: 2, reopened: 1, closed: 1, cancelled: 1 });
    expect(figures.total.callbacks).toMatchObject({
      recorded: 2,
      reached: 2,
      satisfactionAvg: 3,
      unsatisfied: 1,
    });

    // Rebuilding from scratch gives the same table.
    const kept = await storedFigureDays(db);
    await rebuildCaseFigures(db);
    expect(await storedFigureDays(db)).toEqual(kept);
  });

  it('counts each of many concurrent changes once', async () => {
    // Two handles on one database, changing different cases of one unit on one day at once: on
    // PostgreSQL they race for the same rollup rows, and neither increment may be lost.
    clock.set(local('2026-11-26T09:00'));
    const ids: number[] = [];
    for (let i = 0; i < 6; i++)
      ids.push(
        (await buildCase(db, clock, desk, { unitId: org.eastGrid1.id, assigneeUserId: tech.userId! })).caseId,
      );
    const before = (await figuresOfCases({ ...november, groupBy: 'none' }, deps(desk))).total;
    const other = createDatabase(ctx().options);
    try {
      clock.set(local('2026-11-26T09:30'));
      const accept = (handle: Db, caseId: number) =>
        transitionCase({ caseId, input: { action: 'accept' } }, { db: handle, clock, actor: tech });
      if (ctx().dialect === 'postgres')
        await Promise.all(ids.map((caseId, i) => accept(i % 2 === 0 ? db : other, caseId)));
      else for (const [i, caseId] of ids.entries()) await accept(i % 2 === 0 ? db : other, caseId);
    } finally {
      await other.destroy();
    }
    await expectConsistent();
    const after = (await figuresOfCases({ ...november, groupBy: 'none' }, deps(desk))).total;
    expect(after.registered).toBe(before.registered);
    expect(after.onTime.response!.stopped).toBe((before.onTime.response?.stopped ?? 0) + 6);
    expect(after.onTime.response!.met).toBe((before.onTime.response?.met ?? 0) + 6);
  });

  it('refuses a period that does not begin and end at a midnight, naming the field', async () => {
    const refusal = async (query: Partial<FiguresQuery>) => {
      try {
        await figuresOfCases({ ...november, ...query }, deps(desk));
      } catch (error) {
        if (isAppError(error)) return { code: error.code, details: error.details };
      }
      return null;
    };
    expect(await refusal({ from: '2026-11-01T00:00:00Z' })).toMatchObject({
      code: 'request.invalid',
      details: { issues: [{ path: 'querystring.from', message: expect.stringMatching(/whole days/) }] },
    });
    expect(await refusal({ to: '2026-11-30T12:00:00+08:00' })).toMatchObject({
      details: { issues: [{ path: 'querystring.to' }] },
    });
    expect(await refusal({ to: november.from })).toMatchObject({
      details: { issues: [{ path: 'querystring.to', message: 'must be after from' }] },
    });
  });
});
