import type { Insertable } from 'kysely';
import type { Actor } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import type { Executor } from '../../platform/db/database.js';
import { notify } from '../notifications/notifications.service.js';
import { userNames } from '../org/users.service.js';
import { calendarsOf, clockRowOf, withCoverage } from './case-clocks.service.js';
import { addFiguresOf } from './case-figure-days.js';
import { requireCategory, requirePriority, validateFields } from './case-rules.js';
import type { LoadedCaseType } from './case-types.service.js';
import * as casesRepo from './cases.repo.js';
import type { CaseClockTable, CaseEventTable } from './cases.tables.js';
import type { ClockState } from './sla.js';
import { computeClocks } from './sla.js';

/*
 * Registering and assigning many cases at once (a dispatch campaign 派单 turning a target list
 * into follow-up cases). The rows are those createCase writes — case, `created` and `assigned`
 * events, clocks, the figures' facts — but in multi-row statements, and the notifications are
 * one per assignee ("37 new follow-ups") instead of one per case. The caller checks the rows
 * (`checkBatchCase`), holds the transaction and writes the batch's audit row.
 */

export type BatchCase = {
  unitId: number;
  title: string;
  description?: string | null;
  category: string;
  priority?: string | undefined;
  fields: Record<string, unknown>;
  /** Unique within the case type (e.g. `<campaign>:<subscriber>`): makes the batch idempotent. */
  externalKey: string;
  assigneeUserId: number;
};

/** A batch row checked against the type: priority defaulted, fields normalised. Throws the case errors. */
export const checkBatchCase = (type: LoadedCaseType, c: BatchCase): BatchCase & { priority: string } => {
  requireCategory(type, c.category);
  const priority = c.priority ?? type.definition.defaultPriority ?? type.definition.priorities[0]!.key;
  requirePriority(type, priority);
  return { ...c, priority, fields: validateFields(type, c.fields) };
};

export type BatchNotice = {
  /** What the assignees are told, e.g. 「2026-10 宽带欠费拆机回访」. */
  label: { zh: string; en: string };
  link: string;
  /** Makes the notices of one batch idempotent. */
  dedupeKey: string;
};

/**
 * Inserts checked cases, registered and assigned now, and answers their ids in input order.
 * Every case of a batch starts at the same instant, so the clocks of one category and priority
 * are computed once.
 */
export const registerCaseBatch = async (
  tx: Executor,
  {
    type,
    cases,
    notice,
  }: { type: LoadedCaseType; cases: ReadonlyArray<BatchCase & { priority: string }>; notice: BatchNotice },
  { clock, actor }: { clock: Clock; actor: Actor },
): Promise<number[]> => {
  if (cases.length === 0) return [];
  const now = clock.now();
  const iso = now.toISOString();
  const calendars = await calendarsOf(tx, type.definition);
  const clocksByLimits = new Map<string, ClockState[]>();
  const clocksOf = (category: string, priority: string) => {
    const key = `${category}\u0000${priority}`;
    let clocks = clocksByLimits.get(key);
    if (!clocks) {
      clocks = withCoverage(type.definition.calendar, () =>
        computeClocks({
          type: type.definition,
          categoryKey: category,
          priorityKey: priority,
          events: [
            { kind: 'created', at: now.getTime() },
            { kind: 'assigned', at: now.getTime() },
          ],
          calendarOf: (code) => calendars.get(code)!,
          now: now.getTime(),
        }),
      );
      clocksByLimits.set(key, clocks);
    }
    return clocks;
  };

  const ids = await casesRepo.insertCases(
    tx,
    cases.map((c) => {
      const clocks = clocksOf(c.category, c.priority);
      const running = clocks.filter((k) => k.state === 'running');
      const nextDue = running.reduce<Date | null>((min, k) => (!min || k.dueAt < min ? k.dueAt : min), null);
      return {
        caseTypeId: type.id,
        unitId: c.unitId,
        externalKey: c.externalKey,
        title: c.title,
        description: c.description ?? null,
        categoryKey: c.category,
        priorityKey: c.priority,
        status: 'assigned',
        isOpen: 1,
        customerId: null,
        registrantUserId: actor.userId,
        assigneeUserId: c.assigneeUserId,
        fieldsJson: JSON.stringify(c.fields),
        reasonCode: null,
        feedback: null,
        repeatOfCaseId: null,
        reopenCount: 0,
        nextDueAt: nextDue?.toISOString() ?? null,
        breached: clocks.some((k) => k.state === 'breached') ? 1 : 0,
        resolutionWorkingMs: null,
        createdAt: iso,
        updatedAt: iso,
        resolvedAt: null,
        closedAt: null,
      };
    }),
  );
  const names = await userNames({ userIds: [...new Set(cases.map((c) => c.assigneeUserId))] }, { db: tx });
  const events: Array<Insertable<CaseEventTable>> = [];
  const clocks: Array<Insertable<CaseClockTable>> = [];
  const caseIds = cases.map((c) => ids.get(c.externalKey)!);
  cases.forEach((c, i) => {
    const caseId = caseIds[i]!;
    const event = (kind: string, fromStatus: string | null, toStatus: string, payload: object) =>
      events.push({
        caseId,
        kind,
        at: iso,
        actorUserId: actor.userId,
        actorName: actor.name,
        fromStatus,
        toStatus,
        payloadJson: JSON.stringify(payload),
      });
    event('created', null, 'registered', {
      category: c.category,
      priority: c.priority,
      batch: notice.dedupeKey,
    });
    event('assigned', 'registered', 'assigned', {
      assignee: { id: c.assigneeUserId, name: names.get(c.assigneeUserId) ?? null },
    });
    for (const k of clocksOf(c.category, c.priority)) clocks.push(clockRowOf(caseId, k));
  });
  await casesRepo.insertAll(tx, 'caseEvents', events);
  await casesRepo.insertAll(tx, 'caseClocks', clocks);
  await addFiguresOf(tx, caseIds);

  const perAssignee = new Map<number, { count: number; unitId: number }>();
  for (const c of cases) {
    const entry = perAssignee.get(c.assigneeUserId) ?? { count: 0, unitId: c.unitId };
    entry.count++;
    perAssignee.set(c.assigneeUserId, entry);
  }
  for (const [userId, { count, unitId }] of perAssignee)
    await notify(
      tx,
      {
        recipientUserIds: [userId],
        dedupeKey: `${notice.dedupeKey}:user:${userId}`,
        topic: 'case.assigned',
        title: {
          zh: `派单：${notice.label.zh}，${count} 件派给您`,
          en: `Dispatched: ${notice.label.en}, ${count} assigned to you`,
        },
        body: {
          zh: `**${notice.label.zh}**\n\n${count} 件待跟进，请逐一反馈具体原因。`,
          en: `**${notice.label.en}**\n\n${count} to follow up; give a specific reason for each.`,
        },
        link: notice.link,
        unitId,
        entity: null,
      },
      { clock },
    );
  return caseIds;
};
