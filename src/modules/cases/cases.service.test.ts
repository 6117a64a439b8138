import { beforeAll, expect, it } from 'vitest';
import { buildCase, installRepairType } from '../../../test/helpers/cases.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { expectedFigureDays, storedFigureDays } from './case-figure-days.js';
import { figuresOfCases } from './case-figures.service.js';
import { getCase, listCaseEvents, listCases } from './case-views.service.js';
import { recordCallback } from './case-callbacks.service.js';
import { reclassifyCase, transitionCase } from './cases.service.js';
import type { TransitionInput } from './cases.schema.js';

const local = (text: string) => new Date(`${text}+08:00`);

describeEachDialect('cases', (ctx) => {
  const clock = manualClock(local('2026-11-23T09:00')); // a Monday
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let desk: Actor; // service desk: registers, dispatches, calls back (manager of the company)
  let tech: Actor; // technician: staff on a team that owns no cases
  let tech2: Actor;
  let areaManager: Actor; // manager of the east branch
  let westStaff: Actor;

  const deps = (actor: Actor) => ({ db, clock, actor });
  const act = (actor: Actor, caseId: number, input: TransitionInput) =>
    transitionCase({ caseId, input }, deps(actor));
  const count = async (table: 'cases' | 'caseEvents' | 'auditLog' | 'caseCallbacks') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    db = ctx().db;
    org = await buildOrgTree(db);
    await installRepairType(db, clock);
    desk = (await buildUser(db, [grant('manager', org.company.id)])).actor;
    const team = await (
      await import('../../../test/helpers/factories.js')
    ).buildUnit(db, {
      parentId: org.company.id,
      kind: 'team',
      name: '维修班',
    });
    tech = (await buildUser(db, [grant('staff', team.id)])).actor;
    tech2 = (await buildUser(db, [grant('staff', team.id)])).actor;
    areaManager = (await buildUser(db, [grant('manager', org.east.id)])).actor;
    westStaff = (await buildUser(db, [grant('staff', org.west.id)])).actor;
  });

  it('runs the loop: register, assign, take, arrive, resolve, call back, closed with its clocks met', async () => {
    clock.set(local('2026-11-23T09:00'));
    const { caseId } = await buildCase(db, clock, desk, { unitId: org.eastGrid1.id, priority: 'urgent' });
    clock.set(local('2026-11-23T09:05'));
    await act(desk, caseId, { action: 'assign', assigneeUserId: tech.userId! });
    clock.set(local('2026-11-23T09:15'));
    await act(tech, caseId, { action: 'accept' });
    await act(tech, caseId, { action: 'start' });
    clock.set(local('2026-11-23T11:00'));
    await act(tech, caseId, { action: 'resolve', reasonCode: 'wear.pipe', feedback: '更换阀门' });
    const resolved = await getCase({ caseId }, deps(desk));
    expect(resolved.status).toBe('resolved');
    expect(resolved.clocks.map((c) => [c.key, c.status, c.limit])).toEqual([
      ['response', 'met', '15m'],
      ['resolution', 'met', '4h'],
    ]);
    // The callback is due one working day after resolution: close of business next working day.
    expect(resolved.callbacks).toEqual([
      expect.objectContaining({ status: 'pending', dueAt: local('2026-11-24T18:00').toISOString() }),
    ]);
    expect(resolved.canRecordCallback).toBe(true);

    clock.set(local('2026-11-24T10:00'));
    await recordCallback({ caseId, input: { reached: true, satisfaction: 5, comment: '满意' } }, deps(desk));
    const closed = await getCase({ caseId }, deps(desk));
    expect(closed.status).toBe('closed');
    expect(closed.closedAt).toBe(local('2026-11-24T10:00').toISOString());
    const kinds = (await listCaseEvents({ caseId }, deps(desk))).map((e) => e.kind);
    expect(kinds).toEqual([
      'created',
      'assigned',
      'accepted',
      'started',
      'resolved',
      'callback_recorded',
      'called_back',
      'closed',
    ]);
    const audit = await db
      .selectFrom('auditLog')
      .select('action')
      .where('entity', '=', 'case')
      .where('entityId', '=', String(caseId))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'case.create',
      'case.assign',
      'case.accept',
      'case.start',
      'case.resolve',
      'case.callback',
      'case.close',
    ]);
  });

  it('dates callbacks over the National Day holidays and onto a make-up working day', async () => {
    for (const [resolvedAt, due] of [
      ['2026-09-30T15:00', '2026-10-08T18:00'], // 1–7 October are holidays
      ['2026-10-09T15:00', '2026-10-10T18:00'], // Saturday 10 October is a make-up working day
    ]) {
      clock.set(local(resolvedAt!));
      const { caseId } = await buildCase(db, clock, desk, {
        unitId: org.eastGrid1.id,
        assigneeUserId: tech.userId!,
      });
      await act(tech, caseId, { action: 'accept' });
      await act(tech, caseId, { action: 'resolve', reasonCode: 'misuse', feedback: 'done' });
      expect((await getCase({ caseId }, deps(desk))).callbacks[0]!.dueAt).toBe(local(due!).toISOString());
    }
  });

  it('refuses wrong transitions with a clear error and writes nothing', async () => {
    clock.set(local('2026-11-25T09:00'));
    const { caseId } = await buildCase(db, clock, desk, { unitId: org.eastGrid1.id });
    const before = { events: await count('caseEvents'), audit: await count('auditLog') };
    await expect(act(tech, caseId, { action: 'accept' })).rejects.toMatchObject({ code: 'cases.not_found' }); // not his yet: invisible
    await expect(
      act(desk, caseId, { action: 'resolve', reasonCode: 'misuse', feedback: 'x' }),
    ).rejects.toMatchObject({
      code: 'cases.transition_refused',
      details: { action: 'resolve', status: 'registered' },
    });
    await act(desk, caseId, { action: 'assign', assigneeUserId: tech.userId! });
    await expect(act(tech2, caseId, { action: 'accept' })).rejects.toMatchObject({ code: 'cases.not_found' });
    await expect(act(westStaff, caseId, { action: 'accept' })).rejects.toMatchObject({
      code: 'cases.not_found',
    });
    await expect(
      act(areaManager, caseId, { action: 'assign', assigneeUserId: 999_999 }),
    ).rejects.toMatchObject({
      code: 'cases.assignee_invalid',
    });
    await act(tech, caseId, { action: 'accept' });
    await expect(act(tech, caseId, { action: 'resolve', reasonCode: 'misuse' })).rejects.toMatchObject({
      code: 'cases.outcome_required',
      details: { field: 'feedback' },
    });
    await expect(act(tech, caseId, { action: 'resolve', feedback: 'ok' })).rejects.toMatchObject({
      code: 'cases.outcome_required',
      details: { field: 'reasonCode' },
    });
    await expect(
      act(tech, caseId, { action: 'resolve', reasonCode: 'nope', feedback: 'ok' }),
    ).rejects.toMatchObject({
      code: 'cases.unknown_reason',
    });
    await expect(act(tech, caseId, { action: 'pause', pauseReason: 'lunch' })).rejects.toMatchObject({
      code: 'cases.unknown_pause_reason',
    });
    await expect(act(tech, caseId, { action: 'cancel', note: 'no' })).rejects.toMatchObject({
      code: 'cases.not_allowed',
    });
    await expect(act(tech, caseId, { action: 'accept', expectedVersion: 1 })).rejects.toMatchObject({
      code: 'cases.version_conflict',
    });
    // Only the assignment and the acceptance were written: 2 events and 2 audit rows.
    expect(await count('caseEvents')).toBe(before.events + 2);
    expect(await count('auditLog')).toBe(before.audit + 2);
  });

  it('refuses a case with an unknown type, category, priority or bad fields, writing nothing', async () => {
    const before = await count('cases');
    const bad = [
      [{ caseType: 'nope' }, 'cases.unknown_type'],
      [{ category: 'gas' }, 'cases.unknown_category'],
      [{ priority: 'low' }, 'cases.unknown_priority'],
      [{ fields: {} }, 'cases.field_invalid'],
      [{ fields: { room: '1', floors: 'three' } }, 'cases.field_invalid'],
      [{ fields: { room: '1', colour: 'red' } }, 'cases.field_invalid'],
    ] as const;
    for (const [overrides, code] of bad)
      await expect(
        buildCase(db, clock, desk, { unitId: org.eastGrid1.id, ...overrides }),
      ).rejects.toMatchObject({ code });
    await expect(buildCase(db, clock, westStaff, { unitId: org.eastGrid1.id })).rejects.toMatchObject({
      code: 'org.unit_not_found',
    });
    expect(await count('cases')).toBe(before);
  });

  it('stops the clock while paused and recomputes when the category changes mid-way', async () => {
    clock.set(local('2026-11-26T09:00')); // Thursday
    const { caseId } = await buildCase(db, clock, desk, {
      unitId: org.eastGrid1.id,
      assigneeUserId: tech.userId!,
    });
    await act(tech, caseId, { action: 'accept' });
    clock.set(local('2026-11-26T10:00'));
    await act(tech, caseId, { action: 'pause', pauseReason: 'parts' });
    clock.set(local('2026-11-26T15:30')); // paused 10:00–15:30 = 2 h + 2 h = 4 working hours
    await act(tech, caseId, { action: 'resume' });
    let c = await getCase({ caseId }, deps(desk));
    expect(c.status).toBe('accepted'); // back to where it paused
    let resolution = c.clocks.find((k) => k.key === 'resolution')!;
    expect(resolution.pausedMs).toBe(4 * 3_600_000);
    // 1 working day from Thursday 09:00 ends Friday 18:00 (15 working hours owed); with 4 paused working
    // hours, 3.5 h are used on Thursday, 7.5 h on Friday, 4 h on Monday: 09:00–12:00 and 13:30–14:30.
    expect(resolution.dueAt).toBe(local('2026-11-30T14:30').toISOString());
    await reclassifyCase({ caseId, input: { category: 'water', priority: 'urgent' } }, deps(desk));
    c = await getCase({ caseId }, deps(desk));
    resolution = c.clocks.find((k) => k.key === 'resolution')!;
    // 4 calendar hours from 09:00 plus the 5.5 calendar hours paused: 18:30; at risk after 80 % (3 h 12 m) at 17:42.
    expect(resolution.limit).toBe('4h');
    expect(resolution.dueAt).toBe(local('2026-11-26T18:30').toISOString());
    expect(resolution.status).toBe('on_track');
    expect(resolution.atRiskAt).toBe(local('2026-11-26T17:42').toISOString());
    await expect(reclassifyCase({ caseId, input: { category: 'gas' } }, deps(desk))).rejects.toMatchObject({
      code: 'cases.unknown_category',
    });
  });

  it('reopens a case on an unsatisfied callback and counts it as rework', async () => {
    clock.set(local('2026-11-27T09:00'));
    const { caseId } = await buildCase(db, clock, desk, {
      unitId: org.eastGrid2.id,
      assigneeUserId: tech.userId!,
    });
    await act(tech, caseId, { action: 'accept' });
    await act(tech, caseId, { action: 'resolve', reasonCode: 'misuse', feedback: 'fixed' });
    clock.set(local('2026-11-27T14:00'));
    await recordCallback(
      { caseId, input: { reached: true, satisfaction: 2, comment: '还在漏' } },
      deps(desk),
    );
    const c = await getCase({ caseId }, deps(desk));
    expect(c).toMatchObject({ status: 'in_progress', reopenCount: 1 });
    const resolution = c.clocks.find((k) => k.key === 'resolution')!;
    expect(resolution).toMatchObject({ cycle: 2, startedAt: local('2026-11-27T14:00').toISOString() });
    await expect(
      recordCallback({ caseId, input: { reached: true, satisfaction: 5 } }, deps(desk)),
    ).rejects.toMatchObject({ code: 'cases.callback_not_pending' });
  });

  it('shows a technician only his cases and an area manager only his area', async () => {
    clock.set(local('2026-11-27T09:00'));
    const east = await buildCase(db, clock, desk, {
      unitId: org.eastGrid1.id,
      assigneeUserId: tech2.userId!,
      title: 'east for tech2',
    });
    const west = await buildCase(db, clock, desk, { unitId: org.westGrid1.id, title: 'west unassigned' });
    const ids = async (actor: Actor, view: 'all' | 'mine' = 'all') =>
      (
        await listCases(
          { view, status: undefined, subtree: true, sort: 'created_desc', page: 1, pageSize: 200 },
          deps(actor),
        )
      ).items.map((c) => c.id);
    expect(await ids(tech2)).toEqual([east.caseId]);
    expect(await ids(tech2, 'mine')).toEqual([east.caseId]);
    const areaIds = await ids(areaManager);
    expect(areaIds).toContain(east.caseId);
    expect(areaIds).not.toContain(west.caseId);
    await expect(getCase({ caseId: west.caseId }, deps(areaManager))).rejects.toMatchObject({
      code: 'cases.not_found',
    });
    expect(await ids(desk)).toEqual(expect.arrayContaining([east.caseId, west.caseId]));
  });

  it('links a repeat complaint of the same customer and category within the window', async () => {
    const { createCustomer } = await import('../customers/customers.service.js');
    const customer = await createCustomer(
      { unitId: org.eastGrid1.id, name: '王女士', phone: '13800001234' },
      deps(desk),
    );
    clock.set(local('2026-11-02T09:00'));
    const first = await buildCase(db, clock, desk, { unitId: org.eastGrid1.id, customerId: customer.id });
    clock.set(local('2026-11-20T09:00'));
    const other = await buildCase(db, clock, desk, {
      unitId: org.eastGrid1.id,
      customerId: customer.id,
      category: 'lighting',
    });
    const repeat = await buildCase(db, clock, desk, { unitId: org.eastGrid1.id, customerId: customer.id });
    expect((await getCase(other, deps(desk))).repeatOfCaseId).toBeNull();
    expect((await getCase(repeat, deps(desk))).repeatOfCaseId).toBe(first.caseId);
    clock.set(local('2026-12-25T09:00')); // 35 days after the last: outside the 30-day window
    const late = await buildCase(db, clock, desk, {
      unitId: org.eastGrid1.id,
      customerId: customer.id,
      category: 'lighting',
    });
    expect((await getCase(late, deps(desk))).repeatOfCaseId).toBeNull();
  });

  it('keeps the figures rollup equal to a recomputation after every change above', async () => {
    expect((await storedFigureDays(db)).length).toBeGreaterThan(10);
    expect(await storedFigureDays(db)).toEqual(await expectedFigureDays(db));
  });
});

describeEachDialect('case figures on a hand-made history', (ctx) => {
  const clock = manualClock(local('2026-08-03T09:00'));
  let db: Db;
  it('counts, rates and percentiles as computed by hand', async () => {
    db = ctx().db;
    const org = await buildOrgTree(db);
    await installRepairType(db, clock);
    const desk = (await buildUser(db, [grant('manager', org.company.id)])).actor;
    const tech = (await buildUser(db, [grant('staff', org.east.id)])).actor;
    const d = { db, clock, actor: desk };
    const t = { db, clock, actor: tech };
    const act = (actor: typeof d, caseId: number, input: TransitionInput) =>
      transitionCase({ caseId, input }, actor);
    // August 2026, Mondays: four cases, all in eastGrid1, category leak (root water) except one lighting.
    const plan = [
      { start: '2026-08-03T09:00', resolveAt: '2026-08-03T11:00', satisfaction: 5, category: 'leak' }, // 2 wh
      { start: '2026-08-10T09:00', resolveAt: '2026-08-10T15:30', satisfaction: 4, category: 'leak' }, // 3 + 2 = 5 wh
      { start: '2026-08-17T09:00', resolveAt: '2026-08-19T09:00', satisfaction: 1, category: 'leak' }, // 2 days = 15 wh, late
      { start: '2026-08-24T09:00', resolveAt: null, satisfaction: null, category: 'lighting' }, // still open
    ];
    for (const p of plan) {
      clock.set(local(p.start));
      const { caseId } = await buildCase(db, clock, desk, {
        unitId: org.eastGrid1.id,
        category: p.category,
        assigneeUserId: tech.userId!,
      });
      clock.set(local(p.start.replace('09:00', '09:30')));
      await act(t, caseId, { action: 'accept' });
      if (!p.resolveAt) continue;
      clock.set(local(p.resolveAt));
      await act(t, caseId, { action: 'resolve', reasonCode: 'wear', feedback: 'ok' });
      clock.set(new Date(local(p.resolveAt).getTime() + 3_600_000));
      await recordCallback({ caseId, input: { reached: true, satisfaction: p.satisfaction! } }, d);
    }
    clock.set(local('2026-09-01T09:00'));
    const figures = await figuresOfCases(
      {
        from: '2026-08-01T00:00:00+08:00',
        to: '2026-09-01T00:00:00+08:00',
        unitId: org.east.id,
        subtree: true,
        groupBy: 'category',
        timeBasis: 'working',
      },
      d,
    );
    const total = figures.total;
    expect(total).toMatchObject({ registered: 4, resolved: 3, reopened: 1, closed: 2, repeats: 0 });
    // Response (1 wh from assignment at 09:00): accepted 09:30 every time → 4 met of 4.
    expect(total.onTime.response).toEqual({ stopped: 4, met: 4, rate: 1 });
    // Resolution (1 wd): 2 wh and 5 wh met; 2 working days breached → 2 of 3.
    expect(total.onTime.resolution).toEqual({ stopped: 3, met: 2, rate: 0.6667 });
    // Resolution time counts cases resolved in the period and not reopened since: 2 wh and 5 wh
    // (the 15 wh case was reopened). Median 3.5; p90 by R-7: 2 + 0.9 × (5 − 2) = 4.7.
    expect(total.resolutionHours).toEqual({ count: 2, median: 3.5, p90: 4.7 });
    // Callbacks: 3 opened, 3 reached; satisfaction (5 + 4 + 1) / 3; one unsatisfied reopened the case.
    expect(total.callbacks).toMatchObject({
      recorded: 3,
      reached: 3,
      rate: 1,
      satisfactionAvg: 3.3333,
      unsatisfied: 1,
    });
    expect(total.reworkRate).toBe(0.3333);
    // The reopened case restarted its resolution clock on 19 Aug; one working day later it is overdue, and so is the open lighting case.
    expect(total.overdueNow).toBe(2);
    expect(figures.rows.map((r) => [r.key, r.registered])).toEqual([
      ['water', 3],
      ['lighting', 1],
    ]);
    expect(figures.percentileMethod).toMatch(/R-7/);
  });
});
