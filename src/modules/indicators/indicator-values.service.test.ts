import { beforeAll, describe, expect, it } from 'vitest';
import { feeRecovery as feeRecoveryDefinition } from '../../../test/helpers/indicators.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUnit, buildUser, grant, systemDeps } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import type { IndicatorDefinitionInput } from './indicator.schema.js';
import { loadIndicatorValues } from './indicator-load.service.js';
import { listValueVersions, readIndicatorValues } from './indicator-values.service.js';
import { rankUnits } from './indicator-ranking.service.js';
import { defineIndicator } from './indicators.service.js';

const local = (text: string) => new Date(`${text}+08:00`);

const feeRecovery = feeRecoveryDefinition();

describeEachDialect('indicator values', (ctx) => {
  const clock = manualClock(local('2026-11-05T10:00'));
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let loader: Actor;
  let eastManager: Actor;
  const sys = () => ({ ...systemDeps(db), clock });
  const count = async (table: 'indicatorValues' | 'indicatorValueVersions') =>
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
    org = await buildOrgTree(db);
    loader = (await buildUser(db, [grant('manager', org.company.id)], { username: 'fee-owner' })).actor;
    eastManager = (await buildUser(db, [grant('manager', org.east.id)])).actor;
    await defineIndicator({ definition: { ...feeRecovery, owner: 'fee-owner' } }, sys());
  });

  describe('roll-ups', () => {
    it('a ratio of a subtree is Σ numerators / Σ denominators of its units, never an average of ratios', async () => {
      // 东一 99/100, 东二 1,000/1,200, 西一 30/30 (hand-made: the average of ratios would be 0.9411).
      const result = await loadIndicatorValues(
        {
          indicator: 'fee_recovery',
          rows: [
            { unit: org.eastGrid1.code, period: '2026-10', numerator: 99, denominator: 100 },
            { unit: org.eastGrid2.code, period: '2026-10', value: 1000 / 1200, denominator: 1200 },
            { unit: org.westGrid1.code, period: '2026-10-31', numerator: 30, denominator: 30 },
          ],
        },
        { db, clock, actor: loader },
      );
      expect(result).toEqual({ rows: 3, written: 3, corrected: 0, unchanged: 0 });
      const values = await readIndicatorValues(
        {
          indicator: 'fee_recovery',
          query: { unitId: org.company.id, units: 'subtree', from: '2026-10', to: '2026-10' },
        },
        { db, clock, actor: loader },
      );
      const byCode = new Map(values.map((v) => [v.unitCode, v]));
      expect(byCode.get(org.company.code)).toMatchObject({
        numerator: 1129,
        denominator: 1330,
        value: 1129 / 1330,
        ownValue: null,
        status: 'missed',
        target: 1,
        label: '2026-10',
      });
      expect(byCode.get(org.east.code)).toMatchObject({
        numerator: 1099,
        denominator: 1300,
        value: 1099 / 1300,
      });
      expect(byCode.get(org.west.code)).toMatchObject({ value: 1, status: 'met', gap: 0 });
      expect(byCode.get(org.eastGrid1.code)).toMatchObject({
        value: 0.99,
        ownValue: 0.99,
        status: 'warning',
      });
      expect(byCode.get(org.company.code)!.gap).toBeCloseTo(1129 / 1330 - 1, 12);
    });

    it('a weighted mean rolls up as Σ value·weight / Σ weight, a sum as Σ, a max as max', async () => {
      const base = {
        measure: { kind: 'value', unit: '元/kWh' },
        direction: 'lower_better',
        grain: 'month',
        source: { kind: 'loaded' },
        targets: [] as IndicatorDefinitionInput['targets'],
      } as const;
      await defineIndicator(
        {
          definition: {
            ...base,
            key: 'avg_price',
            name: '平均电价',
            aggregation: 'weighted_mean',
            weight: { name: '售电量' },
          },
        },
        sys(),
      );
      await defineIndicator(
        {
          definition: {
            ...base,
            key: 'sales',
            name: '售电量',
            measure: { kind: 'value', unit: 'kWh' },
            aggregation: 'sum',
          },
        },
        sys(),
      );
      await defineIndicator(
        {
          definition: {
            ...base,
            key: 'outage_max',
            name: '最长停电',
            measure: { kind: 'duration', unit: 'hours' },
            aggregation: 'max',
          },
        },
        sys(),
      );
      const rows = (values: number[], weights?: number[]) =>
        [org.eastGrid1, org.eastGrid2, org.westGrid1].map((u, i) => ({
          unit: u.code,
          period: '2026-10',
          value: values[i]!,
          ...(weights ? { weight: weights[i]! } : {}),
        }));
      const deps = { db, clock, actor: loader };
      await loadIndicatorValues(
        { indicator: 'avg_price', rows: rows([0.5, 0.6, 0.7], [100, 300, 600]) },
        deps,
      );
      await loadIndicatorValues({ indicator: 'sales', rows: rows([100, 300, 600]) }, deps);
      await loadIndicatorValues({ indicator: 'outage_max', rows: rows([2.5, 7.25, 4]) }, deps);
      const companyValue = async (indicator: string) =>
        (
          await readIndicatorValues(
            { indicator, query: { unitId: org.company.id, from: '2026-10', to: '2026-10' } },
            deps,
          )
        )[0]!;
      expect((await companyValue('avg_price')).value).toBeCloseTo((50 + 180 + 420) / 1000, 12);
      expect(await companyValue('sales')).toMatchObject({ value: 1000, denominator: null });
      expect((await companyValue('outage_max')).value).toBe(7.25);
      const east = await readIndicatorValues(
        { indicator: 'avg_price', query: { unitId: org.east.id, from: '2026-10', to: '2026-10' } },
        deps,
      );
      expect(east[0]!.value).toBeCloseTo((50 + 180) / 400, 12);
    });
  });

  describe('corrections and as-of', () => {
    it('a second load replaces the value as a correction; as of before it, the first value stands', async () => {
      const firstAt = clock.now().toISOString();
      clock.set(local('2026-11-10T16:00'));
      const result = await loadIndicatorValues(
        {
          indicator: 'fee_recovery',
          rows: [
            { unit: org.eastGrid1.code, period: '2026-10', numerator: 100, denominator: 100 },
            // Unchanged: not written again.
            { unit: org.westGrid1.code, period: '2026-10', numerator: 30, denominator: 30 },
          ],
        },
        { db, clock, actor: loader },
      );
      expect(result).toEqual({ rows: 2, written: 1, corrected: 1, unchanged: 1 });
      const deps = { db, clock, actor: loader };
      const now = await readIndicatorValues(
        { indicator: 'fee_recovery', query: { unitId: org.east.id, from: '2026-10', to: '2026-10' } },
        deps,
      );
      expect(now[0]).toMatchObject({ numerator: 1100, denominator: 1300 });
      const before = await readIndicatorValues(
        {
          indicator: 'fee_recovery',
          query: { unitId: org.east.id, from: '2026-10', to: '2026-10', asOf: firstAt },
        },
        deps,
      );
      expect(before[0]).toMatchObject({ numerator: 1099, denominator: 1300, ownValue: null });
      const history = await listValueVersions(
        { indicator: 'fee_recovery', unitId: org.eastGrid1.id, period: '2026-10' },
        deps,
      );
      expect(history.map((h) => [h.value, h.note, h.recordedBy !== null, h.supersededAt])).toEqual([
        [0.99, 'load', true, local('2026-11-10T16:00').toISOString()],
        [1, 'correction', true, null],
      ]);
      // Before anything was loaded there was nothing.
      const earlier = await readIndicatorValues(
        {
          indicator: 'fee_recovery',
          query: { unitId: org.east.id, from: '2026-10', to: '2026-10', asOf: '2026-11-01T00:00:00+08:00' },
        },
        deps,
      );
      expect(earlier).toEqual([]);
    });
  });

  describe('bad input', () => {
    it('refuses a load with any bad row, naming row, field and code, and writes nothing', async () => {
      const [values, versions] = [await count('indicatorValues'), await count('indicatorValueVersions')];
      const attempt = loadIndicatorValues(
        {
          indicator: 'fee_recovery',
          rows: [
            { unit: org.eastGrid1.code, period: '2026-09', numerator: 5, denominator: 10 },
            { unit: 'NO-SUCH-UNIT', period: '2026-09', numerator: 1, denominator: 1 },
            { unit: org.eastGrid2.code, period: '2026-13', numerator: 1, denominator: 1 },
            { unit: org.eastGrid1.code, period: '2026-09-15', numerator: 6, denominator: 10 },
            { unit: org.westGrid1.code, period: '2026-09', value: 0.98 },
            { unit: org.west.code, period: '2026-09', value: 98, denominator: 100 },
          ],
        },
        { db, clock, actor: loader },
      );
      await expect(attempt).rejects.toMatchObject({
        code: 'indicators.values_invalid',
        details: {
          problemCount: 5,
          problems: [
            { row: 2, field: 'unit', code: 'unknown_unit' },
            { row: 3, field: 'period', code: 'bad_period' },
            { row: 4, field: 'period', code: 'duplicate', message: expect.stringContaining('row 1') },
            { row: 5, field: 'denominator', code: 'bad_value' },
            {
              row: 6,
              field: 'value',
              code: 'bad_value',
              message: expect.stringContaining('write 0.95 for 95 %'),
            },
          ],
        },
      });
      expect([await count('indicatorValues'), await count('indicatorValueVersions')]).toEqual([
        values,
        versions,
      ]);
    });

    it('refuses units outside the loader’s scope, and loads into a computed indicator', async () => {
      await expect(
        loadIndicatorValues(
          {
            indicator: 'fee_recovery',
            rows: [{ unit: org.westGrid1.code, period: '2026-09', numerator: 1, denominator: 1 }],
          },
          { db, clock, actor: eastManager },
        ),
      ).rejects.toMatchObject({ details: { problems: [{ row: 1, code: 'out_of_scope' }] } });
      await defineIndicator(
        {
          definition: {
            key: 'rework',
            name: '返修率',
            measure: { kind: 'ratio' },
            direction: 'lower_better',
            aggregation: 'ratio_of_sums',
            grain: 'month',
            source: { kind: 'computed', from: 'cases.rework_rate' },
          },
        },
        sys(),
      );
      await expect(
        loadIndicatorValues(
          { indicator: 'rework', rows: [{ unit: org.east.code, period: '2026-09', value: 1 }] },
          { db, clock, actor: loader },
        ),
      ).rejects.toMatchObject({ code: 'indicators.not_loaded' });
    });

    it('refuses definitions referring to what does not exist, naming the field', async () => {
      const computed = (params: Record<string, string>, from = 'cases.on_time_rate') =>
        ({
          ...feeRecovery,
          key: 'x',
          source: { kind: 'computed', from, params },
        }) as IndicatorDefinitionInput;
      const refusal = (definition: IndicatorDefinitionInput) => defineIndicator({ definition }, sys());
      await expect(refusal(computed({ caseType: 'nope', clock: 'resolution' }))).rejects.toMatchObject({
        code: 'indicators.unknown_reference',
        details: { what: 'case type', value: 'nope', field: 'source.params.caseType' },
      });
      await expect(
        refusal({
          ...feeRecovery,
          key: 'x',
          source: { kind: 'computed', from: 'cases.rework_rate', params: { caseType: ['nope-1', 'nope-2'] } },
        }),
      ).rejects.toMatchObject({ details: { value: 'nope-1', field: 'source.params.caseType.0' } });
      await expect(refusal(computed({ clock: 'nope' }))).rejects.toMatchObject({
        details: { what: 'clock', field: 'source.params.clock' },
      });
      await expect(refusal(computed({ campaign: 'nope' }, 'campaigns.reached_rate'))).rejects.toMatchObject({
        details: { what: 'campaign', field: 'source.params.campaign' },
      });
      await expect(
        refusal({ ...feeRecovery, key: 'x', targets: [{ unit: 'NOPE', target: 1 }] }),
      ).rejects.toMatchObject({
        details: { what: 'unit', field: 'targets.0.unit' },
      });
      await expect(refusal({ ...feeRecovery, key: 'x', owner: 'nobody' })).rejects.toMatchObject({
        details: { what: 'user', field: 'owner' },
      });
      await expect(
        refusal({
          ...feeRecovery,
          key: 'x',
          measure: { kind: 'count' },
          aggregation: 'sum',
          normalisation: { per: 1000, of: 'nope' },
        }),
      ).rejects.toMatchObject({ details: { what: 'indicator', field: 'normalisation.of' } });
      // A percentage written for a ratio is refused by the schema itself.
      await expect(refusal({ ...feeRecovery, key: 'x', targets: [{ target: 95 }] })).rejects.toThrow(
        /write 0.95 for 95 %/,
      );
      const defined = await db.selectFrom('indicators').select('key').where('key', '=', 'x').execute();
      expect(defined).toEqual([]);
    });
  });

  describe('scope and benchmarking', () => {
    it('a manager sees only his units’ values', async () => {
      const deps = { db, clock, actor: eastManager };
      const mine = await readIndicatorValues(
        { indicator: 'fee_recovery', query: { units: 'subtree', from: '2026-10', to: '2026-10' } },
        deps,
      );
      expect(new Set(mine.map((v) => v.unitCode))).toEqual(
        new Set([org.east.code, org.eastGrid1.code, org.eastGrid2.code]),
      );
      await expect(
        readIndicatorValues({ indicator: 'fee_recovery', query: { unitId: org.west.id } }, deps),
      ).rejects.toMatchObject({ code: 'org.unit_not_found' });
    });

    it('ranks the units of a level, ties sharing a rank, with spread, best, worst and median', async () => {
      const region = await buildUnit(db, { parentId: org.company.id, kind: 'branch', name: '片区' });
      const counties: Array<Awaited<ReturnType<typeof buildUnit>>> = [];
      for (const name of ['甲', '乙', '丙', '丁', '戊'])
        counties.push(await buildUnit(db, { parentId: region.id, kind: 'area', name }));
      // 0.98, 0.99, 0.99, 0.97, and one with no value.
      const rates = [
        [98, 100],
        [99, 100],
        [198, 200],
        [97, 100],
      ];
      await loadIndicatorValues(
        {
          indicator: 'fee_recovery',
          rows: rates.map(([n, d], i) => ({
            unit: counties[i]!.code,
            period: '2026-10',
            numerator: n!,
            denominator: d!,
          })),
        },
        { db, clock, actor: loader },
      );
      const ranking = await rankUnits(
        { indicator: 'fee_recovery', query: { parentUnitId: region.id } },
        { db, clock, actor: loader },
      );
      expect(ranking.period).toBe('2026-10-01');
      expect(ranking.rows.map((r) => [r.unitName, r.rank])).toEqual([
        ['乙', 1],
        ['丙', 1],
        ['甲', 3],
        ['丁', 4],
      ]);
      expect(ranking.best!.unitName).toBe('乙');
      expect(ranking.worst!.unitName).toBe('丁');
      expect(ranking.spread).toBeCloseTo(0.02, 12);
      expect(ranking.median).toBeCloseTo(0.985, 12);
      expect(ranking.unranked.map((u) => u.unitName)).toEqual(['戊']);

      // Per 1,000 customers: a lower-is-better count normalised by a loaded customer base.
      const deps = sys();
      await defineIndicator(
        {
          definition: {
            key: 'customers',
            name: '用户数',
            measure: { kind: 'count' },
            direction: 'higher_better',
            aggregation: 'sum',
            grain: 'year',
            source: { kind: 'loaded' },
          },
        },
        deps,
      );
      await defineIndicator(
        {
          definition: {
            key: 'complaints',
            name: '投诉量',
            measure: { kind: 'count' },
            direction: 'lower_better',
            aggregation: 'sum',
            grain: 'month',
            source: { kind: 'loaded' },
            normalisation: { per: 1000, of: 'customers' },
          },
        },
        deps,
      );
      const actor = { db, clock, actor: loader };
      await loadIndicatorValues(
        {
          indicator: 'customers',
          rows: [[20_000], [5_000], [10_000], [8_000]].map(([n], i) => ({
            unit: counties[i]!.code,
            period: '2026',
            value: n!,
          })),
        },
        actor,
      );
      await loadIndicatorValues(
        {
          indicator: 'complaints',
          rows: [40, 20, 20, 8].map((n, i) => ({ unit: counties[i]!.code, period: '2026-10', value: n })),
        },
        actor,
      );
      const normalised = await rankUnits(
        { indicator: 'complaints', query: { parentUnitId: region.id, period: '2026-10' } },
        actor,
      );
      expect(normalised.by).toBe('normalised');
      // 2, 4, 2, 1 per 1,000: 丁 first, 甲 and 丙 tie second, 乙 last.
      expect(normalised.rows.map((r) => [r.unitName, r.rank, r.normalised])).toEqual([
        ['丁', 1, 1],
        ['甲', 2, 2],
        ['丙', 2, 2],
        ['乙', 4, 4],
      ]);
    });
  });
});
