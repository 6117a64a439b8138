import type { Executor } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { workingCalendarByCode } from '../calendar/calendar-clock.service.js';
import type { WorkingCalendar } from '../calendar/working-time.js';
import { CalendarCoverageError } from '../calendar/working-time.js';
import type { CaseTypeDefinition } from './case-type.schema.js';
import type { LoadedCaseType } from './case-types.service.js';
import * as casesRepo from './cases.repo.js';
import type { CaseRow } from './cases.repo.js';
import type { ClockState, SlaEvent } from './sla.js';
import { computeClocks, resolutionWorkingMs } from './sla.js';

/*
 * A case's SLA clocks as stored: recomputed from its events (sla.ts) in every transaction that
 * changes the case, with the calendars its type counts in.
 */

/** The compiled calendars a case type's clocks count in, by code. */
export const calendarsOf = async (
  db: Executor,
  type: CaseTypeDefinition,
): Promise<Map<string, WorkingCalendar>> => {
  const codes = new Set([type.calendar, ...type.clocks.flatMap((c) => (c.calendar ? [c.calendar] : []))]);
  const map = new Map<string, WorkingCalendar>();
  for (const code of codes) map.set(code, await workingCalendarByCode({ code }, { db }));
  return map;
};

/** Runs clock maths, turning a calendar that does not cover a year into the case error naming it. */
export const withCoverage = <T>(calendar: string, run: () => T): T => {
  try {
    return run();
  } catch (error) {
    if (error instanceof CalendarCoverageError)
      throw new AppError('cases.calendar_not_covering', { calendar, year: error.year });
    throw error;
  }
};

const toSlaEvents = (rows: Array<{ kind: string; at: string }>): SlaEvent[] =>
  rows.map((r) => ({ kind: r.kind, at: Date.parse(r.at) }));

/** The stored form of a computed clock (case_clocks). */
export const clockRowOf = (caseId: number, c: ClockState) => ({
  caseId,
  clockKey: c.key,
  cycle: c.cycle,
  limitText: c.limitText,
  state: c.state,
  startedAt: c.startedAt.toISOString(),
  dueAt: c.dueAt.toISOString(),
  atRiskAt: c.atRiskAt.toISOString(),
  stoppedAt: c.stoppedAt?.toISOString() ?? null,
  pausedMs: c.pausedMs,
});

/**
 * Recomputes the clocks of a case from its events and stores them with the case's next due
 * time, breach flag and resolution time. Called in every transaction that changes a case.
 */
export const refreshClocks = async (
  tx: Executor,
  row: CaseRow,
  type: LoadedCaseType,
  now: Date,
): Promise<ClockState[]> => {
  const events = toSlaEvents(await casesRepo.listEvents(tx, row.id));
  const calendars = await calendarsOf(tx, type.definition);
  const calendarOf = (code: string) => calendars.get(code)!;
  const clocks = withCoverage(type.definition.calendar, () =>
    computeClocks({
      type: type.definition,
      categoryKey: row.categoryKey,
      priorityKey: row.priorityKey,
      events,
      calendarOf,
      now: now.getTime(),
    }),
  );
  await casesRepo.replaceClocks(
    tx,
    row.id,
    clocks.map((c) => clockRowOf(row.id, c)),
  );
  // Paused clocks are not due while paused: they join the overdue list again when resumed.
  const running = clocks.filter((c) => c.state === 'running');
  const nextDue = running.reduce<Date | null>((min, c) => (!min || c.dueAt < min ? c.dueAt : min), null);
  await casesRepo.updateCase(tx, row.id, {
    nextDueAt: nextDue?.toISOString() ?? null,
    breached: clocks.some((c) => c.state === 'breached') ? 1 : 0,
    resolutionWorkingMs: withCoverage(type.definition.calendar, () =>
      resolutionWorkingMs({ events, calendar: calendarOf(type.definition.calendar) }),
    ),
  });
  return clocks;
};
