// Cases (工单): types of the v1 cases API, written by hand after src/modules/cases/cases.schema.ts,
// case-type.schema.ts and lifecycle.ts (the web does not import server code), the calls, and the
// TanStack Query keys of everything under /cases, /case-types, /case-figures and /case-tally.

import { API_BASE, api, postRawBody } from './client';
import type { ItemList, Page } from './types';

/* ---- Lifecycle (lifecycle.ts) ---- */

export const CASE_STATUSES = [
  'registered',
  'assigned',
  'accepted',
  'in_progress',
  'paused',
  'resolved',
  'called_back',
  'closed',
  'cancelled',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which work is still owed (the case counts as open, its clocks may run). */
export const OPEN_STATUSES: readonly CaseStatus[] = [
  'registered',
  'assigned',
  'accepted',
  'in_progress',
  'paused',
];
export const isOpenStatus = (status: CaseStatus): boolean => OPEN_STATUSES.includes(status);

export const CASE_ACTIONS = [
  'assign',
  'accept',
  'start',
  'pause',
  'resume',
  'resolve',
  'close',
  'reopen',
  'cancel',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** The permissions of the cases module (the session's `permissions` hold them as strings). */
export type CasePermission =
  'cases.read' | 'cases.write' | 'cases.dispatch' | 'cases.callback' | 'cases.configure';

/* ---- Case types (case-type.schema.ts, as returned: defaults applied) ---- */

export const FIELD_TYPES = ['text', 'textarea', 'number', 'date', 'select', 'boolean'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export type FieldDefinition = {
  key: string;
  label: string;
  labelEn?: string;
  type: FieldType;
  required: boolean;
  /** For `select`: the allowed values. */
  options?: { value: string; label: string; labelEn?: string }[];
  /** Required only when another field has this value. */
  requiredWhen?: { field: string; equals: string | number | boolean };
};

/** A node of the category tree, or of the reason-code taxonomy (sub-reasons as children). */
export type TreeNode = { key: string; name: string; nameEn?: string; children?: TreeNode[] };

export type ClockEvent = 'created' | 'assigned' | 'accepted' | 'started' | 'resolved';

export type ClockDefinition = {
  key: string;
  name: string;
  nameEn?: string;
  startsAt: 'created' | 'assigned' | 'accepted';
  stopsAt: 'accepted' | 'started' | 'resolved';
  calendar?: string;
};

/** One row of the time-limit table (时限表); `*` matches any category or priority. */
export type LimitRow = { category: string; priority: string; limits: Record<string, string> };

export type EscalationTarget = 'assignee' | 'unit_managers' | 'parent_unit_managers' | 'registrant';
export type EscalationLevel = {
  level: number;
  clock: string;
  offset: string;
  notify: EscalationTarget[];
  reassignTo?: 'unit_manager' | 'parent_unit_manager';
};

export type CallbackPolicy = {
  /** Due this long after resolution, e.g. `1wd`. */
  within: string;
  /** Share of resolved cases that get a callback (1 = all). */
  share: number;
  /** A reached callback with satisfaction at or below this reopens the case (0 = never). */
  reopenAtOrBelow: number;
};

export type NamedKey = { key: string; name: string; nameEn?: string };

export type CaseTypeDefinition = {
  key: string;
  name: string;
  nameEn?: string;
  description?: string;
  calendar: string;
  fields: FieldDefinition[];
  categories: TreeNode[];
  /** Listed most urgent first. */
  priorities: NamedKey[];
  defaultPriority?: string;
  reasons: TreeNode[];
  closing: {
    requireReason: boolean;
    requireFeedback: boolean;
    minFeedbackLength: number;
    outcomeFields: FieldDefinition[];
  };
  clocks: ClockDefinition[];
  limits: LimitRow[];
  atRiskShare: number;
  pauseReasons: NamedKey[];
  callback: CallbackPolicy | null;
  escalations: EscalationLevel[];
  repeatWithinDays: number | null;
};

export type CaseType = {
  id: number;
  key: string;
  name: string;
  nameEn: string | null;
  version: number;
  active: boolean;
  definition: CaseTypeDefinition;
  createdAt: string;
  updatedAt: string;
};

/* ---- Cases (cases.schema.ts) ---- */

export const CLOCK_STATUSES = [
  'on_track',
  'at_risk',
  'overdue',
  'paused',
  'met',
  'breached',
  'cancelled',
] as const;
export type ClockStatus = (typeof CLOCK_STATUSES)[number];

export type UserRef = { id: number; name: string } | null;

export type CaseClock = {
  key: string;
  name: string;
  nameEn: string | null;
  cycle: number;
  /** The limit as configured: `30m`, `4h`, `2wh`, `1wd`. */
  limit: string;
  status: ClockStatus;
  startedAt: string;
  dueAt: string;
  atRiskAt: string;
  stoppedAt: string | null;
  pausedMs: number;
  /** Working (or calendar, for calendar-time limits) ms left; negative when overdue; null once stopped. */
  remainingMs: number | null;
};

export type CaseSummary = {
  id: number;
  caseType: { key: string; name: string; nameEn: string | null };
  unit: { id: number; name: string };
  externalKey: string | null;
  title: string;
  categoryKey: string;
  categoryName: string;
  priorityKey: string;
  priorityName: string;
  status: CaseStatus;
  assignee: UserRef;
  customer: { id: number; name: string } | null;
  repeatOfCaseId: number | null;
  reopenCount: number;
  nextDueAt: string | null;
  /** The worst state of the case's clocks now. */
  clockStatus: ClockStatus | null;
  createdAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
};

export type CaseCallback = {
  id: number;
  cycle: number;
  dueAt: string;
  status: 'pending' | 'done';
  reached: boolean | null;
  satisfaction: number | null;
  comment: string | null;
  recordedBy: UserRef;
  recordedAt: string | null;
};

export type Case = CaseSummary & {
  description: string | null;
  fields: Record<string, unknown>;
  reasonCode: string | null;
  reasonName: string | null;
  feedback: string | null;
  outcome: Record<string, unknown> | null;
  registrant: UserRef;
  clocks: CaseClock[];
  callbacks: CaseCallback[];
  /** What the caller may do now (buttons). */
  actions: CaseAction[];
  /** Whether the caller may record a callback now. */
  canRecordCallback: boolean;
  version: number;
  updatedAt: string;
};

export const CASE_EVENT_KINDS = [
  'created',
  'assigned',
  'accepted',
  'started',
  'paused',
  'resumed',
  'resolved',
  'called_back',
  'callback_recorded',
  'closed',
  'reopened',
  'cancelled',
  'reclassified',
  'commented',
  'escalated',
  'attachment_added',
  'repeat_linked',
] as const;
export type CaseEventKind = (typeof CASE_EVENT_KINDS)[number];

export type CaseEvent = {
  id: number;
  /** One of CASE_EVENT_KINDS; unknown kinds are shown as they come. */
  kind: string;
  at: string;
  actor: { id: number | null; name: string };
  fromStatus: string | null;
  toStatus: string | null;
  payload: Record<string, unknown>;
};

export const CASE_VIEWS = ['all', 'mine', 'unit', 'overdue', 'callbacks_due'] as const;
export type CaseView = (typeof CASE_VIEWS)[number];
export const CASE_SORTS = ['created_desc', 'created_asc', 'due_asc'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

export type CasesQuery = {
  view?: CaseView;
  q?: string;
  status?: CaseStatus[];
  open?: boolean;
  caseType?: string;
  category?: string;
  priority?: string;
  unitId?: number;
  subtree?: boolean;
  assigneeId?: number;
  customerId?: number;
  /** ISO date-times with offset. */
  createdFrom?: string;
  createdTo?: string;
  sort?: CaseSort;
  page?: number;
  pageSize?: number;
};

export type CreateCaseInput = {
  caseType: string;
  unitId: number;
  title: string;
  description?: string | null;
  category: string;
  priority?: string;
  customerId?: number | null;
  fields?: Record<string, unknown>;
  /** Assign at once (needs cases.dispatch). */
  assigneeUserId?: number | null;
  /** Key in the source system; unique per case type. */
  externalKey?: string | null;
};

type Versioned = { note?: string; expectedVersion?: number };
export type TransitionInput =
  | ({ action: 'assign'; assigneeUserId: number; unitId?: number } & Versioned)
  | ({ action: 'accept' } & Versioned)
  | ({ action: 'start' } & Versioned)
  | ({ action: 'pause'; pauseReason: string } & Versioned)
  | ({ action: 'resume' } & Versioned)
  | {
      action: 'resolve' | 'close';
      reasonCode?: string;
      feedback?: string;
      outcome?: Record<string, unknown>;
      expectedVersion?: number;
    }
  | { action: 'reopen'; note: string; expectedVersion?: number }
  | { action: 'cancel'; note: string; expectedVersion?: number };

export type ReclassifyInput = { category?: string; priority?: string; note?: string };
export type RecordCallbackInput = { reached: boolean; satisfaction?: number; comment?: string };
export type BulkAssignInput = { caseIds: number[]; assigneeUserId: number; unitId?: number };
export type BulkAssignResult = {
  results: { caseId: number; ok: boolean; error?: { code: string; message: string } }[];
};

export type CaseAttachment = {
  id: number;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: UserRef;
  createdAt: string;
};

/* ---- Figures and tally ---- */

export const FIGURE_GROUPS = ['none', 'category', 'owner', 'unit', 'month'] as const;
export type FigureGroup = (typeof FIGURE_GROUPS)[number];
export type TimeBasis = 'working' | 'calendar';

export type FiguresQuery = {
  /** ISO date-times with offset. */
  from: string;
  to: string;
  unitId?: number;
  subtree?: boolean;
  caseType?: string;
  groupBy?: FigureGroup;
  timeBasis?: TimeBasis;
};

export type FigureRow = {
  key: string;
  label: string;
  registered: number;
  resolved: number;
  closed: number;
  cancelled: number;
  /** Per clock key: clocks that stopped in the period, how many in time, and the share. */
  onTime: Record<string, { stopped: number; met: number; rate: number | null }>;
  resolutionHours: { count: number; median: number | null; p90: number | null };
  callbacks: {
    recorded: number;
    reached: number;
    /** reached ÷ resolved cases that were due a callback */
    rate: number | null;
    satisfactionAvg: number | null;
    unsatisfied: number;
  };
  reopened: number;
  /** reopened ÷ resolved */
  reworkRate: number | null;
  repeats: number;
  overdueNow: number;
};

export type Figures = {
  from: string;
  to: string;
  groupBy: string;
  timeBasis: string;
  percentileMethod: string;
  total: FigureRow;
  rows: FigureRow[];
};

export type TallyQuery = { caseType?: string; unitId?: number };

export type TallyOwner = {
  assignee: UserRef;
  open: number;
  overdue: number;
  atRisk: number;
  /** Top-level category key → open cases. */
  byCause: Record<string, number>;
};

export type Tally = {
  at: string;
  owners: TallyOwner[];
  causes: { key: string; name: string; open: number }[];
  registeredToday: number;
  resolvedToday: number;
};

/* ---- Helpers over definitions (the server's flattenTree / findNode, and names in the UI language) ---- */

/** The English name when the UI is English and one is set, else the Chinese one. */
export const localName = (
  item: { name: string; nameEn?: string | null | undefined },
  lang: string,
): string => (lang === 'en' && item.nameEn ? item.nameEn : item.name);

/** Every node of a tree, depth first, with the keys of its ancestors (root first). */
export const flattenTree = (
  nodes: readonly TreeNode[],
  ancestors: readonly string[] = [],
): Array<TreeNode & { path: string[] }> =>
  nodes.flatMap((node) => [
    { ...node, path: [...ancestors] },
    ...flattenTree(node.children ?? [], [...ancestors, node.key]),
  ]);

export const findNode = (nodes: readonly TreeNode[], key: string) =>
  flattenTree(nodes).find((n) => n.key === key);

/** A limit as configured (`30m`, `4h`, `3d`, `90wm`, `2wh`, `1wd`), or null when it does not parse. */
export type LimitUnit = 'm' | 'h' | 'd' | 'wm' | 'wh' | 'wd';
export const parseLimit = (
  text: string,
): { value: number; unit: LimitUnit; working: boolean; ms: number | null } | null => {
  const match = /^(-?\d+(?:\.\d+)?)(wd|wh|wm|d|h|m)$/.exec(text.trim());
  if (!match) return null;
  const value = Number(match[1]);
  const unit = match[2] as LimitUnit;
  const unitMs: Record<LimitUnit, number | null> = {
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    wm: 60_000,
    wh: 3_600_000,
    wd: null,
  };
  const per = unitMs[unit];
  return { value, unit, working: unit.startsWith('w'), ms: per === null ? null : value * per };
};

/* ---- Calls ---- */

const bool = (v: boolean | undefined) => (v === undefined ? undefined : String(v));

/** The list answer, or a bare array (tolerated in case the server sends one). */
const itemsOf = <T>(data: T[] | ItemList<T> | null | undefined): T[] =>
  Array.isArray(data) ? data : (data?.items ?? []);

export const listCaseTypes = async (): Promise<CaseType[]> =>
  itemsOf(await api.get<CaseType[] | ItemList<CaseType>>('/case-types'));
export const getCaseType = (key: string): Promise<CaseType> =>
  api.get<CaseType>(`/case-types/${encodeURIComponent(key)}`);

export const listCases = (query: CasesQuery): Promise<Page<CaseSummary>> =>
  api.get<Page<CaseSummary>>('/cases', {
    view: query.view,
    q: query.q,
    status: query.status?.length ? query.status.join(',') : undefined,
    open: bool(query.open),
    caseType: query.caseType,
    category: query.category,
    priority: query.priority,
    unitId: query.unitId,
    subtree: query.unitId === undefined ? undefined : bool(query.subtree),
    assigneeId: query.assigneeId,
    customerId: query.customerId,
    createdFrom: query.createdFrom,
    createdTo: query.createdTo,
    sort: query.sort,
    page: query.page,
    pageSize: query.pageSize,
  });

export const createCase = (input: CreateCaseInput): Promise<Case> => api.post<Case>('/cases', input);
export const getCase = (id: number): Promise<Case> => api.get<Case>(`/cases/${id}`);
export const transitionCase = (id: number, input: TransitionInput): Promise<Case> =>
  api.post<Case>(`/cases/${id}/transitions`, input);
export const reclassifyCase = (id: number, input: ReclassifyInput): Promise<Case> =>
  api.post<Case>(`/cases/${id}/reclassify`, input);
export const listCaseEvents = async (id: number): Promise<CaseEvent[]> =>
  itemsOf(await api.get<ItemList<CaseEvent>>(`/cases/${id}/events`));
export const addCaseComment = (id: number, text: string): Promise<CaseEvent> =>
  api.post<CaseEvent>(`/cases/${id}/comments`, { text });
export const recordCaseCallback = (id: number, input: RecordCallbackInput): Promise<Case> =>
  api.post<Case>(`/cases/${id}/callbacks`, input);
/** Someone a case can be assigned to. */
export type Assignee = { id: number; name: string; username: string };

/**
 * Users to assign cases to, by name or user name. For now GET /users, which needs users.manage: a
 * dispatcher without it gets a 403 until the server offers an assignee look-up (then only this changes).
 */
export const searchAssignees = async (q: string | undefined): Promise<Assignee[]> =>
  itemsOf(await api.get<ItemList<Assignee>>(`/case-assignees${q ? `?q=${encodeURIComponent(q)}` : ''}`));

export const bulkAssignCases = (input: BulkAssignInput): Promise<BulkAssignResult> =>
  api.post<BulkAssignResult>('/cases/bulk-assign', input);

export const listCaseAttachments = async (id: number): Promise<CaseAttachment[]> =>
  itemsOf(await api.get<ItemList<CaseAttachment>>(`/cases/${id}/attachments`));

/** Where the browser downloads an attachment (same-origin cookie; no CSRF needed for GET). */
export const caseAttachmentUrl = (caseId: number, attachmentId: number): string =>
  `${API_BASE}/cases/${caseId}/attachments/${attachmentId}/content`;

/** The largest file the server accepts. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/**
 * Uploads one file as the raw request body with its own Content-Type (the JSON client cannot send
 * that). The CSRF token and language come from the caller: the session holds them.
 */
export const uploadCaseAttachment = (
  caseId: number,
  file: File,
  session: { csrfToken: string | null; language: string; fallbackMessage: string },
): Promise<CaseAttachment> =>
  postRawBody<CaseAttachment>(
    `/cases/${caseId}/attachments?fileName=${encodeURIComponent(file.name)}`,
    file,
    {
      headers: { 'Content-Type': file.type || 'application/octet-stream' },
      ...session,
    },
  );

export const getCaseFigures = (query: FiguresQuery): Promise<Figures> =>
  api.get<Figures>('/case-figures', {
    from: query.from,
    to: query.to,
    unitId: query.unitId,
    subtree: query.unitId === undefined ? undefined : bool(query.subtree),
    caseType: query.caseType,
    groupBy: query.groupBy,
    timeBasis: query.timeBasis,
  });

export const getCaseTally = (query: TallyQuery): Promise<Tally> =>
  api.get<Tally>('/case-tally', { caseType: query.caseType, unitId: query.unitId });

/* ---- Query keys (the pattern of query-keys.ts; everything under ['cases'] refreshes together) ---- */

export const caseKeys = {
  all: ['cases'] as const,
  lists: ['cases', 'list'] as const,
  list: (q: CasesQuery) => ['cases', 'list', q] as const,
  detail: (id: number) => ['cases', 'detail', id] as const,
  events: (id: number) => ['cases', 'detail', id, 'events'] as const,
  attachments: (id: number) => ['cases', 'detail', id, 'attachments'] as const,
  figures: (q: FiguresQuery) => ['cases', 'figures', q] as const,
  tally: (q: TallyQuery) => ['cases', 'tally', q] as const,
  assignees: (q: string) => ['case-assignees', q] as const,
  types: ['case-types'] as const,
  type: (key: string) => ['case-types', key] as const,
};
