import { z } from 'zod';
import { ZCaseTypeDefinition } from './case-type.schema.js';
import { caseActions, caseStatuses } from './lifecycle.js';

/* Request and reply shapes of the cases API: the single source of validation, types and OpenAPI. */

const ZKeyText = z.string().trim().min(1).max(64);
const ZIso = z.string();
const ZUserRef = z.object({ id: z.number().int(), name: z.string() }).nullable();
const ZBool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === '1');

export const ZCaseStatus = z.enum(caseStatuses);
export const ZCaseAction = z.enum(caseActions);

export const ZCaseType = z
  .object({
    id: z.number().int(),
    key: z.string(),
    name: z.string(),
    nameEn: z.string().nullable(),
    version: z.number().int(),
    active: z.boolean(),
    definition: ZCaseTypeDefinition,
    createdAt: ZIso,
    updatedAt: ZIso,
  })
  .meta({ id: 'CaseType' });
export type CaseType = z.infer<typeof ZCaseType>;

export const ZCaseTypeKeyParams = z.object({ key: ZKeyText });

/** How a clock looks now; see sla.ts clockStatusAt. */
export const clockStatuses = [
  'on_track',
  'at_risk',
  'overdue',
  'paused',
  'met',
  'breached',
  'cancelled',
] as const;
export const ZClockStatus = z.enum(clockStatuses);

export const ZCaseClock = z.object({
  key: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  cycle: z.number().int(),
  limit: z.string(),
  status: ZClockStatus,
  startedAt: ZIso,
  dueAt: ZIso,
  atRiskAt: ZIso,
  stoppedAt: ZIso.nullable(),
  pausedMs: z.number(),
  /** Milliseconds until the due time (dueAt − now); negative when overdue; null once stopped. */
  remainingMs: z.number().nullable(),
});

export const ZCaseSummary = z
  .object({
    id: z.number().int(),
    caseType: z.object({ key: z.string(), name: z.string(), nameEn: z.string().nullable() }),
    unit: z.object({ id: z.number().int(), name: z.string() }),
    externalKey: z.string().nullable(),
    title: z.string(),
    categoryKey: z.string(),
    categoryName: z.string(),
    priorityKey: z.string(),
    priorityName: z.string(),
    status: ZCaseStatus,
    assignee: ZUserRef,
    customer: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    repeatOfCaseId: z.number().int().nullable(),
    reopenCount: z.number().int(),
    nextDueAt: ZIso.nullable(),
    /** The worst state of the case's clocks now: overdue > at_risk > paused > on_track; breached when a stopped clock was late. */
    clockStatus: ZClockStatus.nullable(),
    createdAt: ZIso,
    resolvedAt: ZIso.nullable(),
    closedAt: ZIso.nullable(),
  })
  .meta({ id: 'CaseSummary' });
export type CaseSummary = z.infer<typeof ZCaseSummary>;

export const ZCallback = z
  .object({
    id: z.number().int(),
    cycle: z.number().int(),
    dueAt: ZIso,
    status: z.enum(['pending', 'done']),
    reached: z.boolean().nullable(),
    satisfaction: z.number().int().nullable(),
    comment: z.string().nullable(),
    recordedBy: ZUserRef,
    recordedAt: ZIso.nullable(),
  })
  .meta({ id: 'CaseCallback' });
export type Callback = z.infer<typeof ZCallback>;

export const ZCase = ZCaseSummary.extend({
  description: z.string().nullable(),
  fields: z.record(z.string(), z.unknown()),
  reasonCode: z.string().nullable(),
  reasonName: z.string().nullable(),
  feedback: z.string().nullable(),
  /** The structured outcome recorded on resolving or closing, by outcome field key. */
  outcome: z.record(z.string(), z.unknown()).nullable(),
  registrant: ZUserRef,
  clocks: z.array(ZCaseClock),
  callbacks: z.array(ZCallback),
  /** What the caller may do now (buttons). */
  actions: z.array(ZCaseAction),
  /** Whether the caller may record a callback now. */
  canRecordCallback: z.boolean(),
  version: z.number().int(),
  updatedAt: ZIso,
}).meta({ id: 'Case' });
export type Case = z.infer<typeof ZCase>;

export const ZCaseEvent = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    at: ZIso,
    actor: z.object({ id: z.number().int().nullable(), name: z.string() }),
    fromStatus: z.string().nullable(),
    toStatus: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'CaseEvent' });
export type CaseEvent = z.infer<typeof ZCaseEvent>;

export const caseViews = ['all', 'mine', 'unit', 'overdue', 'callbacks_due'] as const;

export const ZListCasesQuery = z.object({
  view: z.enum(caseViews).default('all'),
  q: z.string().trim().max(100).optional(),
  status: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      const list = s.split(',').map((x) => x.trim());
      const bad = list.find((x) => !(caseStatuses as readonly string[]).includes(x));
      if (bad) ctx.addIssue({ code: 'custom', message: `unknown status ${bad}` });
      return list as Array<(typeof caseStatuses)[number]>;
    }),
  open: ZBool.optional(),
  caseType: ZKeyText.optional(),
  category: ZKeyText.optional(),
  priority: ZKeyText.optional(),
  unitId: z.coerce.number().int().positive().optional(),
  subtree: ZBool.default(true),
  assigneeId: z.coerce.number().int().positive().optional(),
  customerId: z.coerce.number().int().positive().optional(),
  createdFrom: z.iso.datetime({ offset: true }).optional(),
  createdTo: z.iso.datetime({ offset: true }).optional(),
  sort: z.enum(['created_desc', 'created_asc', 'due_asc']).default('created_desc'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type ListCasesQuery = z.infer<typeof ZListCasesQuery>;

export const ZCreateCaseInput = z.object({
  caseType: ZKeyText,
  unitId: z.number().int().positive(),
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().max(5000).nullish(),
  category: ZKeyText,
  priority: ZKeyText.optional(),
  customerId: z.number().int().positive().nullish(),
  fields: z.record(z.string(), z.unknown()).default({}),
  /** Assign at once (needs cases.dispatch). */
  assigneeUserId: z.number().int().positive().nullish(),
  /** Key in the source system (imports); unique per case type. */
  externalKey: z.string().trim().min(1).max(100).nullish(),
});
export type CreateCaseInput = z.input<typeof ZCreateCaseInput>;

const ZNote = z.string().trim().max(2000).optional();

export const ZTransitionInput = z
  .discriminatedUnion('action', [
    z.object({
      action: z.literal('assign'),
      assigneeUserId: z.number().int().positive(),
      /** Transfer to another unit at the same time. */
      unitId: z.number().int().positive().optional(),
      note: ZNote,
    }),
    z.object({ action: z.literal('accept'), note: ZNote }),
    z.object({ action: z.literal('start'), note: ZNote }),
    z.object({ action: z.literal('pause'), pauseReason: ZKeyText, note: ZNote }),
    z.object({ action: z.literal('resume'), note: ZNote }),
    z.object({
      action: z.literal('resolve'),
      reasonCode: ZKeyText.optional(),
      feedback: z.string().trim().max(5000).optional(),
      /** The type's outcome fields by key (contact result, reactivated, …). */
      outcome: z.record(z.string(), z.unknown()).optional(),
    }),
    z.object({
      action: z.literal('close'),
      reasonCode: ZKeyText.optional(),
      feedback: z.string().trim().max(5000).optional(),
      /** The type's outcome fields by key (contact result, reactivated, …). */
      outcome: z.record(z.string(), z.unknown()).optional(),
    }),
    z.object({ action: z.literal('reopen'), note: z.string().trim().min(1).max(2000) }),
    z.object({ action: z.literal('cancel'), note: z.string().trim().min(1).max(2000) }),
  ])
  .and(z.object({ expectedVersion: z.number().int().optional() }))
  .meta({ id: 'CaseTransition' });
export type TransitionInput = z.infer<typeof ZTransitionInput>;

export const ZReclassifyInput = z
  .object({ category: ZKeyText.optional(), priority: ZKeyText.optional(), note: ZNote })
  .refine((v) => v.category !== undefined || v.priority !== undefined, {
    message: 'give a category or a priority',
  });
export type ReclassifyInput = z.infer<typeof ZReclassifyInput>;

export const ZCommentInput = z.object({ text: z.string().trim().min(1).max(5000) });

export const ZRecordCallbackInput = z
  .object({
    reached: z.boolean(),
    satisfaction: z.number().int().min(1).max(5).optional(),
    comment: z.string().trim().max(2000).optional(),
  })
  .refine((v) => !v.reached || v.satisfaction !== undefined, {
    message: 'a reached callback needs a satisfaction score',
    path: ['satisfaction'],
  });
export type RecordCallbackInput = z.infer<typeof ZRecordCallbackInput>;

export const ZBulkAssignInput = z.object({
  caseIds: z.array(z.number().int().positive()).min(1).max(500),
  assigneeUserId: z.number().int().positive(),
  unitId: z.number().int().positive().optional(),
});
export const ZBulkResult = z.object({
  results: z.array(
    z.object({
      caseId: z.number().int(),
      ok: z.boolean(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});

export const ZAttachment = z
  .object({
    id: z.number().int(),
    fileName: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    uploadedBy: ZUserRef,
    createdAt: ZIso,
  })
  .meta({ id: 'CaseAttachment' });

export const ZFiguresQuery = z.object({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  unitId: z.coerce.number().int().positive().optional(),
  subtree: ZBool.default(true),
  caseType: ZKeyText.optional(),
  groupBy: z.enum(['none', 'category', 'owner', 'unit', 'month']).default('none'),
  /** Resolution times in working hours of the type's calendar (default) or in calendar hours. */
  timeBasis: z.enum(['working', 'calendar']).default('working'),
});
export type FiguresQuery = z.infer<typeof ZFiguresQuery>;

const ZRate = z.number().nullable();
export const ZFigureRow = z.object({
  key: z.string(),
  label: z.string(),
  registered: z.number().int(),
  resolved: z.number().int(),
  closed: z.number().int(),
  cancelled: z.number().int(),
  /** Per clock key: clocks that stopped in the period, how many in time, and the share. */
  onTime: z.record(z.string(), z.object({ stopped: z.number().int(), met: z.number().int(), rate: ZRate })),
  resolutionHours: z.object({ count: z.number().int(), median: ZRate, p90: ZRate }),
  callbacks: z.object({
    recorded: z.number().int(),
    reached: z.number().int(),
    /** reached ÷ resolved cases that were due a callback */
    rate: ZRate,
    satisfactionAvg: ZRate,
    unsatisfied: z.number().int(),
  }),
  reopened: z.number().int(),
  /** reopened ÷ resolved */
  reworkRate: ZRate,
  repeats: z.number().int(),
  overdueNow: z.number().int(),
});
export const ZFigures = z
  .object({
    from: ZIso,
    to: ZIso,
    groupBy: z.string(),
    timeBasis: z.string(),
    percentileMethod: z.string(),
    total: ZFigureRow,
    rows: z.array(ZFigureRow),
  })
  .meta({ id: 'CaseFigures' });
export type Figures = z.infer<typeof ZFigures>;
export type FigureRow = z.infer<typeof ZFigureRow>;

export const ZTallyQuery = z.object({
  caseType: ZKeyText.optional(),
  unitId: z.coerce.number().int().positive().optional(),
});
export const ZTally = z
  .object({
    at: ZIso,
    /** Open cases by owner (assignee) × root cause (top-level category). */
    owners: z.array(
      z.object({
        assignee: ZUserRef,
        open: z.number().int(),
        overdue: z.number().int(),
        atRisk: z.number().int(),
        byCause: z.record(z.string(), z.number().int()),
      }),
    ),
    causes: z.array(z.object({ key: z.string(), name: z.string(), open: z.number().int() })),
    registeredToday: z.number().int(),
    resolvedToday: z.number().int(),
  })
  .meta({ id: 'CaseTally' });
export type Tally = z.infer<typeof ZTally>;
