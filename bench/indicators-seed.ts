// The data set of `bench/indicators.bench.ts`: 2,121 units (a company → 20 branches → 5 areas
// each → 20 grids each, so 2,000 grids), 30 monthly indicators and 36 months of values
// (2023-12 … 2026-11) for every grid, with the roll-ups of every area, branch and the company.
//
// - 24 loaded indicators (ratio_of_sums, sum, weighted_mean, max): the grids' own parts and their
//   versions are written with raw batched inserts (the load service writes a version per row and
//   refreshes roll-ups one row at a time), then the roll-ups of the 121 other units in one
//   `insert … select` through unit_closure per indicator. A sample is then refreshed by the
//   module's own `refreshTrees`, which must find nothing to write (the seed's roll-ups are exact).
// - 6 computed indicators (on-time rates of two clocks, callback, satisfaction and rework rates,
//   overdue count): their source, the cases' daily rollup `case_figure_days`, gets raw rows for
//   every grid on three days a month; their values are NOT in the file: the benchmark computes them
//   with `recomputeIndicators` (a full write, its baseline). The overdue count is of the moment
//   (only the current month is computed), so its 35 past months are seeded like a loaded series.
// - A handful of real repair cases in one grid through the case services (createCase,
//   transitionCase), one of them left in progress and overdue: the benchmark resolves it late and
//   measures what the next recompute writes.
//
// Units, the calendar, the case type, the indicators and the cases go through the services;
// users, values and rollup rows are raw, generated here and written by a dialect's BulkWriter (the
// SQLite one below; PostgreSQL's in bench/indicators-seed-pg.ts), so both hold the same rows.
// The file is cached in the OS temp folder by seedVersion.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { createCase, transitionCase } from '../src/modules/cases/cases.service.js';
import type { TransitionInput } from '../src/modules/cases/cases.schema.js';
import type { IndicatorDefinitionInput } from '../src/modules/indicators/indicator.schema.js';
import { periodsBetween } from '../src/modules/indicators/indicator-periods.js';
import { refreshTrees } from '../src/modules/indicators/indicator-store.js';
import { defineIndicator, loadIndicators } from '../src/modules/indicators/indicators.service.js';
import { createUnit } from '../src/modules/org/units.service.js';
import type { Actor } from '../src/platform/access.js';
import { systemActor } from '../src/platform/access.js';
import { manualClock } from '../src/platform/clock.js';
import { createDatabase } from '../src/platform/db/database.js';
import type { Db } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrations.js';
import { installRepairType } from '../test/helpers/cases.js';

/** Bump when the generated data changes: cached files of another version are not reused. */
export const seedVersion = 1;

/** "Now" of the data set and of every measurement: a Friday, 10:30 in Asia/Shanghai. */
export const benchNow = new Date('2026-11-27T10:30:00+08:00');
export const months = periodsBetween('month', '2023-12-01', '2026-11-27');
export const branchCount = 20;
export const areasPerBranch = 5;
export const gridsPerArea = 20;

const local = (text: string) => new Date(`${text}+08:00`);

// Deterministic randomness (mulberry32), so every seed is the same.
const randomFrom = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

// ---------------------------------------------------------------------------------------------
// The indicators.

export type Aggregation = 'ratio_of_sums' | 'sum' | 'weighted_mean' | 'max';
type Loaded = { key: string; name: string; aggregation: Aggregation; def: IndicatorDefinitionInput };

const loadedRatio = (key: string, name: string, target: number, lower = false): Loaded => ({
  key,
  name,
  aggregation: 'ratio_of_sums',
  def: {
    key,
    name,
    measure: { kind: 'ratio' },
    direction: lower ? 'lower_better' : 'higher_better',
    aggregation: 'ratio_of_sums',
    grain: 'month',
    source: { kind: 'loaded' },
    // A company-wide target and a stricter one for the first branch: the dashboard resolves both.
    targets: lower
      ? [
          { target, warning: target * 1.2 },
          { unit: 'IB01', target: target * 0.9 },
        ]
      : [
          { target, warning: target - 0.02 },
          { unit: 'IB01', target: Math.min(1, target + 0.01) },
        ],
  },
});
const loadedSum = (key: string, name: string, target: number): Loaded => ({
  key,
  name,
  aggregation: 'sum',
  def: {
    key,
    name,
    measure: { kind: 'amount', unit: '万元' },
    direction: 'higher_better',
    aggregation: 'sum',
    grain: 'month',
    source: { kind: 'loaded' },
    targets: [{ target }],
  },
});
const loadedMean = (key: string, name: string, band: [number, number]): Loaded => ({
  key,
  name,
  aggregation: 'weighted_mean',
  def: {
    key,
    name,
    measure: { kind: 'value', unit: '元/kWh' },
    direction: 'band',
    aggregation: 'weighted_mean',
    grain: 'month',
    source: { kind: 'loaded' },
    weight: { name: '售电量' },
    targets: [{ band, warning: 0.02 }],
  },
});
const loadedMax = (key: string, name: string, target: number): Loaded => ({
  key,
  name,
  aggregation: 'max',
  def: {
    key,
    name,
    measure: { kind: 'duration', unit: 'hours' },
    direction: 'lower_better',
    aggregation: 'max',
    grain: 'month',
    source: { kind: 'loaded' },
    targets: [{ target, warning: target * 1.5 }],
  },
});

export const loadedIndicators: Loaded[] = [
  loadedRatio('fee_recovery', '电费回收率', 0.99),
  loadedRatio('arrears_recovery', '欠费回收率', 0.9),
  loadedRatio('meter_reading', '抄表到位率', 0.98),
  loadedRatio('line_loss', '线损率', 0.06, true),
  loadedRatio('reliability', '供电可靠率', 0.999),
  loadedRatio('voltage_ok', '电压合格率', 0.98),
  loadedRatio('e_billing', '电子账单覆盖率', 0.7),
  loadedRatio('complaint_rate', '投诉率', 0.02, true),
  loadedRatio('inspection', '巡检完成率', 0.95),
  loadedRatio('hidden_danger', '隐患整改率', 0.9),
  loadedSum('revenue', '营业收入', 500),
  loadedSum('new_customers', '新装户数', 40),
  loadedSum('arrears_amount', '欠费金额', 20),
  loadedSum('energy_sold', '售电量', 900),
  loadedSum('repairs_done', '抢修次数', 30),
  loadedSum('outage_hours', '停电时户数', 50),
  loadedSum('customers', '用户数', 3000),
  loadedMean('avg_price', '平均电价', [0.5, 0.6]),
  loadedMean('avg_repair_hours', '平均抢修时长', [1, 3]),
  loadedMean('avg_bill', '户均电费', [80, 120]),
  loadedMean('avg_power_factor', '平均功率因数', [0.9, 1]),
  loadedMax('max_outage', '最长停电时长', 8),
  loadedMax('max_repair', '最长抢修时长', 12),
  loadedMax('max_complaint_days', '投诉最长处理天数', 10),
];

const computedRatio = (key: string, name: string, from: string, params: Record<string, string>) =>
  ({
    key,
    name,
    measure: { kind: 'ratio' },
    direction: key === 'rework' ? 'lower_better' : 'higher_better',
    aggregation: 'ratio_of_sums',
    grain: 'month',
    source: { kind: 'computed', from, params },
    targets: key === 'rework' ? [{ target: 0.05, warning: 0.08 }] : [{ target: 0.95, warning: 0.9 }],
  }) as IndicatorDefinitionInput;

export const computedIndicators: IndicatorDefinitionInput[] = [
  computedRatio('on_time_response', '接单及时率', 'cases.on_time_rate', {
    caseType: 'repair',
    clock: 'response',
  }),
  computedRatio('on_time_resolution', '修复及时率', 'cases.on_time_rate', {
    caseType: 'repair',
    clock: 'resolution',
  }),
  computedRatio('callback', '回访率', 'cases.callback_rate', { caseType: 'repair' }),
  computedRatio('satisfaction', '满意率', 'cases.satisfaction_rate', { caseType: 'repair' }),
  computedRatio('rework', '返修率', 'cases.rework_rate', { caseType: 'repair' }),
  {
    key: 'overdue',
    name: '超时工单数',
    measure: { kind: 'count' },
    direction: 'lower_better',
    aggregation: 'sum',
    grain: 'month',
    source: { kind: 'computed', from: 'cases.overdue_count', params: { caseType: 'repair' } },
    targets: [{ target: 0 }],
  },
];

/** Owners: the company manager answers for 8 indicators, the first branch's for 4. */
const ownerOf = (key: string) =>
  [
    'fee_recovery',
    'line_loss',
    'revenue',
    'avg_price',
    'max_outage',
    'on_time_resolution',
    'overdue',
    'rework',
  ].includes(key)
    ? 'bench.ceo'
    : ['arrears_recovery', 'meter_reading', 'callback', 'satisfaction'].includes(key)
      ? 'bench.b1'
      : undefined;

/** One grid's own part of a loaded indicator for one month. */
const loadedPart = (aggregation: Aggregation, random: () => number) => {
  switch (aggregation) {
    case 'ratio_of_sums': {
      const denominator = 50 + Math.floor(random() * 950);
      return { numerator: Math.round(denominator * (0.85 + random() * 0.15)), denominator };
    }
    case 'sum':
      return { numerator: Math.round(random() * 100_000) / 100, denominator: null };
    case 'weighted_mean': {
      const weight = 100 + Math.floor(random() * 10_000);
      return { numerator: weight * (0.45 + random() * 0.2), denominator: weight };
    }
    case 'max':
      return { numerator: Math.round(random() * 2400) / 100, denominator: null };
  }
};
const valueOfPart = (aggregation: Aggregation, p: { numerator: number; denominator: number | null }) =>
  aggregation === 'ratio_of_sums' || aggregation === 'weighted_mean'
    ? p.numerator / p.denominator!
    : p.numerator;

/** When a month's series was loaded: the 5th of the next month, or this morning for November. */
const loadedAt = (period: string) => {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return new Date(
    Math.min(Date.parse(`${next}-05T10:00:00+08:00`), benchNow.getTime() - 3_600_000),
  ).toISOString();
};

// ---------------------------------------------------------------------------------------------
// The bulk rows, generated in one fixed order from one seeded random sequence, so that every
// dialect's writer stores the same values.

/** One grid's own part of one month, written with its version. */
export type OwnRow = {
  indicatorId: number;
  unitId: number;
  period: string;
  numerator: number;
  denominator: number | null;
  value: number;
  origin: 'loaded' | 'computed';
  recordedAt: string;
  by: number | null;
  note: 'load' | 'recompute';
};
/** A `case_figure_days` row: unit, day, case type, category, assignee, metric, n. */
export type FigureRow = [number, string, number, string, number, string, number];

/**
 * Where the bulk rows go: raw batched writes on the dialect's own connection (the services write a
 * version and refresh roll-ups row by row, hours at this scale). Each method consumes its rows.
 */
export type BulkWriter = {
  ownParts: (rows: Iterable<OwnRow>) => Promise<void>;
  /** The roll-ups of every area, branch and the company of one indicator, in one statement. */
  rollups: (indicatorId: number, aggregation: Aggregation) => Promise<void>;
  figures: (rows: Iterable<FigureRow>) => Promise<void>;
  close: () => Promise<void>;
};

/**
 * The roll-ups of the areas, branches and the company from the grids' own parts; `$1` is the
 * indicator's id (the SQLite writer puts a `?` in its place). Grouped by every column it selects,
 * as PostgreSQL requires (the indicator and its origin are one per statement).
 */
export const rollupSql = (aggregation: Aggregation) => {
  const numerator = aggregation === 'max' ? 'max(v.own_value)' : 'sum(v.own_numerator)';
  const value =
    aggregation === 'ratio_of_sums' || aggregation === 'weighted_mean'
      ? 'sum(v.own_numerator) / sum(v.own_denominator)'
      : numerator;
  return `insert into indicator_values (indicator_id, unit_id, period, own_numerator, own_denominator, own_value,
       tree_numerator, tree_denominator, tree_value, origin, recorded_at, recorded_by_user_id)
     select v.indicator_id, c.ancestor_id, v.period, null, null, null,
            ${numerator}, ${aggregation === 'max' ? 'null' : 'sum(v.own_denominator)'}, ${value},
            v.origin, max(v.recorded_at), null
       from indicator_values v join unit_closure c on c.descendant_id = v.unit_id and c.depth > 0
      where v.indicator_id = $1 and v.own_value is not null
      group by v.indicator_id, c.ancestor_id, v.period, v.origin`;
};

/** The loaded series' own parts (every grid, every month), then the overdue count's past months. */
function* ownRowsOf(
  ids: ReadonlyMap<string, number>,
  grids: readonly number[],
  ceo: number,
  random: () => number,
): Generator<OwnRow> {
  function* series(
    indicatorId: number,
    aggregation: Aggregation,
    origin: 'loaded' | 'computed',
    periods: readonly string[],
    partOf: () => { numerator: number; denominator: number | null } | null,
  ): Generator<OwnRow> {
    for (const period of periods) {
      const recordedAt = loadedAt(period);
      const by = origin === 'loaded' ? ceo : null;
      for (const unitId of grids) {
        const part = partOf();
        if (!part) continue;
        const note = origin === 'loaded' ? 'load' : 'recompute';
        const value = valueOfPart(aggregation, part);
        yield { indicatorId, unitId, period, ...part, value, origin, recordedAt, by, note };
      }
    }
  }
  for (const l of loadedIndicators)
    yield* series(ids.get(l.key)!, l.aggregation, 'loaded', months, () => loadedPart(l.aggregation, random));
  // The overdue count of past months, as the recompute left it when each was current (grids with any).
  yield* series(ids.get('overdue')!, 'sum', 'computed', months.slice(0, -1), () => {
    const n = Math.floor(random() * random() * 4);
    return n > 0 ? { numerator: n, denominator: null } : null;
  });
}

/** The computed indicators' source: the daily rollup on the 5th, 15th and 25th of each month. */
function* figureRowsOf(
  grids: readonly number[],
  typeId: number,
  tech: number,
  random: () => number,
): Generator<FigureRow> {
  for (const unitId of grids)
    for (const period of months)
      for (const d of ['05', '15', '25']) {
        const day = `${period.slice(0, 8)}${d}`;
        const category = random() < 0.6 ? 'leak' : 'lighting';
        const n = (x: number) => Math.max(0, Math.round(x));
        const registered = 2 + Math.floor(random() * 8);
        const resolved = n(registered * (0.8 + random() * 0.2));
        const metMargin = (k: number) => n(k * (0.8 + random() * 0.2));
        const opened = n(resolved * 0.3 + random());
        const reached = n(opened * (0.7 + random() * 0.3));
        const unsatisfied = random() < 0.1 ? 1 : 0;
        const metrics: Array<[string, number]> = [
          ['registered', registered],
          ['resolved', resolved],
          ['closed', n(resolved * 0.9)],
          ['reopened', random() < 0.05 ? 1 : 0],
          ['clock_stopped:response', registered],
          ['clock_met:response', metMargin(registered)],
          ['clock_stopped:resolution', resolved],
          ['clock_met:resolution', metMargin(resolved)],
          ['callbacks_opened', opened],
          ['callbacks_opened_reached', reached],
          ['satisfaction_count', reached],
          ['unsatisfied', Math.min(unsatisfied, reached)],
        ];
        for (const [metric, count] of metrics)
          if (count > 0) yield [unitId, day, typeId, category, tech, metric, count];
      }
}

// ---------------------------------------------------------------------------------------------
// Seeding.

export type SeedTimings = Record<string, number>;

/**
 * Seeds a migrated, empty database: units, calendar, case type, indicators and cases through the
 * services, the bulk rows through `bulk` (opened after the services' rows exist). Destroys `db`.
 */
export const seedIndicatorsData = async (
  db: Db,
  openBulk: () => Promise<BulkWriter>,
): Promise<SeedTimings> => {
  const timings: SeedTimings = {};
  let mark = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    timings[name] = now - mark;
    mark = now;
  };
  await migrateToLatest(db);
  const clock = manualClock(local('2023-11-01T09:00'));
  const system = { db, clock, actor: systemActor('bench') };
  await installRepairType(db, clock);

  const company = await createUnit(
    { parentId: null, code: 'I', name: '示例供电公司', kind: 'company' },
    system,
  );
  const branches: number[] = [];
  const grids: number[] = [];
  for (let b = 1; b <= branchCount; b++) {
    const bc = `IB${String(b).padStart(2, '0')}`;
    const branch = await createUnit(
      { parentId: company.id, code: bc, name: `第${b}分公司`, kind: 'branch', sortOrder: b },
      system,
    );
    branches.push(branch.id);
    for (let a = 1; a <= areasPerBranch; a++) {
      const area = await createUnit(
        {
          parentId: branch.id,
          code: `${bc}-A${a}`,
          name: `第${b}分公司第${a}片区`,
          kind: 'area',
          sortOrder: a,
        },
        system,
      );
      for (let g = 1; g <= gridsPerArea; g++)
        grids.push(
          (
            await createUnit(
              {
                parentId: area.id,
                code: `${bc}-A${a}-G${String(g).padStart(2, '0')}`,
                name: `${b}-${a}-${g}网格`,
                kind: 'grid',
                sortOrder: g,
              },
              system,
            )
          ).id,
        );
    }
  }
  step('units (createUnit × 2,121)');

  // Users raw (the service hashes a password each; nobody logs in here).
  const at = clock.now().toISOString();
  const user = async (username: string, displayName: string, role: string, unitId: number) => {
    const { id } = await db
      .insertInto('users')
      .values({
        username,
        displayName,
        personId: null,
        passwordHash: '!bench-no-login',
        locale: 'zh-CN',
        active: 1,
        createdAt: at,
        updatedAt: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('roleGrants').values({ userId: id, role, unitId, createdAt: at }).execute();
    return id;
  };
  const ceo = await user('bench.ceo', '公司经理', 'manager', company.id);
  await user('bench.b1', '第1分公司经理', 'manager', branches[0]!);
  const tech = await user('bench.tech', '抢修员', 'staff', grids[0]!);

  for (const def of [...loadedIndicators.map((l) => l.def), ...computedIndicators]) {
    const owner = ownerOf(def.key);
    await defineIndicator({ definition: owner ? { ...def, owner } : def }, system);
  }
  const ids = new Map((await loadIndicators(db)).map((i) => [i.key, i.id]));
  step('indicators (defineIndicator × 30)');

  // The loaded series: own parts of every grid, in primary-key order, and their versions.
  const bulk = await openBulk();
  const random = randomFrom(20261128);
  await bulk.ownParts(ownRowsOf(ids, grids, ceo, random));
  step('own parts and versions (raw)');

  for (const l of loadedIndicators) await bulk.rollups(ids.get(l.key)!, l.aggregation);
  await bulk.rollups(ids.get('overdue')!, 'sum');
  step('roll-ups (insert … select through unit_closure)');

  const { id: typeId } = await db
    .selectFrom('caseTypes')
    .select('id')
    .where('key', '=', 'repair')
    .executeTakeFirstOrThrow();
  let figureRows = 0;
  await bulk.figures(
    (function* counted() {
      for (const row of figureRowsOf(grids, typeId, tech, random)) {
        figureRows++;
        yield row;
      }
    })(),
  );
  timings.figureRows = figureRows;
  step('case_figure_days (raw)');
  await bulk.close();

  // The roll-ups must be what the module computes: refresh a sample with its own code.
  const everyUnit = (await db.selectFrom('units').select('id').execute()).map((u) => u.id);
  let sampleWrites = 0;
  for (const l of loadedIndicators.filter((_, i) => i % 5 === 0))
    for (const period of [months[0]!, months.at(-1)!])
      sampleWrites += await db.transaction().execute((tx) =>
        refreshTrees(tx, {
          indicatorId: ids.get(l.key)!,
          aggregation: l.aggregation,
          origin: 'loaded',
          period,
          unitIds: everyUnit,
          now: benchNow.toISOString(),
        }),
      );
  if (sampleWrites !== 0)
    throw new Error(`the seeded roll-ups differ from refreshTrees' in ${sampleWrites} rows of the sample`);
  step('sample of roll-ups checked by refreshTrees');

  // Real cases in the first grid, through the services (their clocks and daily rollup rows).
  const desk: Actor = {
    kind: 'user',
    userId: ceo,
    name: '公司经理',
    grants: [{ role: 'manager', unitId: company.id }],
  };
  const worker: Actor = {
    kind: 'user',
    userId: tech,
    name: '抢修员',
    grants: [{ role: 'staff', unitId: grids[0]! }],
  };
  const act = (actor: Actor, caseId: number, input: TransitionInput) =>
    transitionCase({ caseId, input }, { db, clock, actor });
  const open = async (at: string, title: string) => {
    clock.set(local(at));
    return (
      await createCase(
        { caseType: 'repair', title, category: 'leak', fields: { room: '3-1-101' }, unitId: grids[0]! },
        { db, clock, actor: desk },
      )
    ).caseId;
  };
  const work = async (caseId: number) => {
    await act(desk, caseId, { action: 'assign', assigneeUserId: tech });
    await act(worker, caseId, { action: 'accept' });
    await act(worker, caseId, { action: 'start' });
  };
  for (const [i, day] of ['2026-11-23', '2026-11-24', '2026-11-25'].entries()) {
    const done = await open(`${day}T09:00`, `${i + 1} 栋漏水`);
    await work(done);
    clock.set(local(`${day}T15:00`));
    await act(worker, done, { action: 'resolve', reasonCode: 'wear.pipe', feedback: '已更换管件' });
  }
  await open('2026-11-23T10:00', '5 栋楼道灯不亮'); // never assigned: overdue
  const late = await open('2026-11-24T09:00', '7 栋水管爆裂'); // in progress, due 11-25 09:00: overdue
  await work(late);
  step('cases through the services');
  await db.destroy();
  return timings;
};

/** SQLite's bulk writer: prepared statements on a second connection, one transaction per step. */
const sqliteBulk = (file: string): BulkWriter => {
  const writer = new SqliteDatabase(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('synchronous = OFF');
  writer.pragma('cache_size = -262144');
  writer.pragma('busy_timeout = 5000');
  const insertValue = writer.prepare(
    `insert into indicator_values (indicator_id, unit_id, period, own_numerator, own_denominator, own_value,
       tree_numerator, tree_denominator, tree_value, origin, recorded_at, recorded_by_user_id)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertVersion = writer.prepare(
    `insert into indicator_value_versions (indicator_id, unit_id, period, numerator, denominator, value, origin,
       recorded_at, recorded_by_user_id, superseded_at, note) values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?)`,
  );
  const insertFigure = writer.prepare(
    `insert into case_figure_days (unit_id, day, case_type_id, category_key, assignee_user_id, metric, n)
     values (?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    ownParts: async (rows) =>
      writer.transaction(() => {
        for (const r of rows) {
          const part = [r.numerator, r.denominator, r.value] as const;
          insertValue.run(r.indicatorId, r.unitId, r.period, ...part, ...part, r.origin, r.recordedAt, r.by);
          insertVersion.run(r.indicatorId, r.unitId, r.period, ...part, r.origin, r.recordedAt, r.by, r.note);
        }
      })(),
    rollups: async (indicatorId, aggregation) => {
      writer.prepare(rollupSql(aggregation).replace('$1', '?')).run(indicatorId);
    },
    figures: async (rows) =>
      writer.transaction(() => {
        for (const r of rows) insertFigure.run(...r);
      })(),
    close: async () => {
      writer.pragma('wal_checkpoint(TRUNCATE)');
      writer.close();
    },
  };
};

export type Seeded = {
  file: string;
  /** Null: the cached file was reused. */
  timings: SeedTimings | null;
};

/** The seeded file, built once per seed version under the OS temp folder. */
export const ensureIndicatorsSeeded = async ({ reseed }: { reseed: boolean }): Promise<Seeded> => {
  const file = path.join(tmpdir(), `guankong-bench-indicators-v${seedVersion}.sqlite`);
  if (existsSync(file) && !reseed) return { file, timings: null };
  const building = `${file}.building`;
  for (const f of [building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
  const started = performance.now();
  const timings = await seedIndicatorsData(createDatabase({ dialect: 'sqlite', file: building }), async () =>
    sqliteBulk(building),
  );
  timings.total = performance.now() - started;
  renameSync(building, file);
  for (const f of [`${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
  return { file, timings };
};

/**
 * A fingerprint of the generated data, to show that two dialects hold the same data set: per
 * table, the row count and a sum over the values (rounded: the dialects sum floats in other orders).
 */
export const fingerprintOf = async (db: Db): Promise<string> => {
  const values = await db
    .selectFrom('indicatorValues')
    .select((eb) => [
      eb.fn.countAll<number>().as('rows'),
      eb.fn.sum<number>('ownNumerator').as('own'),
      eb.fn.sum<number>('treeNumerator').as('tree'),
    ])
    .executeTakeFirstOrThrow();
  const versions = await db
    .selectFrom('indicatorValueVersions')
    .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.sum<number>('numerator').as('sum')])
    .executeTakeFirstOrThrow();
  const figures = await db
    .selectFrom('caseFigureDays')
    .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.sum<number>('n').as('sum')])
    .executeTakeFirstOrThrow();
  const round = (x: number | string) => Number(x).toFixed(0);
  return (
    `indicator_values ${values.rows} rows, Σ own ${round(values.own)}, Σ tree ${round(values.tree)}; ` +
    `versions ${versions.rows}, Σ ${round(versions.sum)}; case_figure_days ${figures.rows}, Σ n ${round(figures.sum)}`
  );
};
