import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import type { Actor } from '../../platform/access.js';
import { systemActor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { isAppError } from '../../platform/errors/app-error.js';
import { figuresOfCampaigns } from '../campaigns/campaign-figures.service.js';
import type { CampaignFigures } from '../campaigns/campaign-figures.service.js';
import { listCampaigns } from '../campaigns/campaigns.service.js';
import { expectedFigureDays, storedFigureDays } from '../cases/case-figure-days.js';
import { getUserByUsername } from '../org/users.service.js';
import { seedDemoOrganisation } from '../org/org.demo.js';
import { parsePack, readPack } from './pack-files.js';
import type { PackLoadSummary } from './packs.service.js';
import { loadPack } from './packs.service.js';

const key = 'telecom-arrears';
const password = 'demo password 2026';
/** A Friday afternoon: the lists of August, September and October have been dispatched. */
const now = new Date('2026-11-27T17:00:00+08:00');

const rootShares = (f: CampaignFigures, category: string) =>
  Object.fromEntries((f.reasonsByCategory[category] ?? []).map((r) => [r.key, r.share ?? 0]));

it('validates the pack and its campaigns cross references', () => {
  const pack = readPack(key);
  expect(pack.firstStart).toBe(true);
  const c = pack.campaigns!;
  expect(c.lines.map((l) => l.key)).toEqual(['broadband', 'mobile']);
  const grids = pack.units.filter((u) => u.kind === 'grid');
  expect(grids.length).toBeGreaterThanOrEqual(6);
  expect(grids.length).toBeLessThanOrEqual(10);
  // Every grid has its grid manager; the branch its head; marketing its analyst.
  for (const g of grids)
    expect(
      pack.users.filter((u) => u.grants.some((x) => x.role === 'manager' && x.unit === g.code)),
    ).toHaveLength(1);
  expect(
    pack.users.find((u) => u.grants.some((g) => g.role === 'manager' && g.unit === 'GK-EAST')),
  ).toBeDefined();
  expect(pack.users.find((u) => u.grants.some((g) => g.role === 'viewer'))).toBeDefined();

  const broken = structuredClone(pack);
  broken.campaigns!.caseType = 'telecom.arrears';
  broken.campaigns!.lines[0]!.category = 'fixed_line';
  broken.campaigns!.lines[0]!.reasons = { 'unreachable.carrier_pigeon': 1 };
  broken.campaigns!.units['NO-SUCH-GRID'] = { weight: 1, lists: {} };
  broken.campaigns!.lines[1]!.feedback['other_carrier'] = ['太短'];
  let error: unknown;
  try {
    parsePack(broken);
  } catch (e) {
    error = e;
  }
  expect(isAppError(error) && error.code).toBe('packs.invalid');
  const problem = isAppError(error) ? String(error.details.problem) : '';
  expect(problem).toContain('campaigns.lines.0.category: unknown category fixed_line');
  expect(problem).toContain('campaigns.lines.0.reasons.unreachable.carrier_pigeon: unknown reason');
  expect(problem).toContain('campaigns.units.NO-SUCH-GRID: unknown unit NO-SUCH-GRID');
  expect(problem).toContain('campaigns.lines.1.feedback.other_carrier.0');
});

describeEachDialect('packs: telecom-arrears', (ctx) => {
  let db: Db;
  const clock = manualClock(now);
  const system = systemActor('test');
  const deps = () => ({ db, clock, actor: system });
  let first: PackLoadSummary;
  let branchHead: Actor;

  const count = async (table: 'units' | 'users' | 'cases' | 'caseEvents' | 'auditLog' | 'campaigns') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    db = ctx().db;
    await seedDemoOrganisation({ demoPassword: password }, deps());
    first = await loadPack({ key, password }, deps());
    const head = await getUserByUsername({ username: 'east.manager' }, deps());
    branchHead = {
      kind: 'user',
      userId: head.id,
      name: head.displayName,
      grants: head.grants.map(({ role, unitId }) => ({ role, unitId })),
    };
  }, 300_000);

  it('creates the grids, their managers, the analyst, the case type and three months of campaigns', async () => {
    expect(first.units.created).toHaveLength(6); // G01, G02 and the branch come with the demo organisation
    expect(first.users.created).toEqual(expect.arrayContaining(['tel.donghu', 'tel.heping', 'tel.analyst']));
    expect(first.users.existing).toEqual(['east.manager']);
    expect(first.caseTypes.installed).toEqual(['telecom.arrears', 'telecom.visit']);
    const c = first.campaigns;
    if (!c.generated) throw new Error('campaigns not generated');
    expect(c.failures).toEqual([]);
    expect(c.created).toEqual([
      '2026-08-broadband',
      '2026-08-mobile',
      '2026-09-broadband',
      '2026-09-mobile',
      '2026-10-broadband',
      '2026-10-mobile',
    ]);
    expect(c.targets).toBeGreaterThan(400);
    // About 30 % of the unreachable targets went on to a door-to-door visit showing their arrears.
    const unreachable = await db
      .selectFrom('campaignTargets')
      .innerJoin('cases', 'cases.id', 'campaignTargets.caseId')
      .select(['campaignTargets.visitCaseId'])
      .where('cases.reasonCode', 'like', 'unreachable.%')
      .execute();
    const visits = unreachable.filter((t) => t.visitCaseId !== null).length;
    expect(visits / unreachable.length).toBeGreaterThan(0.2);
    expect(visits / unreachable.length).toBeLessThan(0.4);
    const visit = await db
      .selectFrom('cases')
      .select(['fieldsJson', 'description'])
      .where('id', '=', unreachable.find((t) => t.visitCaseId !== null)!.visitCaseId!)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(visit.fieldsJson) as Record<string, unknown>).toHaveProperty('arrears');
    expect(visit.description).toMatch(/^派单：[^\n]+\n欠费金额：[\d.]+\n套餐：/);
    const campaigns = await listCampaigns({ db, actor: branchHead });
    expect(campaigns.map((x) => x.key).sort()).toEqual([...c.created].sort());
    expect(campaigns.find((x) => x.key === '2026-10-broadband')?.name).toBe('2026年10月宽带欠费拆机回访');
    // Dispatched on the first working day of the following month, in the morning.
    expect(campaigns.find((x) => x.key === '2026-10-broadband')?.createdAt).toBe('2026-11-02T01:30:00.000Z');
    // … and counted in October, the month its list covers.
    expect(campaigns.find((x) => x.key === '2026-10-broadband')?.period).toBe('2026-10');
  });

  it('shows the essay’s reason shares, a reactivation rate in range and the weaker manager', async () => {
    const f = await figuresOfCampaigns({ campaign: '2026-10-broadband' }, { db, actor: branchHead });
    const line = readPack(key).campaigns!.lines[0]!;
    const total = Object.values(line.reasons).reduce((a, b) => a + b, 0);
    const configured = (root: string) =>
      Object.entries(line.reasons)
        .filter(([k]) => k === root || k.startsWith(`${root}.`))
        .reduce((a, [, w]) => a + w, 0) / total;
    const shares = rootShares(f, 'broadband');
    for (const root of ['unreachable', 'no_need', 'other_carrier', 'other'])
      expect(Math.abs(shares[root]! - configured(root)), root).toBeLessThan(0.06);
    expect(f.total.reactivationRate).toBeGreaterThanOrEqual(0.08);
    expect(f.total.reactivationRate).toBeLessThanOrEqual(0.22);
    // A few targets of the latest month are not followed up yet.
    expect(f.total.followedUp).toBeLessThan(f.total.targets);
    expect(f.total.targets - f.total.followedUp).toBeLessThan(f.total.targets * 0.2);

    const mobile = rootShares(
      await figuresOfCampaigns({ campaign: '2026-10-mobile' }, { db, actor: branchHead }),
      'mobile',
    );
    expect(mobile.unreachable).toBeGreaterThan(0.5);
    expect(mobile.other_carrier).toBeGreaterThan(0.15);

    // Over the three months, 周杰 (和平网格) records more 其他 and wins back fewer than the others.
    const all = await figuresOfCampaigns(
      { from: '2026-08-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' },
      { db, actor: branchHead },
    );
    const heping = await getUserByUsername({ username: 'tel.heping' }, deps());
    const weak = all.byAssignee.find((a) => a.key === String(heping.id))!;
    const others = all.byAssignee.filter((a) => a.key !== String(heping.id));
    expect(others.length).toBeGreaterThanOrEqual(7);
    for (const o of others) expect(weak.reactivationRate!, o.label).toBeLessThan(o.reactivationRate!);
    const otherShare = async (userId: number) => {
      const rows = await db
        .selectFrom('cases')
        .select('reasonCode')
        .where('assigneeUserId', '=', userId)
        .where('reasonCode', 'is not', null)
        .execute();
      return rows.filter((r) => r.reasonCode!.startsWith('other.')).length / rows.length;
    };
    const weakOther = await otherShare(heping.id);
    for (const o of others) expect(weakOther, o.label).toBeGreaterThan(await otherShare(Number(o.key)));
  });

  it('defines its indicators and computes them per list month, equal to the campaign figures', async () => {
    expect(first.indicators.defined).toEqual(readPack(key).indicators.map((d) => d.key));
    expect(first.recompute).toMatchObject({ from: '2026-08-01', to: '2026-11-27' });
    const october = await figuresOfCampaigns({ period: '2026-10' }, { db, actor: branchHead });
    const rows = await db
      .selectFrom('indicatorValues as v')
      .innerJoin('indicators as i', 'i.id', 'v.indicatorId')
      .select(['i.key', 'v.unitId', 'v.ownNumerator', 'v.ownDenominator'])
      .where('v.period', '=', '2026-10-01')
      .where('i.key', 'in', ['telecom.reactivation_rate', 'telecom.feedback_rate'])
      .where('v.ownValue', 'is not', null)
      .execute();
    expect(october.byUnit.length).toBeGreaterThanOrEqual(6);
    for (const u of october.byUnit) {
      const of = (k: string) => rows.find((r) => r.key === k && r.unitId === Number(u.key));
      expect(of('telecom.reactivation_rate'), u.label).toMatchObject({
        ownNumerator: u.reactivated,
        ownDenominator: u.targets,
      });
      expect(of('telecom.feedback_rate'), u.label).toMatchObject({
        ownNumerator: u.followedUp,
        ownDenominator: u.targets,
      });
    }
  });

  it('leaves the figures rollup equal to a recomputation', async () => {
    expect(await storedFigureDays(db)).toEqual(await expectedFigureDays(db));
  });

  it('is idempotent: a second load changes nothing', async () => {
    const tables = ['units', 'users', 'cases', 'caseEvents', 'auditLog', 'campaigns'] as const;
    const before = await Promise.all(tables.map(count));
    clock.set(new Date(now.getTime() + 3_600_000));
    const second = await loadPack({ key, password }, deps());
    expect(await Promise.all(tables.map(count))).toEqual(before);
    expect(second.units.created).toEqual([]);
    expect(second.users.created).toEqual([]);
    expect(second.caseTypes.installed).toEqual([]);
    expect(second.campaigns).toEqual({ generated: false, reason: 'already_present' });
    expect(second.indicators.unchanged).toHaveLength(first.indicators.defined.length);
    expect(second.recompute).toMatchObject({ valuesWritten: 0, rollupsWritten: 0 });
  });
});
