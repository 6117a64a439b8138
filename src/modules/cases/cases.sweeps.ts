import type { Clock } from '../../platform/clock.js';
import { systemActor } from '../../platform/access.js';
import type { Db, Executor } from '../../platform/db/database.js';
import { defineSweep } from '../../platform/jobs/jobs.service.js';
import { addWorkingTime, parseDuration } from '../calendar/working-time.js';
import { notify } from '../notifications/notifications.service.js';
import { parentUnitIdOf } from '../org/units.service.js';
import { usersWithRoleOn } from '../org/users.service.js';
import type { EscalationLevel } from './case-type.schema.js';
import type { LoadedCaseType } from './case-types.service.js';
import { caseTypeById } from './case-types.service.js';
import { calendarsOf } from './case-clocks.service.js';
import { transitionCase } from './cases.service.js';
import * as casesRepo from './cases.repo.js';

/*
 * Reminders and escalations of SLA clocks, as a sweep. Each notice is keyed by a row in
 * case_escalations (case, clock, cycle, level; level 0 = the at-risk reminder) inserted in the
 * transaction that notifies: a second run, or a second process, finds the row and does nothing.
 */

const AT_RISK_LEVEL = 0;
/** Escalations with an offset before the due time look this far ahead (calendar time). */
const HORIZON_MS = 14 * 86_400_000;

type Candidate = {
  caseId: number;
  caseTypeId: number;
  unitId: number;
  title: string;
  assigneeUserId: number | null;
  registrantUserId: number | null;
  clockKey: string;
  cycle: number;
  dueAt: string;
  atRiskAt: string;
};

/** Claims a notice: true when this call inserted the key (and so must notify), false when it existed. */
const claim = (tx: Executor, c: Candidate, level: number, now: Date): Promise<boolean> =>
  casesRepo.insertEscalationIfAbsent(tx, {
    caseId: c.caseId,
    clockKey: c.clockKey,
    cycle: c.cycle,
    level,
    firedAt: now.toISOString(),
  });

const recipientsOf = async (tx: Executor, c: Candidate, targets: EscalationLevel['notify']) => {
  const ids = new Set<number>();
  for (const target of targets) {
    if (target === 'assignee' && c.assigneeUserId) ids.add(c.assigneeUserId);
    if (target === 'registrant' && c.registrantUserId) ids.add(c.registrantUserId);
    if (target === 'unit_managers')
      for (const id of await usersWithRoleOn({ unitId: c.unitId, role: 'manager', climb: true }, { db: tx }))
        ids.add(id);
    if (target === 'parent_unit_managers') {
      const parent = await parentUnitIdOf({ unitId: c.unitId }, { db: tx });
      for (const id of await usersWithRoleOn(
        { unitId: parent ?? c.unitId, role: 'manager', climb: true },
        { db: tx },
      ))
        ids.add(id);
    }
  }
  return [...ids];
};

const clockName = (type: LoadedCaseType, key: string) => {
  const clock = type.definition.clocks.find((c) => c.key === key);
  return { zh: clock?.name ?? key, en: clock?.nameEn ?? clock?.name ?? key };
};

export type EscalationRun = { reminders: number; escalations: number; reassigned: number };

/** One pass: at-risk reminders to assignees, then every escalation level whose time has come. */
export const runCaseEscalations = async ({ db, clock }: { db: Db; clock: Clock }): Promise<EscalationRun> => {
  const now = clock.now();
  const nowIso = now.toISOString();
  const run: EscalationRun = { reminders: 0, escalations: 0, reassigned: 0 };
  const types = new Map<number, LoadedCaseType>();
  const typeOf = async (id: number) => {
    let t = types.get(id);
    if (!t) types.set(id, (t = await caseTypeById(db, id)));
    return t;
  };
  const actor = systemActor('escalation 升级');
  for (const c of await casesRepo.listEscalationCandidates(
    db,
    new Date(now.getTime() + HORIZON_MS).toISOString(),
  )) {
    const type = await typeOf(c.caseTypeId);
    const name = clockName(type, c.clockKey);
    const overdue = c.dueAt <= nowIso;
    if (c.atRiskAt <= nowIso && c.assigneeUserId) {
      await db.transaction().execute(async (tx) => {
        if (!(await claim(tx, c, AT_RISK_LEVEL, now))) return;
        run.reminders++;
        await notify(
          tx,
          {
            recipientUserIds: [c.assigneeUserId!],
            dedupeKey: `case:${c.caseId}:${c.clockKey}:${c.cycle}:at_risk`,
            topic: overdue ? 'case.breached' : 'case.at_risk',
            title: {
              zh: `工单 #${c.caseId}「${name.zh}」${overdue ? '已超时' : '即将超时'}`,
              en: `Case #${c.caseId} ${name.en} ${overdue ? 'is overdue' : 'is at risk'}`,
            },
            body: {
              zh: `**${c.title}**\n\n${name.zh}时限：${c.dueAt}`,
              en: `**${c.title}**\n\n${name.en} due: ${c.dueAt}`,
            },
            link: `/cases/${c.caseId}`,
            unitId: c.unitId,
            entity: { type: 'case', id: c.caseId },
          },
          { clock },
        );
      });
    }
    const levels = type.definition.escalations.filter((e) => e.clock === c.clockKey);
    if (levels.length === 0) continue;
    const calendar = (await calendarsOf(db, type.definition)).get(
      type.definition.clocks.find((k) => k.key === c.clockKey)?.calendar ?? type.definition.calendar,
    )!;
    for (const level of [...levels].sort((a, b) => a.level - b.level)) {
      const fireAt = addWorkingTime({
        calendar,
        start: new Date(c.dueAt),
        duration: parseDuration(level.offset),
      });
      if (fireAt > now) continue;
      const reassignTo = await db.transaction().execute(async (tx) => {
        if (!(await claim(tx, c, level.level, now))) return undefined;
        run.escalations++;
        const recipients = await recipientsOf(tx, c, level.notify);
        const target = level.reassignTo
          ? (
              await usersWithRoleOn(
                {
                  unitId:
                    level.reassignTo === 'parent_unit_manager'
                      ? ((await parentUnitIdOf({ unitId: c.unitId }, { db: tx })) ?? c.unitId)
                      : c.unitId,
                  role: 'manager',
                  climb: true,
                },
                { db: tx },
              )
            ).find((id) => id !== c.assigneeUserId)
          : undefined;
        await casesRepo.insertEvent(tx, {
          caseId: c.caseId,
          kind: 'escalated',
          at: nowIso,
          actorUserId: null,
          actorName: actor.name,
          fromStatus: null,
          toStatus: null,
          payloadJson: JSON.stringify({
            level: level.level,
            clock: c.clockKey,
            notified: recipients,
            reassignTo: target ?? null,
          }),
        });
        await notify(
          tx,
          {
            recipientUserIds: recipients,
            dedupeKey: `case:${c.caseId}:${c.clockKey}:${c.cycle}:level${level.level}`,
            topic: 'case.escalated',
            title: {
              zh: `工单 #${c.caseId}「${name.zh}」${level.level} 级升级`,
              en: `Case #${c.caseId} ${name.en}: escalation level ${level.level}`,
            },
            body: {
              zh: `**${c.title}**\n\n${name.zh}时限 ${c.dueAt}，已触发第 ${level.level} 级升级。`,
              en: `**${c.title}**\n\n${name.en} was due ${c.dueAt}; escalation level ${level.level} reached.`,
            },
            link: `/cases/${c.caseId}`,
            unitId: c.unitId,
            entity: { type: 'case', id: c.caseId },
          },
          { clock },
        );
        return target;
      });
      // Reassigning is a transition of its own (event, audit, clocks), after the notice is claimed.
      if (reassignTo !== undefined) {
        await transitionCase(
          {
            caseId: c.caseId,
            input: {
              action: 'assign',
              assigneeUserId: reassignTo,
              note: `升级第 ${level.level} 级 / escalation level ${level.level}`,
            },
          },
          { db, clock, actor },
        );
        run.reassigned++;
      }
    }
  }
  return run;
};

/** Every minute: reminders and escalations of the cases' clocks. */
export const caseEscalationSweep = defineSweep({
  name: 'cases.escalations',
  everyMs: 60_000,
  handler: async (_slot, { db, clock }) => runCaseEscalations({ db, clock }),
});
