import { beforeAll, expect, it } from 'vitest';
import { buildCase, installRepairType } from '../../../test/helpers/cases.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import { createDatabase } from '../../platform/db/database.js';
import type { Db } from '../../platform/db/database.js';
import { createJobRunner } from '../../platform/jobs/jobs.runner.js';
import { getCase, listCaseEvents } from './case-views.service.js';
import { transitionCase } from './cases.service.js';
import { caseEscalationSweep, runCaseEscalations } from './cases.sweeps.js';

const local = (text: string) => new Date(`${text}+08:00`);

describeEachDialect('case escalations', (ctx) => {
  const clock = manualClock(local('2026-11-23T09:00'));
  let db: Db;
  let desk: Actor;
  let tech: Actor;
  let gridManager: Actor;
  let areaManager: Actor;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;

  const inbox = async (actor: Actor) =>
    (
      await db
        .selectFrom('notifications')
        .select(['topic', 'dedupeKey'])
        .where('userId', '=', actor.userId!)
        .orderBy('id')
        .execute()
    ).map((n) => n.topic);

  beforeAll(async () => {
    db = ctx().db;
    org = await buildOrgTree(db);
    await installRepairType(db, clock);
    desk = (await buildUser(db, [grant('manager', org.company.id)])).actor;
    areaManager = (await buildUser(db, [grant('manager', org.east.id)])).actor;
    gridManager = (await buildUser(db, [grant('manager', org.eastGrid1.id)])).actor;
    tech = (await buildUser(db, [grant('staff', org.eastGrid2.id)])).actor;
  });

  it('reminds at risk, escalates by level, reassigns, and never twice', async () => {
    clock.set(local('2026-11-23T09:00'));
    const { caseId } = await buildCase(db, clock, desk, {
      unitId: org.eastGrid1.id,
      category: 'water',
      priority: 'urgent', // resolve in 4 calendar hours: due 13:00, at risk from 12:12
      assigneeUserId: tech.userId!,
    });
    clock.set(local('2026-11-23T09:05'));
    await transitionCase({ caseId, input: { action: 'accept' } }, { db, clock, actor: tech });

    clock.set(local('2026-11-23T12:00'));
    expect(await runCaseEscalations({ db, clock })).toEqual({ reminders: 0, escalations: 0, reassigned: 0 });
    clock.set(local('2026-11-23T12:20'));
    expect(await runCaseEscalations({ db, clock })).toEqual({ reminders: 1, escalations: 0, reassigned: 0 });
    expect(await runCaseEscalations({ db, clock })).toEqual({ reminders: 0, escalations: 0, reassigned: 0 });
    expect(await inbox(tech)).toEqual(['case.assigned', 'case.at_risk']);

    clock.set(local('2026-11-23T13:01')); // level 1 at the due time: assignee and the grid's manager
    expect(await runCaseEscalations({ db, clock })).toEqual({ reminders: 0, escalations: 1, reassigned: 0 });
    expect(await inbox(tech)).toEqual(['case.assigned', 'case.at_risk', 'case.escalated']);
    expect(await inbox(gridManager)).toEqual(['case.escalated']);
    expect(await inbox(areaManager)).toEqual([]);

    // Level 2 two working hours after due: 13:00 falls in the lunch break, so they run 13:30–15:30.
    // It notifies the branch manager and hands the case to the grid manager.
    clock.set(local('2026-11-23T15:29'));
    expect((await runCaseEscalations({ db, clock })).escalations).toBe(0);
    clock.set(local('2026-11-23T15:31'));
    // Two processes at once: one of them fires, the other finds the key taken. (Two SQLite handles in one
    // process cannot write at the same time — better-sqlite3 is synchronous — so there they take turns.)
    const second = createDatabase(ctx().options);
    try {
      const runs =
        ctx().dialect === 'postgres'
          ? await Promise.all([runCaseEscalations({ db, clock }), runCaseEscalations({ db: second, clock })])
          : [await runCaseEscalations({ db, clock }), await runCaseEscalations({ db: second, clock })];
      expect(runs.reduce((n, r) => n + r.escalations, 0)).toBe(1);
      expect(runs.reduce((n, r) => n + r.reassigned, 0)).toBe(1);
    } finally {
      await second.destroy();
    }
    expect(await inbox(areaManager)).toEqual(['case.escalated']);
    const c = await getCase({ caseId }, { db, clock, actor: desk });
    expect(c.assignee?.id).toBe(gridManager.userId);
    expect(c.status).toBe('assigned');
    const events = await listCaseEvents({ caseId }, { db, actor: desk });
    expect(events.filter((e) => e.kind === 'escalated').map((e) => e.payload.level)).toEqual([1, 2]);
    expect(await inbox(gridManager)).toEqual(['case.escalated', 'case.assigned']);
  });

  it('neither lists, reminds nor escalates a case while it is paused', async () => {
    clock.set(local('2026-11-25T09:00'));
    const { caseId } = await buildCase(db, clock, desk, {
      unitId: org.eastGrid1.id,
      category: 'water',
      priority: 'urgent', // due 13:00 unless paused
      assigneeUserId: tech.userId!,
    });
    clock.set(local('2026-11-25T09:05'));
    await transitionCase({ caseId, input: { action: 'accept' } }, { db, clock, actor: tech });
    clock.set(local('2026-11-25T10:00'));
    await transitionCase(
      { caseId, input: { action: 'pause', pauseReason: 'parts' } },
      { db, clock, actor: tech },
    );
    clock.set(local('2026-11-25T16:00')); // three hours past the unpaused due time
    expect(await runCaseEscalations({ db, clock })).toEqual({ reminders: 0, escalations: 0, reassigned: 0 });
    const paused = await getCase({ caseId }, { db, clock, actor: desk });
    expect(paused.clocks.find((c) => c.key === 'resolution')?.status).toBe('paused');
    expect(paused.nextDueAt).toBeNull();
    // Resumed at 16:00 after 6 paused hours: 3 h of the 4 h remain, due 19:00.
    await transitionCase({ caseId, input: { action: 'resume' } }, { db, clock, actor: tech });
    const resumed = await getCase({ caseId }, { db, clock, actor: desk });
    expect(resumed.clocks.find((c) => c.key === 'resolution')).toMatchObject({
      status: 'on_track',
      dueAt: local('2026-11-25T19:00').toISOString(),
    });
    expect(resumed.nextDueAt).toBe(local('2026-11-25T19:00').toISOString());
  });

  it('runs as a sweep once per slot across two job runners', async () => {
    clock.set(local('2026-11-24T09:00'));
    const { caseId } = await buildCase(db, clock, desk, {
      unitId: org.eastGrid1.id,
      category: 'water',
      priority: 'urgent',
      assigneeUserId: tech.userId!,
    });
    clock.set(local('2026-11-24T12:30'));
    const second = createDatabase(ctx().options);
    try {
      const runners = [db, second].map((handle, i) =>
        createJobRunner({
          db: handle,
          clock,
          workerId: `w${i}`,
          handlers: {},
          sweeps: [caseEscalationSweep],
        }),
      );
      for (let round = 0; round < 2; round++)
        if (ctx().dialect === 'postgres') await Promise.all(runners.map((r) => r.runOnce()));
        else for (const r of runners) await r.runOnce();
    } finally {
      await second.destroy();
    }
    const reminders = await db
      .selectFrom('notifications')
      .select('dedupeKey')
      .where('dedupeKey', 'like', `case:${caseId}:%:at_risk`)
      .execute();
    // One reminder per clock: the response clock (not accepted) is overdue, the resolution clock at risk.
    expect(reminders.map((r) => r.dedupeKey).sort()).toEqual([
      `case:${caseId}:resolution:1:at_risk`,
      `case:${caseId}:response:1:at_risk`,
    ]);
    const jobs = await db
      .selectFrom('jobs')
      .select(['status'])
      .where('name', '=', 'sweep:cases.escalations')
      .execute();
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    expect(jobs.every((j) => j.status === 'done')).toBe(true);
  });
});
