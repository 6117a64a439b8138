import { requirePermission } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { startOfReportingDay } from './case-figure-days.js';
import { factColumns, figureScope, loadContext, rootCategory, scopedCases } from './case-figures.service.js';
import type { Tally } from './cases.schema.js';

/** The daily tally (每日盘点): open cases by owner and root cause, with what is overdue or at risk. */
export const tallyOfCases = async (
  query: { caseType?: string | undefined; unitId?: number | undefined },
  { db, clock, actor }: Deps,
): Promise<Tally> => {
  const roots = requirePermission(actor, 'cases.read');
  const scope = await figureScope(db, {
    roots,
    unitId: query.unitId,
    subtree: true,
    caseType: query.caseType,
  });
  const now = clock.now();
  const nowIso = now.toISOString();
  const today = startOfReportingDay(now).toISOString();
  const [context, open, atRisk, registeredToday, resolvedToday] = await Promise.all([
    loadContext(db),
    scopedCases(db, scope)
      .select([...factColumns, 'cases.id', 'cases.nextDueAt'])
      .where('cases.isOpen', '=', 1)
      .execute(),
    scopedCases(db, scope)
      .innerJoin('caseClocks', 'caseClocks.caseId', 'cases.id')
      .select('cases.id')
      .distinct()
      .where('cases.isOpen', '=', 1)
      .where('caseClocks.state', '=', 'running')
      .where('caseClocks.atRiskAt', '<=', nowIso)
      .where('caseClocks.dueAt', '>=', nowIso)
      .execute(),
    scopedCases(db, scope)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('cases.createdAt', '>=', today)
      .executeTakeFirstOrThrow(),
    scopedCases(db, scope)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('cases.resolvedAt', '>=', today)
      .executeTakeFirstOrThrow(),
  ]);
  const risky = new Set(atRisk.map((r) => r.id));
  const owners = new Map<string, Tally['owners'][number]>();
  const causes = new Map<string, { key: string; name: string; open: number }>();
  for (const r of open) {
    const cause = rootCategory(context.types.get(r.caseTypeId), r.categoryKey);
    const ownerKey = String(r.assigneeUserId ?? 'none');
    let owner = owners.get(ownerKey);
    if (!owner)
      owners.set(
        ownerKey,
        (owner = {
          assignee:
            r.assigneeUserId === null
              ? null
              : { id: r.assigneeUserId, name: context.users.get(r.assigneeUserId) ?? `#${r.assigneeUserId}` },
          open: 0,
          overdue: 0,
          atRisk: 0,
          byCause: {},
        }),
      );
    owner.open++;
    if (r.nextDueAt !== null && r.nextDueAt < nowIso) owner.overdue++;
    else if (risky.has(r.id)) owner.atRisk++;
    owner.byCause[cause.key] = (owner.byCause[cause.key] ?? 0) + 1;
    const c = causes.get(cause.key) ?? { ...cause, open: 0 };
    c.open++;
    causes.set(cause.key, c);
  }
  return {
    at: nowIso,
    owners: [...owners.values()].sort((a, b) => b.open - a.open),
    causes: [...causes.values()].sort((a, b) => b.open - a.open),
    registeredToday: Number(registeredToday.n),
    resolvedToday: Number(resolvedToday.n),
  };
};
