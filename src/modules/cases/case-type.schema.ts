import { z } from 'zod';
import { parseDuration } from '../calendar/working-time.js';

/*
 * A case type (工单类型) as configuration: what a pack file or an administrator writes. The
 * definition is validated here once; the service keeps it as JSON and reads it back typed.
 * Durations are the calendar module's syntax: `30m`, `4h` calendar time; `2wh` working hours;
 * `1wd` one working day ending at close of business.
 */

const ZKey = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'lower-case letters, digits, dot, dash or underscore');

const ZLabel = z.string().trim().min(1).max(100);

/** A duration in configuration; refused when it does not parse. */
const ZDurationSpec = (opts: { allowNegative: boolean }) =>
  z
    .string()
    .trim()
    .superRefine((text, ctx) => {
      try {
        const d = parseDuration(text);
        const value = d.kind === 'workingDays' ? d.days : d.ms;
        if (value < 0 && !opts.allowNegative)
          ctx.addIssue({ code: 'custom', message: 'must not be negative' });
        if (value === 0 && !opts.allowNegative)
          ctx.addIssue({ code: 'custom', message: 'must be longer than 0' });
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      }
    });

export const fieldTypes = ['text', 'textarea', 'number', 'date', 'select', 'boolean'] as const;

export const ZFieldDefinition = z
  .object({
    key: ZKey,
    label: ZLabel,
    labelEn: ZLabel.optional(),
    type: z.enum(fieldTypes),
    required: z.boolean().default(false),
    /** For `select`: the allowed values. */
    options: z.array(z.object({ value: ZKey, label: ZLabel, labelEn: ZLabel.optional() })).optional(),
    /** Required only when another field has this value (e.g. the reactivation date when reactivated). */
    requiredWhen: z
      .object({ field: ZKey, equals: z.union([z.string(), z.number(), z.boolean()]) })
      .optional(),
  })
  .refine((f) => f.type !== 'select' || (f.options?.length ?? 0) > 0, {
    message: 'a select field needs options',
    path: ['options'],
  });
export type FieldDefinition = z.infer<typeof ZFieldDefinition>;

/** A node of the category tree (or of the reason-code taxonomy, with sub-reasons as children). */
export type TreeNode = {
  key: string;
  name: string;
  nameEn?: string | undefined;
  children?: TreeNode[] | undefined;
};
const ZTreeNode: z.ZodType<TreeNode> = z.lazy(() =>
  z.object({
    key: ZKey,
    name: ZLabel,
    nameEn: ZLabel.optional(),
    children: z.array(ZTreeNode).optional(),
  }),
);

/** The events a clock can start or stop at (see lifecycle.ts for the transitions that raise them). */
export const clockEvents = ['created', 'assigned', 'accepted', 'started', 'resolved'] as const;
export type ClockEvent = (typeof clockEvents)[number];

export const ZClockDefinition = z.object({
  key: ZKey,
  name: ZLabel,
  nameEn: ZLabel.optional(),
  /** The event the clock starts from: creation, assignment, or the assignee taking the order (接单). */
  startsAt: z.enum(['created', 'assigned', 'accepted']),
  /** The event that stops it: taking the order (response), arrival / start of work, resolution. */
  stopsAt: z.enum(['accepted', 'started', 'resolved']),
  /** Calendar code the working durations count in; default: the type's calendar. */
  calendar: z.string().trim().min(1).max(64).optional(),
});
export type ClockDefinition = z.infer<typeof ZClockDefinition>;

/** One row of the time-limit table; `*` matches any category or priority. */
export const ZLimitRow = z.object({
  /** A category key; the row applies to that category and everything under it. */
  category: z.union([ZKey, z.literal('*')]),
  priority: z.union([ZKey, z.literal('*')]),
  /** Clock key → duration, e.g. { response: '15m', arrival: '30m', resolution: '4h' }. */
  limits: z.record(ZKey, ZDurationSpec({ allowNegative: false })),
});
export type LimitRow = z.infer<typeof ZLimitRow>;

export const escalationTargets = ['assignee', 'unit_managers', 'parent_unit_managers', 'registrant'] as const;

export const ZEscalationLevel = z.object({
  level: z.number().int().min(1).max(9),
  clock: ZKey,
  /** Relative to the clock's due time: `-1wh` one working hour before, `0m` at, `2wh` after. */
  offset: ZDurationSpec({ allowNegative: true }),
  notify: z.array(z.enum(escalationTargets)).min(1),
  /** Reassigns the case to the first manager of the assignee's unit (or its parent) when reached. */
  reassignTo: z.enum(['unit_manager', 'parent_unit_manager']).optional(),
});
export type EscalationLevel = z.infer<typeof ZEscalationLevel>;

export const ZCallbackPolicy = z.object({
  /** Due this long after resolution, e.g. `1wd`. */
  within: ZDurationSpec({ allowNegative: false }),
  /** Share of resolved cases that get a callback: 1 = all, 0.2 = a 20 % sample (deterministic per case). */
  share: z.number().min(0).max(1).default(1),
  /** A reached callback with satisfaction at or below this reopens the case (0 = never). */
  reopenAtOrBelow: z.number().int().min(0).max(5).default(2),
});
export type CallbackPolicy = z.infer<typeof ZCallbackPolicy>;

export const ZCaseTypeDefinition = z
  .object({
    key: ZKey,
    name: ZLabel,
    nameEn: ZLabel.optional(),
    description: z.string().trim().max(2000).optional(),
    /** The calendar (by code) the clocks count in unless a clock names another. */
    calendar: z.string().trim().min(1).max(64).default('CN-STD'),
    fields: z.array(ZFieldDefinition).default([]),
    categories: z.array(ZTreeNode).min(1),
    priorities: z.array(z.object({ key: ZKey, name: ZLabel, nameEn: ZLabel.optional() })).min(1),
    defaultPriority: ZKey.optional(),
    reasons: z.array(ZTreeNode).default([]),
    closing: z
      .object({
        requireReason: z.boolean().default(false),
        requireFeedback: z.boolean().default(false),
        /** Feedback shorter than this (characters, trimmed) is refused: "已处理" says nothing. */
        minFeedbackLength: z.number().int().min(0).max(2000).default(0),
        /** Structured outcome recorded on resolving or closing (contact result, reactivated, date …). */
        outcomeFields: z.array(ZFieldDefinition).default([]),
      })
      .default({ requireReason: false, requireFeedback: false, minFeedbackLength: 0, outcomeFields: [] }),
    clocks: z.array(ZClockDefinition).default([]),
    limits: z.array(ZLimitRow).default([]),
    /** A clock is at risk once this share of its limit has elapsed. */
    atRiskShare: z.number().gt(0).lt(1).default(0.8),
    pauseReasons: z.array(z.object({ key: ZKey, name: ZLabel, nameEn: ZLabel.optional() })).default([]),
    callback: ZCallbackPolicy.nullable().default(null),
    escalations: z.array(ZEscalationLevel).default([]),
    /** A new case by the same customer in the same category within this many days is a repeat. */
    repeatWithinDays: z.number().int().min(1).max(3650).nullable().default(null),
  })
  .superRefine((type, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const unique = (keys: string[], path: string) => {
      const seen = new Set<string>();
      keys.forEach((k, i) => {
        if (seen.has(k)) issue([path, i], `duplicate key ${k}`);
        seen.add(k);
      });
    };
    const categoryKeys = flattenTree(type.categories).map((n) => n.key);
    unique(categoryKeys, 'categories');
    unique(
      flattenTree(type.reasons).map((n) => n.key),
      'reasons',
    );
    unique(
      type.priorities.map((p) => p.key),
      'priorities',
    );
    unique(
      type.clocks.map((c) => c.key),
      'clocks',
    );
    unique(
      type.fields.map((f) => f.key),
      'fields',
    );
    unique(
      type.closing.outcomeFields.map((f) => f.key),
      'closing.outcomeFields',
    );
    for (const [path, fields] of [
      ['fields', type.fields],
      ['closing.outcomeFields', type.closing.outcomeFields],
    ] as const)
      fields.forEach((f, i) => {
        if (f.requiredWhen && !fields.some((other) => other.key === f.requiredWhen!.field && other !== f))
          issue(
            [...path.split('.'), i, 'requiredWhen', 'field'],
            `no field ${f.requiredWhen.field} in ${path}`,
          );
      });
    unique(
      type.pauseReasons.map((p) => p.key),
      'pauseReasons',
    );
    const priorityKeys = new Set(type.priorities.map((p) => p.key));
    const clockKeys = new Set(type.clocks.map((c) => c.key));
    const categories = new Set(categoryKeys);
    if (type.defaultPriority && !priorityKeys.has(type.defaultPriority))
      issue(['defaultPriority'], `unknown priority ${type.defaultPriority}`);
    type.clocks.forEach((c, i) => {
      if (clockEvents.indexOf(c.stopsAt) <= clockEvents.indexOf(c.startsAt))
        issue(['clocks', i, 'stopsAt'], `a clock must stop after it starts (${c.startsAt} → ${c.stopsAt})`);
    });
    type.limits.forEach((row, i) => {
      if (row.category !== '*' && !categories.has(row.category))
        issue(['limits', i, 'category'], `unknown category ${row.category}`);
      if (row.priority !== '*' && !priorityKeys.has(row.priority))
        issue(['limits', i, 'priority'], `unknown priority ${row.priority}`);
      for (const key of Object.keys(row.limits))
        if (!clockKeys.has(key)) issue(['limits', i, 'limits', key], `unknown clock ${key}`);
    });
    type.escalations.forEach((e, i) => {
      if (!clockKeys.has(e.clock)) issue(['escalations', i, 'clock'], `unknown clock ${e.clock}`);
    });
    if (type.closing.requireReason && type.reasons.length === 0)
      issue(['reasons'], 'closing requires a reason code but the type has no reasons');
  })
  .meta({ id: 'CaseTypeDefinition' });
export type CaseTypeDefinition = z.infer<typeof ZCaseTypeDefinition>;
export type CaseTypeDefinitionInput = z.input<typeof ZCaseTypeDefinition>;

/** Every node of a tree, depth first, with the keys of its ancestors (root first). */
export const flattenTree = (
  nodes: readonly TreeNode[],
  ancestors: readonly string[] = [],
): Array<TreeNode & { path: string[] }> =>
  nodes.flatMap((node) => [
    { ...node, path: [...ancestors] },
    ...flattenTree(node.children ?? [], [...ancestors, node.key]),
  ]);

/** Whether a key is a leaf-or-branch of the tree; reason codes and categories may be any node. */
// Trees are parsed once per case-type version and then only read: index each by key once.
const indexes = new WeakMap<readonly TreeNode[], Map<string, TreeNode & { path: string[] }>>();

export const findNode = (nodes: readonly TreeNode[], key: string) => {
  let index = indexes.get(nodes);
  if (!index) indexes.set(nodes, (index = new Map(flattenTree(nodes).map((n) => [n.key, n]))));
  return index.get(key);
};

/**
 * The limits of each clock for a category and priority. The most specific row wins per clock:
 * an exact category beats an ancestor, which beats `*`; then an exact priority beats `*`.
 */
export const limitsFor = (
  type: Pick<CaseTypeDefinition, 'categories' | 'limits'>,
  { category, priority }: { category: string; priority: string },
): Record<string, string> => {
  const node = findNode(type.categories, category);
  const lineage = node ? [...node.path, node.key] : [category];
  const categoryRank = (c: string) => (c === '*' ? 0 : lineage.indexOf(c) + 1); // 0 = no match for '*'
  const result: Record<string, { text: string; rank: number }> = {};
  for (const row of type.limits) {
    const cRank = row.category === '*' ? 0 : categoryRank(row.category);
    if (row.category !== '*' && cRank === 0) continue;
    if (row.priority !== '*' && row.priority !== priority) continue;
    const rank = cRank * 2 + (row.priority === '*' ? 0 : 1);
    for (const [clock, text] of Object.entries(row.limits)) {
      const current = result[clock];
      if (!current || rank >= current.rank) result[clock] = { text, rank };
    }
  }
  return Object.fromEntries(Object.entries(result).map(([k, v]) => [k, v.text]));
};
