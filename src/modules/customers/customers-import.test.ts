import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant, systemDeps } from '../../../test/helpers/factories.js';
import type { Client } from '../../../test/helpers/http.js';
import { createTestApp, loginAs } from '../../../test/helpers/http.js';
import type { App } from '../../app.js';
import type { Actor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { CustomerImportProblem, ImportCustomersInput } from './customers-import.service.js';
import { customerImportLimits, importCustomers } from './customers-import.service.js';
import type { Customer } from './customers.schema.js';
import { getCustomer } from './customers.service.js';

const bom = Buffer.from([0xef, 0xbb, 0xbf]);

/** A CSV file as Excel's "CSV UTF-8" writes it: a byte-order mark, CRLF, quotes where needed. */
const csvFile = (rows: ReadonlyArray<readonly string[]>, { withBom = true } = {}) => {
  const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  const text = rows.map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
  return withBom ? Buffer.concat([bom, Buffer.from(text, 'utf8')]) : Buffer.from(text, 'utf8');
};

const count = async (db: Db, table: 'customers' | 'auditLog') =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** The error a promise is refused with. */
const refusal = async (promise: Promise<unknown>): Promise<AppError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the import to be refused');
};

const rowsOf = (problems: readonly CustomerImportProblem[]) => problems.map((p) => [p.row, p.field, p.code]);

describeEachDialect('customers import', (ctx) => {
  const clock = manualClock(new Date('2026-03-02T09:00:00+08:00'));
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let managerEast: Actor; // customers.write in the east branch only
  let staffGrid1: Actor; // customers.write in east grid 1 only
  const system = () => ({ ...systemDeps(db), clock });
  const run = (input: ImportCustomersInput, actor?: Actor) =>
    importCustomers(input, actor ? { db, clock, actor } : system());
  const byKey = async (externalKey: string) => {
    const row = await db
      .selectFrom('customers')
      .select('id')
      .where('externalKey', '=', externalKey)
      .executeTakeFirst();
    return row && getCustomer({ customerId: row.id }, system());
  };
  const header = [
    '外部编号',
    '姓名',
    '类型',
    '单元编码',
    '电话',
    '电话2',
    '地址',
    '楼栋',
    '房号',
    '标签',
    '备注',
  ];

  beforeAll(async () => {
    db = ctx().db;
    org = await buildOrgTree(db);
    managerEast = (await buildUser(db, [grant('manager', org.east.id)])).actor;
    staffGrid1 = (await buildUser(db, [grant('staff', org.eastGrid1.id)])).actor;
  });

  it('creates the customers of a Chinese-header file with a BOM, with their units, kinds and tags, and one audit row', async () => {
    const before = { customers: await count(db, 'customers'), audit: await count(db, 'auditLog') };
    const g1 = org.eastGrid1.code;
    const g2 = org.eastGrid2.code;
    const result = await run({
      csv: csvFile([
        header,
        [
          'A-1',
          '王建国',
          '住户',
          g1,
          '138 0013 1234',
          '0571-8888 6666',
          '幸福路 1 号',
          '3栋',
          '502',
          '重点客户;老年人',
          '',
        ],
        ['A-2', '李秀英', '个人', g2, '13700002222', '', '', '', '', 'VIP', '多行\n备注'],
        ['A-3', '东方电力', '单位', g1, '', '', '', '', '', '敏感客户、key', ''],
        ['', '无编号', '', g2, '', '', '', '', '', '', ''],
      ]),
    });
    expect(result).toEqual({ created: 4, updated: 0, unchanged: 0, skipped: 0, problems: [] });
    expect(await count(db, 'customers')).toBe(before.customers + 4);
    expect(await byKey('A-1')).toMatchObject({
      unitId: org.eastGrid1.id,
      name: '王建国',
      kind: 'household',
      phone: '138 0013 1234',
      phone2: '0571-8888 6666',
      address: '幸福路 1 号',
      building: '3栋',
      room: '502',
      tags: ['key', 'elderly'],
      notes: null,
    });
    expect(await byKey('A-2')).toMatchObject({
      unitId: org.eastGrid2.id,
      kind: 'person',
      phone2: null,
      tags: ['vip'],
      notes: '多行\n备注',
    });
    expect(await byKey('A-3')).toMatchObject({ kind: 'company', tags: ['key', 'sensitive'], phone: null });
    const unkeyed = await db.selectFrom('customers').selectAll().where('name', '=', '无编号').execute();
    expect(unkeyed).toMatchObject([
      { unitId: org.eastGrid2.id, kind: 'person', externalKey: null, tagsJson: '[]' },
    ]);

    const audit = await db.selectFrom('auditLog').selectAll().where('id', '>', before.audit).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'customer.import',
      entity: 'customer_import',
      unitId: org.east.id,
    });
    expect(JSON.parse(audit[0]!.afterJson!)).toMatchObject({
      mode: 'all_or_nothing',
      rows: 4,
      created: 4,
      updated: 0,
      unchanged: 0,
      skipped: 0,
    });
    expect(audit[0]!.afterJson).not.toMatch(/0013|13700002222|8888/);
  });

  it('re-imports by external key: updates the changed rows, counts the unchanged ones, creates the new ones', async () => {
    const g1 = org.eastGrid1.code;
    const file = (rows: string[][]) =>
      csvFile([['externalKey', 'name', 'unitCode', 'phone', 'tags'], ...rows]);
    const first = await run({
      csv: file([
        ['R-1', '甲', g1, '13900000001', 'key'],
        ['R-2', '乙', g1, '13900000002', ''],
        ['R-3', '丙', g1, '13900000003', 'vip'],
      ]),
    });
    expect(first).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    const r2Before = await byKey('R-2');
    clock.advance(60_000);
    const again = await run({
      csv: file([
        ['R-1', '甲', g1, '13900000001', '重点客户'], // the same tag by its label
        ['R-2', '乙二', org.eastGrid2.code, '13900000002', ''], // renamed and moved
        ['R-3', '丙', g1, '', 'vip'], // phone cleared
        ['R-4', '丁', g1, '13900000004', ''],
      ]),
    });
    expect(again).toEqual({ created: 1, updated: 2, unchanged: 1, skipped: 0, problems: [] });
    expect(await byKey('R-1')).toMatchObject({ tags: ['key'], phone: '13900000001' });
    const r2 = await byKey('R-2');
    expect(r2).toMatchObject({ id: r2Before!.id, name: '乙二', unitId: org.eastGrid2.id });
    expect(r2!.updatedAt).not.toBe(r2Before!.updatedAt);
    expect(await byKey('R-3')).toMatchObject({ phone: null, tags: ['vip'] });

    // A file without some columns leaves those fields alone; an empty unit or kind cell keeps them.
    const third = await run({
      csv: csvFile([
        ['外部编号', '名称', '单元编码', '类型'],
        ['R-1', '甲', '', ''],
        ['R-3', '丙', '', '单位'],
      ]),
    });
    expect(third).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(await byKey('R-1')).toMatchObject({ phone: '13900000001', tags: ['key'], kind: 'person' });
    expect(await byKey('R-3')).toMatchObject({ kind: 'company', unitId: org.eastGrid1.id, tags: ['vip'] });
    const unchangedAgain = await run({ csv: file([['R-1', '甲', g1, '13900000001', 'key']]) });
    expect(unchangedAgain).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
  });

  it('refuses a file with bad rows, reporting exactly those rows, and writes nothing', async () => {
    const before = { customers: await count(db, 'customers'), audit: await count(db, 'auditLog') };
    const g1 = org.eastGrid1.code;
    const error = await refusal(
      run({
        csv: csvFile([
          header,
          ['B-1', '好一', '', g1, '13800000001', '', '', '', '', '', ''], // row 2
          ['B-2', '坏号码', '', g1, '138abc0002', '', '', '', '', '', ''], // row 3
          ['B-3', '好二', '', g1, '13800000003', '', '', '', '', '', ''], // row 4
          ['B-4', '无此单元', '', 'NO-SUCH-UNIT', '', '', '', '', '', '', ''], // row 5
          ['B-1', '重复', '', g1, '', '', '', '', '', '', ''], // row 6
          ['B-5', '好三', '', g1, '', '', '', '', '', '', ''], // row 7
        ]),
      }),
    );
    expect(error.code).toBe('customers.import_invalid');
    const problems = error.details.problems as CustomerImportProblem[];
    expect(rowsOf(problems)).toEqual([
      [3, 'phone', 'invalid'],
      [5, 'unitCode', 'org.unit_not_found'],
      [6, 'externalKey', 'duplicate_key'],
    ]);
    expect(problems[2]!.message).toContain('row 2');
    expect(error.details).toMatchObject({ rowCount: 3, problemCount: 3 });
    expect(JSON.stringify(error.details)).not.toContain('138abc0002');
    expect(await count(db, 'customers')).toBe(before.customers);
    expect(await count(db, 'auditLog')).toBe(before.audit);
    expect(await byKey('B-1')).toBeUndefined();
  });

  it('reports every field rule of createCustomer, with the spreadsheet row numbers around empty rows', async () => {
    const error = await refusal(
      run({
        csv: csvFile([
          ['name', 'kind', 'tags', 'externalKey', 'notes'],
          ['', 'person', '', '', ''], // row 2: no name
          ['', '', '', '', ''], // row 3: an empty row, ignored
          ['x'.repeat(101), 'alien', 'gold;vip', 'K'.repeat(65), 'n'.repeat(2001)], // row 4
          ['ok', '', '', '', '', 'extra'], // row 5: a cell past the header
        ]),
        defaultUnitId: org.eastGrid1.id,
      }),
    );
    const problems = error.details.problems as CustomerImportProblem[];
    expect(rowsOf(problems)).toEqual([
      [2, 'name', 'invalid'],
      [4, 'externalKey', 'invalid'],
      [4, 'name', 'invalid'],
      [4, 'kind', 'invalid'],
      [4, 'tags', 'invalid'],
      [4, 'notes', 'invalid'],
      [5, '(row)', 'invalid'],
    ]);
    expect(problems.find((p) => p.field === 'kind')!.message).toContain('个人');
    expect(problems.find((p) => p.field === 'tags')!.message).toMatch(/unknown tag "gold".*重点客户/);
  });

  it('writes the good rows and reports the bad ones under skip_bad_rows', async () => {
    const before = await count(db, 'customers');
    const result = await run({
      mode: 'skip_bad_rows',
      csv: csvFile([
        ['外部编号', '姓名', '电话'],
        ['S-1', '好一', '13600000001'],
        ['S-2', '坏号码', '136-abc'],
        ['S-3', '好二', ''],
        ['S-1', '重复', ''],
      ]),
      defaultUnitId: org.westGrid1.id,
    });
    expect(result).toMatchObject({ created: 2, updated: 0, unchanged: 0, skipped: 2 });
    expect(rowsOf(result.problems)).toEqual([
      [3, 'phone', 'invalid'],
      [5, 'externalKey', 'duplicate_key'],
    ]);
    expect(await count(db, 'customers')).toBe(before + 2);
    expect(await byKey('S-1')).toMatchObject({ name: '好一', unitId: org.westGrid1.id });
    expect(await byKey('S-2')).toBeUndefined();
  });

  it('refuses rows outside the actor’s customers.write scope: a unit code, a default unit, an existing key', async () => {
    const system = await run({
      csv: csvFile([
        ['外部编号', '姓名', '单元编码'],
        ['W-1', '西一', org.westGrid1.code],
      ]),
    });
    expect(system.created).toBe(1);
    const before = await count(db, 'customers');
    const error = await refusal(
      run(
        {
          csv: csvFile([
            ['外部编号', '姓名', '单元编码'],
            ['E-1', '东一', org.eastGrid1.code],
            ['E-2', '东二', org.eastGrid2.code], // staff of grid 1 may not write grid 2
            ['W-1', '改西一', org.eastGrid1.code], // the key is a customer of the west branch
            ['E-3', '无单元', ''], // no unit and no default
          ]),
        },
        staffGrid1,
      ),
    );
    expect(rowsOf(error.details.problems as CustomerImportProblem[])).toEqual([
      [3, 'unitCode', 'org.unit_not_found'],
      [4, 'externalKey', 'customers.external_key_taken'],
      [5, 'unitCode', 'unit_required'],
    ]);
    expect(await count(db, 'customers')).toBe(before);
    expect(await byKey('W-1')).toMatchObject({ name: '西一' });

    const skipped = await run(
      {
        mode: 'skip_bad_rows',
        csv: csvFile([
          ['外部编号', '姓名', '单元编码'],
          ['E-1', '东一', org.eastGrid1.code],
          ['E-2', '东二', org.eastGrid2.code],
        ]),
      },
      staffGrid1,
    );
    expect(skipped).toMatchObject({ created: 1, skipped: 1 });
    await expect(
      run({ csv: csvFile([['姓名'], ['x']]), defaultUnitId: org.westGrid1.id }, managerEast),
    ).rejects.toMatchObject({ code: 'org.unit_not_found' });
  });

  it('never echoes a phone number in its answer', async () => {
    const phones = ['15912345678', '0571-2345 6789', '159abc5678'];
    const result = await run({
      mode: 'skip_bad_rows',
      csv: csvFile([
        ['外部编号', '姓名', '电话', '电话2'],
        ['M-1', '甲', phones[0]!, phones[1]!],
        ['M-2', '乙', phones[2]!, 'x'.repeat(40)],
      ]),
      defaultUnitId: org.eastGrid1.id,
    });
    expect(result).toMatchObject({ created: 1, skipped: 1 });
    const text = JSON.stringify(result);
    for (const phone of phones) expect(text).not.toContain(phone);
    expect(text).not.toContain('2345');
  });

  it('refuses an unreadable file as a whole: unknown, repeated or missing columns, not UTF-8, bad CSV, too large', async () => {
    const refused = async (csv: string | Buffer, options: Partial<ImportCustomersInput> = {}) =>
      refusal(run({ csv, defaultUnitId: org.eastGrid1.id, ...options }));
    const unknown = await refused('姓名,邮箱,电话,微信\n张三,a@b.c,,\n');
    expect(unknown.code).toBe('customers.import_unknown_columns');
    expect(unknown.details).toMatchObject({ columns: '邮箱, 微信', unknown: ['邮箱', '微信'] });
    expect((await refused('姓名,name\n张三,张三\n')).code).toBe('customers.import_duplicate_column');
    expect((await refused('电话\n13800000000\n')).code).toBe('customers.import_missing_column');
    expect((await refused('')).code).toBe('customers.import_missing_column');
    const gbk = Buffer.from([0xd0, 0xd5, 0xc3, 0xfb, 0x0a, 0xd5, 0xc5, 0xc8, 0xfd, 0x0a]); // 姓名\n张三 in GBK
    expect((await refused(gbk)).code).toBe('customers.import_not_utf8');
    const badQuote = await refused('姓名,电话\n张三,"13800000000\n');
    expect(badQuote).toMatchObject({ code: 'customers.import_unreadable', details: { line: 2 } });
    expect(JSON.stringify(badQuote.details)).not.toContain('13800000000');
    const manyRows = `姓名\n${'x\n'.repeat(customerImportLimits.maxRows + 1)}`;
    expect((await refused(manyRows)).code).toBe('customers.import_too_large');
    expect((await refused(Buffer.alloc(customerImportLimits.maxBytes + 1, 0x61))).code).toBe(
      'customers.import_too_large',
    );
    // A trailing empty header cell with empty cells below it is harmless.
    const trailing = await run({ csv: '姓名,\n尾逗号,\n', defaultUnitId: org.eastGrid1.id });
    expect(trailing.created).toBe(1);
  });

  it('is refused without customers.write', async () => {
    const { actor } = await buildUser(db, [grant('viewer', org.company.id)]);
    await expect(run({ csv: csvFile([['姓名'], ['x']]) }, actor)).rejects.toMatchObject({
      code: 'auth.forbidden',
    });
  });
});

describeEachDialect('customers import API', (ctx) => {
  let app: App;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  const as: Record<string, Client> = {};
  const post = (who: string, url: string, csv: Buffer | string, type = 'text/csv; charset=utf-8') =>
    as[who]!.request('POST', url, csv, { 'content-type': type });

  beforeAll(async () => {
    const { db } = ctx();
    app = await createTestApp(db);
    org = await buildOrgTree(db);
    for (const [name, role, unitId] of [
      ['managerEast', 'manager', org.east.id],
      ['viewer', 'viewer', org.company.id],
    ] as const) {
      const { user } = await buildUser(db, [grant(role, unitId)]);
      as[name] = await loginAs(app, user.username);
    }
  });
  afterAll(() => app.close());

  it('imports a CSV body for a writer, refuses a viewer with 403 and bad rows with 400 listing them', async () => {
    const { db } = ctx();
    const file = csvFile([
      ['外部编号', '姓名', '单元编码', '电话', '标签'],
      ['H-1', '王建国', org.eastGrid1.code, '138 0013 1234', '重点客户'],
      ['H-2', '李秀英', org.eastGrid2.code, '13700002222', ''],
    ]);
    const viewer = await post('viewer', '/api/v1/customers/import', file);
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json().error.code).toBe('auth.forbidden');

    const bad = csvFile([
      ['外部编号', '姓名', '单元编码', '电话'],
      ['H-9', '好', org.eastGrid1.code, ''],
      ['H-10', '坏号码', org.eastGrid1.code, '138abc1234'],
      ['H-11', '西边', org.westGrid1.code, ''],
    ]);
    const before = await db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const refused = await post('managerEast', '/api/v1/customers/import', bad);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({
      code: 'customers.import_invalid',
      details: {
        rowCount: 2,
        problems: [
          { row: 3, field: 'phone', code: 'invalid' },
          { row: 4, field: 'unitCode', code: 'org.unit_not_found' },
        ],
      },
    });
    expect(refused.body).not.toContain('138abc1234');
    const after = await db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));

    const ok = await post('managerEast', '/api/v1/customers/import', file);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ created: 2, updated: 0, unchanged: 0, skipped: 0, problems: [] });
    expect(ok.body).not.toContain('0013');

    const skipped = await post(
      'managerEast',
      `/api/v1/customers/import?mode=skip_bad_rows&defaultUnitId=${org.eastGrid2.id}`,
      csvFile([
        ['外部编号', '姓名', '电话'],
        ['H-1', '王建国', '138 0013 1234'],
        ['H-3', '新客户', ''],
        ['H-4', '坏', '13x'],
      ]),
    );
    expect(skipped.statusCode, skipped.body).toBe(200);
    expect(skipped.json()).toMatchObject({ created: 1, updated: 0, unchanged: 1, skipped: 1 });
    expect(skipped.json().problems).toMatchObject([{ row: 4, field: 'phone' }]);
    const list = await as.managerEast!.request('GET', '/api/v1/customers?q=H-3');
    expect(list.json().items.map((c: Customer) => [c.name, c.unitId])).toEqual([
      ['新客户', org.eastGrid2.id],
    ]);

    const json = await as.managerEast!.request('POST', '/api/v1/customers/import', { name: 'x' });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.code).toBe('request.unsupported_media_type');
    const badMode = await post('managerEast', '/api/v1/customers/import?mode=maybe', file);
    expect(badMode.statusCode).toBe(400);
    expect(badMode.json().error.details.issues[0].path).toBe('querystring.mode');
    const huge = await post(
      'managerEast',
      '/api/v1/customers/import',
      'x'.repeat(customerImportLimits.maxBytes + 1),
    );
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('customers.import_too_large');
  });
});
