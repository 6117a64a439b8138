import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/platform/db/database.js';
import type { Db } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrations.js';
import { buildOrgTree } from '../helpers/factories.js';

const dir = mkdtempSync(path.join(tmpdir(), 'guankong-import-cli-'));
const databaseFile = path.join(dir, 'cli.sqlite');
const env = {
  ...process.env,
  GUANKONG_DATA_DIR: dir,
  GUANKONG_DATABASE_URL: databaseFile,
  LOG_LEVEL: 'silent',
};

/** Runs the real CLI entry point, as test/cli/cli.test.ts does. */
const cli = (args: string[]) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    env,
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
};

/** Writes a CSV file (with a BOM, as Excel's "CSV UTF-8" does) and answers its path. */
const csvFile = (name: string, lines: string[]) => {
  const file = path.join(dir, name);
  writeFileSync(file, `\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
  return file;
};

describe('guankong import customers', () => {
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  const customers = async () =>
    db.selectFrom('customers').select(['externalKey', 'name', 'unitId', 'phone']).orderBy('id').execute();

  beforeAll(async () => {
    // The organisation comes from the real services; the CLI then works on the same file.
    db = createDatabase({ dialect: 'sqlite', file: databaseFile });
    await migrateToLatest(db);
    org = await buildOrgTree(db);
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints its help', () => {
    const help = cli(['import', 'customers', '--help']);
    expect(help.code, help.err).toBe(0);
    expect(help.out).toContain('--mode');
    expect(help.out).toContain('skip_bad_rows');
    expect(help.out).toContain('--unit');
    expect(cli(['--help']).out).toContain('import');
  });

  it('imports a file, and a second run changes nothing', async () => {
    const file = csvFile('good.csv', [
      '外部编号,姓名,单元编码,电话,标签',
      `C-1,王建国,${org.eastGrid1.code},138 0013 1234,重点客户`,
      'C-2,李秀英,,13700002222,',
    ]);
    const first = cli(['import', 'customers', file, '--unit', org.eastGrid2.code]);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('2 created, 0 updated, 0 unchanged, 0 skipped');
    expect(first.out).not.toContain('0013');
    expect(await customers()).toEqual([
      { externalKey: 'C-1', name: '王建国', unitId: org.eastGrid1.id, phone: '138 0013 1234' },
      { externalKey: 'C-2', name: '李秀英', unitId: org.eastGrid2.id, phone: '13700002222' },
    ]);
    const audit = await db
      .selectFrom('auditLog')
      .select(['actorName', 'afterJson'])
      .where('action', '=', 'customer.import')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorName).toBe('cli');

    const again = cli(['import', 'customers', file, '--unit', org.eastGrid2.code]);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('0 created, 0 updated, 2 unchanged, 0 skipped');
  });

  it('exits 1 and lists the rows when the import is refused, writing nothing', async () => {
    const before = await customers();
    const file = csvFile('bad.csv', [
      '外部编号,姓名,单元编码,电话',
      `D-1,好,${org.eastGrid1.code},`,
      `D-2,坏号码,${org.eastGrid1.code},138abc1234`,
      'D-3,无单元,NO-SUCH-UNIT,',
    ]);
    const refused = cli(['import', 'customers', file]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('customers.import_invalid');
    expect(refused.err).toContain('row 3, phone:');
    expect(refused.err).toContain('row 4, unitCode: unit NO-SUCH-UNIT does not exist');
    expect(refused.err).not.toContain('138abc1234');
    expect(await customers()).toEqual(before);

    const skipped = cli(['import', 'customers', file, '--mode', 'skip_bad_rows']);
    expect(skipped.code, skipped.err).toBe(0);
    expect(skipped.out).toContain('1 created, 0 updated, 0 unchanged, 2 skipped');
    expect(skipped.out).toContain('row 3, phone:');
    expect((await customers()).map((c) => c.externalKey)).toEqual([
      ...before.map((c) => c.externalKey),
      'D-1',
    ]);
  });

  it('exits non-zero with a message for a bad mode, an unknown unit, a missing file or unknown columns', () => {
    const file = csvFile('one.csv', ['姓名', '张三']);
    const badMode = cli(['import', 'customers', file, '--mode', 'sometimes']);
    expect(badMode.code).not.toBe(0);
    expect(badMode.err).toContain('sometimes');
    const unknownUnit = cli(['import', 'customers', file, '--unit', 'NO-SUCH-UNIT']);
    expect(unknownUnit.code).toBe(1);
    expect(unknownUnit.err).toContain('org.unit_not_found');
    const missing = cli(['import', 'customers', path.join(dir, 'nothing.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('nothing.csv');
    const columns = cli(['import', 'customers', csvFile('columns.csv', ['姓名,邮箱', '张三,a@b.c'])]);
    expect(columns.code).toBe(1);
    expect(columns.err).toContain('customers.import_unknown_columns');
    expect(columns.err).toContain('邮箱');
  });
});
