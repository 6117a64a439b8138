import { describe, expect, it } from 'vitest';
import { compileCalendar } from '../calendar/working-time.js';
import type { CaseTypeDefinitionInput } from './case-type.schema.js';
import { limitsFor, ZCaseTypeDefinition } from './case-type.schema.js';
import type { SlaEvent } from './sla.js';
import { clockStatusAt, computeClocks, pausesOf, resolutionWorkingMs } from './sla.js';

const HOUR = 3_600_000;
const hours: [string, string][] = [
  ['09:00', '12:00'],
  ['13:30', '18:00'],
];
// Weekdays only, no holidays: the numbers below are easy to check by hand.
const calendar = compileCalendar({
  timeZone: 'Asia/Shanghai',
  weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: [], sun: [] },
  holidays: [],
  dateOverrides: [],
  coverage: { fromYear: 2026, toYear: 2026 },
});
const t = (local: string) => new Date(`${local}+08:00`).getTime();
const ev = (kind: string, local: string): SlaEvent => ({ kind, at: t(local) });

const typeInput: CaseTypeDefinitionInput = {
  key: 'repair',
  name: '维修',
  categories: [
    { key: 'water', name: '水', children: [{ key: 'leak', name: '漏水' }] },
    { key: 'lighting', name: '照明' },
  ],
  priorities: [
    { key: 'urgent', name: '紧急' },
    { key: 'normal', name: '一般' },
  ],
  clocks: [
    { key: 'response', name: '接单', startsAt: 'assigned', stopsAt: 'accepted' },
    { key: 'arrival', name: '到场', startsAt: 'accepted', stopsAt: 'started' },
    { key: 'resolution', name: '解决', startsAt: 'created', stopsAt: 'resolved' },
  ],
  limits: [
    { category: '*', priority: '*', limits: { response: '2wh', resolution: '4wh' } },
    { category: 'water', priority: 'urgent', limits: { arrival: '30m', resolution: '4h' } },
    { category: 'leak', priority: '*', limits: { resolution: '6wh' } },
    { category: 'lighting', priority: '*', limits: { resolution: '1wd' } },
  ],
};
const type = ZCaseTypeDefinition.parse(typeInput);
const clocksOf = (events: SlaEvent[], now: string, category = 'water', priority = 'normal') =>
  Object.fromEntries(
    computeClocks({
      type,
      categoryKey: category,
      priorityKey: priority,
      events,
      calendarOf: () => calendar,
      now: t(now),
    }).map((c) => [c.key, c]),
  );

describe('time-limit table', () => {
  it('takes the most specific row per clock: category depth first, then priority', () => {
    expect(limitsFor(type, { category: 'lighting', priority: 'normal' })).toEqual({
      response: '2wh',
      resolution: '1wd',
    });
    // leak (depth 2, any priority) beats water × urgent (depth 1) for resolution; arrival comes from water × urgent.
    expect(limitsFor(type, { category: 'leak', priority: 'urgent' })).toEqual({
      response: '2wh',
      arrival: '30m',
      resolution: '6wh',
    });
    expect(limitsFor(type, { category: 'water', priority: 'urgent' })).toEqual({
      response: '2wh',
      arrival: '30m',
      resolution: '4h',
    });
  });

  it('refuses a table that names a missing clock, category or priority, or a negative limit', () => {
    const bad = ZCaseTypeDefinition.safeParse({
      ...typeInput,
      limits: [
        { category: 'gas', priority: '*', limits: { resolution: '1wd' } },
        { category: '*', priority: 'low', limits: { resolution: '1wd' } },
        { category: '*', priority: '*', limits: { onsite: '1wd', resolution: '-2wh' } },
      ],
    });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'limits.0.category: unknown category gas',
        'limits.1.priority: unknown priority low',
        'limits.2.limits.onsite: unknown clock onsite',
        'limits.2.limits.resolution: must not be negative',
      ]),
    );
  });
});

describe('computeClocks', () => {
  const flow = [
    ev('created', '2026-11-23T09:00'), // Monday
    ev('assigned', '2026-11-23T09:10'),
    ev('accepted', '2026-11-23T10:00'),
    ev('started', '2026-11-23T10:20'),
  ];

  it('starts each clock at its event and stops it at its stage or any later one', () => {
    const c = clocksOf([...flow, ev('resolved', '2026-11-23T15:00')], '2026-11-23T16:00');
    expect(c.response).toMatchObject({ state: 'met', cycle: 1 });
    expect(c.response!.startedAt.getTime()).toBe(t('2026-11-23T09:10'));
    expect(c.response!.dueAt.getTime()).toBe(t('2026-11-23T11:10'));
    // 09:00 + 4 working hours: 3 before lunch, 1 after 13:30.
    expect(c.resolution!.dueAt.getTime()).toBe(t('2026-11-23T14:30'));
    expect(c.resolution).toMatchObject({ state: 'breached', pausedMs: 0 });
    expect(c.arrival).toBeUndefined(); // no arrival limit for water × normal
  });

  it('does not count paused working time and pushes the due time out by it', () => {
    const events = [
      ...flow,
      ev('paused', '2026-11-23T10:30'),
      ev('resumed', '2026-11-23T14:30'), // 1.5 h before lunch + 1 h after = 2.5 working hours
      ev('resolved', '2026-11-23T16:30'),
    ];
    const c = clocksOf(events, '2026-11-23T17:00');
    expect(c.resolution!.pausedMs).toBe(2.5 * HOUR);
    expect(c.resolution!.dueAt.getTime()).toBe(t('2026-11-23T17:00'));
    expect(c.resolution!.state).toBe('met');
    // The measured resolution time excludes the pause: 7.5 h elapsed minus 1.5 h lunch minus 2.5 h paused.
    expect(resolutionWorkingMs({ events, calendar })).toBe(3.5 * HOUR);
  });

  it('keeps an open pause open: the clock is paused and its due time moves with now', () => {
    const events = [...flow, ev('paused', '2026-11-23T11:00')];
    const at1500 = clocksOf(events, '2026-11-23T15:00').resolution!;
    expect(at1500.state).toBe('paused');
    // 2 working hours were used before the pause; 2 remain from 15:00 → 17:00.
    expect(at1500.dueAt.getTime()).toBe(t('2026-11-23T17:00'));
    expect(clocksOf(events, '2026-11-23T16:00').resolution!.dueAt.getTime()).toBe(t('2026-11-23T18:00'));
    expect(clocksOf(events, '2026-11-23T17:00').resolution!.dueAt.getTime()).toBe(t('2026-11-24T10:00'));
    expect(pausesOf(events, t('2026-11-23T15:00'))).toEqual([
      { start: t('2026-11-23T11:00'), end: t('2026-11-23T15:00') },
    ]);
  });

  it('recomputes from the same events when the category or priority changes', () => {
    const events = [...flow];
    const normal = clocksOf(events, '2026-11-23T11:00', 'water', 'normal').resolution!;
    const urgent = clocksOf(events, '2026-11-23T11:00', 'water', 'urgent').resolution!;
    const lighting = clocksOf(events, '2026-11-23T11:00', 'lighting', 'normal').resolution!;
    expect(normal.dueAt.getTime()).toBe(t('2026-11-23T14:30'));
    expect(urgent.limitText).toBe('4h');
    expect(urgent.dueAt.getTime()).toBe(t('2026-11-23T13:00')); // calendar hours: lunch counts
    expect(lighting.dueAt.getTime()).toBe(t('2026-11-24T18:00')); // one working day: close of business tomorrow
    expect(clocksOf(events, '2026-11-23T11:00', 'water', 'urgent').arrival!.dueAt.getTime()).toBe(
      t('2026-11-23T10:30'),
    );
  });

  it('restarts the resolution clock on reopening (rework) and leaves the others alone', () => {
    const events = [...flow, ev('resolved', '2026-11-23T11:00'), ev('reopened', '2026-11-24T09:00')];
    const c = clocksOf(events, '2026-11-24T10:00');
    expect(c.resolution).toMatchObject({ cycle: 2, state: 'running', stoppedAt: null });
    expect(c.resolution!.startedAt.getTime()).toBe(t('2026-11-24T09:00'));
    expect(c.resolution!.dueAt.getTime()).toBe(t('2026-11-24T14:30'));
    expect(c.response).toMatchObject({ cycle: 1, state: 'met' });
  });

  it('marks a clock at risk after the configured share of its limit, then overdue', () => {
    const c = clocksOf(flow, '2026-11-23T09:30').resolution!;
    // 80 % of 4 working hours = 3 h 12 m: 09:00 → 12:00 is 3 h, then 12 m after 13:30.
    expect(c.atRiskAt.getTime()).toBe(t('2026-11-23T13:42'));
    expect(clockStatusAt(c, t('2026-11-23T13:41'))).toBe('on_track');
    expect(clockStatusAt(c, t('2026-11-23T13:42'))).toBe('at_risk');
    expect(clockStatusAt(c, t('2026-11-23T14:31'))).toBe('overdue');
  });

  it('stops running clocks as cancelled when the case is cancelled', () => {
    const c = clocksOf([...flow, ev('cancelled', '2026-11-23T11:00')], '2026-11-23T12:00');
    expect(c.resolution).toMatchObject({ state: 'cancelled' });
    expect(c.resolution!.stoppedAt!.getTime()).toBe(t('2026-11-23T11:00'));
  });
});

describe('computeClocks on imported histories', () => {
  it('does not start a clock whose start stage the history skipped', () => {
    const events = [
      ev('created', '2026-11-23T09:00'),
      ev('resolved', '2026-11-23T15:00'),
      ev('closed', '2026-11-23T15:00'),
    ];
    const c = clocksOf(events, '2026-11-30T09:00');
    expect(c.response).toBeUndefined(); // assigned → accepted never happened
    expect(c.resolution).toMatchObject({ state: 'breached' });
  });
});
