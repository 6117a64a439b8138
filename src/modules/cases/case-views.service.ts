import { requirePermission, rolesWith, scopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import { containsText } from '../../platform/db/search.js';
import type { Deps } from '../../platform/deps.js';
import { AppError, isAppError } from '../../platform/errors/app-error.js';
import { messageOf } from '../../platform/errors/catalog.js';
import { isUnitInScope, unitNames } from '../org/units.service.js';
import { findUsersWithRoles, userNames } from '../org/users.service.js';
import { customerNames } from '../customers/customers.service.js';
import { unitCondition } from '../org/scope.js';
import type { TreeNode } from './case-type.schema.js';
import { findNode } from './case-type.schema.js';
import type { LoadedCaseType } from './case-types.service.js';
import { caseTypeById } from './case-types.service.js';
import * as casesRepo from './cases.repo.js';
import type { CaseClockRow, CaseRow } from './cases.repo.js';
import type { Case, CaseEvent, CaseSummary, Callback, ListCasesQuery } from './cases.schema.js';
import type { clockStatuses } from './cases.schema.js';
import { rolesOn, visibilityOf } from './case-access.js';
import { transitionCase } from './cases.service.js';
import type { CaseStatus } from './lifecycle.js';
import { availableActions } from './lifecycle.js';
import { clockStatusAt } from './sla.js';

/* Reading cases: lists (queues and views), the case page, the timeline; and bulk dispatch. */

const nameOf = (
  nodes: readonly TreeNode[] | ReadonlyArray<{ key: string; name: string }>,
  key: string | null,
) =>
  key === null
    ? null
    : (nodes as TreeNode[]).length
      ? (findNode(nodes as TreeNode[], key)?.name ?? key)
      : key;

/** Worst first: the one status a list shows for a case with several clocks. */
const severity: Record<(typeof clockStatuses)[number], number> = {
  overdue: 6,
  breached: 5,
  at_risk: 4,
  paused: 3,
  on_track: 2,
  met: 1,
  cancelled: 0,
};

const clockStatusOf = (clock: CaseClockRow, now: number) =>
  clockStatusAt(
    { state: clock.state as 'running', dueAt: new Date(clock.dueAt), atRiskAt: new Date(clock.atRiskAt) },
    now,
  );

/** The current cycle of each clock: earlier cycles (before a reopening) are history for the figures. */
const currentClocks = (clocks: CaseClockRow[]) => {
  const latest = new Map<string, CaseClockRow>();
  for (const c of clocks) {
    const key = `${c.caseId}:${c.clockKey}`;
    if ((latest.get(key)?.cycle ?? 0) < c.cycle) latest.set(key, c);
  }
  return [...latest.values()];
};

const worstStatus = (clocks: CaseClockRow[], now: number) =>
  currentClocks(clocks).reduce<(typeof clockStatuses)[number] | null>((worst, c) => {
    const s = clockStatusOf(c, now);
    return !worst || severity[s] > severity[worst] ? s : worst;
  }, null);

type Lookups = {
  types: Map<number, LoadedCaseType>;
  units: Map<number, string>;
  users: Map<number, string>;
  customers: Map<number, string>;
};

const loadLookups = async (db: Executor, rows: CaseRow[]): Promise<Lookups> => {
  const types = new Map<number, LoadedCaseType>();
  for (const id of new Set(rows.map((r) => r.caseTypeId))) types.set(id, await caseTypeById(db, id));
  const userIds = [
    ...new Set(
      rows.flatMap((r) => [r.assigneeUserId, r.registrantUserId]).filter((x): x is number => x !== null),
    ),
  ];
  const customerIds = [...new Set(rows.map((r) => r.customerId).filter((x): x is number => x !== null))];
  const [units, users, customers] = await Promise.all([
    unitNames({ db }),
    userNames({ userIds }, { db }),
    customerNames({ customerIds }, { db }),
  ]);
  return { types, units, users, customers };
};

const userRef = (lookups: Lookups, id: number | null) =>
  id === null ? null : { id, name: lookups.users.get(id) ?? `#${id}` };

const toSummary = (row: CaseRow, lookups: Lookups, clocks: CaseClockRow[], now: number): CaseSummary => {
  const type = lookups.types.get(row.caseTypeId)!;
  return {
    id: row.id,
    caseType: { key: type.key, name: type.name, nameEn: type.nameEn },
    unit: { id: row.unitId, name: lookups.units.get(row.unitId) ?? `#${row.unitId}` },
    externalKey: row.externalKey,
    title: row.title,
    categoryKey: row.categoryKey,
    categoryName: findNode(type.definition.categories, row.categoryKey)?.name ?? row.categoryKey,
    priorityKey: row.priorityKey,
    priorityName: type.definition.priorities.find((p) => p.key === row.priorityKey)?.name ?? row.priorityKey,
    status: row.status as CaseStatus,
    assignee: userRef(lookups, row.assigneeUserId),
    customer:
      row.customerId === null
        ? null
        : { id: row.customerId, name: lookups.customers.get(row.customerId) ?? `#${row.customerId}` },
    repeatOfCaseId: row.repeatOfCaseId,
    reopenCount: row.reopenCount,
    nextDueAt: row.nextDueAt,
    clockStatus: worstStatus(clocks, now),
    createdAt: row.createdAt,
    resolvedAt: row.resolvedAt,
    closedAt: row.closedAt,
  };
};

/**
 * The list summaries of case rows the caller was allowed to read (by `visibleCases`): for lists
 * of other modules too, such as a campaign's targets.
 */
export const summariesOf = async (db: Executor, rows: CaseRow[], now: Date): Promise<CaseSummary[]> => {
  const [lookups, clocks] = await Promise.all([
    loadLookups(db, rows),
    casesRepo.listClocks(
      db,
      rows.map((r) => r.id),
    ),
  ]);
  const byCase = new Map<number, CaseClockRow[]>();
  for (const c of clocks) byCase.set(c.caseId, [...(byCase.get(c.caseId) ?? []), c]);
  return rows.map((r) => toSummary(r, lookups, byCase.get(r.id) ?? [], now.getTime()));
};

/** The case page: summary, fields, clocks with their remaining time, callbacks, and what the caller may do. */
export const getCase = async ({ caseId }: { caseId: number }, { db, clock, actor }: Deps): Promise<Case> => {
  requirePermission(actor, 'cases.read');
  const row = await casesRepo.findCase(db, caseId, visibilityOf(actor));
  if (!row) throw new AppError('cases.not_found', { caseId });
  const now = clock.now().getTime();
  const [lookups, clocks, callbacks, roles] = await Promise.all([
    loadLookups(db, [row]),
    casesRepo.listClocks(db, [row.id]),
    casesRepo.listCallbacks(db, row.id),
    rolesOn(db, row, actor),
  ]);
  const type = lookups.types.get(row.caseTypeId)!;
  const callbackUsers = await userNames(
    { userIds: callbacks.flatMap((c) => (c.recordedByUserId ? [c.recordedByUserId] : [])) },
    { db },
  );
  for (const [id, name] of callbackUsers) lookups.users.set(id, name);
  const canCallback =
    row.status === 'resolved' &&
    callbacks.some((c) => c.status === 'pending') &&
    (await isUnitInScope({ unitId: row.unitId, roots: scopeRoots(actor, 'cases.callback') }, { db }));
  const definitionClocks = type.definition.clocks;
  return {
    ...toSummary(row, lookups, clocks, now),
    description: row.description,
    fields: JSON.parse(row.fieldsJson) as Record<string, unknown>,
    reasonCode: row.reasonCode,
    reasonName: nameOf(type.definition.reasons, row.reasonCode),
    feedback: row.feedback,
    outcome: row.outcomeJson === null ? null : (JSON.parse(row.outcomeJson) as Record<string, unknown>),
    registrant: userRef(lookups, row.registrantUserId),
    clocks: definitionClocks.flatMap((d) => {
      const c = currentClocks(clocks).find((x) => x.clockKey === d.key);
      if (!c) return [];
      const status = clockStatusOf(c, now);
      return [
        {
          key: c.clockKey,
          name: d.name,
          nameEn: d.nameEn ?? null,
          cycle: c.cycle,
          limit: c.limitText,
          status,
          startedAt: c.startedAt,
          dueAt: c.dueAt,
          atRiskAt: c.atRiskAt,
          stoppedAt: c.stoppedAt,
          pausedMs: c.pausedMs,
          // Calendar ms: the page shows it as "2 h left"; for working-time limits the due time is what counts.
          remainingMs: c.stoppedAt ? null : Date.parse(c.dueAt) - now,
        },
      ];
    }),
    callbacks: callbacks.map((c): Callback => ({
      id: c.id,
      cycle: c.cycle,
      dueAt: c.dueAt,
      status: c.status as Callback['status'],
      reached: c.reached === null ? null : c.reached === 1,
      satisfaction: c.satisfaction,
      comment: c.comment,
      recordedBy: userRef(lookups, c.recordedByUserId),
      recordedAt: c.recordedAt,
    })),
    actions: availableActions(row.status as CaseStatus, roles).filter(
      // A dispatcher may act for the assignee, but the buttons offer it only when someone is assigned.
      (a) =>
        a === 'assign' ||
        row.assigneeUserId !== null ||
        !['accept', 'start', 'pause', 'resume', 'resolve'].includes(a),
    ),
    canRecordCallback: canCallback,
    version: row.version,
    updatedAt: row.updatedAt,
  };
};

export const listCaseEvents = async (
  { caseId }: { caseId: number },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<CaseEvent[]> => {
  requirePermission(actor, 'cases.read');
  const row = await casesRepo.findCase(db, caseId, visibilityOf(actor));
  if (!row) throw new AppError('cases.not_found', { caseId });
  return (await casesRepo.listEvents(db, caseId)).map((e) => ({
    id: e.id,
    kind: e.kind,
    at: e.at,
    actor: { id: e.actorUserId, name: e.actorName },
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    payload: JSON.parse(e.payloadJson) as Record<string, unknown>,
  }));
};

/** The case lists: all visible, my queue, my units' open cases, overdue, callbacks due; with filters. */
export const listCases = async (query: ListCasesQuery, { db, clock, actor }: Deps) => {
  requirePermission(actor, 'cases.read');
  const now = clock.now();
  const visibility = visibilityOf(actor);
  let q = casesRepo.visibleCases(db, visibility);
  const typeIds = new Map<string, number>();
  if (query.caseType) {
    const type = await db
      .selectFrom('caseTypes')
      .select('id')
      .where('key', '=', query.caseType)
      .executeTakeFirst();
    if (!type) throw new AppError('cases.unknown_type', { key: query.caseType, field: 'caseType' });
    typeIds.set(query.caseType, type.id);
    q = q.where('cases.caseTypeId', '=', type.id);
  }
  switch (query.view) {
    case 'mine':
      q = q.where('cases.assigneeUserId', '=', actor.userId ?? -1).where('cases.isOpen', '=', 1);
      break;
    case 'unit':
      q = q
        .where('cases.isOpen', '=', 1)
        .where(unitCondition('cases.unitId', { roots: visibility.roots, subtree: true }));
      break;
    case 'overdue':
      q = q.where('cases.isOpen', '=', 1).where('cases.nextDueAt', '<', now.toISOString());
      break;
    case 'callbacks_due':
      q = q
        .where('cases.status', '=', 'resolved')
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('caseCallbacks')
              .select('caseCallbacks.id')
              .whereRef('caseCallbacks.caseId', '=', 'cases.id')
              .where('caseCallbacks.status', '=', 'pending'),
          ),
        );
      break;
    case 'all':
      break;
  }
  if (query.unitId !== undefined)
    q = q.where(
      unitCondition('cases.unitId', { roots: 'all', unitId: query.unitId, subtree: query.subtree }),
    );
  if (query.status) q = q.where('cases.status', 'in', query.status);
  if (query.open !== undefined) q = q.where('cases.isOpen', '=', query.open ? 1 : 0);
  if (query.category) q = q.where('cases.categoryKey', '=', query.category);
  if (query.priority) q = q.where('cases.priorityKey', '=', query.priority);
  if (query.assigneeId) q = q.where('cases.assigneeUserId', '=', query.assigneeId);
  if (query.customerId) q = q.where('cases.customerId', '=', query.customerId);
  if (query.createdFrom) q = q.where('cases.createdAt', '>=', new Date(query.createdFrom).toISOString());
  if (query.createdTo) q = q.where('cases.createdAt', '<', new Date(query.createdTo).toISOString());
  if (query.q) {
    const text = query.q;
    const id = /^#?\d+$/.test(text) ? Number(text.replace('#', '')) : null;
    q = q.where((eb) =>
      eb.or([
        containsText('cases.title', text),
        containsText('cases.externalKey', text),
        ...(id ? [eb('cases.id', '=', id)] : []),
      ]),
    );
  }
  const sort = query.view === 'overdue' && query.sort === 'created_desc' ? 'due_asc' : query.sort;
  const ordered =
    sort === 'due_asc'
      ? q.orderBy('cases.nextDueAt').orderBy('cases.id')
      : sort === 'created_asc'
        ? q.orderBy('cases.createdAt').orderBy('cases.id')
        : q.orderBy('cases.createdAt', 'desc').orderBy('cases.id', 'desc');
  const [rows, total] = await Promise.all([
    ordered
      .selectAll('cases')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: await summariesOf(db, rows, now),
    total: Number(total.n),
    page: query.page,
    pageSize: query.pageSize,
  };
};

/** Assigns (and optionally transfers) many cases; each is its own transaction, each result reported. */
export const bulkAssignCases = async (
  {
    caseIds,
    assigneeUserId,
    unitId,
  }: { caseIds: number[]; assigneeUserId: number; unitId?: number | undefined },
  deps: Deps & { locale?: 'zh-CN' | 'en' },
) => {
  requirePermission(deps.actor, 'cases.dispatch');
  const results: Array<{ caseId: number; ok: boolean; error?: { code: string; message: string } }> = [];
  for (const caseId of [...new Set(caseIds)]) {
    try {
      await transitionCase(
        { caseId, input: { action: 'assign', assigneeUserId, ...(unitId ? { unitId } : {}) } },
        deps,
      );
      results.push({ caseId, ok: true });
    } catch (error) {
      if (!isAppError(error)) throw error;
      results.push({
        caseId,
        ok: false,
        error: { code: error.code, message: messageOf(error.code, deps.locale ?? 'zh-CN', error.details) },
      });
    }
  }
  return { results };
};

/** People the caller may assign cases to: active users who may handle cases within his dispatch scope. */
export const listAssignees = async (
  { q }: { q?: string | undefined },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
) => {
  const roots = requirePermission(actor, 'cases.dispatch');
  const users = await findUsersWithRoles({ roles: rolesWith('cases.write'), roots, q, limit: 50 }, { db });
  return { items: users.map((u) => ({ id: u.id, name: u.displayName, username: u.username })) };
};
