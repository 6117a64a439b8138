/*
 * The case lifecycle as a table: which action moves a case from which status to which, and who
 * may take it. Pure: the service asks `planTransition` and writes what it answers.
 *
 *   registered → assigned → accepted (接单) → in_progress (到场/处理中) ⇄ paused
 *        → resolved → called_back (回访) → closed
 *   reopen from resolved / called_back / closed → in_progress (rework, resolution clock restarts)
 *   cancel from any status before resolution
 */

export const caseStatuses = [
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
export type CaseStatus = (typeof caseStatuses)[number];

export const caseActions = [
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
export type CaseAction = (typeof caseActions)[number];

/** Statuses in which work is still owed (the case counts as open, its clocks may run). */
export const openStatuses: readonly CaseStatus[] = [
  'registered',
  'assigned',
  'accepted',
  'in_progress',
  'paused',
];
export const isOpenStatus = (status: CaseStatus) => openStatuses.includes(status);

/**
 * Who may take an action:
 * - `dispatcher`: holds cases.dispatch on the case's unit;
 * - `assignee`: the assigned user (a dispatcher may act for him);
 * - `handler`: holds cases.write on the unit (service desk verifying or cancelling its own registrations).
 */
export type Role = 'dispatcher' | 'assignee' | 'handler';

type Rule = { from: readonly CaseStatus[]; to: CaseStatus | 'previous'; by: readonly Role[] };

const rules: Record<CaseAction, Rule> = {
  assign: {
    from: ['registered', 'assigned', 'accepted', 'in_progress', 'paused'],
    to: 'assigned',
    by: ['dispatcher'],
  },
  accept: { from: ['assigned'], to: 'accepted', by: ['assignee'] },
  start: { from: ['accepted'], to: 'in_progress', by: ['assignee'] },
  pause: { from: ['accepted', 'in_progress'], to: 'paused', by: ['assignee'] },
  resume: { from: ['paused'], to: 'previous', by: ['assignee'] },
  resolve: { from: ['accepted', 'in_progress'], to: 'resolved', by: ['assignee'] },
  close: { from: ['resolved', 'called_back'], to: 'closed', by: ['dispatcher', 'handler'] },
  reopen: { from: ['resolved', 'called_back', 'closed'], to: 'in_progress', by: ['dispatcher', 'handler'] },
  cancel: {
    from: ['registered', 'assigned', 'accepted', 'in_progress', 'paused'],
    to: 'cancelled',
    by: ['dispatcher', 'handler'],
  },
};

export type TransitionPlan =
  | { ok: true; to: CaseStatus }
  | { ok: false; reason: 'wrong_status'; allowedFrom: readonly CaseStatus[] }
  | { ok: false; reason: 'not_allowed'; allowedBy: readonly Role[] };

/**
 * Whether `action` may be taken now, and the status it leads to. `roles` are the caller's
 * relations to the case; a dispatcher may always act for the assignee (a manager covering for
 * an absent technician), which the event records.
 */
export const planTransition = ({
  action,
  status,
  previousStatus,
  roles,
}: {
  action: CaseAction;
  status: CaseStatus;
  /** For `resume`: the status before the pause. */
  previousStatus?: CaseStatus | undefined;
  roles: readonly Role[];
}): TransitionPlan => {
  const rule = rules[action];
  if (!rule.from.includes(status)) return { ok: false, reason: 'wrong_status', allowedFrom: rule.from };
  const allowed =
    rule.by.some((r) => roles.includes(r)) || (rule.by.includes('assignee') && roles.includes('dispatcher'));
  if (!allowed) return { ok: false, reason: 'not_allowed', allowedBy: rule.by };
  return { ok: true, to: rule.to === 'previous' ? (previousStatus ?? 'in_progress') : rule.to };
};

/** The actions open to a caller on a case in `status`, for the UI's buttons. */
export const availableActions = (status: CaseStatus, roles: readonly Role[]): CaseAction[] =>
  caseActions.filter((action) => planTransition({ action, status, roles }).ok);

/** The clock event an action raises (see case-type.schema.ts clockEvents), if any. */
export const clockEventOf = (action: CaseAction): 'assigned' | 'accepted' | 'started' | 'resolved' | null =>
  action === 'assign'
    ? 'assigned'
    : action === 'accept'
      ? 'accepted'
      : action === 'start'
        ? 'started'
        : action === 'resolve'
          ? 'resolved'
          : null;
