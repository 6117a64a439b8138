// `npx tsx bench/indicators.bench.ts [--dialect=sqlite|postgres] [--runs=N] [--reseed] [--explain]
// [--stale-stats]`:
// the indicators (issue 5) at the scale — 2,000 grids (2,121 units) × 30 indicators × 36
// months — on SQLite, then on PostgreSQL (without --dialect: both, PostgreSQL skipped with a message
// when no server answers). The data sets are built once and cached: a SQLite file in the OS temp
// folder (bench/indicators-seed.ts), a schema of the test database (bench/indicators-seed-pg.ts);
// each run works on a copy of it, since the recompute writes.
//
// Targets: the dashboard's data for one manager < 150 ms; a full recompute after one case changed
// writes only the affected values; ranking 2,000 units on one indicator < 50 ms.
//
// Baselines in the same run, on the same data, on a raw connection of the dialect (better-sqlite3,
// pg):
// - recompute: the first recompute of the 6 computed indicators over 36 months, from nothing (every
//   own part, version and roll-up written: what a naive full rewrite writes), and the row count of
//   their values;
// - dashboard: the same cards' figures (30 indicators × 12 months) computed naively at read time,
//   Σ / max of the subtree's own parts through unit_closure — and, as the floor, the 360 stored
//   roll-up rows read by primary key; the answers are compared with the dashboard's first;
// - ranking: a plain indexed SELECT of the 2,000 grids' rows of that indicator and month, ordered
//   in SQL; the best and worst units are compared first.
// Timings are warm, service and baseline alternating; median and p95, with the process's CPU time
// (on PostgreSQL the server's CPU is not in it).
import { copyFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { transitionCase } from '../src/modules/cases/cases.service.js';
import { recomputeIndicators } from '../src/modules/indicators/indicator-compute.service.js';
import { dashboardOf } from '../src/modules/indicators/indicator-dashboard.service.js';
import { periodsEndingWith } from '../src/modules/indicators/indicator-periods.js';
import { rankUnits } from '../src/modules/indicators/indicator-ranking.service.js';
import type { Actor } from '../src/platform/access.js';
import { manualClock } from '../src/platform/clock.js';
import { createDatabase } from '../src/platform/db/database.js';
import type { Db } from '../src/platform/db/database.js';
import {
  benchNow,
  computedIndicators,
  ensureIndicatorsSeeded,
  fingerprintOf,
  months,
} from './indicators-seed.js';
import type { SeedTimings } from './indicators-seed.js';
import {
  benchPostgresUrl,
  copySchema,
  dropSchema,
  ensureIndicatorsSeededPg,
  postgresUnavailable,
} from './indicators-seed-pg.js';

type Dialect = 'sqlite' | 'postgres';

const option = (name: string) => {
  const arg = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (arg === undefined) return undefined;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : '';
};
const runs = Math.max(20, Number(option('runs') ?? 30));
const reseed = option('reseed') !== undefined;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');

// ---------------------------------------------------------------------------------------------
// A raw connection for the baselines: `?` placeholders on both dialects.

type Raw = {
  all: <T>(text: string, params?: readonly unknown[]) => Promise<T[]>;
  one: <T>(text: string, params?: readonly unknown[]) => Promise<T>;
  /** The plan (SQLite) or the plan as run, with buffers (PostgreSQL). */
  explain: (text: string, params?: readonly unknown[]) => Promise<string[]>;
  close: () => Promise<void>;
};

/** Like the application's connection; statements prepared once (SQLite plans at prepare time). */
const sqliteRaw = (file: string): Raw => {
  const handle = new SqliteDatabase(file);
  handle.pragma('journal_mode = WAL');
  handle.pragma('busy_timeout = 5000');
  const statements = new Map<string, SqliteDatabase.Statement>();
  const prepared = (text: string) => {
    let s = statements.get(text);
    if (!s) statements.set(text, (s = handle.prepare(text)));
    return s;
  };
  const all = async <T>(text: string, params: readonly unknown[] = []) =>
    prepared(text).all(...params) as T[];
  return {
    all,
    one: async <T>(text: string, params: readonly unknown[] = []) => (await all<T>(text, params))[0]!,
    explain: async (text, params = []) =>
      (handle.prepare(`explain query plan ${text}`).all(...params) as Array<{ detail: string }>).map(
        (r) => r.detail,
      ),
    close: async () => {
      handle.close();
    },
  };
};

/** One pg connection on the schema; queries sent as the application's are (parsed each time). */
const postgresRaw = async (url: string, schema: string): Promise<Raw> => {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  const numbered = (text: string) => {
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  };
  const all = async <T>(text: string, params: readonly unknown[] = []) =>
    (await client.query(numbered(text), [...params])).rows as T[];
  return {
    all,
    one: async <T>(text: string, params: readonly unknown[] = []) => (await all<T>(text, params))[0]!,
    explain: async (text, params = []) =>
      (await all<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`, params)).map(
        (r) => r['QUERY PLAN'],
      ),
    close: () => client.end(),
  };
};

// ---------------------------------------------------------------------------------------------
// Timing helpers.

type Sample = { wall: number; cpu: number };
const timed = async <T>(fn: () => Promise<T> | T): Promise<Sample & { result: T }> => {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000, result };
};
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};
type Stats = { median: number; p95: number; cpu: number };
const statsOf = (samples: Sample[]): Stats => ({
  median: quantile(
    samples.map((s) => s.wall),
    0.5,
  ),
  p95: quantile(
    samples.map((s) => s.wall),
    0.95,
  ),
  cpu: quantile(
    samples.map((s) => s.cpu),
    0.5,
  ),
});
/** Warm-up, then `runs` rounds of every function in turn (so load hits them alike). */
const race = async (
  fns: Record<string, () => Promise<unknown> | unknown>,
): Promise<Record<string, Stats>> => {
  for (let i = 0; i < 3; i++) for (const fn of Object.values(fns)) await fn();
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [k, fn] of Object.entries(fns)) samples[k]!.push(await timed(fn));
  return Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, statsOf(s)]));
};
const ms = (n: number) => `${n.toFixed(1)} ms`;
const fmt = (s: Stats) => `median ${ms(s.median)}, p95 ${ms(s.p95)}, cpu ${ms(s.cpu)}`;
/** Judged on the median; the p95 is printed beside it (on shared CPUs it follows the load). */
const verdict = (s: Stats, target: number) =>
  `${s.median < target ? 'met' : 'NOT met'} (p95 ${s.p95 < target ? 'under' : 'OVER'} it)`;

// ---------------------------------------------------------------------------------------------
// The data set, and the copy a run works on.

type Workspace = { db: Db; raw: Raw; describe: string; dispose: () => Promise<void> };

const sayOf = (dialect: Dialect) => (text: string) => console.log(`indicators [${dialect}]: ${text}`);

const reportSeed = (say: (text: string) => void, timings: SeedTimings | null, where: string) => {
  if (!timings) return say(`reused the cached ${where} (--reseed to rebuild)`);
  const { total, figureRows, ...steps } = timings;
  say(`seeded in ${(total! / 1000).toFixed(1)} s (${figureRows} case_figure_days rows) → ${where}`);
  for (const [name, took] of Object.entries(steps)) say(`  ${name}: ${(took / 1000).toFixed(1)} s`);
};

const sqliteWorkspace = async (say: (text: string) => void): Promise<Workspace> => {
  const seeded = await ensureIndicatorsSeeded({ reseed });
  reportSeed(say, seeded.timings, `file ${seeded.file}`);
  const workFile = path.join(tmpdir(), `guankong-bench-indicators-${process.pid}.sqlite`);
  copyFileSync(seeded.file, workFile);
  const db = createDatabase({ dialect: 'sqlite', file: workFile });
  const raw = sqliteRaw(workFile);
  return {
    db,
    raw,
    describe: `SQLite ${(await raw.one<{ v: string }>('select sqlite_version() as v')).v}, file size ${(statSync(workFile).size / 2 ** 20).toFixed(0)} MiB`,
    dispose: async () => {
      await raw.close();
      await db.destroy();
      for (const f of [workFile, `${workFile}-wal`, `${workFile}-shm`]) rmSync(f, { force: true });
    },
  };
};

const postgresWorkspace = async (say: (text: string) => void): Promise<Workspace> => {
  const seeded = await ensureIndicatorsSeededPg({ reseed });
  reportSeed(say, seeded.timings, `schema ${seeded.schema}`);
  const work = `gk_bench_indicators_run_${process.pid}`;
  const copied = await copySchema({ from: seeded.schema, to: work });
  say(
    `copied to ${work} in ${((copied.copy + copied.indexes + copied.vacuum) / 1000).toFixed(1)} s ` +
      `(rows ${(copied.copy / 1000).toFixed(1)} s, keys and indexes ${(copied.indexes / 1000).toFixed(1)} s, ` +
      `vacuum analyze ${(copied.vacuum / 1000).toFixed(1)} s)`,
  );
  const db = createDatabase({ dialect: 'postgres', url: benchPostgresUrl, schema: work });
  const raw = await postgresRaw(benchPostgresUrl, work);
  const { v } = await raw.one<{ v: string }>('select version() as v');
  const { size } = await raw.one<{ size: string }>(
    `select pg_size_pretty(sum(pg_total_relation_size(c.oid))) as size from pg_class c
       join pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relkind = 'r'`,
    [work],
  );
  return {
    db,
    raw,
    describe: `${v.split(' on ')[0]}, schema ${work} ${size} with indexes`,
    dispose: async () => {
      await raw.close();
      await db.destroy();
      await dropSchema(work);
    },
  };
};

// ---------------------------------------------------------------------------------------------
// The measurements, alike on both dialects.

const benchOn = async (dialect: Dialect) => {
  const say = sayOf(dialect);
  const space = dialect === 'sqlite' ? await sqliteWorkspace(say) : await postgresWorkspace(say);
  try {
    await measure(dialect, say, space);
  } finally {
    await space.dispose();
  }
};

const measure = async (dialect: Dialect, say: (text: string) => void, { db, raw, describe }: Workspace) => {
  say(`${describe}; ${cpus().length} CPUs, load ${load()}`);
  const one = raw.one;
  const userId = async (username: string) =>
    (await one<{ id: number }>('select id from users where username = ?', [username])).id;
  const unitId = async (code: string) =>
    (await one<{ id: number }>('select id from units where code = ?', [code])).id;
  const companyId = await unitId('I');
  const branchId = await unitId('IB01');
  const ceo: Actor = {
    kind: 'user',
    userId: await userId('bench.ceo'),
    name: '公司经理',
    grants: [{ role: 'manager', unitId: companyId }],
  };
  const branchManager: Actor = {
    kind: 'user',
    userId: await userId('bench.b1'),
    name: '第1分公司经理',
    grants: [{ role: 'manager', unitId: branchId }],
  };
  const tech: Actor = {
    kind: 'user',
    userId: await userId('bench.tech'),
    name: '抢修员',
    grants: [{ role: 'staff', unitId: await unitId('IB01-A1-G01') }],
  };
  const clock = manualClock(benchNow);
  const lateCaseId = (await one<{ id: number }>("select id from cases where title = '7 栋水管爆裂'")).id;
  const counts = await one<{ units: number; grids: number; indicators: number }>(
    `select (select count(*) from units) as units, (select count(*) from units where kind = 'grid') as grids,
            (select count(*) from indicators) as indicators`,
  );
  say(
    `${counts.units} units (${counts.grids} grids), ${counts.indicators} indicators, ${months.length} months ` +
      `(${months[0]} … ${months.at(-1)}); now = ${benchNow.toISOString()}`,
  );
  say(`data set: ${await fingerprintOf(db)}`);

  // -------------------------------------------------------------------------------------------
  // (3) Recompute: a full write from nothing, an idle recompute, then one case resolved late.

  const computedKeys = computedIndicators.map((d) => d.key);
  const computedIds = (
    await raw.all<{ id: number }>(
      `select id from indicators where key in (${computedKeys.map(() => '?').join(', ')})`,
      computedKeys,
    )
  ).map((r) => r.id);
  const rowsOfComputed = () =>
    one<{ values: number; own: number }>(
      `select count(*) as "values", count(own_value) as own from indicator_values
        where indicator_id in (${computedIds.join(', ')}) and period >= ?`,
      [months[0]],
    );
  const range = { from: months[0]!, to: '2026-11-27' };
  const recompute = () => timed(() => recomputeIndicators(range, { db, clock }));
  const written = (r: { valuesWritten: number; rollupsWritten: number }) =>
    `${r.valuesWritten} own parts + ${r.rollupsWritten} roll-ups = ${r.valuesWritten + r.rollupsWritten} rows`;

  say(
    `recompute of the ${computedKeys.length} computed indicators over ${months.length} months (load ${load()}):`,
  );
  const full = await recompute();
  const rewrite = await rowsOfComputed();
  say(
    `  first, from nothing (the naive full rewrite): ${written(full.result)} in ${(full.wall / 1000).toFixed(1)} s ` +
      `(cpu ${(full.cpu / 1000).toFixed(1)} s); the computed indicators now hold ${rewrite.values.toLocaleString('en-US')} ` +
      `value rows (${rewrite.own.toLocaleString('en-US')} own parts, the overdue count's 35 past months included)`,
  );
  clock.set(new Date(benchNow.getTime() + 60_000));
  const idle: Sample[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await recompute();
    if (r.result.valuesWritten + r.result.rollupsWritten !== 0)
      throw new Error(`an idle recompute wrote rows: ${written(r.result)}`);
    idle.push(r);
  }
  say(`  nothing changed, 3 runs: 0 rows written each; ${fmt(statsOf(idle))}`);

  // The case in progress since 11-24 09:00 (resolution due 11-25 09:00, overdue) is resolved late.
  clock.set(benchNow);
  await transitionCase(
    { caseId: lateCaseId, input: { action: 'resolve', reasonCode: 'wear.pipe', feedback: '已更换主管道' } },
    { db, clock, actor: tech },
  );
  clock.set(new Date(benchNow.getTime() + 2 * 60_000));
  const afterCase = await recompute();
  const touched = await raw.all<{
    key: string;
    code: string;
    period: string;
    numerator: number;
    denominator: number | null;
  }>(
    `select i.key, u.code, v.period, v.numerator, v.denominator from indicator_value_versions v
       join indicators i on i.id = v.indicator_id join units u on u.id = v.unit_id
      where v.recorded_at = ? order by i.key`,
    [clock.now().toISOString()],
  );
  const changedRows = afterCase.result.valuesWritten + afterCase.result.rollupsWritten;
  const fullRows = full.result.valuesWritten + full.result.rollupsWritten;
  say(
    `  after one case resolved late: ${written(afterCase.result)} in ${ms(afterCase.wall)} (cpu ${ms(afterCase.cpu)}); ` +
      `vs ${fullRows.toLocaleString('en-US')} rows of the full rewrite: ${((changedRows / fullRows) * 100).toFixed(4)} % ` +
      `(and ${afterCase.result.valuesWritten} versions vs ${full.result.valuesWritten.toLocaleString('en-US')})`,
  );
  for (const t of touched)
    say(`    own part written: ${t.key} ${t.code} ${t.period} → ${t.numerator}/${t.denominator ?? '–'}`);
  clock.set(new Date(benchNow.getTime() + 3 * 60_000));
  const again = await recompute();
  say(`  again right after: ${written(again.result)} in ${ms(again.wall)}`);
  if (again.result.valuesWritten + again.result.rollupsWritten !== 0)
    throw new Error('the second recompute wrote rows');

  // The first recompute wrote 414,276 rows of indicators the planner statistics know as empty (the
  // schema was analyzed before). Autovacuum would analyze the table within a minute of that write
  // (over 10 % of its rows); the test server runs with autovacuum off, so the run does what it
  // would, unless --stale-stats asks to measure the plans as they are without it.
  if (dialect === 'postgres') {
    const { setting } = await one<{ setting: string }>(
      "select setting from pg_settings where name = 'autovacuum'",
    );
    if (option('stale-stats') === undefined) {
      const vacuum = await timed(() =>
        raw.all('vacuum (analyze) indicator_values, indicator_value_versions'),
      );
      say(
        `vacuum analyze of the two tables after the recompute, as autovacuum would (it is ${setting} here): ${ms(vacuum.wall)}`,
      );
    } else
      say(`statistics left as they were before the recompute (--stale-stats; autovacuum is ${setting} here)`);
  }

  // -------------------------------------------------------------------------------------------
  // (1) The dashboard, for a branch manager and for the company manager.

  const indicatorIds = (await raw.all<{ id: number }>('select id from indicators order by key')).map(
    (r) => r.id,
  );
  const indicatorRows = await raw.all<{ id: number; key: string; definition_json: string }>(
    'select id, key, definition_json from indicators',
  );
  const aggregationOf = new Map(
    indicatorRows.map((r) => [r.id, (JSON.parse(r.definition_json) as { aggregation: string }).aggregation]),
  );
  const keyToId = new Map(indicatorRows.map((r) => [r.key, r.id]));
  const window = periodsEndingWith('month', '2026-11-01', 12);
  // Two ways to write it. As planned: the plain join (SQLite walks the indicator's months and
  // probes the closure: the same work for a branch as for the company). Subtree first: the
  // subtree's units, then their rows by the unit index — on SQLite a CROSS JOIN keeps unit_closure
  // outside; on PostgreSQL, which reorders joins, the units are an array the index scan takes. The
  // faster of the two is the baseline.
  const naiveText = (subtreeFirst: boolean) => {
    const filter = `v.indicator_id in (${indicatorIds.join(', ')}) and v.period >= ? and v.own_value is not null`;
    const from =
      subtreeFirst && dialect === 'postgres'
        ? `indicator_values v where v.unit_id = any(array(select descendant_id from unit_closure where ancestor_id = ?))
             and ${filter}`
        : `unit_closure c ${subtreeFirst ? 'cross join' : 'join'} indicator_values v
             on v.unit_id = c.descendant_id and ${filter} where c.ancestor_id = ?`;
    return `select v.indicator_id as id, v.period, sum(v.own_numerator) as n, sum(v.own_denominator) as d, max(v.own_value) as mx
              from ${from}
             group by v.indicator_id, v.period`;
  };
  /** The parameters in the order each text takes them. */
  const naiveParams = (subtreeFirst: boolean, unit: number) =>
    subtreeFirst && dialect === 'postgres' ? [unit, window[0]] : [window[0], unit];
  /** The cards' series computed at read time from the subtree's own parts. */
  const naiveSeries = async (unit: number, subtreeFirst = true) => {
    const out = new Map<string, number | null>();
    for (const r of await raw.all<{ id: number; period: string; n: number; d: number | null; mx: number }>(
      naiveText(subtreeFirst),
      naiveParams(subtreeFirst, unit),
    )) {
      const agg = aggregationOf.get(r.id);
      const value = agg === 'max' ? r.mx : agg === 'sum' ? r.n : r.d ? r.n / r.d : null;
      out.set(`${r.id}:${r.period}`, value);
    }
    return out;
  };
  const storedText = `select indicator_id, period, tree_numerator, tree_denominator, tree_value from indicator_values
      where indicator_id in (${indicatorIds.join(', ')}) and unit_id = ? and period >= ?`;

  const dashboardRuns: Array<{ who: string; actor: Actor; unit: number }> = [
    { who: 'branch manager (IB01: 106 units, 100 grids)', actor: branchManager, unit: branchId },
    { who: 'company manager (2,121 units, 2,000 grids)', actor: ceo, unit: companyId },
  ];
  for (const d of dashboardRuns) {
    const deps = { db, clock, actor: d.actor };
    const dashboard = await dashboardOf({}, deps);
    if (dashboard.unit?.id !== d.unit)
      throw new Error(`${d.who}: the dashboard is of unit ${dashboard.unit?.id}`);
    // The answer first: every sparkline point equals the naive aggregation of the subtree's own parts.
    const expected = await naiveSeries(d.unit);
    let points = 0;
    for (const card of dashboard.cards)
      for (const p of card.sparkline) {
        const want = expected.get(`${keyToId.get(card.key)}:${p.period}`) ?? null;
        const ok =
          want === null || p.value === null
            ? want === p.value
            : Math.abs(want - p.value) <= 1e-9 * Math.max(1, Math.abs(want));
        if (!ok) throw new Error(`${d.who}: ${card.key} ${p.period}: dashboard ${p.value}, naive ${want}`);
        points++;
      }
    say(
      `dashboard of the ${d.who}: ${dashboard.cards.length} cards, ${points} sparkline points equal to the naive ` +
        `aggregation; ${dashboard.alerts.length} alerts, overdue ${dashboard.overdue?.total ?? '–'}, ranking of ` +
        `${dashboard.ranking?.rows.length ?? 0} units on ${dashboard.ranking?.indicator ?? '–'}`,
    );
    const r = await race({
      dashboard: () => dashboardOf({}, deps),
      naivePlanned: () => naiveSeries(d.unit, false),
      naiveSubtreeFirst: () => naiveSeries(d.unit, true),
      stored: () => raw.all(storedText, [d.unit, window[0]]),
    });
    const naive =
      r.naivePlanned!.median < r.naiveSubtreeFirst!.median ? r.naivePlanned! : r.naiveSubtreeFirst!;
    say(
      `  dashboardOf:                              ${fmt(r.dashboard!)}  — target < 150 ms: ${verdict(r.dashboard!, 150)}`,
    );
    say(`  naive Σ through unit_closure, as planned: ${fmt(r.naivePlanned!)}`);
    say(`  naive Σ through unit_closure, subtree first: ${fmt(r.naiveSubtreeFirst!)}`);
    say(
      `  ratio dashboard / the faster naive: ${(r.dashboard!.median / naive.median).toFixed(2)}× (cpu ${(r.dashboard!.cpu / naive.cpu).toFixed(2)}×)`,
    );
    say(
      `  floor, the 30 × 12 roll-up rows read:     ${fmt(r.stored!)}  (dashboard / floor ${(r.dashboard!.median / r.stored!.median).toFixed(1)}×)`,
    );
  }

  // -------------------------------------------------------------------------------------------
  // (2) Ranking the 2,000 grids on one indicator.

  for (const key of ['fee_recovery', 'on_time_resolution']) {
    const deps = { db, clock, actor: ceo };
    const ranking = await rankUnits({ indicator: key, query: { kind: 'grid' } }, deps);
    const baseline = () =>
      raw.all<{ unit_id: number; tree_value: number }>(
        `select unit_id, tree_numerator, tree_denominator, tree_value, own_value from indicator_values
          where indicator_id = ? and period = ? and unit_id in (select id from units where kind = 'grid')
          order by tree_value desc`,
        [keyToId.get(key), ranking.period],
      );
    const rows = await baseline();
    if (ranking.rows.length !== rows.length || ranking.rows.length < 1900)
      throw new Error(`ranking ${key}: ${ranking.rows.length} ranked, the plain select has ${rows.length}`);
    if (ranking.best!.value !== rows[0]!.tree_value || ranking.worst!.value !== rows.at(-1)!.tree_value)
      throw new Error(`ranking ${key}: best/worst differ from the plain select`);
    say(
      `ranking of ${ranking.rows.length} grids on ${key} (${ranking.period}, the latest): best ${ranking.best!.unitCode} ` +
        `${ranking.best!.value!.toFixed(4)}, worst ${ranking.worst!.unitCode} ${ranking.worst!.value!.toFixed(4)} (as the plain select)`,
    );
    const period = ranking.period!.slice(0, 7);
    const r = await race({
      rank: () => rankUnits({ indicator: key, query: { kind: 'grid' } }, deps),
      rankWithPeriod: () => rankUnits({ indicator: key, query: { kind: 'grid', period } }, deps),
      plain: baseline,
    });
    say(`  rankUnits, latest period:           ${fmt(r.rank!)}  — target < 50 ms: ${verdict(r.rank!, 50)}`);
    say(`  rankUnits, period given:            ${fmt(r.rankWithPeriod!)}`);
    say(
      `  baseline, plain indexed select:     ${fmt(r.plain!)}  (rankUnits / plain ${(r.rank!.median / r.plain!.median).toFixed(1)}×)`,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Query plans, for the report (--explain): the module's queries as it sends them.

  if (option('explain') !== undefined) {
    const plan = async (label: string, text: string, params: readonly unknown[] = []) => {
      say(`plan of ${label}:`);
      for (const line of await raw.explain(text, params)) say(`    ${line}`);
    };
    const gridIds = (
      await raw.all<{ id: number }>("select id from units where kind = 'grid' order by id limit 1000")
    ).map((r) => r.id);
    const list = gridIds.join(', ');
    const fee = keyToId.get('fee_recovery')!;
    await plan(
      "the dashboard's values",
      `select indicator_id, period from indicator_values where indicator_id in (${indicatorIds.join(', ')}) and unit_id = ? and period >= ?`,
      [companyId, window[0]],
    );
    for (const key of ['fee_recovery', 'on_time_resolution', 'callback'])
      await plan(
        `the ranking's latest period (${key})`,
        `select max(period) from indicator_values where indicator_id = ? and unit_id in (${list}) and period < ?`,
        [keyToId.get(key), '2026-12-01'],
      );
    // A lookup whose plan does not hang on the statistics: the indicator's latest period from the
    // primary key's end, then whether one of the units holds it (and the period before, if not).
    await plan(
      "the latest period from the primary key's end (on_time_resolution)",
      'select max(period) from indicator_values where indicator_id = ? and period < ?',
      [keyToId.get('on_time_resolution'), '2026-12-01'],
    );
    await plan(
      'whether one of the units holds it',
      `select 1 from indicator_values where indicator_id = ? and period = ? and unit_id in (${list}) limit 1`,
      [keyToId.get('on_time_resolution'), '2026-11-01'],
    );
    await plan(
      "the ranking's values (storedValues)",
      `select unit_id from indicator_values where indicator_id = ? and unit_id in (${list}) and period >= ? and period <= ?`,
      [fee, '2026-11-01', '2026-11-01'],
    );
    await plan(
      "refreshTrees' sums",
      `select c.ancestor_id, sum(v.own_numerator) from indicator_values v join unit_closure c on c.descendant_id = v.unit_id
        where v.indicator_id = ? and v.period = ? and v.own_value is not null and +c.ancestor_id in (${list}) group by c.ancestor_id`,
      [fee, '2026-11-01'],
    );
    await plan('the naive baseline, as planned', naiveText(false), naiveParams(false, branchId));
    await plan('the naive baseline, subtree first', naiveText(true), naiveParams(true, branchId));
  }

  say(`load average at the end ${load()}`);
};

// ---------------------------------------------------------------------------------------------

const asked = option('dialect');
if (asked !== undefined && asked !== 'sqlite' && asked !== 'postgres')
  throw new Error(`--dialect=${asked}: sqlite or postgres`);
const dialects: Dialect[] = asked ? [asked] : ['sqlite', 'postgres'];
for (const dialect of dialects) {
  if (dialect === 'postgres') {
    const reason = await postgresUnavailable();
    if (reason) {
      const message = `no PostgreSQL server answers at ${benchPostgresUrl} (${reason}); set GUANKONG_BENCH_PG_URL`;
      if (asked) throw new Error(message);
      sayOf('postgres')(`skipped: ${message}`);
      continue;
    }
  }
  await benchOn(dialect);
}
