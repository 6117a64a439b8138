// Property tests over random calendars (zones with and without DST, holidays, overrides, breaks,
// leaves), random starts and durations; plus a minute-walking oracle written from the definition
// alone, which the compiled engine must match to the minute.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorkingTime,
  compileCalendar,
  describeInstant,
  isWorkingTime,
  measureWorkingTime,
  nextOpening,
  weekdays,
  workingDayOffset,
} from './working-time.js';
import type { CalendarDefinition, Pause, Weekday, WorkingCalendar } from './working-time.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const Y2026 = Date.UTC(2026, 0, 1);
const runs = { numRuns: 150 };

const toMinutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const dateOf = (dayOffset: number) => new Date(Y2026 + dayOffset * DAY).toISOString().slice(0, 10);

/** Up to three disjoint ranges of one day on a quarter-hour grid, from `earliest` minutes on. */
const arbHours = (earliest: number) =>
  fc.uniqueArray(fc.integer({ min: earliest / 15, max: 96 }), { maxLength: 6 }).map((points) => {
    const sorted = points.sort((a, b) => a - b);
    const ranges: [string, string][] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2)
      ranges.push([clock(sorted[i]! * 15), clock(sorted[i + 1]! * 15)]);
    return ranges;
  });

const weeklyMinutes = (weekly: Record<Weekday, [string, string][]>) =>
  Object.values(weekly)
    .flat()
    .reduce((sum, [s, e]) => sum + toMinutes(e) - toMinutes(s), 0);

const arbCalendar = (zones: string[], earliest: number): fc.Arbitrary<CalendarDefinition> =>
  fc
    .record({
      timeZone: fc.constantFrom(...zones),
      weekly: fc.record(
        Object.fromEntries(weekdays.map((d) => [d, arbHours(earliest)])) as Record<
          Weekday,
          ReturnType<typeof arbHours>
        >,
      ),
      holidays: fc.array(
        fc.record({
          day: fc.integer({ min: -40, max: 400 }),
          length: fc.integer({ min: 0, max: 9 }),
          yearly: fc.boolean(),
        }),
        { maxLength: 5 },
      ),
      overrides: fc.uniqueArray(
        fc.record({ day: fc.integer({ min: -40, max: 400 }), hours: arbHours(earliest) }),
        {
          maxLength: 5,
          selector: (o) => o.day,
        },
      ),
      breaks: fc.array(
        fc.record({
          day: fc.integer({ min: -40, max: 400 }),
          from: fc.integer({ min: earliest / 15, max: 95 }),
          quarters: fc.integer({ min: 1, max: 12 }),
        }),
        { maxLength: 5 },
      ),
      leaves: fc.array(
        fc.record({
          minute: fc.integer({ min: -60 * 24 * 40, max: 60 * 24 * 400 }),
          minutes: fc.integer({ min: 1, max: 3 * 24 * 60 }),
        }),
        {
          maxLength: 3,
        },
      ),
    })
    .map(({ timeZone, weekly, holidays, overrides, breaks, leaves }) => ({
      timeZone,
      // At least eight hours a week, so that the oracle's walks stay short.
      weekly:
        weeklyMinutes(weekly) >= 480 ? weekly : { ...weekly, wed: [['09:00', '17:00'] as [string, string]] },
      holidays: holidays.map((h) => ({
        from: dateOf(h.day),
        to: dateOf(h.day + h.length),
        yearly: h.yearly,
      })),
      dateOverrides: overrides.map((o) => ({ date: dateOf(o.day), hours: o.hours })),
      dateBreaks: breaks.map((b) => ({
        date: dateOf(b.day),
        start: clock(b.from * 15),
        end: clock(Math.min(96, b.from + b.quarters) * 15),
      })),
      leaves: leaves.map((l) => ({
        start: new Date(Y2026 + l.minute * MINUTE).toISOString(),
        end: new Date(Y2026 + (l.minute + l.minutes) * MINUTE).toISOString(),
      })),
    }));

const allZones = [
  'Asia/Shanghai',
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'America/Sao_Paulo',
];
const anyCalendar = arbCalendar(allZones, 0).map((d) => compileCalendar(d));
const instant2026 = fc.integer({ min: Y2026, max: Y2026 + 365 * DAY - 1 });
const workingMs = fc.integer({ min: 1, max: 100 * HOUR });
const working = (ms: number) => ({ kind: 'working', ms }) as const;
const add = (calendar: WorkingCalendar, start: number, ms: number) =>
  addWorkingTime({ calendar, start, duration: working(ms) }).getTime();
const measure = (calendar: WorkingCalendar, start: number, end: number, pauses?: Pause[]) =>
  measureWorkingTime({ calendar, start, end, pauses });

describe('working time properties (random calendars)', () => {
  it('measuring what was added gives it back, and the due time is the earliest such instant', () => {
    fc.assert(
      fc.property(anyCalendar, instant2026, workingMs, (calendar, start, ms) => {
        const due = add(calendar, start, ms);
        expect(measure(calendar, start, due)).toBe(ms);
        expect(measure(calendar, start, due - 1)).toBe(ms - 1);
        const back = add(calendar, start, -ms);
        expect(measure(calendar, back, start)).toBe(ms);
        expect(measure(calendar, back + 1, start)).toBe(ms - 1);
      }),
      runs,
    );
  });

  it('a duration used up exactly at a closing time is due at that closing instant', () => {
    fc.assert(
      fc.property(
        anyCalendar,
        instant2026,
        fc.integer({ min: 0, max: 20 * DAY }),
        (calendar, start, ahead) => {
          const close = nextOpening({ calendar, at: start + ahead })!.end.getTime();
          expect(add(calendar, start, measure(calendar, start, close))).toBe(close);
          // And backwards, a duration used up exactly at an opening is due at that opening.
          const open = nextOpening({ calendar, at: start - ahead, direction: 'backward' })!.start.getTime();
          expect(add(calendar, start, -measure(calendar, open, start))).toBe(open);
        },
      ),
      runs,
    );
  });

  it('due times are working time, or exactly a closing instant going forward', () => {
    fc.assert(
      fc.property(anyCalendar, instant2026, workingMs, (calendar, start, ms) => {
        const due = add(calendar, start, ms);
        const open = isWorkingTime({ calendar, at: due });
        // Not open → it is the closing instant of the segment it ran out in.
        if (!open) expect(isWorkingTime({ calendar, at: due - 1 })).toBe(true);
        expect(isWorkingTime({ calendar, at: add(calendar, start, -ms) })).toBe(true);
        expect(isWorkingTime({ calendar, at: add(calendar, start, 0) })).toBe(true);
      }),
      runs,
    );
  });

  it('is monotone in the start, for working time and for working days', () => {
    fc.assert(
      fc.property(
        anyCalendar,
        instant2026,
        fc.integer({ min: 0, max: 10 * DAY }),
        workingMs,
        fc.integer({ min: -15, max: 15 }),
        (calendar, a, gap, ms, days) => {
          const b = a + gap;
          expect(add(calendar, a, ms)).toBeLessThanOrEqual(add(calendar, b, ms));
          expect(add(calendar, a, -ms)).toBeLessThanOrEqual(add(calendar, b, -ms));
          const byDays = (start: number) =>
            addWorkingTime({ calendar, start, duration: { kind: 'workingDays', days } }).getTime();
          expect(byDays(a)).toBeLessThanOrEqual(byDays(b));
        },
      ),
      runs,
    );
  });

  it('measures additively: measure(a, c) = measure(a, b) + measure(b, c)', () => {
    fc.assert(
      fc.property(anyCalendar, fc.array(instant2026, { minLength: 3, maxLength: 3 }), (calendar, points) => {
        const [a, b, c] = points.sort((x, y) => x - y) as [number, number, number];
        expect(measure(calendar, a, c)).toBe(measure(calendar, a, b) + measure(calendar, b, c));
      }),
      runs,
    );
  });

  it('adds associatively: (t + x) + y = t + (x + y)', () => {
    fc.assert(
      fc.property(anyCalendar, instant2026, workingMs, workingMs, (calendar, start, x, y) => {
        expect(add(calendar, add(calendar, start, x), y)).toBe(add(calendar, start, x + y));
      }),
      runs,
    );
  });

  it('with pauses, the unpaused working time from start to due is the duration', () => {
    const arbPauses = fc.array(
      fc.record({
        offset: fc.integer({ min: -DAY, max: 20 * DAY }),
        length: fc.integer({ min: 1, max: 3 * DAY }),
      }),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(anyCalendar, instant2026, workingMs, arbPauses, (calendar, start, ms, raw) => {
        const pauses = raw.map((p) => ({ start: start + p.offset, end: start + p.offset + p.length }));
        const due = addWorkingTime({ calendar, start, duration: working(ms), pauses }).getTime();
        expect(measure(calendar, start, due, pauses)).toBe(ms);
        expect(measure(calendar, start, due - 1, pauses)).toBe(ms - 1);
      }),
      runs,
    );
  });

  it('N working days end at the close of the working day workingDayOffset names', () => {
    fc.assert(
      fc.property(anyCalendar, instant2026, fc.integer({ min: 1, max: 20 }), (calendar, start, days) => {
        const dateAt = (t: number) => describeInstant({ calendar, at: t }).date;
        const { date } = describeInstant({ calendar, at: start });
        // Forward: the last working instant of the target day, then no more work that day.
        const due = addWorkingTime({ calendar, start, duration: { kind: 'workingDays', days } }).getTime();
        expect(isWorkingTime({ calendar, at: due - 1 })).toBe(true);
        expect(dateAt(due - 1)).toBe(workingDayOffset({ calendar, date, delta: days }));
        const next = nextOpening({ calendar, at: due });
        if (next) expect(dateAt(next.start.getTime())).not.toBe(dateAt(due - 1));
        // Backward: the first working instant of the target day.
        const back = addWorkingTime({
          calendar,
          start,
          duration: { kind: 'workingDays', days: -days },
        }).getTime();
        expect(isWorkingTime({ calendar, at: back })).toBe(true);
        expect(dateAt(back)).toBe(workingDayOffset({ calendar, date, delta: -days }));
        expect(isWorkingTime({ calendar, at: back - 1 }) && dateAt(back - 1) === dateAt(back)).toBe(false);
      }),
      runs,
    );
  });
});

/**
 * The oracle: walks minute by minute and decides each minute from the definition alone (local
 * wall clock from Intl, weekly hours, holidays, overrides, breaks, leaves). Valid where wall
 * times are unambiguous, hence hours from 04:00 on (DST changes happen between 01:00 and 03:00).
 */
const oracle = (definition: CalendarDefinition) => {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: definition.timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const inside = (ranges: [string, string][], m: number) =>
    ranges.some(([s, e]) => toMinutes(s) <= m && m < toMinutes(e));
  const offsets = new Map<number, number>();
  const local = (t: number) => {
    const hour = Math.floor(t / HOUR);
    let offset = offsets.get(hour);
    if (offset === undefined) {
      const p = Object.fromEntries(format.formatToParts(hour * HOUR).map((x) => [x.type, x.value]));
      offset =
        Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) -
        hour * HOUR;
      offsets.set(hour, offset);
    }
    return t + offset;
  };
  const isWorkingMinute = (t: number): boolean => {
    const wall = local(t);
    const date = new Date(wall).toISOString().slice(0, 10);
    const minute = Math.floor((wall % DAY) / MINUTE);
    const weekday = weekdays[(new Date(wall).getUTCDay() + 6) % 7]!;
    const override = definition.dateOverrides?.find((o) => o.date === date);
    const holiday = definition.holidays?.some((h) =>
      h.yearly
        ? h.from.slice(5) <= h.to.slice(5)
          ? date.slice(5) >= h.from.slice(5) && date.slice(5) <= h.to.slice(5)
          : date.slice(5) >= h.from.slice(5) || date.slice(5) <= h.to.slice(5)
        : date >= h.from && date <= h.to,
    );
    const hours = override ? override.hours : holiday ? [] : definition.weekly[weekday];
    if (!inside(hours, minute)) return false;
    if (definition.dateBreaks?.some((b) => b.date === date && inside([[b.start, b.end]], minute)))
      return false;
    return !definition.leaves?.some((l) => Date.parse(l.start) <= t && t < Date.parse(l.end));
  };
  return {
    add: (start: number, minutes: number) => {
      let t = start;
      for (let left = minutes; ; t += MINUTE) if (isWorkingMinute(t) && --left === 0) return t + MINUTE;
    },
    measure: (start: number, end: number) => {
      let count = 0;
      for (let t = start; t < end; t += MINUTE) if (isWorkingMinute(t)) count++;
      return count * MINUTE;
    },
  };
};

describe('the engine against a minute-walking oracle', () => {
  const zones = [
    'Asia/Shanghai',
    'UTC',
    'Europe/Berlin',
    'America/New_York',
    'Asia/Kolkata',
    'America/Sao_Paulo',
  ];
  const minute2026 = fc.integer({ min: 0, max: 364 * 24 * 60 }).map((m) => Y2026 + m * MINUTE);

  it('adds and measures to the minute like walking the calendar', () => {
    fc.assert(
      fc.property(
        arbCalendar(zones, 4 * 60),
        minute2026,
        fc.integer({ min: 1, max: 8 * 60 }),
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        (definition, start, minutes, span) => {
          const calendar = compileCalendar(definition);
          const walk = oracle(definition);
          expect(add(calendar, start, minutes * MINUTE)).toBe(walk.add(start, minutes));
          expect(measure(calendar, start, start + span * MINUTE)).toBe(
            walk.measure(start, start + span * MINUTE),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
