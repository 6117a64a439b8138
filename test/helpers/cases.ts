import type { Db } from '../../src/platform/db/database.js';
import type { Clock } from '../../src/platform/clock.js';
import { systemActor } from '../../src/platform/access.js';
import { ensureStandardCalendar } from '../../src/modules/calendar/calendar.service.js';
import type { CaseTypeDefinitionInput } from '../../src/modules/cases/case-type.schema.js';
import { installCaseType } from '../../src/modules/cases/case-types.service.js';
import type { CreateCaseInput } from '../../src/modules/cases/cases.schema.js';
import { createCase } from '../../src/modules/cases/cases.service.js';
import type { Actor } from '../../src/platform/access.js';

/** A repair type small enough to reason about in tests: times in the CN-STD calendar (09:00–12:00, 13:30–18:00). */
export const repairType: CaseTypeDefinitionInput = {
  key: 'repair',
  name: '报修',
  nameEn: 'Repair',
  calendar: 'CN-STD',
  fields: [
    { key: 'room', label: '房号', type: 'text', required: true },
    { key: 'floors', label: '楼层数', type: 'number' },
  ],
  categories: [
    { key: 'water', name: '给排水', children: [{ key: 'leak', name: '漏水' }] },
    { key: 'lighting', name: '公共照明' },
  ],
  priorities: [
    { key: 'urgent', name: '紧急' },
    { key: 'normal', name: '一般' },
  ],
  defaultPriority: 'normal',
  reasons: [
    { key: 'wear', name: '老化', children: [{ key: 'wear.pipe', name: '管道老化' }] },
    { key: 'misuse', name: '使用不当' },
  ],
  closing: { requireReason: true, requireFeedback: true },
  clocks: [
    { key: 'response', name: '接单', startsAt: 'assigned', stopsAt: 'accepted' },
    { key: 'resolution', name: '解决', startsAt: 'created', stopsAt: 'resolved' },
  ],
  limits: [
    { category: '*', priority: '*', limits: { response: '1wh', resolution: '1wd' } },
    { category: 'water', priority: 'urgent', limits: { response: '15m', resolution: '4h' } },
  ],
  pauseReasons: [{ key: 'parts', name: '等待配件' }],
  callback: { within: '1wd', share: 1, reopenAtOrBelow: 2 },
  escalations: [
    { level: 1, clock: 'resolution', offset: '0m', notify: ['assignee', 'unit_managers'] },
    {
      level: 2,
      clock: 'resolution',
      offset: '2wh',
      notify: ['parent_unit_managers'],
      reassignTo: 'unit_manager',
    },
  ],
  repeatWithinDays: 30,
};

/** CN-STD and the repair type, installed by the system. */
export const installRepairType = async (
  db: Db,
  clock: Clock,
  overrides: Partial<CaseTypeDefinitionInput> = {},
) => {
  await ensureStandardCalendar({ db, clock });
  return db
    .transaction()
    .execute((tx) =>
      installCaseType(
        tx,
        { ...repairType, ...overrides },
        { clock, actor: systemActor('test'), mode: 'upsert' },
      ),
    );
};

export const buildCase = (
  db: Db,
  clock: Clock,
  actor: Actor,
  overrides: Partial<CreateCaseInput> & { unitId: number },
) =>
  createCase(
    {
      caseType: 'repair',
      title: '3 栋 1 单元漏水',
      category: 'leak',
      fields: { room: '3-1-101' },
      ...overrides,
    },
    { db, clock, actor },
  );
