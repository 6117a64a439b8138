// `npx tsx bench/report-100k.bench.ts [--runs=N] [--reseed]`: the telecom monthly report
// (templates/telecom-arrears-monthly.json) of a month with 100,000 campaign targets, generated
// end to end in .docx the way `POST /api/v1/reports` does it (`generateReport`: the figures read
// from the database, the context, the template filled, charts rasterised, the .docx written and
// stored), timed over several runs. Target: ≤ 5 s.
//
// Baselines in the same run, on the same data: the raw figures query of the month alone
// (`figuresOfCampaigns`), the report's context (both months' figures and comparisons), the
// document (context + template), the .docx rendering of that document alone, and the same
// report generated in Markdown (no chart raster, no Word packaging).
//
// The data set: a company → a branch → 200 grids with 2 managers each; the arrears follow-up
// type of the tests; four campaigns through the campaigns service (broadband and mobile, 50,000
// targets each, in September and in October 2026), i.e. 200,000 follow-up cases. The outcomes
// (reason code, reactivated, status) are then written straight into the cases in one statement
// per batch, because the case services would take hours for 200,000 resolutions; the figures read
// exactly those columns (status, reason_code, outcome_json), so the report is the one the services
// would give. The seeded file is cached under the OS temp folder, keyed by `seedVersion`; each
// run works on a copy, so the reports it stores do not accumulate in the cache.
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { figuresOfCampaigns } from '../src/modules/campaigns/campaign-figures.service.js';
import { createCampaign } from '../src/modules/campaigns/campaigns.service.js';
import { ensureStandardCalendar } from '../src/modules/calendar/calendar.service.js';
import { installCaseType } from '../src/modules/cases/case-types.service.js';
import { createUnit } from '../src/modules/org/units.service.js';
import { campaignReportContext } from '../src/modules/reports/campaign-report-context.js';
import { monthPeriod } from '../src/modules/reports/report-period.js';
import { buildReportDocument, generateReport, renderReport } from '../src/modules/reports/reports.service.js';
import type { Actor } from '../src/platform/access.js';
import { systemActor } from '../src/platform/access.js';
import { manualClock } from '../src/platform/clock.js';
import { createDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrations.js';
import { arrearsFollowUp } from '../test/helpers/campaigns.js';

/** Bump when the generated data changes: cached files of another version are not reused. */
const seedVersion = 1;
const grids = 200;
const managersPerGrid = 2;
const targetsPerCampaign = 50_000;
const month = '2026-10';
const argument = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const runs = Number(argument('runs') ?? process.env.REPORT_BENCH_RUNS ?? 5);
const seedFile = path.join(tmpdir(), `guankong-bench-report-100k-v${seedVersion}.sqlite`);
const local = (text: string) => new Date(`${text}+08:00`);

// A deterministic generator, so every seed is the same.
let seed = 20261128;
const random = () => {
  seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
  return seed / 2 ** 32;
};
/** Reason codes with their share of the followed-up targets (the telecom pack's shares, roughly). */
const reasonShares: Array<[string, number]> = [
  ['unreachable.not_user', 0.12],
  ['unreachable.empty', 0.1],
  ['unreachable.no_answer', 0.22],
  ['no_need', 0.08],
  ['other_carrier', 0.12],
  ['other', 0.2],
  ['other.moved', 0.16],
];
const drawReason = () => {
  let x = random();
  for (const [code, share] of reasonShares) if ((x -= share) < 0) return code;
  return 'other';
};

const seedDatabase = async (file: string) => {
  const started = performance.now();
  const db = createDatabase({ dialect: 'sqlite', file });
  await migrateToLatest(db);
  const clock = manualClock(local('2026-09-01T08:00'));
  const system = { db, clock, actor: systemActor('bench') };
  await ensureStandardCalendar({ db, clock });
  await db
    .transaction()
    .execute((tx) => installCaseType(tx, arrearsFollowUp, { clock, actor: system.actor, mode: 'create' }));
  const company = await createUnit(
    { parentId: null, code: 'B-CO', name: '示例电信', kind: 'company' },
    system,
  );
  const branch = await createUnit(
    { parentId: company.id, code: 'B-BR', name: '城东分公司', kind: 'branch' },
    system,
  );
  const gridIds: number[] = [];
  for (let g = 1; g <= grids; g++)
    gridIds.push(
      (
        await createUnit(
          { parentId: branch.id, code: `B-G${String(g).padStart(3, '0')}`, name: `第${g}网格`, kind: 'grid' },
          system,
        )
      ).id,
    );

  // Users straight into the tables (as bench/cases-seed.ts does): the service hashes a password each.
  const raw = new SqliteDatabase(file);
  raw.pragma('busy_timeout = 5000');
  const at = clock.now().toISOString();
  const insertUser = raw.prepare(
    `insert into users (username, display_name, person_id, password_hash, locale, active, created_at, updated_at)
     values (?, ?, null, '!bench-no-login', 'zh-CN', 1, ?, ?)`,
  );
  const insertGrant = raw.prepare(
    'insert into role_grants (user_id, role, unit_id, created_at) values (?, ?, ?, ?)',
  );
  const surnames = '张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗';
  const given = ['伟', '芳', '娜', '敏', '静', '强', '磊', '洋', '艳', '勇', '军', '杰'];
  raw.transaction(() => {
    const head = Number(insertUser.run('bench.head', '城东分公司经理', at, at).lastInsertRowid);
    insertGrant.run(head, 'manager', branch.id, at);
    gridIds.forEach((unitId, g) => {
      for (let m = 0; m < managersPerGrid; m++) {
        const name = `${surnames[(g * managersPerGrid + m) % surnames.length]}${given[(g + m) % given.length]}${g + 1}-${m + 1}`;
        const id = Number(insertUser.run(`bench.m${g + 1}.${m + 1}`, name, at, at).lastInsertRowid);
        insertGrant.run(id, 'manager', unitId, at);
      }
    });
  })();
  const headId = (raw.prepare("select id from users where username = 'bench.head'").get() as { id: number })
    .id;
  const head: Actor = {
    kind: 'user',
    userId: headId,
    name: '城东分公司经理',
    grants: [{ role: 'manager', unitId: branch.id }],
  };

  // Four campaigns through the service: broadband and mobile, September and October.
  for (const [key, day] of [
    ['2026-09', '2026-09-08'],
    ['2026-10', '2026-10-12'],
  ] as const)
    for (const category of ['broadband', 'mobile'] as const) {
      clock.set(local(`${day}T09:00`));
      const t = performance.now();
      await createCampaign(
        {
          key: `${key}-${category}`,
          name: `${key} ${category === 'broadband' ? '宽带' : '移动'}欠费拆机回访`,
          caseType: 'telecom.arrears',
          unitId: branch.id,
          category,
          rule: { by: 'unit_column', assignTo: 'unit_manager' },
          targets: Array.from({ length: targetsPerCampaign }, (_, i) => ({
            externalKey: `${key}-${category}-${i}`,
            unit: `B-G${String(1 + Math.floor(random() * grids)).padStart(3, '0')}`,
            data: { arrears: Math.round(50 + random() * 500) },
          })),
        },
        { db, clock, actor: head },
      );
      console.log(
        `report-100k: seeded campaign ${key}-${category} (${targetsPerCampaign} targets) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
  await db.destroy();

  // Outcomes: 88 % followed up (closed with a reason), 18 % of those reactivated; the rest left open.
  const cases = raw
    .prepare(
      `select c.id, cp.created_at as at from campaign_targets t
       join cases c on c.id = t.case_id join campaigns cp on cp.id = t.campaign_id order by c.id`,
    )
    .all() as Array<{ id: number; at: string }>;
  const close = raw.prepare(
    `update cases set status = 'closed', is_open = 0, reason_code = ?, feedback = ?, outcome_json = ?,
       resolved_at = ?, closed_at = ?, updated_at = ? where id = ?`,
  );
  raw.transaction(() => {
    for (const c of cases) {
      if (random() >= 0.88) continue;
      const reactivated = random() < 0.18;
      const done = new Date(Date.parse(c.at) + (1 + Math.floor(random() * 5)) * 86_400_000).toISOString();
      close.run(
        drawReason(),
        '电话回访，用户说明了具体情况',
        JSON.stringify(reactivated ? { reactivated, reactivated_on: done.slice(0, 10) } : { reactivated }),
        done,
        done,
        done,
        c.id,
      );
    }
  })();
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  console.log(
    `report-100k: seeded ${cases.length} follow-ups in ${((performance.now() - started) / 1000).toFixed(0)} s → ${seedFile}`,
  );
};

if (!existsSync(seedFile) || process.argv.includes('--reseed')) {
  const building = `${seedFile}.building`;
  for (const f of [building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
  await seedDatabase(building);
  renameSync(building, seedFile);
  for (const f of [`${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
}

// Each run on a copy: generateReport stores the reports it writes.
const workFile = path.join(tmpdir(), `guankong-bench-report-100k-${process.pid}.sqlite`);
copyFileSync(seedFile, workFile);
const db = createDatabase({ dialect: 'sqlite', file: workFile });
const raw = new SqliteDatabase(workFile, { readonly: true });
const branchId = (raw.prepare("select id from units where code = 'B-BR'").get() as { id: number }).id;
const headId = (raw.prepare("select id from users where username = 'bench.head'").get() as { id: number }).id;
const targets = (
  raw
    .prepare(
      `select count(*) as n from campaign_targets t join campaigns c on c.id = t.campaign_id
       where c.created_at >= ? and c.created_at < ?`,
    )
    .get(new Date(monthPeriod(month).from).toISOString(), new Date(monthPeriod(month).to).toISOString()) as {
    n: number;
  }
).n;
raw.close();
const actor: Actor = {
  kind: 'user',
  userId: headId,
  name: '城东分公司经理',
  grants: [{ role: 'manager', unitId: branchId }],
};
const deps = { db, clock: manualClock(local('2026-11-02T09:00')), actor };
const period = monthPeriod(month);

/** Cold (first) time and the median of `runs` more, wall clock and this process's CPU time (user + system). */
const measure = async <T>(fn: () => Promise<T>) => {
  const once = async () => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = await fn();
    const used = process.cpuUsage(cpu);
    return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000, result };
  };
  const first = await once();
  const rest: Array<{ wall: number; cpu: number }> = [];
  let result = first.result;
  for (let i = 0; i < runs; i++) {
    const run = await once();
    rest.push(run);
    result = run.result;
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return {
    cold: first.wall,
    median: rest.length ? median(rest.map((r) => r.wall)) : first.wall,
    cpu: rest.length ? median(rest.map((r) => r.cpu)) : first.cpu,
    result,
  };
};
const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;
const line = (label: string, m: { cold: number; median: number; cpu: number }, extra = '') =>
  console.log(
    `report-100k: ${label.padEnd(44)} cold ${ms(m.cold)}   median ${ms(m.median)}   cpu ${ms(m.cpu)}${extra}`,
  );

console.log(
  `report-100k: ${targets.toLocaleString('en-US')} targets in ${month} (and as many in the month before), ` +
    `${grids} grids, ${grids * managersPerGrid} managers; ${runs} runs after a cold one; load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')} on ${cpus().length} CPUs`,
);
const input = { template: 'telecom-arrears-monthly', period: month, unitId: branchId };
const figures = await measure(() =>
  figuresOfCampaigns({ from: period.from, to: period.to, unitId: branchId }, deps),
);
line('figures of the month (figuresOfCampaigns)', figures, `   ${figures.result.total.targets} targets`);
const context = await measure(() => campaignReportContext({ unitId: branchId, period }, deps));
line('context, both months (campaignReportContext)', context);
const document = await measure(() => buildReportDocument(input, deps));
line('document (context + template)', document, `   ${document.result.blocks.length} blocks`);
const docxOnly = await measure(() => renderReport(document.result, 'docx'));
line(
  '.docx of that document (charts + Word)',
  docxOnly,
  `   ${(docxOnly.result.content.length / 1024).toFixed(0)} kB`,
);
const markdown = await measure(() => generateReport({ ...input, format: 'md' }, deps));
line(
  'generateReport → .md, stored (baseline)',
  markdown,
  `   ${(markdown.result.size / 1024).toFixed(0)} kB`,
);
const docx = await measure(() => generateReport({ ...input, format: 'docx' }, deps));
line('generateReport → .docx, stored (the target)', docx, `   ${(docx.result.size / 1024).toFixed(0)} kB`);

console.log(
  `report-100k: ratio .docx end to end / .md end to end: ${(docx.median / markdown.median).toFixed(2)}× wall, ` +
    `${(docx.cpu / markdown.cpu).toFixed(2)}× cpu; / figures query alone: ${(docx.median / figures.median).toFixed(1)}× wall`,
);
console.log(
  `report-100k: target ≤ 5,000 ms for the .docx: ${docx.median <= 5000 ? 'met' : 'NOT met'} ` +
    `(median ${docx.median.toFixed(0)} ms, cpu ${docx.cpu.toFixed(0)} ms); load average now ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}`,
);
await db.destroy();
for (const f of [workFile, `${workFile}-wal`, `${workFile}-shm`]) rmSync(f, { force: true });
