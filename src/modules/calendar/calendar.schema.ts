import { z } from 'zod';
import { ZCalendarDefinition } from './working-time.js';
import { ZDayHours, ZLocalDate } from './working-time.schema.js';

const ZWeekly = ZCalendarDefinition.shape.weekly;
const ZYear = z.number().int().min(1970).max(2100);

export const ZCalendar = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    nameEn: z.string().nullable(),
    timeZone: z.string(),
    weekly: ZWeekly,
    coverage: z.object({ fromYear: z.number().int(), toYear: z.number().int() }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Calendar' });
export type Calendar = z.infer<typeof ZCalendar>;

export const ZCalendarDay = z
  .object({
    date: z.string(),
    kind: z.enum(['holiday', 'workday']),
    name: z.string().nullable(),
    hours: ZDayHours.nullable(),
  })
  .meta({ id: 'CalendarDay' });
export type CalendarDay = z.infer<typeof ZCalendarDay>;

export const ZCreateCalendarInput = z
  .object({
    code: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
    name: z.string().trim().min(1).max(100),
    nameEn: z.string().trim().max(100).nullish(),
    timeZone: ZCalendarDefinition.shape.timeZone.default('Asia/Shanghai'),
    weekly: ZWeekly,
    /** Load the official Chinese holidays and make-up days of these years (and cover them). */
    officialHolidays: z.object({ fromYear: ZYear, toYear: ZYear }).optional(),
  })
  .strict();
export type CreateCalendarInput = z.input<typeof ZCreateCalendarInput>;

export const ZUpdateCalendarInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    nameEn: z.string().trim().max(100).nullable(),
    timeZone: ZCalendarDefinition.shape.timeZone,
    weekly: ZWeekly,
    coverage: z
      .object({ fromYear: ZYear, toYear: ZYear })
      .refine((c) => c.fromYear <= c.toYear, { path: ['toYear'], message: 'toYear is before fromYear' }),
  })
  .partial()
  .strict();
export type UpdateCalendarInput = z.infer<typeof ZUpdateCalendarInput>;

export const ZSetDayInput = z
  .object({
    kind: z.enum(['holiday', 'workday']),
    name: z.string().trim().max(100).nullish(),
    /** Hours of a working day; default: the calendar's Monday hours (a make-up day works like a weekday). */
    hours: ZDayHours.optional(),
  })
  .strict()
  .refine((d) => d.kind === 'workday' || d.hours === undefined, {
    path: ['hours'],
    message: 'a holiday has no hours',
  });
export type SetDayInput = z.infer<typeof ZSetDayInput>;

export const ZDateParams = z.object({ id: z.coerce.number().int().positive(), date: ZLocalDate });
export const ZYearQuery = z.object({ year: z.coerce.number().int().min(1970).max(2100).optional() });

export const ZSeedOfficialInput = z
  .object({ fromYear: ZYear, toYear: ZYear })
  .strict()
  .refine((c) => c.fromYear <= c.toYear, { path: ['toYear'], message: 'toYear is before fromYear' });

const ZInstant = z.iso.datetime({ offset: true });

export const ZAddDurationInput = z
  .object({
    start: ZInstant,
    /** `4h`, `30m` (calendar time), `2wh`, `90wm` (working time), `1wd` (working days, close of business). */
    duration: z.string().trim().min(1).max(32),
    pauses: z
      .array(z.object({ start: ZInstant, end: ZInstant }))
      .max(500)
      .optional(),
  })
  .strict();
export const ZAddDurationReply = z.object({ start: z.string(), duration: z.string(), end: z.string() });

export const ZMeasureInput = z
  .object({
    start: ZInstant,
    end: ZInstant,
    pauses: z
      .array(z.object({ start: ZInstant, end: ZInstant }))
      .max(500)
      .optional(),
  })
  .strict()
  .refine((m) => Date.parse(m.end) >= Date.parse(m.start), { path: ['end'], message: 'end is before start' });
export const ZMeasureReply = z.object({
  workingMs: z.number(),
  workingHours: z.number(),
  workingMinutes: z.number(),
});
