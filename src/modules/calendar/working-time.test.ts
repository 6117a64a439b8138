import { describe, expect, it } from 'vitest';
import {
  addWorkingTime,
  CalendarCoverageError,
  compileCalendar,
  describeDay,
  describeInstant,
  DurationSyntaxError,
  formatDuration,
  isWorkingDay,
  isWorkingTime,
  measureWorkingTime,
  nextOpening,
  parseDuration,
  workingDayOffset,
  ZCalendarDefinition,
  ZDurationText,
} from './working-time.js';
import type { CalendarDefinition, Duration, WorkingCalendar } from './working-time.js';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
const wh = (hours: number): Duration => ({ kind: 'working', ms: hours * HOUR });
const wd = (days: number): Duration => ({ kind: 'workingDays', days });

// Mon–Fri 09:00–12:00, 13:30–18:00 in Asia/Shanghai with the official 2026 arrangement
// (国办发明电 2025-11-04), built by hand: 33 off days, 6 make-up working days (调休上班).
const hours: [string, string][] = [
  ['09:00', '12:00'],
  ['13:30', '18:00'],
];
const china2026: CalendarDefinition = {
  timeZone: 'Asia/Shanghai',
  weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: [], sun: [] },
  holidays: [
    { from: '2026-01-01', to: '2026-01-03', name: '元旦' },
    { from: '2026-02-15', to: '2026-02-23', name: '春节' },
    { from: '2026-04-04', to: '2026-04-06', name: '清明节' },
    { from: '2026-05-01', to: '2026-05-05', name: '劳动节' },
    { from: '2026-06-19', to: '2026-06-21', name: '端午节' },
    { from: '2026-09-25', to: '2026-09-27', name: '中秋节' },
    { from: '2026-10-01', to: '2026-10-07', name: '国庆节' },
  ],
  dateOverrides: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'].map(
    (date) => ({ date, hours }),
  ),
  coverage: { fromYear: 2026, toYear: 2026 },
};
const calendar = compileCalendar(china2026);
const add = (start: string, duration: Duration, cal: WorkingCalendar = calendar) =>
  addWorkingTime({ calendar: cal, start: at(start), duration }).toISOString();
const iso = (local: string) => at(local).toISOString();

describe('the 2026 examples of the issue (callback within one working day)', () => {
  it('a repair resolved on 2026-09-30 is due at close of business on 2026-10-08 (1–7 October are holidays)', () => {
    for (const resolved of [
      '2026-09-30T08:00:00+08:00',
      '2026-09-30T15:20:00+08:00',
      '2026-09-30T19:30:00+08:00',
    ])
      expect(add(resolved, parseDuration('1wd'))).toBe(iso('2026-10-08T18:00:00+08:00'));
  });

  it('one resolved on Friday 2026-10-09 is due on Saturday 2026-10-10, a make-up working day', () => {
    expect(add('2026-10-09T16:45:00+08:00', wd(1))).toBe(iso('2026-10-10T18:00:00+08:00'));
    expect(isWorkingDay({ calendar, date: '2026-10-10' })).toBe(true);
    expect(describeDay({ calendar, date: '2026-10-10' })).toMatchObject({ weekday: 'sat', override: true });
  });

  it('a start on a holiday counts from the next working day; the start date is never counted', () => {
    expect(add('2026-10-03T11:00:00+08:00', wd(1))).toBe(iso('2026-10-08T18:00:00+08:00'));
    expect(add('2026-10-03T11:00:00+08:00', wd(2))).toBe(iso('2026-10-09T18:00:00+08:00'));
    expect(add('2026-10-08T09:00:00+08:00', wd(1))).toBe(iso('2026-10-09T18:00:00+08:00'));
  });

  it('zero working days is close of business today, or of the next working day once today is over', () => {
    expect(add('2026-09-30T10:00:00+08:00', wd(0))).toBe(iso('2026-09-30T18:00:00+08:00'));
    expect(add('2026-09-30T18:00:00+08:00', wd(0))).toBe(iso('2026-10-08T18:00:00+08:00'));
  });

  it('negative working days give the opening of the N-th working day before', () => {
    expect(add('2026-10-08T15:00:00+08:00', wd(-1))).toBe(iso('2026-09-30T09:00:00+08:00'));
    expect(add('2026-09-21T10:00:00+08:00', wd(-1))).toBe(iso('2026-09-20T09:00:00+08:00'));
  });

  it('has the official number of working days: 261 weekdays − 19 off + 6 make-up = 248', () => {
    let count = 0;
    for (
      let day = new Date(Date.UTC(2026, 0, 1));
      day.getUTCFullYear() === 2026;
      day.setUTCDate(day.getUTCDate() + 1)
    )
      if (isWorkingDay({ calendar, date: day.toISOString().slice(0, 10) })) count++;
    expect(count).toBe(248);
  });

  it('finds working days like chinese-days findWorkday, make-up days included', () => {
    expect(workingDayOffset({ calendar, date: '2026-09-30', delta: 1 })).toBe('2026-10-08');
    expect(workingDayOffset({ calendar, date: '2026-10-08', delta: -1 })).toBe('2026-09-30');
    expect(workingDayOffset({ calendar, date: '2026-10-01', delta: 0 })).toBe('2026-10-08');
    expect(workingDayOffset({ calendar, date: '2026-09-18', delta: 1 })).toBe('2026-09-20');
    expect(workingDayOffset({ calendar, date: '2026-02-13', delta: 2 })).toBe('2026-02-24');
  });
});

describe('working time', () => {
  it('skips lunch, nights and the National Day holidays', () => {
    expect(add('2026-09-30T11:00:00+08:00', wh(2))).toBe(iso('2026-09-30T14:30:00+08:00'));
    expect(add('2026-09-30T17:00:00+08:00', wh(2))).toBe(iso('2026-10-08T10:00:00+08:00'));
    expect(
      measureWorkingTime({
        calendar,
        start: at('2026-09-30T09:00:00+08:00'),
        end: at('2026-10-08T12:00:00+08:00'),
      }),
    ).toBe(10.5 * HOUR);
  });

  it('a limit used up exactly at closing time is due at the closing instant, not the next opening', () => {
    expect(add('2026-09-30T16:00:00+08:00', wh(2))).toBe(iso('2026-09-30T18:00:00+08:00'));
    expect(add('2026-09-30T10:00:00+08:00', wh(2))).toBe(iso('2026-09-30T12:00:00+08:00'));
  });

  it('a start outside working hours counts from the next opening', () => {
    expect(add('2026-09-30T12:30:00+08:00', parseDuration('30wm'))).toBe(iso('2026-09-30T14:00:00+08:00'));
    expect(add('2026-10-03T10:00:00+08:00', wh(1))).toBe(iso('2026-10-08T10:00:00+08:00'));
    expect(add('2026-10-09T18:00:00+08:00', wh(4))).toBe(iso('2026-10-10T14:30:00+08:00'));
    expect(add('2026-09-30T12:30:00+08:00', wh(0))).toBe(iso('2026-09-30T13:30:00+08:00'));
  });

  it('goes backwards, ending at an opening when it runs out there', () => {
    expect(add('2026-10-08T10:00:00+08:00', wh(-2))).toBe(iso('2026-09-30T17:00:00+08:00'));
    expect(add('2026-09-30T14:30:00+08:00', wh(-1))).toBe(iso('2026-09-30T13:30:00+08:00'));
    expect(add('2026-09-30T13:30:00+08:00', wh(-3))).toBe(iso('2026-09-30T09:00:00+08:00'));
  });

  it('calendar durations ignore the calendar (a holiday is still 24 hours long)', () => {
    expect(add('2026-10-01T10:00:00+08:00', parseDuration('4h'))).toBe(iso('2026-10-01T14:00:00+08:00'));
    expect(add('2026-10-01T10:00:00+08:00', parseDuration('3d'))).toBe(iso('2026-10-04T10:00:00+08:00'));
  });

  it('stops the clock during pauses, for adding and for measuring', () => {
    const pauses = [{ start: at('2026-09-29T11:00:00+08:00'), end: at('2026-09-29T14:30:00+08:00') }];
    const start = at('2026-09-29T10:00:00+08:00');
    const due = addWorkingTime({ calendar, start, duration: wh(4), pauses });
    expect(due.toISOString()).toBe(iso('2026-09-29T17:30:00+08:00'));
    expect(measureWorkingTime({ calendar, start, end: due, pauses })).toBe(4 * HOUR);
    expect(measureWorkingTime({ calendar, start, end: due })).toBe(6 * HOUR);
    // Calendar time stops too: 4h plus the 3.5h pause.
    expect(addWorkingTime({ calendar, start, duration: parseDuration('4h'), pauses }).toISOString()).toBe(
      iso('2026-09-29T17:30:00+08:00'),
    );
  });

  it('pushes a working-day due time out by the working time paused before it', () => {
    const start = at('2026-09-29T15:00:00+08:00');
    expect(addWorkingTime({ calendar, start, duration: wd(1) }).toISOString()).toBe(
      iso('2026-09-30T18:00:00+08:00'),
    );
    const pauses = [{ start: at('2026-09-30T09:00:00+08:00'), end: at('2026-09-30T12:00:00+08:00') }];
    expect(addWorkingTime({ calendar, start, duration: wd(1), pauses }).toISOString()).toBe(
      iso('2026-10-08T12:00:00+08:00'),
    );
  });

  it('refuses pauses on a backward duration', () => {
    const pauses = [{ start: at('2026-09-29T11:00:00+08:00'), end: at('2026-09-29T12:00:00+08:00') }];
    expect(() =>
      addWorkingTime({ calendar, start: at('2026-09-29T15:00:00+08:00'), duration: wh(-1), pauses }),
    ).toThrow(/forward/);
  });

  it('measures 0 when the end is not after the start, and whole years at once', () => {
    expect(
      measureWorkingTime({
        calendar,
        start: at('2026-10-08T12:00:00+08:00'),
        end: at('2026-09-30T09:00:00+08:00'),
      }),
    ).toBe(0);
    // 248 working days × 7.5 h.
    expect(
      measureWorkingTime({
        calendar,
        start: at('2026-01-01T00:00:00+08:00'),
        end: at('2027-01-01T00:00:00+08:00'),
      }),
    ).toBe(248 * 7.5 * HOUR);
  });

  it('answers is-open with [opening, closing): the closing instant is closed', () => {
    expect(isWorkingTime({ calendar, at: at('2026-09-30T09:00:00+08:00') })).toBe(true);
    expect(isWorkingTime({ calendar, at: at('2026-09-30T12:00:00+08:00') })).toBe(false);
    expect(isWorkingTime({ calendar, at: at('2026-10-10T10:00:00+08:00') })).toBe(true);
  });

  it('finds the next and the previous opening', () => {
    expect(nextOpening({ calendar, at: at('2026-09-30T18:00:00+08:00'), direction: 'forward' })).toEqual({
      start: at('2026-10-08T09:00:00+08:00'),
      end: at('2026-10-08T12:00:00+08:00'),
    });
    expect(nextOpening({ calendar, at: at('2026-09-30T10:00:00+08:00') })).toEqual({
      start: at('2026-09-30T10:00:00+08:00'),
      end: at('2026-09-30T12:00:00+08:00'),
    });
    expect(nextOpening({ calendar, at: at('2026-10-08T09:00:00+08:00'), direction: 'backward' })).toEqual({
      start: at('2026-09-30T13:30:00+08:00'),
      end: at('2026-09-30T18:00:00+08:00'),
    });
  });

  it('jumps over many years of working time without walking', () => {
    const open = compileCalendar({ ...china2026, holidays: [], dateOverrides: [], coverage: undefined });
    const start = at('2020-03-02T10:00:00+08:00');
    const due = addWorkingTime({ calendar: open, start, duration: wh(20_000) });
    expect(measureWorkingTime({ calendar: open, start, end: due })).toBe(20_000 * HOUR);
    expect(due.getUTCFullYear()).toBe(2030);
    expect(addWorkingTime({ calendar: open, start: due, duration: wh(-20_000) })).toEqual(start);
  });
});

describe('coverage', () => {
  const expectCoverageError = (action: () => unknown, year: number) => {
    let error: unknown;
    try {
      action();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CalendarCoverageError);
    expect((error as CalendarCoverageError).year).toBe(year);
    expect((error as Error).message).toContain(String(year));
  };

  it('refuses a date in a year whose holidays it does not know, naming the year', () => {
    expectCoverageError(() => add('2026-12-31T17:00:00+08:00', wh(2)), 2027);
    expectCoverageError(() => add('2026-12-31T10:00:00+08:00', wd(1)), 2027);
    expectCoverageError(() => add('2025-12-31T10:00:00+08:00', wh(1)), 2025);
    expectCoverageError(() => add('2026-01-05T10:00:00+08:00', wh(-10)), 2025);
    expectCoverageError(() => isWorkingDay({ calendar, date: '2027-01-04' }), 2027);
    expectCoverageError(() => workingDayOffset({ calendar, date: '2026-12-31', delta: 1 }), 2027);
    expectCoverageError(
      () =>
        measureWorkingTime({
          calendar,
          start: at('2025-12-31T10:00:00+08:00'),
          end: at('2026-01-05T10:00:00+08:00'),
        }),
      2025,
    );
    expectCoverageError(() => nextOpening({ calendar, at: at('2026-12-31T18:00:00+08:00') }), 2027);
  });

  it('answers up to the last instant of the covered years', () => {
    expect(add('2026-12-31T17:00:00+08:00', wh(1))).toBe(iso('2026-12-31T18:00:00+08:00'));
    expect(
      measureWorkingTime({
        calendar,
        start: at('2026-12-31T17:00:00+08:00'),
        end: at('2027-01-01T00:00:00+08:00'),
      }),
    ).toBe(HOUR);
    expect(
      nextOpening({ calendar, at: at('2027-01-01T00:00:00+08:00'), direction: 'backward' })?.end,
    ).toEqual(at('2026-12-31T18:00:00+08:00'));
  });

  it('does not need coverage for calendar time', () => {
    expect(add('2030-01-01T00:00:00+08:00', parseDuration('4h'))).toBe(iso('2030-01-01T04:00:00+08:00'));
  });
});

describe('time zones and daylight saving', () => {
  const allDay: [string, string][] = [['00:00', '24:00']];
  const berlin = compileCalendar({
    timeZone: 'Europe/Berlin',
    weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
  });

  it('a spring-forward day has 23 working hours and a fall-back day 25', () => {
    const day = (start: string, end: string) =>
      measureWorkingTime({ calendar: berlin, start: at(start), end: at(end) });
    expect(day('2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00')).toBe(23 * HOUR);
    expect(day('2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00')).toBe(25 * HOUR);
    expect(describeDay({ calendar: berlin, date: '2026-03-29' }).segments).toEqual([
      { start: at('2026-03-29T00:00:00+01:00'), end: at('2026-03-30T00:00:00+02:00') },
    ]);
  });

  it('reads a repeated wall time as its first occurrence and moves a skipped one past the gap', () => {
    const night: [string, string][] = [['02:30', '04:00']];
    const shift = compileCalendar({
      timeZone: 'Europe/Berlin',
      weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: night },
    });
    // 25 October: 02:30 happens twice; from the first (CEST) to 04:00 CET is 2.5 hours.
    expect(describeDay({ calendar: shift, date: '2026-10-25' }).segments).toEqual([
      { start: at('2026-10-25T02:30:00+02:00'), end: at('2026-10-25T04:00:00+01:00') },
    ]);
    // 29 March: 02:30 does not exist and becomes 03:30 CEST, so 02:30–04:00 lasts 30 minutes.
    expect(describeDay({ calendar: shift, date: '2026-03-29' }).segments).toEqual([
      { start: at('2026-03-29T03:30:00+02:00'), end: at('2026-03-29T04:00:00+02:00') },
    ]);
  });

  it('keeps local opening hours across the change', () => {
    const office = compileCalendar({
      ...china2026,
      timeZone: 'Europe/Berlin',
      holidays: [],
      dateOverrides: [],
      coverage: undefined,
    });
    // Friday 27 March 17:00 CET + 2 working hours → Monday 30 March 10:00 CEST.
    expect(add('2026-03-27T17:00:00+01:00', wh(2), office)).toBe(iso('2026-03-30T10:00:00+02:00'));
  });

  it('reads holidays in the calendar zone, whatever the zone of the instant', () => {
    expect(isWorkingTime({ calendar, at: at('2026-10-07T20:00:00-05:00') })).toBe(true); // 10-08 09:00 Shanghai
    expect(isWorkingTime({ calendar, at: at('2026-10-07T19:59:00-05:00') })).toBe(false);
  });
});

describe('days and instants explained', () => {
  const withExtras = compileCalendar({
    ...china2026,
    holidays: [
      ...(china2026.holidays ?? []),
      { from: '2020-06-01', to: '2020-06-01', yearly: true, name: '司庆' },
    ],
    dateOverrides: [...(china2026.dateOverrides ?? []), { date: '2026-10-03', hours: [['09:00', '12:00']] }],
    dateBreaks: [{ date: '2026-09-29', start: '10:00', end: '10:30' }],
    leaves: [{ start: '2026-09-28T15:00:00+08:00', end: '2026-09-28T16:00:00+08:00' }],
  });

  it('says why an instant is not working time', () => {
    const reason = (iso: string) => describeInstant({ calendar: withExtras, at: at(iso) }).reason;
    expect(reason('2026-10-01T10:00:00+08:00')).toBe('holiday');
    expect(reason('2026-09-29T10:15:00+08:00')).toBe('break');
    expect(reason('2026-09-28T15:30:00+08:00')).toBe('leave');
    expect(reason('2026-09-29T12:30:00+08:00')).toBe('closed');
    expect(reason('2026-09-29T10:30:00+08:00')).toBe('open');
    expect(describeInstant({ calendar: withExtras, at: at('2026-09-30T23:30:00+08:00') }).date).toBe(
      '2026-09-30',
    );
  });

  it('lets an override win over a holiday (on-duty day) and matches yearly holidays every year', () => {
    expect(describeDay({ calendar: withExtras, date: '2026-10-03' })).toMatchObject({
      workingDay: true,
      override: true,
      holiday: { name: '国庆节' },
    });
    expect(describeDay({ calendar: withExtras, date: '2026-06-01' })).toMatchObject({
      workingDay: false,
      holiday: { name: '司庆' },
    });
    expect(describeDay({ calendar: withExtras, date: '2026-09-28' }).segments).toEqual([
      { start: at('2026-09-28T09:00:00+08:00'), end: at('2026-09-28T12:00:00+08:00') },
      { start: at('2026-09-28T13:30:00+08:00'), end: at('2026-09-28T15:00:00+08:00') },
      { start: at('2026-09-28T16:00:00+08:00'), end: at('2026-09-28T18:00:00+08:00') },
    ]);
  });
});

describe('the calendar schema', () => {
  const issues = (definition: unknown) => {
    const result = ZCalendarDefinition.safeParse(definition);
    expect(result.success).toBe(false);
    return result.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };
  const base = { timeZone: 'Asia/Shanghai', weekly: china2026.weekly };

  it('accepts the 2026 calendar', () => {
    expect(ZCalendarDefinition.safeParse(china2026).success).toBe(true);
  });

  it('names the field of a bad time, an empty range and overlapping hours', () => {
    expect(issues({ ...base, weekly: { ...base.weekly, mon: [['09:00', '25:00']] } })).toEqual([
      { path: 'weekly.mon.0.1', message: expect.stringContaining('HH:MM') },
    ]);
    expect(issues({ ...base, weekly: { ...base.weekly, tue: [['18:00', '09:00']] } })).toEqual([
      { path: 'weekly.tue.0', message: 'start 18:00 is not before end 09:00' },
    ]);
    expect(
      issues({
        ...base,
        weekly: {
          ...base.weekly,
          wed: [
            ['13:00', '18:00'],
            ['09:00', '13:30'],
          ],
        },
      }),
    ).toEqual([{ path: 'weekly.wed.0', message: '13:00–18:00 overlaps 09:00–13:30' }]);
    expect(
      issues({ ...base, dateOverrides: [{ date: '2026-10-10', hours: [['09:00', '09:00']] }] })[0]?.path,
    ).toBe('dateOverrides.0.hours.0');
  });

  it('names bad zones, dates, holidays, duplicates, breaks, leaves and coverage', () => {
    expect(issues({ ...base, timeZone: 'Mars/Olympus' })[0]?.path).toBe('timeZone');
    expect(issues({ ...base, holidays: [{ from: '2026-02-30', to: '2026-03-01' }] })[0]?.path).toBe(
      'holidays.0.from',
    );
    expect(issues({ ...base, holidays: [{ from: '2026-10-07', to: '2026-10-01' }] })[0]?.path).toBe(
      'holidays.0.to',
    );
    expect(
      issues({
        ...base,
        dateOverrides: [
          { date: '2026-10-10', hours },
          { date: '2026-10-10', hours: [] },
        ],
      })[0]?.path,
    ).toBe('dateOverrides.1.date');
    expect(
      issues({ ...base, dateBreaks: [{ date: '2026-10-10', start: '11:00', end: '10:00' }] })[0]?.path,
    ).toBe('dateBreaks.0.end');
    expect(
      issues({ ...base, leaves: [{ start: '2026-10-10T10:00:00', end: '2026-10-10T11:00:00+08:00' }] })[0]
        ?.path,
    ).toBe('leaves.0.start');
    expect(issues({ ...base, coverage: { fromYear: 2027, toYear: 2026 } })[0]?.path).toBe('coverage.toYear');
    expect(issues({ ...base, weekly: { mon: [] } }).map((i) => i.path)).toContain('weekly.tue');
  });

  it('is enforced by compileCalendar', () => {
    expect(() => compileCalendar({ ...china2026, timeZone: 'Nowhere/Town' })).toThrow(/timeZone/);
  });
});

describe('duration strings', () => {
  it('parses calendar time, working time and working days', () => {
    expect(parseDuration('4h')).toEqual({ kind: 'calendar', ms: 4 * HOUR });
    expect(parseDuration('30m')).toEqual({ kind: 'calendar', ms: 30 * 60_000 });
    expect(parseDuration('3d')).toEqual({ kind: 'calendar', ms: 72 * HOUR });
    expect(parseDuration('2wh')).toEqual({ kind: 'working', ms: 2 * HOUR });
    expect(parseDuration('90wm')).toEqual({ kind: 'working', ms: 90 * 60_000 });
    expect(parseDuration('1wd')).toEqual({ kind: 'workingDays', days: 1 });
    expect(parseDuration(' 1.5wh ')).toEqual({ kind: 'working', ms: 1.5 * HOUR });
    expect(parseDuration('-2wh')).toEqual({ kind: 'working', ms: -2 * HOUR });
    expect(parseDuration('0wd')).toEqual({ kind: 'workingDays', days: 0 });
  });

  it('refuses anything else with an error that says what is expected', () => {
    for (const bad of ['', '4', 'h', '4x', '4 h', '4H', '1.5wd', 'wd1', '1wd2', '--1h', '.5h', '1e3m']) {
      expect(() => parseDuration(bad), bad).toThrow(DurationSyntaxError);
    }
    expect(() => parseDuration('4x')).toThrow(/Invalid duration "4x": expected a number and a unit.*2wh/);
    expect(() => parseDuration('1.5wd')).toThrow(/whole number/);
    try {
      parseDuration('soon');
    } catch (error) {
      expect((error as DurationSyntaxError).duration).toBe('soon');
    }
    expect(ZDurationText.safeParse('2wx').success).toBe(false);
    expect(ZDurationText.parse('2wh')).toEqual({ kind: 'working', ms: 2 * HOUR });
  });

  it('formats what it parses', () => {
    for (const text of ['4h', '30m', '3d', '2wh', '90wm', '1wd', '-2wh', '0.5m', '-3wd'])
      expect(formatDuration(parseDuration(text))).toBe(text);
  });
});
