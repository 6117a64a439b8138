// `npx tsx bench/imports-read.bench.ts [--rows=N] [--runs=N]`
//
// The reading half of an import: a CSV file of telecom arrears targets (1,000,000 rows unless
// --rows) read with openTable, its columns guessed with guessMapping, every row mapped and every
// cell converted, as an import target will do before writing to the database. The baseline in
// the same run is the sqlite3 CLI's `.import --csv` of the same UTF-8 file into a bare table:
// the whole import (this reading plus the database writing built on it) is to stay within 3× of
// it and 300 MB peak RSS, so the reading alone should stay near 1.5× and under 150 MB.
//
// Each measurement runs in a child process of its own, so that its peak RSS (maxRSS) is its own.
// `papaparse alone` gives the file to papaparse's parser 64 KB at a time, as csv-rows.ts does, and
// counts records: the floor for the reader. Times are the median of --runs runs (3 unless said);
// run it on a quiet machine.
import { spawnSync } from 'node:child_process';
import { createReadStream, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { ensureArrearsFile } from './arrears-list.js';
import type { CellType } from '../src/modules/imports/cell-convert.js';
import { convertCell, excelSerialOf } from '../src/modules/imports/cell-convert.js';
import type { MappingField } from '../src/modules/imports/column-mapping.js';
import { applyMapping, guessMapping } from '../src/modules/imports/column-mapping.js';
import { openTable } from '../src/modules/imports/tabular-reader.js';

const option = (name: string) => {
  const arg = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (arg === undefined) return undefined;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : '';
};
const rows = Number((option('rows') ?? '1000000').replace(/[_,]/g, ''));
const runs = Math.max(1, Number(option('runs') ?? 3));
const benchFile = fileURLToPath(import.meta.url);

/** The fields of an arrears target, as the import target will declare them. */
const fields: Array<MappingField & { type: CellType }> = [
  {
    key: 'phone',
    labels: ['用户号码', '手机号码', 'phone'],
    required: true,
    type: { type: 'text', maxLength: 20 },
  },
  { key: 'account', labels: ['账户编码', 'account'], type: { type: 'text', maxLength: 32 } },
  {
    key: 'grid',
    labels: ['网格编码', '所属网格', 'grid code'],
    required: true,
    type: { type: 'text', maxLength: 32 },
  },
  { key: 'manager', labels: ['网格经理', 'manager'], type: { type: 'text', maxLength: 50 } },
  {
    key: 'product',
    labels: ['产品类型', 'product line'],
    type: {
      type: 'enum',
      choices: [
        { key: 'broadband', labels: ['宽带'] },
        { key: 'mobile', labels: ['移动'] },
        { key: 'fixed', labels: ['固话'] },
        { key: 'iptv', labels: ['IPTV', '天翼高清'] },
      ],
    },
  },
  { key: 'amount', labels: ['欠费金额', 'arrears'], required: true, type: { type: 'decimal', scale: 2 } },
  { key: 'months', labels: ['欠费月数', 'months'], type: { type: 'integer', min: 0, max: 600 } },
  { key: 'disconnectedOn', labels: ['拆机日期', 'disconnection date'], type: { type: 'date' } },
  { key: 'suspended', labels: ['是否停机', 'suspended'], type: { type: 'boolean' } },
  { key: 'note', labels: ['备注', 'note'], type: { type: 'text', maxLength: 200 } },
];

// ---------------------------------------------------------------------------------------------
// The files.

// ---------------------------------------------------------------------------------------------
// The measurements, each in a child process (`--phase=…`).

type Measured = { ms: number; cpuMs: number; maxRssMb: number; rows: number; problems: number };

/** The clocks at the start of a measurement: CPU time from there, not from the start of the process (tsx compiles the code first). */
const start = () => ({ at: performance.now(), cpu: process.cpuUsage() });

const finish = (started: ReturnType<typeof start>, count: number, problems: number): Measured => {
  const cpu = process.cpuUsage(started.cpu);
  return {
    ms: performance.now() - started.at,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    rows: count,
    problems,
  };
};

/** openTable + guessMapping + applyMapping + convertCell on every field of every row. */
const readAndConvert = async (file: string): Promise<Measured> => {
  const started = start();
  const table = await openTable({ source: file });
  const { mapping, missingRequired } = guessMapping({ headers: table.headers, fields });
  if (missingRequired.length > 0 || Object.keys(mapping).length !== fields.length)
    throw new Error(`mapping guessed wrong: ${JSON.stringify(mapping)}`);
  let count = 0;
  let problems = 0;
  for await (const row of table.rows) {
    count++;
    if (row.problems) problems += row.problems.length;
    const record = applyMapping(mapping, row.cells);
    for (const field of fields) {
      const column = mapping[field.key]!;
      const converted = convertCell(record[field.key]!, field.type, {
        excelSerial: excelSerialOf(row, column, table.date1904),
      });
      if (!converted.ok) problems++;
    }
  }
  return finish(started, count, problems);
};

/** The file through papaparse's parser, 64 KB of text at a time as csv-rows.ts gives it, and nothing else. */
const papaparseAlone = async (file: string): Promise<Measured> => {
  const started = start();
  const parser = new Papa.Parser({ delimiter: ',', newline: '\r\n', quoteChar: '"' });
  let pending = '';
  let count = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024, encoding: 'utf8' })) {
    pending += chunk as string;
    const { data, meta } = parser.parse(pending, 0, true) as Papa.ParseResult<string[]>;
    count += data.length;
    pending = pending.slice(meta.cursor);
  }
  count += (parser.parse(pending, 0, false) as Papa.ParseResult<string[]>).data.length;
  return finish(started, count - 1, 0);
};

const phase = option('phase');
if (phase !== undefined) {
  const file = option('file')!;
  const result = phase === 'read' ? await readAndConvert(file) : await papaparseAlone(file);
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

const inChild = (phaseName: string, file: string): Measured => {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, benchFile, `--phase=${phaseName}`, `--file=${file}`],
    { encoding: 'utf8', maxBuffer: 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`${phaseName} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as Measured;
};

/** sqlite3 `.import --csv` of the file into a bare table of a new database file. */
const sqliteImport = (file: string): Measured => {
  const db = path.join(path.dirname(file), 'baseline.sqlite');
  rmSync(db, { force: true });
  const columns = Array.from({ length: 10 }, (_, i) => `c${i}`).join(', ');
  const started = performance.now();
  // bash's `time` gives sqlite3's CPU time, which other work on the machine inflates much less than wall time.
  const child = spawnSync(
    'bash',
    [
      '-c',
      'TIMEFORMAT="%3U %3S"; time sqlite3 "$0" "$1" "$2"',
      db,
      `CREATE TABLE t(${columns});`,
      `.import --csv --skip 1 ${file} t`,
    ],
    { encoding: 'utf8' },
  );
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`sqlite3 failed: ${child.stderr}`);
  const [user, system] = child.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  const count = spawnSync('sqlite3', [db, 'SELECT count(*) FROM t;'], { encoding: 'utf8' });
  rmSync(db, { force: true });
  return {
    ms,
    cpuMs: (user! + system!) * 1000,
    maxRssMb: Number.NaN,
    rows: Number(count.stdout.trim()),
    problems: 0,
  };
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const measure = (name: string, run: () => Measured) => {
  const results = Array.from({ length: runs }, run);
  const ms = median(results.map((r) => r.ms));
  return {
    name,
    ms,
    cpuMs: median(results.map((r) => r.cpuMs)),
    maxRssMb: Math.max(...results.map((r) => r.maxRssMb)),
    rows: results[0]!.rows,
    problems: results[0]!.problems,
  };
};

if (spawnSync('sqlite3', ['-version']).status !== 0) {
  console.error('sqlite3 is missing: apt-get install -y sqlite3');
  process.exit(1);
}

console.log(`generating ${rows.toLocaleString('en-US')} rows (once; kept in ${os.tmpdir()}) …`);
const utf8File = await ensureArrearsFile({ rows, encoding: 'utf-8' });
const gbkFile = await ensureArrearsFile({ rows, encoding: 'gbk' });
const mb = (file: string) => (statSync(file).size / 1024 / 1024).toFixed(1);
console.log(
  `UTF-8 ${mb(utf8File)} MB, GBK ${mb(gbkFile)} MB; ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)}`,
);
console.log(`median of ${runs} runs each\n`);

const baseline = measure('sqlite3 .import --csv (UTF-8)', () => sqliteImport(utf8File));
const results = [
  baseline,
  measure('papaparse alone (UTF-8)', () => inChild('papaparse', utf8File)),
  measure('read + map + convert, UTF-8', () => inChild('read', utf8File)),
  measure('read + map + convert, GBK', () => inChild('read', gbkFile)),
];

const pad = (text: string, width: number) => text.padStart(width);
const columns = ['rows', 'wall ms', 'cpu ms', 'rows/s', '× wall', '× cpu', 'peak RSS'];
console.log(`${'measurement'.padEnd(32)} ${columns.map((c) => pad(c, 9)).join(' ')}`);
for (const r of results) {
  if (r.rows !== rows) throw new Error(`${r.name}: ${r.rows} rows, expected ${rows}`);
  const cells = [
    String(r.rows),
    r.ms.toFixed(0),
    r.cpuMs.toFixed(0),
    Math.round((r.rows / r.ms) * 1000).toLocaleString('en-US'),
    (r.ms / baseline.ms).toFixed(2),
    (r.cpuMs / baseline.cpuMs).toFixed(2),
    Number.isNaN(r.maxRssMb) ? '–' : `${r.maxRssMb.toFixed(0)} MB`,
  ];
  console.log(`${r.name.padEnd(32)} ${cells.map((c) => pad(c, 9)).join(' ')}`);
}
const read = results[2]!;
if (read.problems !== 0) console.log(`\n${read.problems} cells or rows refused (expected none)`);
console.log(
  `\nreading (UTF-8): ${(read.ms / baseline.ms).toFixed(2)}× sqlite3's .import in wall time, ` +
    `${(read.cpuMs / baseline.cpuMs).toFixed(2)}× in CPU time (aim ≤ 1.5×; whole import ≤ 3×); ` +
    `peak RSS ${read.maxRssMb.toFixed(0)} MB (aim < 150 MB; whole import ≤ 300 MB)`,
);
