import { createHash } from 'node:crypto';
import type { Executor } from '../../platform/db/database.js';
import { workingCalendarByCode } from '../calendar/calendar-clock.service.js';
import { addWorkingTime, parseDuration } from '../calendar/working-time.js';
import type { LoadedCaseType } from './case-types.service.js';
import type { CaseRow } from './cases.repo.js';
import * as casesRepo from './cases.repo.js';
import { withCoverage } from './case-clocks.service.js';

/* The callback (回访) a resolution opens under the case type's policy. */

/** Whether a resolved case is drawn for a callback: all under share 1, else a stable sample by case and cycle. */
export const drawnForCallback = (caseId: number, cycle: number, share: number): boolean => {
  if (share >= 1) return true;
  if (share <= 0) return false;
  const digest = createHash('sha256').update(`${caseId}:${cycle}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32 < share;
};

/** Opens the callback of this resolution when the type's policy draws the case; due in the type's calendar. */
export const openCallbackFor = async (tx: Executor, row: CaseRow, type: LoadedCaseType, now: Date) => {
  const policy = type.definition.callback;
  const cycle = row.reopenCount + 1;
  if (!policy || !drawnForCallback(row.id, cycle, policy.share)) return;
  const calendar = await workingCalendarByCode({ code: type.definition.calendar }, { db: tx });
  const dueAt = withCoverage(type.definition.calendar, () =>
    addWorkingTime({ calendar, start: now, duration: parseDuration(policy.within) }),
  );
  await casesRepo.insertCallbackIfAbsent(tx, {
    caseId: row.id,
    cycle,
    dueAt: dueAt.toISOString(),
    status: 'pending',
    reached: null,
    satisfaction: null,
    comment: null,
    recordedByUserId: null,
    recordedAt: null,
    createdAt: now.toISOString(),
  });
};
