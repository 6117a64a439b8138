// `npx tsx bench/imports.bench.ts [--rows=N] [--runs=N]` (`npm run bench` runs it with --runs=1)
//
// Issue 4, "Performance": import a generated 1,000,000-row CSV of targets into SQLite, against the
// `sqlite3` command-line tool's `.import` of the same file into a bare table in the same run;
// target ≤ 3× its time and a peak RSS ≤ 300 MB. Our side is the whole import: streaming read,
// encoding, column mapping, cell conversion, per-row checks, duplicate keys, and the upsert of
// each batch into `target_list_rows` in one transaction (`guankong import dispatch-list`).
// Each measurement runs in its own child process, so that its peak RSS is its own.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importDispatchList } from '../src/modules/campaigns/dispatch-list.import.js';
import { ensureStandardCalendar } from '../src/modules/calendar/calendar.service.js';
import type { CaseTypeDefinitionInput } from '../src/modules/cases/case-type.schema.js';
import { installCaseType } from '../src/modules/cases/case-types.service.js';
import { createUnit } from '../src/modules/org/units.service.js';
import { systemActor } from '../src/platform/access.js';
import { systemClock } from '../src/platform/clock.js';
import { createDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrations.js';
import { arrearsHeader, ensureArrearsFile } from './arrears-list.js';

const option = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? undefined;
const rows = Number((option('rows') ?? '1000000').replace(/[_,]/g, ''));
const runs = Math.max(1, Number(option('runs') ?? 3));
const phase = option('phase');

/** The follow-up type whose fields the file's columns fill (the file's other columns: key, grid, product). */
const benchType: CaseTypeDefinitionInput = {
  key: 'bench.arrears',
  name: '欠费拆机回访',
  fields: [
    { key: 'account', label: '账户编码', type: 'text' },
    { key: 'manager', label: '网格经理', type: 'text' },
    { key: 'arrears', label: '欠费金额', type: 'number' },
    { key: 'months', label: '欠费月数', type: 'number' },
    { key: 'disconnected_on', label: '拆机日期', type: 'date' },
    { key: 'suspended', label: '是否停机', type: 'boolean' },
    { key: 'note', label: '备注', type: 'textarea' },
  ],
  categories: [{ key: 'broadband', name: '宽带' }],
  priorities: [{ key: 'normal', name: '一般' }],
  reasons: [{ key: 'unreachable', name: '联系不上' }],
  closing: {
    requireReason: true,
    outcomeFields: [{ key: 'reactivated', label: '是否激活', type: 'boolean' }],
  },
};

type Measured = { ms: number; cpuMs: number; mainCpuMs?: number; maxRssMb: number; detail: string };

/**
 * The CPU time of the calling thread alone (Linux: /proc/thread-self/stat, in clock ticks of
 * 10 ms), NaN elsewhere: with the file read in a worker thread, the process's CPU time is the sum
 * of two threads that overlap, and the writing thread's share is what bounds the wall time.
 */
const threadCpuMs = (): number => {
  try {
    const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
};

/** One measurement, in this (child) process. */
const measureOurs = async (file: string): Promise<Measured> => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'guankong-import-bench-'));
  try {
    const db = createDatabase({ dialect: 'sqlite', file: path.join(dir, 'bench.sqlite') });
    await migrateToLatest(db);
    const deps = { db, clock: systemClock, actor: systemActor('bench') };
    await ensureStandardCalendar(deps);
    await db.transaction().execute((tx) => installCaseType(tx, benchType, { ...deps, mode: 'create' }));
    const unit = await createUnit({ parentId: null, code: 'GK', name: '分公司', kind: 'company' }, deps);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const mainCpu = threadCpuMs();
    const report = await importDispatchList(
      {
        list: { key: 'bench', name: 'bench', caseType: benchType.key, unitId: unit.id },
        source: file,
        // The generated keys repeat now and then, as real exports do: those rows are reported.
        mode: 'skip_bad',
      },
      deps,
    );
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const mainCpuMs = threadCpuMs() - mainCpu;
    await db.destroy();
    return {
      ms,
      cpuMs: (used.user + used.system) / 1000,
      mainCpuMs,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      detail: `${report.rows} rows, ${report.created} created, ${report.bad} bad (${report.problems[0]?.code ?? '-'})`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const measureSqlite = (file: string): Measured => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'guankong-import-bench-'));
  try {
    const database = path.join(dir, 'bare.sqlite');
    const columns = arrearsHeader
      .trim()
      .split(',')
      .map((_c, i) => `c${i} text`)
      .join(', ');
    execFileSync('sqlite3', [database, `create table t (${columns});`]);
    const started = performance.now();
    // The shell's `times` gives the CPU time of its child, sqlite3: the CPUs are shared, so the
    // ratio of CPU times says more than the ratio of wall times when others' work is running.
    const result = spawnSync(
      'bash',
      ['-c', 'sqlite3 "$1" "$2" && times', 'bash', database, `.import --csv --skip 1 ${file} t`],
      { encoding: 'utf8' },
    );
    const ms = performance.now() - started;
    if (result.status !== 0) throw new Error(`sqlite3 .import failed: ${result.stderr}`);
    const seconds = (t: string) => {
      const [, m = '0', s = '0'] = /(\d+)m([\d.]+)s/.exec(t) ?? [];
      return Number(m) * 60 + Number(s);
    };
    const [user = '', system = ''] = result.stdout.trim().split('\n').at(-1)!.split(' ');
    const count = execFileSync('sqlite3', [database, 'select count(*) from t;'], { encoding: 'utf8' }).trim();
    return {
      ms,
      cpuMs: (seconds(user) + seconds(system)) * 1000,
      maxRssMb: Number.NaN,
      detail: `${count} rows`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

if (phase === 'ours') {
  process.stdout.write(JSON.stringify(await measureOurs(option('file')!)));
  process.exit(0);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const file = await ensureArrearsFile({ rows, encoding: 'utf-8' });
const gbk = await ensureArrearsFile({ rows, encoding: 'gbk' });
if (spawnSync('sqlite3', ['-version']).status !== 0) {
  console.error('sqlite3 is not installed: apt-get install -y sqlite3');
  process.exit(1);
}
const child = (source: string): Measured => {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--phase=ours', `--file=${source}`],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Measured;
};

console.log(
  `imports: ${rows.toLocaleString('en-US')} rows of arrears targets, ${runs} runs, sqlite3 and ours alternating`,
);
const sqlite: Measured[] = [];
const ours: Measured[] = [];
const oursGbk: Measured[] = [];
for (let i = 0; i < runs; i++) {
  sqlite.push(measureSqlite(file));
  ours.push(child(file));
  oursGbk.push(child(gbk));
}
const base = median(sqlite.map((m) => m.ms));
const baseCpu = median(sqlite.map((m) => m.cpuMs));
const line = (label: string, ms: Measured[]) => {
  const wall = median(ms.map((m) => m.ms));
  const cpu = median(ms.map((m) => m.cpuMs));
  const rss = Math.max(...ms.map((m) => m.maxRssMb));
  const mainCpu = median(ms.map((m) => m.mainCpuMs ?? Number.NaN));
  console.log(
    `  ${label.padEnd(36)} ${(wall / 1000).toFixed(2).padStart(7)} s  ${(wall / base).toFixed(2).padStart(5)}×` +
      `  CPU ${(cpu / 1000).toFixed(2).padStart(6)} s ${(cpu / baseCpu).toFixed(2).padStart(5)}×` +
      `${Number.isNaN(mainCpu) ? '' : ` (main thread ${(mainCpu / 1000).toFixed(2)} s ${(mainCpu / baseCpu).toFixed(2)}×)`}` +
      `${Number.isNaN(rss) ? '' : `  peak RSS ${rss.toFixed(0)} MB`}  ${ms[0]!.detail}`,
  );
};
line('sqlite3 .import --csv (bare table)', sqlite);
line('guankong import dispatch-list, UTF-8', ours);
line('guankong import dispatch-list, GBK', oursGbk);
console.log(
  `  target: ≤ 3× sqlite3 and peak RSS ≤ 300 MB; CPUs: load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
