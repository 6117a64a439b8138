// `npx tsx bench/cases.bench.ts [--cases=N] [--runs=N] [--reseed] [--explain] [--verify-seed[=N]]`
//
// Issue 3, "Performance": with 1,000,000 cases in SQLite, the overdue list of one unit subtree
// (first page) and the period figures of one unit subtree each under 100 ms, with the ratio to
// the same answer hand-written in SQL on the raw better-sqlite3 connection (the baseline).
//
// The data set (bench/cases-seed.ts) is built once per seed version and schema, in os.tmpdir(),
// and reused by later runs. Each operation is checked against its baseline (same ids, same
// counts) before it is timed; then service and baseline alternate, warm, `--runs` times each.
//   --explain      EXPLAIN QUERY PLAN and the time of every statement the services run (also
//                  printed, for the data set as migrated, when a target fails)
//   --verify-seed  play N scripts (default 300) through the services and compare with the raw seeding
// Timing is only meaningful on a quiet machine: stop servers and test runs first (the benchmark
// names running Guankong servers and reports how busy the CPUs were; the CPU columns are the
// process's own CPU time, which other work inflates much less than wall time).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import SqliteDatabase from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect } from 'kysely';
import { reportingDayOf } from '../src/modules/cases/case-figure-days.js';
import { figuresOfCases, quantile } from '../src/modules/cases/case-figures.service.js';
import { listCases } from '../src/modules/cases/case-views.service.js';
import type { Figures } from '../src/modules/cases/cases.schema.js';
import { ZFiguresQuery, ZListCasesQuery } from '../src/modules/cases/cases.schema.js';
import type { Clock } from '../src/platform/clock.js';
import type { Db } from '../src/platform/db/database.js';
import { createDatabase } from '../src/platform/db/database.js';
import type { Database } from '../src/platform/db/schema.js';
import type { Deps } from '../src/platform/deps.js';
import { actorOf, benchNow, checkDerivedColumns, ensureSeeded, readOrg, verifySeed } from './cases-seed.js';

const option = (name: string) => {
  const arg = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (arg === undefined) return undefined;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : '';
};
const count = Number((option('cases') ?? '1000000').replace(/[_,]/g, ''));
const runs = Math.max(20, Number(option('runs') ?? 30));
const targetMs = 100;

if (option('verify-seed') !== undefined) {
  const n = Number(option('verify-seed') || 300);
  const started = performance.now();
  const { checked, differences } = await verifySeed(n);
  console.log(
    `seed check: ${checked.cases} cases, ${checked.events} events, ${checked.clocks} clocks, ${checked.callbacks} callbacks ` +
      `played through the services and written raw: ${differences.length} differences ` +
      `(${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
  for (const d of differences) console.log(`  ${d}`);
  process.exit(differences.length ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// The data set.

const seeded = await ensureSeeded(count, { reseed: option('reseed') !== undefined });
const fileSize = (file: string) =>
  ['', '-wal'].reduce((sum, suffix) => {
    try {
      return sum + statSync(file + suffix).size;
    } catch {
      return sum;
    }
  }, 0);
console.log(`cases: ${count.toLocaleString('en-US')} cases in ${seeded.file}`);
console.log(
  seeded.seededMs === null
    ? '  seeding: reused the cached file (--reseed to rebuild)'
    : `  seeding: ${(seeded.seededMs / 1000).toFixed(1)} s (${seeded.counts!.events.toLocaleString('en-US')} events, ` +
        `${seeded.counts!.clocks.toLocaleString('en-US')} clocks, ${seeded.counts!.callbacks.toLocaleString('en-US')} callbacks)`,
);
console.log(`  file size: ${(fileSize(seeded.file) / 2 ** 20).toFixed(0)} MiB`);

/** A connection like the application's (platform/db/database.ts openSqlite), for the baseline. */
const openRaw = (file: string) => {
  const raw = new SqliteDatabase(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('synchronous = NORMAL');
  return raw;
};

const rawSetup = openRaw(seeded.file);
const org = readOrg(rawSetup);
const mix = rawSetup
  .prepare(
    `select count(*) as n, sum(is_open) as open,
            sum(is_open = 1 and next_due_at < ?) as overdue,
            sum(status = 'closed') as closed, sum(status = 'cancelled') as cancelled,
            sum(status = 'resolved') as resolved, sum(breached) as breached, sum(reopen_count > 0) as reopened
       from cases`,
  )
  .get(new Date(benchNow).toISOString()) as Record<string, number>;
const share = (n: number) => `${((n / mix.n!) * 100).toFixed(2)} %`;
console.log(
  `  mix: open ${share(mix.open!)} (overdue ${share(mix.overdue!)}), resolved ${share(mix.resolved!)}, ` +
    `closed ${share(mix.closed!)}, cancelled ${share(mix.cancelled!)}, breached ${share(mix.breached!)}, ` +
    `reopened ${share(mix.reopened!)}`,
);
rawSetup.close();

{
  // A cached file is only as good as the rules it was seeded with: check a sample against the services.
  const db = createDatabase({ dialect: 'sqlite', file: seeded.file });
  const { checked, differences } = await checkDerivedColumns(db);
  await db.destroy();
  console.log(
    `  clocks, next due time, breach flag, resolution time of ${checked} sampled cases recomputed by the services: ` +
      `${differences.length ? `${differences.length} DIFFER` : 'all as stored'}`,
  );
  if (differences.length) {
    for (const d of differences.slice(0, 5)) console.log(`    ${d}`);
    console.log(
      '  The services changed since the file was seeded: bump seedVersion in bench/cases-seed.ts (or --reseed).',
    );
    process.exit(1);
  }
}

const branch = org.branches[0]!;
const clock: Clock = { now: () => new Date(benchNow) };
const actor = actorOf(org.benchManager);
const overdueQuery = ZListCasesQuery.parse({
  view: 'overdue',
  unitId: branch.unitId,
  subtree: true,
  page: 1,
  pageSize: 20,
  sort: 'due_asc',
});
const figuresQuery = ZFiguresQuery.parse({
  from: '2026-10-01T00:00:00+08:00',
  to: '2026-11-01T00:00:00+08:00',
  unitId: branch.unitId,
  subtree: true,
  groupBy: 'none',
  timeBasis: 'working',
});
console.log(
  `  asking as ${org.benchManager.name} (manager on the company), for ${branch.name} and its ${branch.areas.length} areas; ` +
    `now = ${new Date(benchNow).toISOString()}; figures ${figuresQuery.from} – ${figuresQuery.to}`,
);

// ---------------------------------------------------------------------------------------------
// The baselines: the same answers hand-written in SQL on the raw connection.

type Raw = SqliteDatabase.Database;

const baselineOverdue = (raw: Raw) => {
  const page = raw.prepare(
    `select c.*, u.name as unit_name, t.key as type_key, t.name as type_name,
            a.display_name as assignee_name, cu.name as customer_name
       from cases c
       join units u on u.id = c.unit_id
       join case_types t on t.id = c.case_type_id
       left join users a on a.id = c.assignee_user_id
       left join customers cu on cu.id = c.customer_id
      where c.unit_id in (select descendant_id from unit_closure where ancestor_id = ?)
        and c.is_open = 1 and c.next_due_at < ?
      order by c.next_due_at, c.id
      limit ? offset ?`,
  );
  const total = raw
    .prepare(
      `select count(*) from cases
        where unit_id in (select descendant_id from unit_closure where ancestor_id = ?)
          and is_open = 1 and next_due_at < ?`,
    )
    .pluck();
  const clocks = raw.prepare('select * from case_clocks where case_id in (select value from json_each(?))');
  return () => {
    const now = clock.now().toISOString();
    const rows = page.all(branch.unitId, now, overdueQuery.pageSize, 0) as Array<Record<string, unknown>>;
    return {
      rows,
      total: total.get(branch.unitId, now) as number,
      clocks: clocks.all(JSON.stringify(rows.map((r) => r.id))),
    };
  };
};

const round = (x: number | null, digits = 4) =>
  x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits;
const ratioOf = (a: number, b: number) => (b === 0 ? null : a / b);

/** The countable figures, however they are counted. */
type Counts = {
  registered: number;
  repeats: number;
  resolved: number;
  reopened: number;
  closed: number;
  cancelled: number;
  onTime: Record<string, { stopped: number; met: number }>;
  opened: number;
  reachedOfOpened: number;
  recorded: number;
  reached: number;
  satisfactionSum: number;
  satisfactionCount: number;
  unsatisfied: number;
};
const figuresParams = () => {
  const from = new Date(figuresQuery.from).toISOString();
  const to = new Date(figuresQuery.to).toISOString();
  return {
    unit: branch.unitId,
    from,
    to,
    fromDay: reportingDayOf(from),
    toDay: reportingDayOf(to),
    now: clock.now().toISOString(),
  };
};
type Params = ReturnType<typeof figuresParams>;

/** The counts read from the daily rollup (case_figure_days), hand-written. */
const rollupCounts = (raw: Raw) => {
  const sums = raw.prepare(
    `select metric, sum(n) as n from case_figure_days
      where unit_id in (select descendant_id from unit_closure where ancestor_id = :unit)
        and day >= :fromDay and day < :toDay
      group by metric`,
  );
  return (params: Params): Counts => {
    const m = new Map((sums.all(params) as Array<{ metric: string; n: number }>).map((r) => [r.metric, r.n]));
    const onTime: Counts['onTime'] = {};
    for (const [metric, n] of m) {
      const clock = /^clock_stopped:(.+)$/.exec(metric);
      if (clock) onTime[clock[1]!] = { stopped: n, met: m.get(`clock_met:${clock[1]}`) ?? 0 };
    }
    const get = (metric: string) => m.get(metric) ?? 0;
    return {
      registered: get('registered'),
      repeats: get('repeats'),
      resolved: get('resolved'),
      reopened: get('reopened'),
      closed: get('closed'),
      cancelled: get('cancelled'),
      onTime,
      opened: get('callbacks_opened'),
      reachedOfOpened: get('callbacks_opened_reached'),
      recorded: get('callbacks_recorded'),
      reached: get('callbacks_reached'),
      satisfactionSum: get('satisfaction_sum'),
      satisfactionCount: get('satisfaction_count'),
      unsatisfied: get('unsatisfied'),
    };
  };
};

/** The same counts from the cases, events, clocks and callbacks themselves: the cost without the rollup. */
const tableCounts = (raw: Raw) => {
  const counts = raw.prepare(
    `with sub(id) as (select descendant_id from unit_closure where ancestor_id = :unit)
     select
       (select count(*) from cases where unit_id in sub and created_at >= :from and created_at < :to) as registered,
       (select count(*) from cases where unit_id in sub and created_at >= :from and created_at < :to
           and repeat_of_case_id is not null) as repeats,
       (select count(*) from case_events e join cases c on c.id = e.case_id
         where e.kind = 'resolved' and e.at >= :from and e.at < :to and c.unit_id in sub) as resolved,
       (select count(*) from case_events e join cases c on c.id = e.case_id
         where e.kind = 'reopened' and e.at >= :from and e.at < :to and c.unit_id in sub) as reopened,
       (select count(*) from cases where unit_id in sub and status = 'closed'
           and closed_at >= :from and closed_at < :to) as closed,
       (select count(*) from cases where unit_id in sub and status = 'cancelled'
           and closed_at >= :from and closed_at < :to) as cancelled`,
  );
  const onTime = raw.prepare(
    `select k.clock_key as key, count(*) as stopped, sum(k.state = 'met') as met
       from case_clocks k join cases c on c.id = k.case_id
      where k.state in ('met', 'breached') and k.stopped_at >= :from and k.stopped_at < :to
        and c.unit_id in (select descendant_id from unit_closure where ancestor_id = :unit)
      group by k.clock_key`,
  );
  const callbacks = raw.prepare(
    `with sub(id) as (select descendant_id from unit_closure where ancestor_id = :unit)
     select o.opened, o.reached_of_opened, r.recorded, r.reached, r.satisfaction_sum, r.satisfaction_count, r.unsatisfied
       from (select count(*) as opened, coalesce(sum(b.reached = 1), 0) as reached_of_opened
               from case_callbacks b join cases c on c.id = b.case_id
              where b.created_at >= :from and b.created_at < :to and c.unit_id in sub) o,
            (select count(*) as recorded, coalesce(sum(b.reached = 1), 0) as reached,
                    coalesce(sum(case when b.reached = 1 then b.satisfaction end), 0) as satisfaction_sum,
                    count(case when b.reached = 1 then b.satisfaction end) as satisfaction_count,
                    coalesce(sum(b.reached = 1 and b.satisfaction <= 2), 0) as unsatisfied
               from case_callbacks b join cases c on c.id = b.case_id
              where b.status = 'done' and b.recorded_at >= :from and b.recorded_at < :to
                and c.unit_id in sub) r`,
  );
  return (params: Params): Counts => {
    const c = counts.get(params) as Record<string, number>;
    const b = callbacks.get(params) as Record<string, number>;
    return {
      registered: c.registered!,
      repeats: c.repeats!,
      resolved: c.resolved!,
      reopened: c.reopened!,
      closed: c.closed!,
      cancelled: c.cancelled!,
      onTime: Object.fromEntries(
        (onTime.all(params) as Array<{ key: string; stopped: number; met: number }>).map((r) => [
          r.key,
          { stopped: r.stopped, met: r.met },
        ]),
      ),
      opened: b.opened!,
      reachedOfOpened: b.reached_of_opened!,
      recorded: b.recorded!,
      reached: b.reached!,
      satisfactionSum: b.satisfaction_sum!,
      satisfactionCount: b.satisfaction_count!,
      unsatisfied: b.unsatisfied!,
    };
  };
};

/**
 * The figures' total hand-written in SQL: counts by `countsOf`, resolution hours (every value,
 * for the percentiles) and the overdue count from the cases.
 */
const baselineFigures = (raw: Raw, countsOf: (raw: Raw) => (params: Params) => Counts) => {
  const counts = countsOf(raw);
  const hours = raw
    .prepare(
      `select resolution_working_ms / 3600000.0 from cases
        where unit_id in (select descendant_id from unit_closure where ancestor_id = :unit)
          and resolved_at >= :from and resolved_at < :to and resolution_working_ms is not null
        order by 1`,
    )
    .pluck();
  const overdue = raw
    .prepare(
      `select count(*) from cases
        where unit_id in (select descendant_id from unit_closure where ancestor_id = :unit)
          and is_open = 1 and next_due_at < :now`,
    )
    .pluck();
  return () => {
    const params = figuresParams();
    const c = counts(params);
    const h = hours.all(params) as number[];
    return {
      registered: c.registered,
      resolved: c.resolved,
      closed: c.closed,
      cancelled: c.cancelled,
      onTime: Object.fromEntries(
        Object.entries(c.onTime).map(([key, v]) => [key, { ...v, rate: round(ratioOf(v.met, v.stopped)) }]),
      ),
      resolutionHours: { count: h.length, median: round(quantile(h, 0.5)), p90: round(quantile(h, 0.9)) },
      callbacks: {
        recorded: c.recorded,
        reached: c.reached,
        rate: round(ratioOf(c.reachedOfOpened, c.opened)),
        satisfactionAvg: round(ratioOf(c.satisfactionSum, c.satisfactionCount)),
        unsatisfied: c.unsatisfied,
      },
      reopened: c.reopened,
      reworkRate: round(ratioOf(c.reopened, c.resolved)),
      repeats: c.repeats,
      overdueNow: overdue.get(params) as number,
    };
  };
};

// ---------------------------------------------------------------------------------------------
// Checking and timing.

/** JSON with sorted keys, to compare answers whatever order their keys were built in. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );

const checkOverdue = async (deps: Deps, raw: Raw) => {
  const service = await listCases(overdueQuery, deps);
  const sql = baselineOverdue(raw)();
  const mine = service.items.map((i) => ({
    id: i.id,
    unit: i.unit.name,
    assignee: i.assignee?.name ?? null,
    customer: i.customer?.name ?? null,
    nextDueAt: i.nextDueAt,
  }));
  const theirs = sql.rows.map((r) => ({
    id: r.id,
    unit: r.unit_name,
    assignee: r.assignee_name,
    customer: r.customer_name,
    nextDueAt: r.next_due_at,
  }));
  if (canonical(mine) !== canonical(theirs) || service.total !== sql.total)
    throw new Error(
      `overdue list: the service and the SQL disagree\n${canonical({ total: service.total, mine })}\n${canonical({ total: sql.total, theirs })}`,
    );
  return { total: service.total, items: service.items.length };
};

const checkFigures = async (deps: Deps, raw: Raw) => {
  const service: Figures = await figuresOfCases(figuresQuery, deps);
  const { key: _key, label: _label, ...total } = service.total;
  for (const [name, countsOf] of [
    ['the rollup', rollupCounts],
    ['the tables', tableCounts],
  ] as const) {
    const sql = baselineFigures(raw, countsOf)();
    if (canonical(total) !== canonical(sql))
      throw new Error(
        `figures: the service and the SQL over ${name} disagree\n${canonical(total)}\n${canonical(sql)}`,
      );
  }
  return total;
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
};
/** Wall time, and the CPU time of this process (robust to other processes competing for the CPUs). */
const timed = async (fn: () => unknown) => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await fn();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
};

type Samples = { wall: number[]; cpu: number[] };
type Timing = { service: Samples; sql: Samples };

/** Warm-up, then service and baseline alternately (each first every other run), `runs` times. */
const measure = async (service: () => Promise<unknown>, sql: () => unknown): Promise<Timing> => {
  for (let i = 0; i < 3; i++) {
    await service();
    sql();
  }
  const timing: Timing = { service: { wall: [], cpu: [] }, sql: { wall: [], cpu: [] } };
  const add = (samples: Samples, t: { wall: number; cpu: number }) => {
    samples.wall.push(t.wall);
    samples.cpu.push(t.cpu);
  };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      add(timing.service, await timed(service));
      add(timing.sql, await timed(sql));
    } else {
      add(timing.sql, await timed(sql));
      add(timing.service, await timed(service));
    }
  }
  return timing;
};

const ms = (x: number) => x.toFixed(1);
type Row = { operation: string; timing: Timing };
const median = (values: number[]) => percentile(values, 0.5);
const printTable = (title: string, rows: Row[]) => {
  console.log(`\n${title}`);
  console.log(
    `  warm, ${runs} runs each, service and SQL alternating; wall ms median / p95, and CPU ms median`,
  );
  const header = [
    'operation'.padEnd(44),
    'service med'.padStart(11),
    'p95'.padStart(7),
    'cpu'.padStart(7),
    'SQL med'.padStart(8),
    'p95'.padStart(7),
    'cpu'.padStart(7),
    'ratio'.padStart(6),
    '  target   ',
    'result',
  ];
  console.log(`  ${header.join(' ')}`);
  for (const { operation, timing } of rows) {
    const sMed = median(timing.service.wall);
    const sP95 = percentile(timing.service.wall, 0.95);
    const result = sMed < targetMs ? (sP95 < targetMs ? 'PASS' : 'PASS (p95 over)') : 'FAIL';
    console.log(
      `  ${[
        operation.padEnd(44),
        ms(sMed).padStart(11),
        ms(sP95).padStart(7),
        ms(median(timing.service.cpu)).padStart(7),
        ms(median(timing.sql.wall)).padStart(8),
        ms(percentile(timing.sql.wall, 0.95)).padStart(7),
        ms(median(timing.sql.cpu)).padStart(7),
        `${(sMed / median(timing.sql.wall)).toFixed(1)}×`.padStart(6),
        `  < ${targetMs} ms `,
        result,
      ].join(' ')}`,
    );
  }
};

const runAll = async (file: string) => {
  const db: Db = createDatabase({ dialect: 'sqlite', file });
  const raw = openRaw(file);
  const deps: Deps = { db, clock, actor };
  try {
    const overdue = await checkOverdue(deps, raw);
    const figures = await checkFigures(deps, raw);
    const overdueSql = baselineOverdue(raw);
    const rows: Row[] = [
      {
        operation: `overdue list, branch, page 1 of ${overdue.total}`,
        timing: await measure(() => listCases(overdueQuery, deps), overdueSql),
      },
      {
        operation: `figures, branch, 1 month (${figures.registered} reg.)`,
        timing: await measure(() => figuresOfCases(figuresQuery, deps), baselineFigures(raw, rollupCounts)),
      },
      {
        operation: 'figures, vs SQL over the tables (no rollup)',
        timing: await measure(() => figuresOfCases(figuresQuery, deps), baselineFigures(raw, tableCounts)),
      },
    ];
    return { rows, overdue, figures };
  } finally {
    raw.close();
    await db.destroy();
  }
};

// ---------------------------------------------------------------------------------------------
// Where the time goes: every statement a service runs, timed alone, with its plan.

const explain = async (file: string, label: string, call: (deps: Deps) => Promise<unknown>) => {
  const raw = openRaw(file);
  const statements: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: openRaw(file) }),
    plugins: [new CamelCasePlugin()],
    log: (event) => {
      if (event.level === 'query')
        statements.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  try {
    await call({ db, clock, actor }); // loads the per-handle caches (unit tree, calendars)
    statements.length = 0;
    await call({ db, clock, actor });
    const results = statements.map(({ sql, parameters }) => {
      const statement = raw.prepare(sql);
      const params = parameters as unknown[];
      const run = () => (statement.reader ? statement.all(...params) : statement.run(...params));
      run();
      const times = Array.from({ length: 5 }, () => {
        const started = performance.now();
        const rows = run();
        return { ms: performance.now() - started, rows: Array.isArray(rows) ? rows.length : 0 };
      });
      const plan = (raw.prepare(`explain query plan ${sql}`).all(...params) as Array<{ detail: string }>).map(
        (r) => r.detail,
      );
      return {
        sql,
        ms: percentile(
          times.map((t) => t.ms),
          0.5,
        ),
        rows: times[0]!.rows,
        plan,
      };
    });
    const total = results.reduce((sum, r) => sum + r.ms, 0);
    console.log(
      `\n${label}: ${results.length} statements, ${total.toFixed(1)} ms in SQLite (median of 5 each)`,
    );
    for (const r of [...results].sort((a, b) => b.ms - a.ms).filter((r) => r.ms >= 0.5)) {
      console.log(
        `  ${r.ms.toFixed(1).padStart(6)} ms  ${String(r.rows).padStart(6)} rows  ${r.sql.replace(/\s+/g, ' ')}`,
      );
      for (const line of r.plan) console.log(`                           ${line}`);
    }
  } finally {
    await db.destroy();
    raw.close();
  }
};

// ---------------------------------------------------------------------------------------------

/**
 * Other work on the machine skews wall times. This does not stop anything (other people's
 * processes are theirs to stop): it names running Guankong servers and says how busy the CPUs were.
 */
const reportCompetition = async () => {
  const servers: string[] = [];
  try {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        if (/cli\/main\.(js|ts) serve/.test(cmd)) servers.push(`${pid} ${cmd.trim()}`);
      } catch {
        // gone
      }
    }
  } catch {
    // no /proc
  }
  for (const s of servers) console.log(`  WARNING: a Guankong server is running and may take CPU: ${s}`);
  const busy = () =>
    os.cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
  const before = busy();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const share = (busy() - before) / (10 * os.cpus().length); // ms of CPU per 1000 ms, as a percentage
  console.log(
    `  CPUs busy in the second before timing: ${share.toFixed(0)} % of ${os.cpus().length} ` +
      `(load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')})${share > 25 ? ' — other work is running; compare the CPU columns' : ''}`,
  );
};

await reportCompetition();
const before = await runAll(seeded.file);
printTable('cases: as migrated', before.rows);
const failing = before.rows.some((r) => median(r.timing.service.wall) >= targetMs);

if (option('explain') !== undefined || failing) {
  await explain(seeded.file, 'overdue list', (deps) => listCases(overdueQuery, deps));
  await explain(seeded.file, 'figures', (deps) => figuresOfCases(figuresQuery, deps));
}
