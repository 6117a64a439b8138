import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStandardCalendar } from '../../src/modules/calendar/calendar.service.js';
import { createCampaign } from '../../src/modules/campaigns/campaigns.service.js';
import { installCaseType } from '../../src/modules/cases/case-types.service.js';
import { systemActor } from '../../src/platform/access.js';
import { systemClock } from '../../src/platform/clock.js';
import { createDatabase } from '../../src/platform/db/database.js';
import type { Db } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrations.js';
import { arrearsFollowUp } from '../helpers/campaigns.js';
import { buildOrgTree, buildUser, grant } from '../helpers/factories.js';

const dir = mkdtempSync(path.join(tmpdir(), 'guankong-dispatch-cli-'));
const databaseFile = path.join(dir, 'cli.sqlite');
const env = {
  ...process.env,
  GUANKONG_DATA_DIR: dir,
  GUANKONG_DATABASE_URL: databaseFile,
  LOG_LEVEL: 'silent',
};
const entry = ['--import', 'tsx', 'src/cli/main.ts'];

const cli = (args: string[]) => {
  const result = spawnSync(process.execPath, [...entry, ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
};

describe('guankong import dispatch-list', () => {
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  const listRows = async () =>
    Number(
      (
        await db
          .selectFrom('targetListRows')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const args = (file: string, list = '2026-10', ...more: string[]) => [
    'import',
    'dispatch-list',
    file,
    '--list',
    list,
    '--case-type',
    'telecom.arrears',
    '--unit',
    org.east.code,
    ...more,
  ];

  beforeAll(async () => {
    db = createDatabase({ dialect: 'sqlite', file: databaseFile });
    await migrateToLatest(db);
    org = await buildOrgTree(db);
    await ensureStandardCalendar({ db, clock: systemClock });
    await db.transaction().execute((tx) =>
      installCaseType(tx, arrearsFollowUp, {
        clock: systemClock,
        actor: systemActor('test'),
        mode: 'create',
      }),
    );
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a GBK file, reports a bad file by row and writes its bad rows to a CSV for Excel', async () => {
    const file = path.join(dir, 'list.csv');
    const lines = [
      '用户号码,网格编码,产品类型,欠费金额(元)',
      `13900000001,${org.eastGrid1.code},宽带,"1,058.50"`,
    ];
    const write = (rows: string[]) => writeFileSync(file, iconv.encode(`${rows.join('\r\n')}\r\n`, 'gbk'));
    write(lines);
    const ok = cli(args(file));
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain('1 created');
    expect(ok.out).toContain('arrears ← 欠费金额(元)');
    expect(await listRows()).toBe(1);

    write([...lines, `13900000002,${org.eastGrid1.code},宽带,=1+1`]);
    const errors = path.join(dir, 'errors.csv');
    const bad = cli(args(file, '2026-10', '--errors', errors));
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('not written');
    expect(bad.out).toContain('row 3, arrears');
    const report = readFileSync(errors, 'utf8');
    expect(report.startsWith('\uFEFF')).toBe(true);
    // The bad cell is escaped, so that Excel shows it instead of computing it.
    expect(report).toContain("'=1+1");
    expect(await listRows()).toBe(1);
  });

  it('writes a monthly report to a file, with its charts beside a Markdown one, and keeps it', async () => {
    const out = path.join(dir, 'report.md');
    const run = cli([
      'report',
      'telecom-arrears-monthly',
      '--period',
      '2026-10',
      '--unit',
      org.east.code,
      '--format',
      'md',
      '--out',
      out,
    ]);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('城东2026年10月欠费拆机管控分析报告');
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toContain('欠费拆机存在的主要问题');
    expect(markdown).toContain('本月派单 0 户');
    expect(await db.selectFrom('reports').select('format').execute()).toEqual([{ format: 'md' }]);
    expect(existsSync(path.join(dir, 'charts'))).toBe(false); // no campaign that month: no chart

    // This month's campaign, dispatched from the list imported above: the grids' chart is written.
    await buildUser(db, [grant('manager', org.eastGrid1.id)]);
    const head = (await buildUser(db, [grant('manager', org.east.id)])).actor;
    await createCampaign(
      {
        key: 'now',
        name: '本月回访',
        caseType: 'telecom.arrears',
        unitId: org.east.id,
        rule: { by: 'unit_column' },
        list: '2026-10',
      },
      { db, clock: systemClock, actor: head },
    );
    const month = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
    })
      .format(new Date())
      .slice(0, 7);
    const withCharts = cli([
      'report',
      'telecom-arrears-monthly',
      '--period',
      month,
      '--unit',
      org.east.code,
      '--format',
      'md',
      '--out',
      out,
    ]);
    expect(withCharts.code, withCharts.err).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('](charts/figure-1.svg)');
    expect(readFileSync(path.join(dir, 'charts', 'figure-1.svg'), 'utf8')).toContain('<svg');
    const bad = cli(['report', 'telecom-arrears-monthly', '--period', '2026-13', '--unit', org.east.code]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('2026-10');
  });

  it('leaves the database as it was when the process is killed mid-import', async () => {
    const file = path.join(dir, 'big.csv');
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(file);
      out.on('error', reject);
      out.write('用户号码,网格编码,产品类型,欠费金额(元)\n');
      for (let i = 0; i < 300_000; i++)
        out.write(`1380${String(i).padStart(7, '0')},${org.eastGrid2.code},移动,${i % 500}\n`);
      out.end(resolve);
    });
    const before = await listRows();
    const child = spawn(process.execPath, [...entry, ...args(file, 'big')], { env });
    // Killed once it reports progress: rows have been written inside the open transaction.
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        if (/\d+ rows/.test(chunk.toString())) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    await new Promise((resolve) => child.on('exit', resolve));
    expect(child.signalCode).toBe('SIGKILL');
    expect(await listRows()).toBe(before);
    expect(await db.selectFrom('targetLists').select('key').where('key', '=', 'big').execute()).toEqual([]);
  }, 60_000);
});
