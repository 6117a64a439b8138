import { z } from 'zod';

/*
 * Dispatch campaigns (派单): the input that turns a target list into follow-up cases, the
 * campaign as read back, and its figures. Zod is the single source of validation and types.
 */

const ZKeyText = z.string().trim().min(1).max(64);
const ZUnitCode = z.string().trim().min(1).max(64);
/** A calendar month, 2026-10. */
export const ZMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month such as 2026-10');

/** Who gets a unit's targets: its manager(s) in turn, or everyone who handles cases there in turn. */
export const ZAssignTo = z.enum(['unit_manager', 'round_robin']).default('unit_manager');

/**
 * Where each target goes. `unit_column`: the row's `unit` is a unit code (网格编码); `mapping`:
 * the row's `unit` is looked up in a table (e.g. 片区名称 → unit code); `single_unit`: every
 * target goes to one unit. Inside the unit, `assignTo` picks the person.
 */
export const ZAssignmentRule = z.discriminatedUnion('by', [
  z.object({ by: z.literal('unit_column'), assignTo: ZAssignTo }),
  z.object({
    by: z.literal('mapping'),
    map: z.record(z.string().trim().min(1).max(200), ZUnitCode),
    assignTo: ZAssignTo,
  }),
  z.object({ by: z.literal('single_unit'), unitCode: ZUnitCode, assignTo: ZAssignTo }),
]);
export type AssignmentRule = z.infer<typeof ZAssignmentRule>;

/** Scalar target data as an import delivers it. */
const ZValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

export const ZCampaignTarget = z.object({
  /** The target's identity in the list (subscriber number, account): unique within the campaign. */
  externalKey: z.string().trim().min(1).max(100),
  /** The unit code or mapping value the rule reads. */
  unit: z.string().trim().max(200).optional(),
  /** The case category (key or name); the campaign's category when absent. */
  category: z.string().trim().max(200).optional(),
  /** The follow-up's title; "<campaign> · <key>" when absent. */
  title: z.string().trim().max(200).optional(),
  /** Spreadsheet row number for reports (the header is row 1). */
  row: z.number().int().min(0).optional(),
  /** Everything else the list says about the target; keys that are fields of the case type fill them. */
  data: z.record(z.string().max(64), ZValue).default({}),
});
export type CampaignTarget = z.infer<typeof ZCampaignTarget>;

export const ZCreateCampaignInput = z
  .object({
    key: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lower-case letters, digits, dot, dash or underscore'),
    name: z.string().trim().min(1).max(200),
    nameEn: z.string().trim().max(200).optional(),
    caseType: ZKeyText,
    /**
     * The month the list covers (清单月份): October's disconnections, dispatched early in November,
     * are counted by the October report. By default the month of creation (Asia/Shanghai).
     */
    period: ZMonth.optional(),
    /** The unit running the campaign; every target's unit must lie in its subtree. */
    unitId: z.number().int().positive(),
    /** Category of targets whose row names none (e.g. the product line of a single-line list). */
    category: ZKeyText.optional(),
    rule: ZAssignmentRule,
    /** Case type of the door-to-door visits unreachable targets may be escalated to. */
    visitCaseType: ZKeyText.optional(),
    /** all_or_nothing: one bad target and nothing is dispatched; skip_bad: dispatch the good ones. */
    mode: z.enum(['all_or_nothing', 'skip_bad']).default('all_or_nothing'),
    /** The targets, given here … */
    targets: z.array(ZCampaignTarget).min(1).max(200_000).optional(),
    /** … or the key of an imported target list (`guankong import dispatch-list`). */
    list: ZKeyText.optional(),
  })
  .refine((c) => (c.targets === undefined) !== (c.list === undefined), {
    message: 'give either targets or a list',
    path: ['targets'],
  });
export type CreateCampaignInput = z.input<typeof ZCreateCampaignInput>;

export const ZTargetProblem = z.object({
  row: z.number().int(),
  externalKey: z.string().nullable(),
  field: z.string(),
  code: z.string(),
  message: z.string(),
});
export type TargetProblem = z.infer<typeof ZTargetProblem>;

export const ZCampaign = z
  .object({
    id: z.number().int(),
    key: z.string(),
    name: z.string(),
    nameEn: z.string().nullable(),
    caseType: z.string(),
    unit: z.object({ id: z.number().int(), name: z.string() }),
    category: z.string().nullable(),
    rule: ZAssignmentRule,
    visitCaseType: z.string().nullable(),
    /** The month the list covers. */
    period: z.string(),
    targetCount: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'Campaign' });
export type Campaign = z.infer<typeof ZCampaign>;

export const ZCreateCampaignResult = z.object({
  campaign: ZCampaign,
  dispatched: z.number().int(),
  /** Per assignee: how many targets each received. */
  assignees: z.array(z.object({ userId: z.number().int(), name: z.string(), count: z.number().int() })),
  rejected: z.array(ZTargetProblem),
});
export type CreateCampaignResult = z.infer<typeof ZCreateCampaignResult>;
