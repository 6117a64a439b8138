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
// `csv-parse alone` pipes the file through csv-parse and counts records: the floor for any reader
// built on csv-parse. Times are the median of --runs runs (3 unless said); run it on a quiet machine.
import { spawnSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
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

const header =
  '用户号码,账户编码,网格编码,网格经理,产品类型,欠费金额(元),欠费月数,拆机日期,是否停机,备注\r\n';
const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const givenNames = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明'];
const products = ['宽带', '移动', '固话', 'IPTV'];

/** Row `i` of the file: deterministic, so every run reads the same bytes. */
const line = (i: number): string => {
  const seed = Math.imul(i + 1, 2_654_435_761) >>> 0;
  const phone = `1${3 + (seed % 7)}${String(seed % 1_000_000_000).padStart(9, '0')}`;
  const grid = `WG-3301${String(seed % 17).padStart(2, '0')}-${String(seed % 211).padStart(3, '0')}`;
  const manager = `${surnames[seed % surnames.length]}${givenNames[(seed >>> 5) % givenNames.length]}`;
  const cents = seed % 1_000_000;
  const yuan = Math.floor(cents / 100).toLocaleString('en-US');
  const amount = `${yuan}.${String(cents % 100).padStart(2, '0')}`;
  const month = 1 + (seed % 12);
  const day = 1 + (seed % 28);
  // Dates as different systems write them.
  const date =
    seed % 3 === 0
      ? `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
      : seed % 3 === 1
        ? `2026/${month}/${day}`
        : `2026年${month}月${day}日`;
  const note = seed % 5 === 0 ? `"多次催缴, 用户称""下月缴清"""` : seed % 5 === 1 ? '' : '已上门';
  const quotedAmount = amount.includes(',') ? `"${amount}"` : amount;
  return `${phone},${String(seed % 100_000_000).padStart(8, '0')},${grid},${manager},${products[seed % 4]},${quotedAmount},${seed % 25},${date},${seed % 2 ? '是' : '否'},${note}\r\n`;
};

/** Writes the file once (a version in its name), in chunks, as the reader will read it. */
const ensureFile = async (encoding: 'utf-8' | 'gbk'): Promise<string> => {
  const dir = path.join(os.tmpdir(), 'guankong-imports-bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `arrears-v1-${rows}.${encoding}.csv`);
  if (existsSync(file)) return file;
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  const encode = (text: string) =>
    encoding === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'gbk');
  // Excel's "CSV UTF-8" starts with a byte-order mark; its GBK "CSV" has none.
  let chunk = encoding === 'utf-8' ? `\uFEFF${header}` : header;
  for (let i = 0; i < rows; i++) {
    chunk += line(i);
    if (chunk.length > 60_000) {
      if (!out.write(encode(chunk))) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(encode(chunk));
  await once(out, 'finish');
  renameSync(partial, file);
  return file;
};

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

/** The file through csv-parse and nothing else. */
const csvParseAlone = async (file: string): Promise<Measured> => {
  const started = start();
  const parser = parse({ relax_column_count: true, relax_quotes: true, bom: true });
  pipeline(createReadStream(file, { highWaterMark: 64 * 1024 }), parser, () => {});
  let count = 0;
  for await (const record of parser) if (record) count++;
  return finish(started, count - 1, 0);
};

const phase = option('phase');
if (phase !== undefined) {
  const file = option('file')!;
  const result = phase === 'read' ? await readAndConvert(file) : await csvParseAlone(file);
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
const utf8File = await ensureFile('utf-8');
const gbkFile = await ensureFile('gbk');
const mb = (file: string) => (statSync(file).size / 1024 / 1024).toFixed(1);
console.log(
  `UTF-8 ${mb(utf8File)} MB, GBK ${mb(gbkFile)} MB; ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)}`,
);
console.log(`median of ${runs} runs each\n`);

const baseline = measure('sqlite3 .import --csv (UTF-8)', () => sqliteImport(utf8File));
const results = [
  baseline,
  measure('csv-parse alone (UTF-8)', () => inChild('csv-parse', utf8File)),
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
