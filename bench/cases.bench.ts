// `npx tsx bench/cases.bench.ts [--cases=N] [--runs=N] [--reseed] [--explain] [--fix | --no-fix] [--verify-seed[=N]]`
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
//   --fix          the proposed index changes, each applied to its own copy of the data set, timed
//                  the same way (also done when a target fails, unless --no-fix)
//   --verify-seed  play N scripts (default 300) through the services and compare with the raw seeding
// Timing is only meaningful on a quiet machine: stop servers and test runs first (the benchmark
// names running Guankong servers and reports how busy the CPUs were; the CPU columns are the
// process's own CPU time, which other work inflates much less than wall time).
import { copyFileSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import SqliteDatabase from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect } from 'kysely';
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

const baselineFigures = (raw: Raw) => {
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
           and closed_at >= :from and closed_at < :to) as cancelled,
       (select count(*) from cases where unit_id in sub and is_open = 1 and next_due_at < :now) as overdue_now`,
  );
  const onTime = raw.prepare(
    `select k.clock_key as key, count(*) as stopped, sum(k.state = 'met') as met
       from case_clocks k join cases c on c.id = k.case_id
      where k.state in ('met', 'breached') and k.stopped_at >= :from and k.stopped_at < :to
        and c.unit_id in (select descendant_id from unit_closure where ancestor_id = :unit)
      group by k.clock_key`,
  );
  const hours = raw
    .prepare(
      `select resolution_working_ms / 3600000.0 from cases
        where unit_id in (select descendant_id from unit_closure where ancestor_id = :unit)
          and resolved_at >= :from and resolved_at < :to and resolution_working_ms is not null
        order by 1`,
    )
    .pluck();
  const callbacks = raw.prepare(
    `with sub(id) as (select descendant_id from unit_closure where ancestor_id = :unit)
     select o.opened, o.reached_of_opened, r.recorded, r.reached, r.satisfaction_avg, r.unsatisfied
       from (select count(*) as opened, coalesce(sum(b.reached = 1), 0) as reached_of_opened
               from case_callbacks b join cases c on c.id = b.case_id
              where b.created_at >= :from and b.created_at < :to and c.unit_id in sub) o,
            (select count(*) as recorded, coalesce(sum(b.reached = 1), 0) as reached,
                    avg(case when b.reached = 1 then b.satisfaction end) as satisfaction_avg,
                    coalesce(sum(b.reached = 1 and b.satisfaction <= 2), 0) as unsatisfied
               from case_callbacks b join cases c on c.id = b.case_id
              where b.status = 'done' and b.recorded_at >= :from and b.recorded_at < :to
                and c.unit_id in sub) r`,
  );
  return () => {
    const params = {
      unit: branch.unitId,
      from: new Date(figuresQuery.from).toISOString(),
      to: new Date(figuresQuery.to).toISOString(),
      now: clock.now().toISOString(),
    };
    const c = counts.get(params) as Record<string, number>;
    const h = hours.all(params) as number[];
    const b = callbacks.get(params) as Record<string, number | null>;
    return {
      registered: c.registered,
      resolved: c.resolved,
      closed: c.closed,
      cancelled: c.cancelled,
      onTime: Object.fromEntries(
        (onTime.all(params) as Array<{ key: string; stopped: number; met: number }>).map((r) => [
          r.key,
          { stopped: r.stopped, met: r.met, rate: round(ratioOf(r.met, r.stopped)) },
        ]),
      ),
      resolutionHours: { count: h.length, median: round(quantile(h, 0.5)), p90: round(quantile(h, 0.9)) },
      callbacks: {
        recorded: b.recorded,
        reached: b.reached,
        rate: round(ratioOf(b.reached_of_opened!, b.opened!)),
        satisfactionAvg: round(b.satisfaction_avg ?? null),
        unsatisfied: b.unsatisfied,
      },
      reopened: c.reopened,
      reworkRate: round(ratioOf(c.reopened!, c.resolved!)),
      repeats: c.repeats,
      overdueNow: c.overdue_now,
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
  const sql = baselineFigures(raw)();
  if (canonical(total) !== canonical(sql))
    throw new Error(`figures: the service and the SQL disagree\n${canonical(total)}\n${canonical(sql)}`);
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
    const figuresSql = baselineFigures(raw);
    const rows: Row[] = [
      {
        operation: `overdue list, branch, page 1 of ${overdue.total}`,
        timing: await measure(() => listCases(overdueQuery, deps), overdueSql),
      },
      {
        operation: `figures, branch, 1 month (${figures.registered} reg.)`,
        timing: await measure(() => figuresOfCases(figuresQuery, deps), figuresSql),
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

/**
 * Changes tried on a copy of the data set (src and the migrations are not touched), each on its
 * own fresh copy: what EXPLAIN QUERY PLAN showed the figures' statements to need.
 */
const figuresIndexes = [
  // The clocks stopped in the period: without statistics SQLite takes state = ? on
  // case_clocks_running_idx (state, at_risk_at) and reads every stopped clock.
  // (state, stopped_at) replaces case_clocks_stopped_idx (stopped_at); `stopped_at is null` of
  // the escalation sweep is served by it as well.
  'drop index case_clocks_stopped_idx',
  'create index case_clocks_state_stopped_idx on case_clocks (state, stopped_at)',
  // Closed / cancelled in the period: there is no index on closed_at, so every case of the subtree is read.
  'create index cases_unit_closed_idx on cases (unit_id, closed_at)',
  // Callbacks opened / recorded in the period: no index on created_at or recorded_at.
  'create index case_callbacks_created_idx on case_callbacks (created_at)',
  'create index case_callbacks_recorded_idx on case_callbacks (status, recorded_at)',
];
/** The same, with the two largest of them covering (no row lookups in case_events or case_clocks). */
const coveringIndexes = [
  ...figuresIndexes.map((statement) =>
    statement.startsWith('create index case_clocks_state_stopped_idx')
      ? 'create index case_clocks_state_stopped_idx on case_clocks (state, stopped_at, case_id, clock_key)'
      : statement,
  ),
  // Resolutions and reopenings in the period: read from the index alone, without the 6M-row table.
  'drop index case_events_kind_at_idx',
  'create index case_events_kind_at_idx on case_events (kind, at, case_id)',
];
const proposals: Array<{ title: string; statements: string[] }> = [
  { title: 'ANALYZE only (planner statistics, no index)', statements: ['analyze'] },
  { title: 'indexes for the figures', statements: figuresIndexes },
  { title: 'indexes for the figures + ANALYZE', statements: [...figuresIndexes, 'analyze'] },
  { title: 'covering indexes for the figures + ANALYZE', statements: [...coveringIndexes, 'analyze'] },
];

if (option('fix') !== undefined || (failing && option('no-fix') === undefined)) {
  const copy = `${seeded.file}.fix-copy`;
  const remove = () => {
    for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
  };
  for (const proposal of proposals) {
    remove();
    copyFileSync(seeded.file, copy);
    try {
      const raw = new SqliteDatabase(copy);
      const started = performance.now();
      for (const statement of proposal.statements) raw.exec(statement);
      const buildMs = performance.now() - started;
      raw.close();
      console.log(`\n== ${proposal.title}: ${(buildMs / 1000).toFixed(1)} s to apply on the copy`);
      for (const statement of proposal.statements) console.log(`  ${statement};`);
      console.log(`  file size after: ${(fileSize(copy) / 2 ** 20).toFixed(0)} MiB`);
      const after = await runAll(copy);
      printTable(`cases: ${proposal.title}`, after.rows);
      if (option('explain') !== undefined)
        await explain(copy, `figures, ${proposal.title}`, (deps) => figuresOfCases(figuresQuery, deps));
    } finally {
      remove();
    }
  }
}
