import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { systemActor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { limitsFor } from '../cases/case-type.schema.js';
import { seedDemoOrganisation } from '../org/org.demo.js';
import { listPackKeys, parsePack, readPack } from './pack-files.js';
import type { HistoryOverride } from './pack.schema.js';
import type { PackLoadSummary } from './packs.service.js';
import { loadPack } from './packs.service.js';
import { isAppError } from '../../platform/errors/app-error.js';
import { expectedFigureDays, storedFigureDays } from '../cases/case-figure-days.js';

const key = 'property-service';
const password = 'demo password 2026';

/**
 * A short, dense history: eight days ending on a Wednesday afternoon, with the shares turned up
 * so that a hundred cases already fill every view. The clock is fixed, so the history is the
 * same on every run.
 */
const now = new Date('2026-11-18T15:30:00+08:00');
const shortHistory: HistoryOverride = {
  days: 6,
  casesPerWorkingDay: 8,
  stuckWithinDays: 5,
  escalationSweepEvery: '6h',
  shares: {
    late: 0.3,
    paused: 0.25,
    unsatisfied: 0.25,
    notReached: 0.12,
    repeat: 0.5,
    stuck: 0.2,
    reopenAfterClose: 0.05,
  },
};

it('validates the pack files and their cross references', () => {
  expect(listPackKeys()).toContain(key);
  for (const k of listPackKeys()) expect(readPack(k).key).toBe(k);
  const pack = readPack(key);
  const types = new Map(pack.caseTypes.map((t) => [t.key, t]));
  expect([...types.keys()]).toEqual([
    'property.repair.public',
    'property.repair.home',
    'property.complaint',
    'property.report',
  ]);
  // The time-limit table says what the essay asks for.
  const home = types.get('property.repair.home')!;
  expect(limitsFor(home, { category: 'home_leak', priority: 'urgent' })).toMatchObject({
    arrival: '30m',
    resolution: '4h',
  });
  const common = types.get('property.repair.public')!;
  expect(limitsFor(common, { category: 'lift_trap', priority: 'urgent' })).toMatchObject({ arrival: '15m' });
  expect(limitsFor(common, { category: 'corridor_light', priority: 'normal' })).toMatchObject({
    resolution: '1wd',
  });
  expect(home.callback).toMatchObject({ within: '1wd', share: 1 });
  expect(common.callback).toMatchObject({ within: '1wd', share: 1 });
  expect(types.get('property.complaint')!.callback).toMatchObject({ within: '1wd', share: 1 });
  expect(types.get('property.report')!.callback).toMatchObject({ within: '1wd', share: 0.3 });
  expect(types.get('property.complaint')).toMatchObject({
    closing: { requireReason: true, requireFeedback: true },
    repeatWithinDays: 30,
  });

  // A broken cross reference is an error naming where it is.
  const broken = structuredClone(pack);
  broken.history!.types[0]!.categories[0]!.category = 'no_such_category';
  broken.users[0]!.grants[0]!.unit = 'NO-SUCH-UNIT';
  let error: unknown;
  try {
    parsePack(broken);
  } catch (e) {
    error = e;
  }
  expect(isAppError(error) && error.code).toBe('packs.invalid');
  const problem = isAppError(error) ? String(error.details.problem) : '';
  expect(problem).toContain('history.types.0.categories.0.category');
  expect(problem).toContain('users.0.grants.0.unit');
});

it('refuses an unknown pack, naming the ones there are', () => {
  expect(() => readPack('no-such-pack')).toThrow(
    expect.objectContaining({
      code: 'packs.unknown',
      details: { key: 'no-such-pack', available: 'property-service, telecom-arrears' },
    }),
  );
  expect(() => readPack('../package')).toThrow(expect.objectContaining({ code: 'packs.unknown' }));
});

describeEachDialect('packs: property-service', (ctx) => {
  let db: Db;
  const clock = manualClock(now);
  const deps = () => ({ db, clock, actor: systemActor('test') });
  let first: PackLoadSummary;

  const count = async (
    table:
      | 'units'
      | 'people'
      | 'users'
      | 'customers'
      | 'cases'
      | 'caseEvents'
      | 'auditLog'
      | 'caseTypes'
      | 'indicators'
      | 'indicatorValues'
      | 'indicatorValueVersions',
  ) =>
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
    first = await loadPack({ key, password, history: shortHistory }, deps());
  }, 120_000);

  it('installs its units, people, users, customers and case types beside the demo organisation', () => {
    // The maintenance team, and the supply branch the power-marketing series are loaded for.
    expect(first.units.created).toEqual([
      'GK-PROP-MT',
      'GK-POWER',
      'GK-POWER-MKT',
      'GK-POWER-U1',
      'GK-POWER-U2',
      'GK-POWER-R1',
      'GK-POWER-R2',
      'GK-POWER-R3',
    ]);
    expect(first.units.existing).toBe(5);
    expect(first.people).toEqual({ created: 7, existing: 5 });
    expect(first.users.created).toEqual(
      expect.arrayContaining(['prop.desk', 'prop.callback', 'tech.feng', 'power.marketing']),
    );
    expect(first.users.created).toHaveLength(12);
    expect(first.customers.created).toBeGreaterThan(300);
    expect(first.caseTypes.installed).toHaveLength(4);
  });

  it('generates a history through the services that fills every view', async () => {
    const h = first.history;
    if (!h.generated) throw new Error('history not generated');
    expect(h.failures).toEqual([]);
    expect(h.cases).toBeGreaterThan(30);
    expect(h.to).toBe(now.toISOString());
    const v = first.views;
    expect(v.total).toBe(h.cases);
    for (const view of ['open', 'overdue', 'paused', 'awaitingCallback', 'closed', 'cancelled'] as const)
      expect(v[view], view).toBeGreaterThan(0);

    const reopened = await db.selectFrom('cases').select('id').where('reopenCount', '>', 0).execute();
    expect(reopened.length).toBeGreaterThan(0);
    const unsatisfied = await db
      .selectFrom('caseCallbacks')
      .select('id')
      .where('reached', '=', 1)
      .where('satisfaction', '<=', 2)
      .execute();
    expect(unsatisfied.length).toBeGreaterThan(0);
    const notReached = await db.selectFrom('caseCallbacks').select('id').where('reached', '=', 0).execute();
    expect(notReached.length).toBeGreaterThan(0);
    const repeats = await db
      .selectFrom('cases')
      .select('id')
      .where('repeatOfCaseId', 'is not', null)
      .execute();
    expect(repeats.length).toBeGreaterThan(0);
    const breached = await db
      .selectFrom('caseClocks')
      .select('caseId')
      .where('state', '=', 'breached')
      .execute();
    expect(breached.length).toBeGreaterThan(0);

    // Genuine history: every event lies inside the simulated period and follows the one before it.
    const events = await db
      .selectFrom('caseEvents')
      .select(['caseId', 'at', 'kind'])
      .orderBy('caseId')
      .orderBy('id')
      .execute();
    const from = Date.parse(h.from);
    let previous = { caseId: 0, at: 0 };
    for (const e of events) {
      const at = Date.parse(e.at);
      expect(at).toBeGreaterThanOrEqual(from);
      expect(at).toBeLessThanOrEqual(now.getTime());
      if (e.caseId === previous.caseId) expect(at).toBeGreaterThanOrEqual(previous.at);
      previous = { caseId: e.caseId, at };
    }
    // … and each case change has its audit row.
    const audited = await db
      .selectFrom('auditLog')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('entity', '=', 'case')
      .executeTakeFirstOrThrow();
    expect(Number(audited.n)).toBeGreaterThanOrEqual(h.cases);
  });

  it('leaves the figures rollup equal to a recomputation after the whole generated history', async () => {
    const stored = await storedFigureDays(db);
    expect(stored.some((r) => r.metric === 'reopened')).toBe(true);
    expect(stored).toEqual(await expectedFigureDays(db));
  });

  it('closes every complaint with a reason code and feedback', async () => {
    const closed = await db
      .selectFrom('cases')
      .innerJoin('caseTypes', 'caseTypes.id', 'cases.caseTypeId')
      .select(['cases.id', 'cases.reasonCode', 'cases.feedback'])
      .where('caseTypes.key', '=', 'property.complaint')
      .where('cases.status', '=', 'closed')
      .execute();
    expect(closed.length).toBeGreaterThan(0);
    for (const c of closed) {
      expect(c.reasonCode, `case ${c.id}`).toBeTruthy();
      expect(c.feedback?.trim(), `case ${c.id}`).toBeTruthy();
    }
  });

  it('defines its indicators, loads 36 months of each series for its units and recomputes the rest', async () => {
    const pack = readPack(key);
    expect(first.indicators.defined).toEqual(pack.indicators.map((d) => d.key));
    const stored = await db.selectFrom('indicators').select(['key', 'pack', 'ownerUserId']).execute();
    for (const d of pack.indicators)
      expect(stored.find((i) => i.key === d.key)).toMatchObject({
        pack: key,
        ownerUserId: expect.any(Number),
      });

    const seriesUnits = Object.values(pack.series!.groups).flat();
    expect(first.series.existing).toEqual([]);
    expect(first.series.loaded).toHaveLength(5);
    for (const loaded of first.series.loaded) {
      // now is in November: the series ends with October, 36 months back.
      expect(loaded).toMatchObject({ rows: 36 * seriesUnits.length, from: '2023-11', to: '2026-10' });
      const own = await db
        .selectFrom('indicatorValues as v')
        .innerJoin('indicators as i', 'i.id', 'v.indicatorId')
        .innerJoin('units as u', 'u.id', 'v.unitId')
        .select(['u.code', 'v.period'])
        .where('i.key', '=', loaded.key)
        .where('v.ownValue', 'is not', null)
        .execute();
      for (const code of seriesUnits)
        expect(
          own.filter((r) => r.code === code),
          loaded.key,
        ).toHaveLength(36);
      // The branch holds the roll-up of its stations for every month.
      const branch = await db
        .selectFrom('indicatorValues as v')
        .innerJoin('indicators as i', 'i.id', 'v.indicatorId')
        .innerJoin('units as u', 'u.id', 'v.unitId')
        .select(['v.treeValue'])
        .where('i.key', '=', loaded.key)
        .where('u.code', '=', 'GK-POWER')
        .execute();
      expect(branch).toHaveLength(36);
    }

    expect(first.recompute).toMatchObject({ from: '2026-11-12', to: '2026-11-18' });
    expect(first.recompute!.valuesWritten).toBeGreaterThan(0);
    // The on-time rate of one area and month equals a count of its cases' resolution clocks.
    const unit = await db
      .selectFrom('units')
      .select('id')
      .where('code', '=', 'GK-PROP-A1')
      .executeTakeFirstOrThrow();
    const clocks = await db
      .selectFrom('caseClocks as k')
      .innerJoin('cases as c', 'c.id', 'k.caseId')
      .select(['k.state'])
      .where('c.unitId', '=', unit.id)
      .where('k.clockKey', '=', 'resolution')
      .where('k.state', 'in', ['met', 'breached'])
      .where('k.stoppedAt', '>=', '2026-10-31T16:00:00.000Z')
      .where('k.stoppedAt', '<', '2026-11-30T16:00:00.000Z')
      .execute();
    const met = clocks.filter((k) => k.state === 'met').length;
    expect(clocks.length).toBeGreaterThan(5);
    const value = await db
      .selectFrom('indicatorValues as v')
      .innerJoin('indicators as i', 'i.id', 'v.indicatorId')
      .select(['v.ownNumerator', 'v.ownDenominator', 'v.ownValue'])
      .where('i.key', '=', 'property.resolution_on_time')
      .where('v.unitId', '=', unit.id)
      .where('v.period', '=', '2026-11-01')
      .executeTakeFirstOrThrow();
    expect(value).toEqual({
      ownNumerator: met,
      ownDenominator: clocks.length,
      ownValue: met / clocks.length,
    });
  });

  it('is idempotent: a second load changes nothing and creates no duplicates', async () => {
    const tables = [
      'indicators',
      'indicatorValues',
      'indicatorValueVersions',
      'units',
      'people',
      'users',
      'customers',
      'cases',
      'caseEvents',
      'auditLog',
      'caseTypes',
    ] as const;
    const before = await Promise.all(tables.map(count));
    const versions = await db.selectFrom('caseTypes').select(['key', 'version']).orderBy('key').execute();
    clock.set(new Date(now.getTime() + 3_600_000)); // an hour later: still nothing new
    const second = await loadPack({ key, password, history: shortHistory }, deps());
    expect(await Promise.all(tables.map(count))).toEqual(before);
    expect(await db.selectFrom('caseTypes').select(['key', 'version']).orderBy('key').execute()).toEqual(
      versions,
    );
    expect(second.units.created).toEqual([]);
    expect(second.people.created).toBe(0);
    expect(second.users.created).toEqual([]);
    expect(second.customers.created).toBe(0);
    expect(second.caseTypes.installed).toEqual([]);
    expect(second.history).toEqual({ generated: false, reason: 'already_present' });
    expect(second.indicators.defined).toEqual([]);
    expect(second.indicators.updated).toEqual([]);
    expect(second.series).toEqual({ loaded: [], existing: first.series.loaded.map((l) => l.key) });
    expect(second.recompute).toMatchObject({ valuesWritten: 0, rollupsWritten: 0 });
  });
});
