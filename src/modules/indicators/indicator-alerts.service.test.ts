import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant, systemDeps } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { createDatabase } from '../../platform/db/database.js';
import type { IndicatorDefinition, IndicatorDefinitionInput } from './indicator.schema.js';
import { ZIndicatorDefinition } from './indicator.schema.js';
import { alertsOfSeries, listIndicatorAlerts, raiseIndicatorAlerts } from './indicator-alerts.service.js';
import { loadIndicatorValues } from './indicator-load.service.js';
import { periodsEndingWith } from './indicator-periods.js';
import { createWebhookEndpoint } from '../notifications/notifications.service.js';
import { defineIndicator } from './indicators.service.js';

const local = (text: string) => new Date(`${text}+08:00`);

const recovery = (key: string, owner?: string): IndicatorDefinitionInput => ({
  key,
  name: '电费回收率',
  measure: { kind: 'ratio' },
  direction: 'higher_better',
  aggregation: 'ratio_of_sums',
  grain: 'month',
  source: { kind: 'loaded' },
  targets: [{ target: 0.9, warning: 0.85 }],
  ...(owner ? { owner } : {}),
});

/** 12 baseline months averaging exactly 95 % of 1,000, then six monitored months. */
const baseline = [950, 960, 940, 955, 945, 950, 962, 938, 950, 955, 945, 950];
// p-chart (computed ratios): σ of p̄ = 0.95 at n = 1,000 is 0.00689: 930 is 2.9σ below, 920 4.35σ.
const drifting = [950, 950, 950, 930, 920, 948];
const improving = [950, 950, 950, 970, 980, 952];
// Individuals chart (loaded ratios): the baseline's mean moving range 0.01164 gives σ̂ = 0.01032:
// 930 and 920 are within 3σ̂ (−1.9σ̂, −2.9σ̂); 925 is −2.4σ̂, 900 is −4.8σ̂.
const driftingFar = [950, 950, 950, 925, 900, 948];
const improvingFar = [950, 950, 950, 975, 1000, 952];
const periods = periodsEndingWith('month', '2026-10-01', 18);

describe('alertsOfSeries', () => {
  // A computed ratio (clocks met of clocks stopped): a p-chart.
  const def = ZIndicatorDefinition.parse({
    ...recovery('r'),
    source: { kind: 'computed', from: 'cases.on_time_rate', params: { clock: 'resolution' } },
  });
  const loaded = ZIndicatorDefinition.parse(recovery('r'));
  const series = (numerators: number[]) => ({
    periods,
    points: numerators.map((n) => ({ numerator: n, denominator: 1000, value: n / 1000 })),
  });

  it('flags the drift to the bad side: a point beyond 3σ, and 2 of 3 beyond 2σ, keyed by their first month', () => {
    const alerts = alertsOfSeries(def, series([...baseline, ...drifting]));
    expect(alerts.map((a) => [a.id, a.period, a.value])).toEqual([
      ['we1:below:2026-09-01', '2026-09-01', 0.92],
      ['we2:below:2026-08-01', '2026-09-01', 0.92],
    ]);
    expect(alerts[0]!.centre).toBeCloseTo(0.95, 12);
  });

  it('judges a loaded ratio on an individuals chart of its values, whatever unit its denominator is in', () => {
    // The p-chart's drift is within the series' own variation…
    expect(alertsOfSeries(loaded, series([...baseline, ...drifting]))).toEqual([]);
    // … a larger one is not; and the same in 元 instead of thousands changes nothing.
    const far = alertsOfSeries(loaded, series([...baseline, ...driftingFar]));
    expect(far.map((a) => a.id)).toEqual(['we1:below:2026-09-01', 'we2:below:2026-08-01']);
    const inYuan = {
      periods,
      points: [...baseline, ...driftingFar].map((n) => ({
        numerator: n * 1e4,
        denominator: 1e7,
        value: n / 1000,
      })),
    };
    expect(alertsOfSeries(loaded, inYuan).map((a) => a.id)).toEqual(far.map((a) => a.id));
  });

  it('does not flag a unit getting better, nor one without enough history', () => {
    expect(alertsOfSeries(def, series([...baseline, ...improving]))).toEqual([]);
    const lowerBetter: IndicatorDefinition = { ...def, direction: 'lower_better', targets: [] };
    expect(alertsOfSeries(lowerBetter, series([...baseline, ...improving])).map((a) => a.id)).toEqual([
      'we1:above:2026-09-01',
      'we2:above:2026-08-01',
    ]);
    const sparse = [...baseline.map((n, i) => (i < 5 ? null : n)), ...drifting];
    expect(
      alertsOfSeries(def, {
        periods,
        points: sparse.map((n) => (n === null ? null : { numerator: n, denominator: 1000, value: n / 1000 })),
      }),
    ).toEqual([]);
  });
});

describeEachDialect('indicator alerts', (ctx) => {
  const clock = manualClock(local('2026-11-15T10:00'));
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let owner: Actor;
  let westManager: Actor;

  const load = (key: string) =>
    loadIndicatorValues(
      {
        indicator: key,
        rows: periods.flatMap((period, i) => [
          {
            unit: org.eastGrid1.code,
            period,
            numerator: [...baseline, ...driftingFar][i]!,
            denominator: 1000,
          },
          {
            unit: org.westGrid1.code,
            period,
            numerator: [...baseline, ...improvingFar][i]!,
            denominator: 1000,
          },
        ]),
      },
      { ...systemDeps(db), clock },
    );
  const inbox = async (prefix: string) =>
    db
      .selectFrom('notifications')
      .select(['userId', 'dedupeKey', 'titleZh'])
      .where('dedupeKey', 'like', `${prefix}%`)
      .orderBy('dedupeKey')
      .execute();

  beforeAll(async () => {
    db = ctx().db;
    org = await buildOrgTree(db);
    owner = (await buildUser(db, [grant('manager', org.company.id)], { username: `owner-${ctx().dialect}` }))
      .actor;
    westManager = (await buildUser(db, [grant('manager', org.west.id)])).actor;
  });

  it('raises each alert once, on the drifting unit and its branch, and tells the owner and the webhooks once', async () => {
    const endpoint = await createWebhookEndpoint(
      {
        name: '指标预警群',
        kind: 'generic',
        url: 'https://hooks.example.com/kpi',
        topics: ['indicator.alert'],
      },
      { ...systemDeps(db), clock },
    );
    const deliveries = () =>
      db.selectFrom('webhookDeliveries').select('dedupeKey').where('endpointId', '=', endpoint.id).execute();
    const indicator = await defineIndicator(
      { definition: recovery('recovery', `owner-${ctx().dialect}`) },
      { ...systemDeps(db), clock },
    );
    await load('recovery');
    const first = await raiseIndicatorAlerts({ indicators: ['recovery'] }, { db, clock });
    // 东一 drifts; 城东 is 东一 alone; the company mixes it with 西一's improvement and stays in control.
    expect(first).toMatchObject({ indicators: 1, raised: 4 });
    const alerts = await listIndicatorAlerts({ indicator: 'recovery' }, { db, actor: owner });
    expect(alerts.map((a) => [a.unitName, a.rule, a.side, a.label]).sort()).toEqual(
      [
        [org.east.name, 1, 'below', '2026-09'],
        [org.east.name, 2, 'below', '2026-09'],
        [org.eastGrid1.name, 1, 'below', '2026-09'],
        [org.eastGrid1.name, 2, 'below', '2026-09'],
      ].sort(),
    );
    const notices = await inbox(`indicator-alert:${indicator.id}:`);
    expect(notices).toHaveLength(4);
    expect(new Set(notices.map((n) => n.userId))).toEqual(new Set([owner.userId]));
    expect(notices[0]!.titleZh).toContain('电费回收率');
    expect((await deliveries()).map((d) => d.dedupeKey).sort()).toEqual(
      notices.map((n) => n.dedupeKey).sort(),
    );

    clock.set(local('2026-11-15T10:10'));
    expect(await raiseIndicatorAlerts({}, { db, clock })).toMatchObject({ raised: 0 });
    expect(await inbox(`indicator-alert:${indicator.id}:`)).toHaveLength(4);
    expect(await deliveries()).toHaveLength(4);
    // A manager of the west sees none of the east's alerts.
    expect(await listIndicatorAlerts({ indicator: 'recovery' }, { db, actor: westManager })).toEqual([]);
  });

  it('two workers sweeping at once raise and notify each alert once', async () => {
    const indicator = await defineIndicator(
      { definition: recovery('recovery2') },
      { ...systemDeps(db), clock },
    );
    await load('recovery2');
    const second = createDatabase(ctx().options);
    try {
      // Two SQLite handles in one process cannot write at the same time (better-sqlite3 is
      // synchronous): there they take turns; on PostgreSQL they race.
      const run = (handle: Db) => raiseIndicatorAlerts({ indicators: ['recovery2'] }, { db: handle, clock });
      const runs =
        ctx().dialect === 'postgres'
          ? await Promise.all([run(db), run(second)])
          : [await run(db), await run(second)];
      expect(runs[0]!.raised + runs[1]!.raised).toBe(4);
    } finally {
      await second.destroy();
    }
    const rows = await db
      .selectFrom('indicatorAlerts')
      .select('id')
      .where('indicatorId', '=', indicator.id)
      .execute();
    expect(rows).toHaveLength(4);
    // No owner: the managers of the unit (东一 has none, so only 城东's alerts would reach one) —
    // each notice once per recipient, whoever raised it.
    const notices = await inbox(`indicator-alert:${indicator.id}:`);
    expect(new Set(notices.map((n) => `${n.userId}:${n.dedupeKey}`)).size).toBe(notices.length);
  });
});
