import { z } from 'zod';

/** The days of the week in the order of `weekly`; `getUTCDay()` order is `sun, mon, …`. */
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

/** Minutes after local midnight of an `HH:MM` time; `24:00` is the end of the day. */
export const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

const isRealDate = (date: string): boolean => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const utc = new Date(Date.UTC(year, month - 1, day));
  return utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day;
};

const isTimeZone = (timeZone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
};

/** A wall-clock time `HH:MM` from `00:00` to `24:00` (the end of the day). */
export const ZTimeOfDay = z
  .string()
  .regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected a time HH:MM from 00:00 to 24:00');

/** A local calendar date `YYYY-MM-DD`. */
export const ZLocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(isRealDate, 'not a date of the calendar');

/** The opening hours of one day: sorted or not, but each range non-empty and none overlapping. */
export const ZDayHours = z.array(z.tuple([ZTimeOfDay, ZTimeOfDay])).superRefine((hours, ctx) => {
  hours.forEach(([start, end], index) => {
    if (minutesOf(start) >= minutesOf(end))
      ctx.addIssue({ code: 'custom', path: [index], message: `start ${start} is not before end ${end}` });
  });
  const sorted = hours
    .map((range, index) => ({ range, index }))
    .sort((a, b) => a.range[0].localeCompare(b.range[0]));
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!.range;
    const { range, index } = sorted[i]!;
    if (minutesOf(range[0]) < minutesOf(previous[1]))
      ctx.addIssue({
        code: 'custom',
        path: [index],
        message: `${range[0]}–${range[1]} overlaps ${previous[0]}–${previous[1]}`,
      });
  }
});

const ZWeekly = z.object(
  Object.fromEntries(weekdays.map((day) => [day, ZDayHours])) as Record<Weekday, typeof ZDayHours>,
);

const ZHoliday = z
  .object({
    from: ZLocalDate,
    to: ZLocalDate,
    /** Only month and day are matched, in every year (a perpetual holiday). */
    yearly: z.boolean().optional(),
    name: z.string().max(100).optional(),
  })
  .refine((h) => h.from <= h.to, { path: ['to'], message: 'the holiday ends before it starts' });

const ZDateOverride = z.object({ date: ZLocalDate, hours: ZDayHours });

const ZDateBreak = z
  .object({ date: ZLocalDate, start: ZTimeOfDay, end: ZTimeOfDay })
  .refine((b) => minutesOf(b.start) < minutesOf(b.end), {
    path: ['end'],
    message: 'the break ends before it starts',
  });

const ZLeave = z
  .object({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) })
  .refine((l) => Date.parse(l.start) < Date.parse(l.end), {
    path: ['end'],
    message: 'the leave ends before it starts',
  });

const ZYear = z.number().int().min(1900).max(9999);

/**
 * A working calendar: weekly hours in a time zone, holidays (local dates, both ends inclusive),
 * date overrides that replace the weekly hours of one date (调休 make-up working days are
 * overrides on weekend dates; an override also wins over a holiday on its date), breaks on one
 * date, leaves as absolute instants, and the years whose holidays are known.
 */
export const ZCalendarDefinition = z
  .object({
    timeZone: z.string().refine(isTimeZone, 'expected an IANA time zone such as Asia/Shanghai'),
    weekly: ZWeekly,
    holidays: z.array(ZHoliday).optional(),
    dateOverrides: z.array(ZDateOverride).optional(),
    dateBreaks: z.array(ZDateBreak).optional(),
    leaves: z.array(ZLeave).optional(),
    /** The years whose holidays the calendar knows; any other year is refused, never guessed. */
    coverage: z
      .object({ fromYear: ZYear, toYear: ZYear })
      .refine((c) => c.fromYear <= c.toYear, { path: ['toYear'], message: 'toYear is before fromYear' })
      .optional(),
  })
  .superRefine((calendar, ctx) => {
    const seen = new Set<string>();
    calendar.dateOverrides?.forEach(({ date }, index) => {
      if (seen.has(date))
        ctx.addIssue({
          code: 'custom',
          path: ['dateOverrides', index, 'date'],
          message: `${date} is overridden twice`,
        });
      seen.add(date);
    });
  })
  .meta({ id: 'CalendarDefinition' });

export type CalendarDefinition = z.infer<typeof ZCalendarDefinition>;
