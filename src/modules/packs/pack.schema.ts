import { z } from 'zod';
import { roles } from '../../platform/access.js';
import { parseDuration } from '../calendar/working-time.js';
import type { CaseTypeDefinition } from '../cases/case-type.schema.js';
import { findNode, ZCaseTypeDefinition } from '../cases/case-type.schema.js';
import { customerKinds, customerTags } from '../customers/customers.schema.js';
import type { IndicatorDefinition } from '../indicators/indicator.schema.js';
import { caseTypesOf, ZIndicatorDefinition } from '../indicators/indicator.schema.js';
import { unitKinds } from '../org/org.schema.js';

/*
 * A pack (示例包) as data: the organisation units, people, demo users, customers and case types
 * one of the essays needs, and the parameters of the generated history. A pack file is JSON in
 * the repository's `packs/` folder, validated here; nothing in a pack is code. Names that refer
 * to each other (unit codes, employee numbers, usernames, case-type keys, categories, reasons)
 * are checked across the whole file, so a typo is an error at load time, not a half-loaded pack.
 */

const ZText = z.string().trim().min(1);
const ZBilingual = z.strictObject({ zh: ZText, en: ZText });
const ZUnitCode = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
const ZUsername = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/);
const ZShare = z.number().min(0).max(1);
/** Relative weights by key; they need not sum to 1. */
const ZWeights = z
  .record(z.string(), z.number().min(0))
  .refine((w) => Object.values(w).some((x) => x > 0), 'at least one weight must be positive');

export const packKeyPattern = /^[a-z0-9][a-z0-9-]*$/;

export const ZPackUnit = z.strictObject({
  code: ZUnitCode,
  /** The parent's code; null for a top-level unit. Parents come before their children. */
  parent: ZUnitCode.nullable(),
  name: ZText.max(100),
  nameEn: ZText.max(100),
  kind: z.enum(unitKinds),
  sortOrder: z.number().int().min(0).default(0),
});

export const ZPackPerson = z.strictObject({
  employeeNo: ZText.max(32),
  unit: ZUnitCode,
  name: ZText.max(100),
  level: ZText.max(50).optional(),
  position: ZText.max(50).optional(),
  region: ZText.max(50).optional(),
  city: ZText.max(50).optional(),
  phone: z
    .string()
    .regex(/^[0-9+\-() ]*$/)
    .optional(),
});

export const ZPackUser = z.strictObject({
  username: ZUsername,
  displayName: ZText.max(100),
  /** Employee number of the person the account belongs to. */
  person: ZText.max(32).optional(),
  grants: z.array(z.strictObject({ role: z.enum(roles), unit: ZUnitCode })).min(1),
});

/** Text with `{placeholder}`s filled from the place a case or customer is about. */
export const templatePlaceholders = ['estate', 'building', 'entrance', 'floor', 'room', 'customer'] as const;
const ZTemplate = ZText.max(500).superRefine((text, ctx) => {
  for (const [, name] of text.matchAll(/\{(\w+)\}/g))
    if (!(templatePlaceholders as readonly string[]).includes(name!))
      ctx.addIssue({
        code: 'custom',
        message: `unknown placeholder {${name}}; known: ${templatePlaceholders.map((p) => `{${p}}`).join(' ')}`,
      });
});

/**
 * Customers generated from buildings: every room of every building is drawn with the building's
 * occupancy; a drawn room becomes one customer with a name, a phone and tags, all from the seed.
 */
export const ZPackResidents = z.strictObject({
  seed: z.union([z.number().int(), ZText]),
  /** External key of a customer: prefix + building code + room, e.g. PS-LJ01-2-1203. */
  externalKeyPrefix: z.string().regex(/^[A-Za-z0-9-]*$/),
  kind: z.enum(customerKinds).default('household'),
  surnames: z.array(ZText.max(4)).min(1),
  givenNames: z.array(ZText.max(4)).min(1),
  /** First three digits of the generated mobile numbers. */
  phonePrefixes: z.array(z.string().regex(/^\d{3}$/)).min(1),
  /** Share of customers carrying each tag. */
  tags: z.partialRecord(z.enum(customerTags), ZShare).default({}),
  /** How a room is written, from {entrance}, {floor} and {room} (two digits), e.g. `{entrance}单元{floor}{room}`. */
  roomFormat: ZText.max(100),
  /** The address, from {estate}, {building} and {room} (the written room). */
  addressFormat: ZTemplate,
  buildings: z
    .array(
      z.strictObject({
        code: z.string().regex(/^[A-Za-z0-9]+$/),
        unit: ZUnitCode,
        estate: ZText.max(50),
        name: ZText.max(20),
        entrances: z.number().int().min(1).max(20),
        floors: z.number().int().min(1).max(99),
        roomsPerFloor: z.number().int().min(1).max(20),
        occupancy: ZShare,
      }),
    )
    .min(1),
});

/** A duration range [shortest, longest] in calendar (`m`, `h`, `d`) or working time (`wm`, `wh`). */
const ZDelay = z.tuple([ZText, ZText]).superRefine(([from, to], ctx) => {
  try {
    const a = parseDuration(from);
    const b = parseDuration(to);
    if (a.kind === 'workingDays' || b.kind === 'workingDays')
      ctx.addIssue({ code: 'custom', message: 'use wh or wm for working time in a delay range, not wd' });
    else if (a.kind !== b.kind)
      ctx.addIssue({ code: 'custom', message: 'both ends must be calendar time or both working time' });
    else if (a.ms < 0 || b.ms < a.ms)
      ctx.addIssue({ code: 'custom', message: 'expected 0 ≤ shortest ≤ longest' });
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
  }
});
export type Delay = z.infer<typeof ZDelay>;

/** A field value for generated cases: a literal, a template, a weighted choice, or a coin. */
const ZFieldTemplate = z.union([
  ZTemplate,
  z.number(),
  z.boolean(),
  z.strictObject({
    oneOf: z.array(z.tuple([z.union([ZText, z.number(), z.boolean()]), z.number().positive()])).min(1),
  }),
  z.strictObject({ chance: ZShare }),
]);
export type FieldTemplate = z.infer<typeof ZFieldTemplate>;

const ZHistoryCategory = z.strictObject({
  category: ZText,
  weight: z.number().positive(),
  /** Priority key → weight. */
  priorities: ZWeights,
  titles: z.array(ZTemplate).min(1),
  descriptions: z.array(ZTemplate).default([]),
  /** Reason code → weight, for resolutions; empty when the type has no reasons. */
  reasons: z.record(z.string(), z.number().min(0)).default({}),
  /** What the assignee writes when resolving. */
  feedback: z.array(ZText.max(2000)).min(1),
});

const ZHistoryType = z.strictObject({
  caseType: ZText,
  weight: z.number().positive(),
  /** Share of cases reported by a known customer (the others are found on patrol or reported anonymously). */
  customerShare: ZShare,
  /** Who gets the case: one of these users, or a manager of the case's unit. */
  assignees: z.union([
    z.strictObject({ users: z.array(ZUsername).min(1) }),
    z.strictObject({ unitManagers: z.literal(true) }),
  ]),
  fields: z.record(z.string(), ZFieldTemplate).default({}),
  /** Pause reason → weight; default: the type's reasons, evenly. */
  pauseReasons: z.record(z.string(), z.number().min(0)).optional(),
  categories: z.array(ZHistoryCategory).min(1),
});

export const ZShares = z.strictObject({
  /** Cases in which one clock is missed (chosen among the case's clocks). */
  late: ZShare,
  /** Cases paused once while being worked on. */
  paused: ZShare,
  /** Callbacks reached with a score that reopens the case (first callback only). */
  unsatisfied: ZShare,
  /** Callbacks that do not reach the customer. */
  notReached: ZShare,
  /** Callbacks made after their due time. */
  callbackLate: ZShare.default(0),
  /** Closed cases reopened later because the problem came back. */
  reopenAfterClose: ZShare,
  /** Cases cancelled after dispatch. */
  cancelled: ZShare,
  /** Cases registered with another priority and reclassified before dispatch. */
  reclassified: ZShare,
  /** Cases by a customer who reported the same category recently (types with a repeat window). */
  repeat: ZShare,
  /** Recent cases that stop progressing (the open backlog); see stuckWithinDays. */
  stuck: ZShare,
});
export type Shares = z.infer<typeof ZShares>;

export const ZDelays = z.strictObject({
  /** Registration to dispatch. */
  assign: ZDelay,
  /** Registration to a reclassification. */
  reclassify: ZDelay,
  /** Dispatch to a cancellation. */
  cancel: ZDelay,
  /** Stage delays used when no clock limits the stage. */
  accept: ZDelay,
  start: ZDelay,
  resolve: ZDelay,
  /** How long a pause lasts. */
  pause: ZDelay,
  /** Reopening to the new resolution when no clock limits it. */
  rework: ZDelay,
  /** Resolution to closing, for types without a callback or cases not drawn for one. */
  close: ZDelay,
  /** An unreached callback to closing by the service desk. */
  closeAfterNotReached: ZDelay,
  /** Closing to a reopening (the problem came back). */
  reopenAfterClose: ZDelay,
});
export type Delays = z.infer<typeof ZDelays>;

const ZScoreWeights = z
  .record(z.string().regex(/^[1-5]$/), z.number().min(0))
  .refine((w) => Object.values(w).some((x) => x > 0), 'at least one weight must be positive');

export const ZPackHistory = z.strictObject({
  seed: z.union([z.number().int(), ZText]),
  /** How far back the history starts; it ends at the current time. */
  days: z.number().min(0.5).max(730),
  /** The calendar that tells working days from others (volume) and counts working-time delays. */
  calendar: ZText.max(64).default('CN-STD'),
  /** Offset of the local time the hour weights are in (no daylight saving), e.g. +08:00. */
  utcOffset: z.string().regex(/^[+-]\d{2}:\d{2}$/),
  casesPerWorkingDay: z.number().min(0).max(2000),
  /** Volume on weekends and holidays relative to a working day. */
  nonWorkingDayFactor: z.number().min(0).max(5).default(0.5),
  /** Relative volume per local hour 0–23. */
  hourWeights: z.array(z.number().min(0)).length(24),
  /** External key of each generated case: prefix + a running number; also how a second load recognises the history. */
  externalKeyPrefix: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/),
  /** How often the escalation sweep runs in simulated time; null: never. */
  escalationSweepEvery: ZText.nullable().default(null),
  stuckWithinDays: z.number().min(0).default(14),
  /** Where cases without a customer belong: unit code → weight. */
  units: ZWeights,
  actors: z.strictObject({
    register: z.array(ZUsername).min(1),
    dispatch: z.array(ZUsername).min(1),
    callback: z.array(ZUsername).min(1),
    close: z.array(ZUsername).min(1),
  }),
  shares: ZShares,
  delays: ZDelays,
  satisfaction: z.strictObject({ satisfied: ZScoreWeights, unsatisfied: ZScoreWeights }),
  texts: z.strictObject({
    cancel: z.array(ZText.max(2000)).min(1),
    reopen: z.array(ZText.max(2000)).min(1),
    reclassify: z.array(ZText.max(2000)).min(1),
    /** Pause reason → notes. */
    pause: z.record(z.string(), z.array(ZText.max(2000)).min(1)).default({}),
    callback: z.strictObject({
      satisfied: z.array(ZText.max(2000)).min(1),
      unsatisfied: z.array(ZText.max(2000)).min(1),
      notReached: z.array(ZText.max(2000)).min(1),
    }),
    /** Put before the title of a repeat case. */
    repeatPrefix: z.string().max(20).default(''),
  }),
  types: z.array(ZHistoryType).min(1),
});
export type PackHistory = z.infer<typeof ZPackHistory>;
export type PackHistoryType = z.infer<typeof ZHistoryType>;

/*
 * Campaigns (派单) history: months of dispatch campaigns created through the campaigns service
 * from generated targets, their follow-ups accepted and resolved through the case services. All
 * words, shares and texts are the pack's; the generator (campaign-history.ts) knows none.
 */

/** A generated target value: a literal, a weighted choice, a number range, a phone number or a pattern. */
const ZTargetValue = z.union([
  z.string().max(500),
  z.number(),
  z.boolean(),
  z.strictObject({
    oneOf: z.array(z.tuple([z.union([ZText, z.number(), z.boolean()]), z.number().positive()])).min(1),
  }),
  /** A number in [min, max], rounded to `step`; `skew` > 1 favours small values. */
  z.strictObject({
    between: z.tuple([z.number(), z.number()]).refine(([a, b]) => a <= b, 'expected min ≤ max'),
    step: z.number().positive().default(1),
    skew: z.number().positive().default(1),
  }),
  /** A mobile number: one of the prefixes + 8 digits. */
  z.strictObject({ phone: z.array(z.string().regex(/^\d{3}$/)).min(1) }),
  /**
   * A text from a pattern: `{name}` takes an item of the list `name` (the unit's own lists first,
   * then the value's `lists`), `{a-b}` an integer in [a, b], zero-padded to the width of a.
   */
  z.strictObject({ pattern: ZText.max(500), lists: z.record(z.string(), z.array(ZText).min(1)).default({}) }),
]);
export type TargetValue = z.infer<typeof ZTargetValue>;

/** `{name}` placeholders of a text, without the `{a-b}` ranges. */
export const placeholdersOf = (text: string): string[] =>
  [...text.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!).filter((name) => !/^\d+-\d+$/.test(name));

const ZCampaignLine = z.strictObject({
  /** The product line's key in the campaign key: `<yyyy-mm>-<key>`, e.g. 2026-10-broadband. */
  key: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/)
    .max(40),
  /** The category (key) of the case type the line's follow-ups are filed under. */
  category: ZText,
  /** The campaign's name; `{year}` and `{month}` are those of the month the list is about. */
  name: z.strictObject({ zh: ZText.max(200), en: ZText.max(200) }),
  /** Local time of day the list is dispatched, HH:MM. */
  dispatchTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  /** Targets per month: [fewest, most]. */
  targets: z
    .tuple([z.number().int().min(1), z.number().int().min(1)])
    .refine(([a, b]) => a <= b, 'expected fewest ≤ most'),
  /** The target's data (fields of the case type fill them; the rest stays with the target). */
  fields: z.record(z.string().max(64), ZTargetValue),
  /** Reason key (any node of the type's reasons) → weight, for followed-up targets. */
  reasons: ZWeights,
  /** Share of targets won back; only targets whose reason is (under) one of `reasons` are. */
  reactivation: z.strictObject({ share: ZShare, reasons: z.array(ZText).min(1) }),
  /** Feedback templates per reason key; a reason without its own uses its nearest ancestor's. */
  feedback: z.record(z.string(), z.array(ZText.max(2000)).min(1)),
  /** Appended to the feedback of a reactivated target. */
  reactivatedFeedback: z.array(ZText.max(500)).min(1),
});
export type PackCampaignLine = z.infer<typeof ZCampaignLine>;

export const ZPackCampaigns = z.strictObject({
  seed: z.union([z.number().int(), ZText]),
  /** How many monthly lists: the latest months whose list has been dispatched by now. */
  months: z.number().int().min(1).max(24),
  /** A month's list is dispatched on this working day of the following month. */
  dispatchWorkingDay: z.number().int().min(1).max(10).default(1),
  calendar: ZText.max(64).default('CN-STD'),
  utcOffset: z.string().regex(/^[+-]\d{2}:\d{2}$/),
  caseType: ZText,
  /** The case type of door-to-door visits unreachable targets are escalated to (`shares.visit`). */
  visitCaseType: ZText.optional(),
  /** The unit running the campaigns (e.g. the branch); the targets go to its grids. */
  unit: ZUnitCode,
  /** Who creates the campaigns (needs cases.dispatch on `unit`). */
  dispatcher: ZUsername,
  /** Grid → weight and the lists its patterns draw from (its streets). Each needs a manager in the pack. */
  units: z.record(
    ZUnitCode,
    z.strictObject({
      weight: z.number().positive(),
      lists: z.record(z.string(), z.array(ZText).min(1)).default({}),
    }),
  ),
  /** The field whose value is the target's key in the list (unique within a campaign). */
  targetKey: z.string().max(64),
  /** Outcome field values; a text `{date}` is the local date of the resolution. */
  outcome: z.strictObject({
    reactivated: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    notReactivated: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  }),
  shares: z.strictObject({
    /** Follow-ups resolved after the `late` delay instead of the `resolve` one. */
    late: ZShare,
    /** Targets of the latest month not followed up yet (left assigned or accepted). */
    notFollowedUp: ZShare,
    /** Unreachable targets their manager escalates to a door-to-door visit (needs `visitCaseType`). */
    visit: ZShare.default(0),
  }),
  delays: z.strictObject({
    /** Dispatch to acceptance. */
    accept: ZDelay,
    /** Acceptance to resolution, on time … */
    resolve: ZDelay,
    /** … and late. */
    late: ZDelay,
  }),
  /** Managers who do worse: reason key → weight factor (a root's applies to its children), factors of the shares. */
  skew: z
    .array(
      z.strictObject({
        user: ZUsername,
        reasons: z.record(z.string(), z.number().min(0)).default({}),
        reactivation: z.number().min(0).default(1),
        late: z.number().min(0).default(1),
        notFollowedUp: z.number().min(0).default(1),
      }),
    )
    .default([]),
  lines: z.array(ZCampaignLine).min(1),
});
export type PackCampaigns = z.infer<typeof ZPackCampaigns>;

/*
 * Loaded series (fee recovery, line loss, outage hours …) with generated history: months of
 * monthly values per unit, drawn by indicator-history.ts from these parameters only. A value is
 * baseline(group) + the unit's fixed offset + trend + season + noise (+ drift at the end); a
 * ratio comes with a denominator, a weighted mean with a weight, drawn the same way
 * (multiplicatively).
 */

/** Month of the year ('1'–'12') → an amount (added to a value, or a factor of a quantity). */
const ZSeason = z.record(z.string().regex(/^([1-9]|1[0-2])$/, 'a month 1–12'), z.number().finite());

/** A denominator (应收, 供电量, 时户数) or a weight (用户数, 售电量): positive, by group. */
const ZSeriesQuantity = z.strictObject({
  /** A typical unit of each group, at the first month. */
  base: z.record(z.string(), z.number().positive()),
  /** Units of a group differ by up to ± this share of the base (fixed per unit). */
  spread: z.number().min(0).max(0.9).default(0),
  /** Growth per year, as a share (0.05: +5 % a year). */
  growth: z.number().min(-0.5).max(1).default(0),
  /** Month of the year → factor (1.2: a fifth more in that month). */
  season: ZSeason.default({}),
  /** Month-to-month noise, standard deviation as a share. */
  noise: z.number().min(0).max(0.5).default(0),
  decimals: z.number().int().min(0).max(6).default(2),
});
export type SeriesQuantity = z.infer<typeof ZSeriesQuantity>;

export const ZSeriesSpec = z.strictObject({
  /** The value of a typical unit of each group at the first month. */
  baseline: z.record(z.string(), z.number().finite()),
  /** Units of a group differ by up to ± this (fixed per unit, drawn from the seed). */
  spread: z.number().min(0).default(0),
  /** Change per year (added, spread evenly over the months). */
  trend: z.number().finite().default(0),
  /** Month of the year → amount added (a Spring Festival dip, summer storms). */
  season: ZSeason.default({}),
  /** Month-to-month noise, standard deviation. */
  noise: z.number().min(0).default(0),
  /** Values are kept inside [min, max]. */
  bounds: z
    .tuple([z.number().finite(), z.number().finite()])
    .refine(([a, b]) => a <= b, 'expected min ≤ max'),
  decimals: z.number().int().min(0).max(8).default(4),
  /** For a ratio: its denominator, the numerator follows from the value. */
  denominator: ZSeriesQuantity.optional(),
  /** For a weighted mean: each value's weight. */
  weight: ZSeriesQuantity.optional(),
  /**
   * Units that drift out of control at the end: over the last `months` months the value moves
   * away by up to `by` (reached in the last month), so the control chart has something to flag.
   */
  drift: z
    .array(
      z.strictObject({ unit: ZUnitCode, months: z.number().int().min(1).max(24), by: z.number().finite() }),
    )
    .default([]),
});
export type SeriesSpec = z.infer<typeof ZSeriesSpec>;

export const ZPackSeries = z.strictObject({
  seed: z.union([z.number().int(), ZText]),
  /** How many months of values per unit. */
  months: z.number().int().min(1).max(120).default(36),
  /** The last month loaded, counted back from the current one (1: the month just closed). */
  endsMonthsAgo: z.number().int().min(0).max(24).default(1),
  /** Groups of units that share a baseline (e.g. urban and rural supply stations): name → unit codes. */
  groups: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), z.array(ZUnitCode).min(1)),
  /** Indicator key (a loaded indicator of the pack) → how its values are drawn. */
  indicators: z.record(z.string(), ZSeriesSpec),
});
export type PackSeries = z.infer<typeof ZPackSeries>;

type Check = {
  issue: (path: (string | number)[], message: string) => void;
  unit: (code: string, path: (string | number)[]) => void;
  user: (name: string, path: (string | number)[]) => void;
  types: ReadonlyMap<string, CaseTypeDefinition>;
};

/** The cross references of the campaigns section: case type, categories, reasons, fields, units, users. */
const checkCampaigns = (
  pack: { users: Array<z.infer<typeof ZPackUser>> },
  campaigns: PackCampaigns,
  { issue, unit, user, types }: Check,
) => {
  const path = ['campaigns'];
  unit(campaigns.unit, [...path, 'unit']);
  user(campaigns.dispatcher, [...path, 'dispatcher']);
  for (const code of Object.keys(campaigns.units)) {
    unit(code, [...path, 'units', code]);
    if (!pack.users.some((u) => u.grants.some((g) => g.role === 'manager' && g.unit === code)))
      issue(
        [...path, 'units', code],
        `no user of the pack manages ${code}: its targets could not be assigned`,
      );
  }
  campaigns.skew.forEach((s, i) => user(s.user, [...path, 'skew', i, 'user']));
  if (campaigns.visitCaseType !== undefined && !types.has(campaigns.visitCaseType))
    issue([...path, 'visitCaseType'], `unknown case type ${campaigns.visitCaseType}`);
  if (campaigns.shares.visit > 0 && campaigns.visitCaseType === undefined)
    issue([...path, 'shares', 'visit'], 'visits need a visitCaseType');
  const type = types.get(campaigns.caseType);
  if (!type) return issue([...path, 'caseType'], `unknown case type ${campaigns.caseType}`);
  const reason = (key: string, p: (string | number)[]) => {
    if (!findNode(type.reasons, key)) issue(p, `unknown reason ${key}`);
  };
  campaigns.skew.forEach((s, i) => {
    for (const key of Object.keys(s.reasons)) reason(key, [...path, 'skew', i, 'reasons', key]);
  });
  const outcomeKeys = new Set(type.closing.outcomeFields.map((f) => f.key));
  for (const which of ['reactivated', 'notReactivated'] as const)
    for (const key of Object.keys(campaigns.outcome[which]))
      if (!outcomeKeys.has(key)) issue([...path, 'outcome', which, key], `unknown outcome field ${key}`);
  const minFeedback = type.closing.minFeedbackLength;
  campaigns.lines.forEach((line, i) => {
    const lPath = [...path, 'lines', i];
    if (campaigns.lines.findIndex((l) => l.key === line.key) !== i)
      issue([...lPath, 'key'], `duplicate line ${line.key}`);
    if (!findNode(type.categories, line.category))
      issue([...lPath, 'category'], `unknown category ${line.category}`);
    if (line.fields[campaigns.targetKey] === undefined)
      issue([...lPath, 'fields'], `no value for the target key ${campaigns.targetKey}`);
    for (const f of type.fields)
      if (f.required && line.fields[f.key] === undefined)
        issue([...lPath, 'fields'], `required field ${f.key} has no value`);
    for (const [key, value] of Object.entries(line.fields))
      if (typeof value === 'object' && 'pattern' in value)
        for (const name of placeholdersOf(value.pattern))
          if (!value.lists[name] && !Object.values(campaigns.units).every((u) => u.lists[name] !== undefined))
            issue([...lPath, 'fields', key], `no list ${name} (in the value or in every unit)`);
    const known = new Set([...Object.keys(line.fields), 'date']);
    const texts = (list: string[], p: (string | number)[], min: number) =>
      list.forEach((text, j) => {
        for (const name of placeholdersOf(text))
          if (!known.has(name)) issue([...p, j], `unknown placeholder {${name}}`);
        if (text.length < min) issue([...p, j], `shorter than the type's minFeedbackLength ${min}`);
      });
    for (const key of Object.keys(line.reasons)) {
      reason(key, [...lPath, 'reasons', key]);
      const node = findNode(type.reasons, key);
      if (node && ![key, ...[...node.path].reverse()].some((k) => line.feedback[k]))
        issue([...lPath, 'feedback'], `no feedback for reason ${key} or its parents`);
    }
    for (const [key, list] of Object.entries(line.feedback)) {
      reason(key, [...lPath, 'feedback', key]);
      texts(list, [...lPath, 'feedback', key], minFeedback);
    }
    texts(line.reactivatedFeedback, [...lPath, 'reactivatedFeedback'], 0);
    line.reactivation.reasons.forEach((key, j) => reason(key, [...lPath, 'reactivation', 'reasons', j]));
  });
};

/** The cross references of the indicators and the series: keys, owners, units, case types, clocks. */
const checkIndicators = (
  pack: { indicators: IndicatorDefinition[]; series?: PackSeries | undefined },
  { issue, unit, user, types }: Check,
) => {
  const byKey = new Map<string, IndicatorDefinition>();
  pack.indicators.forEach((def, i) => {
    const path = ['indicators', i];
    if (byKey.has(def.key)) issue([...path, 'key'], `duplicate indicator ${def.key}`);
    byKey.set(def.key, def);
    if (def.owner !== undefined) user(def.owner, [...path, 'owner']);
    def.targets.forEach((row, j) => {
      if (row.unit !== '*') unit(row.unit, [...path, 'targets', j, 'unit']);
    });
    if (def.source.kind !== 'computed') return;
    const { clock } = def.source.params;
    const keys = caseTypesOf(def.source);
    const listed = (keys ?? []).flatMap((key) => {
      const type = types.get(key);
      if (!type) issue([...path, 'source', 'params', 'caseType'], `unknown case type ${key}`);
      return type ? [type] : [];
    });
    // The clock must be one of each listed type; without a list, of any of the pack's types.
    const has = (t: (typeof listed)[number]) => t.clocks.some((c) => c.key === clock);
    if (
      clock !== undefined &&
      (keys ? listed.length === keys.length && !listed.every(has) : ![...types.values()].some(has))
    )
      issue([...path, 'source', 'params', 'clock'], `unknown clock ${clock}`);
  });
  pack.indicators.forEach((def, i) => {
    if (def.normalisation && !byKey.has(def.normalisation.of))
      issue(
        ['indicators', i, 'normalisation', 'of'],
        `unknown indicator ${def.normalisation.of} (the pack's only)`,
      );
  });

  const series = pack.series;
  if (!series) return;
  const grouped = new Map<string, string>();
  for (const [group, codes] of Object.entries(series.groups))
    codes.forEach((code, j) => {
      unit(code, ['series', 'groups', group, j]);
      const other = grouped.get(code);
      if (other !== undefined) issue(['series', 'groups', group, j], `${code} is in group ${other} already`);
      grouped.set(code, group);
    });
  const groups = Object.keys(series.groups);
  const everyGroup = (base: Record<string, number>, path: (string | number)[]) => {
    for (const g of groups) if (base[g] === undefined) issue(path, `no value for group ${g}`);
    for (const g of Object.keys(base)) if (!groups.includes(g)) issue([...path, g], `unknown group ${g}`);
  };
  for (const [key, spec] of Object.entries(series.indicators)) {
    const path = ['series', 'indicators', key];
    const def = byKey.get(key);
    if (!def) {
      issue(path, `unknown indicator ${key} (the pack's only)`);
      continue;
    }
    if (def.source.kind !== 'loaded') issue(path, `${key} is computed, not a loaded series`);
    if (def.grain !== 'month') issue(path, `${key} has grain ${def.grain}: generated series are monthly`);
    everyGroup(spec.baseline, [...path, 'baseline']);
    const ratio = def.measure.kind === 'ratio';
    if (ratio && !spec.denominator) issue([...path, 'denominator'], 'a ratio needs its denominator');
    if (!ratio && spec.denominator)
      issue([...path, 'denominator'], `a ${def.measure.kind} has no denominator`);
    if (spec.denominator) everyGroup(spec.denominator.base, [...path, 'denominator', 'base']);
    const weighted = def.aggregation === 'weighted_mean';
    if (weighted && !spec.weight) issue([...path, 'weight'], 'a weighted mean needs its weight');
    if (!weighted && spec.weight) issue([...path, 'weight'], `${def.aggregation} takes no weight`);
    if (spec.weight) everyGroup(spec.weight.base, [...path, 'weight', 'base']);
    const [low, high] = spec.bounds;
    if (ratio && (low < 0 || high > 1)) issue([...path, 'bounds'], 'a ratio lies within [0, 1]');
    if ((def.measure.kind === 'count' || def.measure.kind === 'duration') && low < 0)
      issue([...path, 'bounds'], `a ${def.measure.kind} cannot be negative`);
    spec.drift.forEach((d, j) => {
      if (!grouped.has(d.unit))
        issue([...path, 'drift', j, 'unit'], `${d.unit} is in no group of the series`);
      if (d.months > series.months) issue([...path, 'drift', j, 'months'], 'longer than the series');
    });
  }
};

export const ZPack = z
  .object({
    key: z.string().regex(packKeyPattern).max(64),
    name: ZBilingual,
    description: ZBilingual,
    /** Loaded on the first start of an empty database when demo data is on. */
    firstStart: z.boolean().default(false),
    units: z.array(ZPackUnit).default([]),
    people: z.array(ZPackPerson).default([]),
    users: z.array(ZPackUser).default([]),
    residents: ZPackResidents.optional(),
    caseTypes: z.array(ZCaseTypeDefinition).default([]),
    history: ZPackHistory.optional(),
    campaigns: ZPackCampaigns.optional(),
    /** The pack's indicators (KPIs): defined on load, by key. */
    indicators: z.array(ZIndicatorDefinition).default([]),
    /** Generated history of the pack's loaded indicators. */
    series: ZPackSeries.optional(),
  })
  .superRefine((pack, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const units = new Set<string>();
    pack.units.forEach((u, i) => {
      if (units.has(u.code)) issue(['units', i, 'code'], `duplicate unit ${u.code}`);
      if (u.parent !== null && !units.has(u.parent))
        issue(['units', i, 'parent'], `unknown parent ${u.parent} (list parents first)`);
      units.add(u.code);
    });
    const unit = (code: string, path: (string | number)[]) => {
      if (!units.has(code)) issue(path, `unknown unit ${code}`);
    };
    const people = new Set<string>();
    pack.people.forEach((p, i) => {
      if (people.has(p.employeeNo)) issue(['people', i, 'employeeNo'], `duplicate ${p.employeeNo}`);
      people.add(p.employeeNo);
      unit(p.unit, ['people', i, 'unit']);
    });
    const users = new Set<string>();
    pack.users.forEach((u, i) => {
      if (users.has(u.username)) issue(['users', i, 'username'], `duplicate ${u.username}`);
      users.add(u.username);
      if (u.person !== undefined && !people.has(u.person))
        issue(['users', i, 'person'], `unknown person ${u.person}`);
      u.grants.forEach((g, j) => unit(g.unit, ['users', i, 'grants', j, 'unit']));
    });
    const buildings = new Set<string>();
    pack.residents?.buildings.forEach((b, i) => {
      if (buildings.has(b.code)) issue(['residents', 'buildings', i, 'code'], `duplicate ${b.code}`);
      buildings.add(b.code);
      unit(b.unit, ['residents', 'buildings', i, 'unit']);
    });
    const types = new Map<string, CaseTypeDefinition>();
    pack.caseTypes.forEach((t, i) => {
      if (types.has(t.key)) issue(['caseTypes', i, 'key'], `duplicate case type ${t.key}`);
      types.set(t.key, t);
    });
    const user = (name: string, path: (string | number)[]) => {
      if (!users.has(name)) issue(path, `unknown user ${name} (users of the pack only)`);
    };
    if (pack.campaigns) checkCampaigns(pack, pack.campaigns, { issue, unit, user, types });
    checkIndicators(pack, { issue, unit, user, types });
    const history = pack.history;
    if (!history) return;
    for (const [role, names] of Object.entries(history.actors))
      names.forEach((n, i) => user(n, ['history', 'actors', role, i]));
    for (const code of Object.keys(history.units)) unit(code, ['history', 'units', code]);
    history.types.forEach((h, i) => {
      const path = ['history', 'types', i];
      const type = types.get(h.caseType);
      if (!type) return issue([...path, 'caseType'], `unknown case type ${h.caseType}`);
      if ('users' in h.assignees) h.assignees.users.forEach((n, j) => user(n, [...path, 'assignees', j]));
      for (const key of Object.keys(h.fields))
        if (!type.fields.some((f) => f.key === key)) issue([...path, 'fields', key], `unknown field ${key}`);
      for (const f of type.fields)
        if (f.required && h.fields[f.key] === undefined)
          issue([...path, 'fields'], `required field ${f.key} has no template`);
      for (const key of Object.keys(h.pauseReasons ?? {}))
        if (!type.pauseReasons.some((p) => p.key === key))
          issue([...path, 'pauseReasons', key], `unknown pause reason ${key}`);
      h.categories.forEach((c, j) => {
        const cPath = [...path, 'categories', j];
        if (!findNode(type.categories, c.category))
          issue([...cPath, 'category'], `unknown category ${c.category}`);
        for (const p of Object.keys(c.priorities))
          if (!type.priorities.some((x) => x.key === p))
            issue([...cPath, 'priorities', p], `unknown priority ${p}`);
        for (const r of Object.keys(c.reasons))
          if (!findNode(type.reasons, r)) issue([...cPath, 'reasons', r], `unknown reason ${r}`);
        if (type.closing.requireReason && !Object.values(c.reasons).some((w) => w > 0))
          issue([...cPath, 'reasons'], `the type requires a reason code on closing: give at least one`);
      });
    });
  })
  .meta({ id: 'Pack' });
export type Pack = z.infer<typeof ZPack>;
export type PackInput = z.input<typeof ZPack>;

/** What a caller may change in a pack's history for one load (tests use a shorter, denser one). */
export type HistoryOverride = Partial<Omit<PackHistory, 'shares' | 'delays'>> & {
  shares?: Partial<Shares>;
  delays?: Partial<Delays>;
};

/** The pack's history with the override applied, validated again. */
export const withHistoryOverride = (history: PackHistory, override: HistoryOverride = {}): PackHistory => {
  const { shares, delays, ...rest } = override;
  return ZPackHistory.parse({
    ...history,
    ...rest,
    shares: { ...history.shares, ...shares },
    delays: { ...history.delays, ...delays },
  });
};

/** What a caller may change in a pack's campaigns for one load (tests use fewer months and targets). */
export type CampaignsOverride = Partial<Pick<PackCampaigns, 'seed' | 'months'>> & {
  /** Targets per month: the line's [fewest, most] for every line. */
  targets?: [number, number];
};

/** The pack's campaigns with the override applied, validated again. */
export const withCampaignsOverride = (
  campaigns: PackCampaigns,
  override: CampaignsOverride = {},
): PackCampaigns => {
  const { targets, ...rest } = override;
  return ZPackCampaigns.parse({
    ...campaigns,
    ...rest,
    lines: targets ? campaigns.lines.map((l) => ({ ...l, targets })) : campaigns.lines,
  });
};
