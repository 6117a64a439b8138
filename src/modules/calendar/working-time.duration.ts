import { z } from 'zod';
import { DurationSyntaxError } from './working-time.errors.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * How long a time limit is:
 * - `calendar`: wall-clock milliseconds, the calendar is not consulted (24h means 24 hours);
 * - `working`: milliseconds of working time;
 * - `workingDays`: N working days ending at close of business (一个工作日), the start date not
 *   counted. Negative values count backwards.
 */
export type Duration =
  { kind: 'calendar'; ms: number } | { kind: 'working'; ms: number } | { kind: 'workingDays'; days: number };

export const ZDuration = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('calendar'), ms: z.number().int() }),
  z.object({ kind: z.literal('working'), ms: z.number().int() }),
  z.object({ kind: z.literal('workingDays'), days: z.number().int() }),
]);

const units = {
  m: { kind: 'calendar', ms: MINUTE_MS },
  h: { kind: 'calendar', ms: HOUR_MS },
  d: { kind: 'calendar', ms: DAY_MS },
  wm: { kind: 'working', ms: MINUTE_MS },
  wh: { kind: 'working', ms: HOUR_MS },
  wd: { kind: 'workingDays', ms: 1 },
} as const;
type Unit = keyof typeof units;

const syntax = /^(-?)(\d+(?:\.\d+)?)(wd|wh|wm|d|h|m)$/;
const expected =
  'expected a number and a unit: m, h, d (calendar time; 1d = 24h) or wm, wh, wd (working time), e.g. 4h, 30m, 2wh, 90wm, 1wd';

/**
 * Parses a duration as written in configuration (time-limit tables, callback policies):
 * `4h`, `30m`, `3d` are calendar time; `2wh`, `90wm` working time; `1wd` one working day.
 * A leading `-` counts backwards (escalation offsets before a due time).
 */
export const parseDuration = (text: string): Duration => {
  const match = syntax.exec(text.trim());
  if (!match) throw new DurationSyntaxError(text, expected);
  const [, sign, digits, unitText] = match as unknown as [string, string, string, Unit];
  const value = Number(digits) * (sign ? -1 : 1);
  const unit = units[unitText];
  if (unit.kind === 'workingDays') {
    if (!Number.isInteger(value)) throw new DurationSyntaxError(text, 'working days must be a whole number');
    return { kind: 'workingDays', days: value + 0 };
  }
  const ms = Math.round(value * unit.ms);
  if (!Number.isSafeInteger(ms)) throw new DurationSyntaxError(text, 'too long');
  return { kind: unit.kind, ms: ms + 0 };
};

/** The shortest string `parseDuration` reads back as the same duration. */
export const formatDuration = (duration: Duration): string => {
  if (duration.kind === 'workingDays') return `${duration.days}wd`;
  const prefix = duration.kind === 'working' ? 'w' : '';
  const { ms } = duration;
  if (duration.kind === 'calendar' && ms !== 0 && ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}${prefix}h`;
  // Minutes, with a fraction when the duration is not a whole number of minutes.
  return `${ms / MINUTE_MS}${prefix}m`;
};

/** A duration string in a configuration schema, parsed into a `Duration`. */
export const ZDurationText = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    return z.NEVER;
  }
});
