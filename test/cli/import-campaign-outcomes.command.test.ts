import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign } from '../../src/modules/campaigns/campaigns.service.js';
import { ensureStandardCalendar } from '../../src/modules/calendar/calendar.service.js';
import { installCaseType } from '../../src/modules/cases/case-types.service.js';
import { systemActor } from '../../src/platform/access.js';
import { systemClock } from '../../src/platform/clock.js';
import { createDatabase } from '../../src/platform/db/database.js';
import type { Db } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrations.js';
import { arrearsFollowUp } from '../helpers/campaigns.js';
import { buildOrgTree, buildUser, grant } from '../helpers/factories.js';

const dir = mkdtempSync(path.join(tmpdir(), 'guankong-outcomes-cli-'));
const databaseFile = path.join(dir, 'cli.sqlite');
const env = {
  ...process.env,
  GUANKONG_DATA_DIR: dir,
  GUANKONG_DATABASE_URL: databaseFile,
  LOG_LEVEL: 'silent',
};

const cli = (args: string[]) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    env,
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
};

describe('guankong import campaign-outcomes', () => {
  let db: Db;
  let manager: string;
  const sheet = path.join(dir, '回访结果.csv');
  const statuses = async () =>
    (await db.selectFrom('cases').select(['status', 'reasonCode']).orderBy('id').execute()).map(
      (r) => `${r.status}:${r.reasonCode ?? ''}`,
    );

  beforeAll(async () => {
    db = createDatabase({ dialect: 'sqlite', file: databaseFile });
    await migrateToLatest(db);
    const org = await buildOrgTree(db);
    const clock = systemClock;
    await ensureStandardCalendar({ db, clock });
    await db
      .transaction()
      .execute((tx) =>
        installCaseType(tx, arrearsFollowUp, { clock, actor: systemActor('test'), mode: 'create' }),
      );
    const head = (await buildUser(db, [grant('manager', org.east.id)], { clock })).actor;
    const grid = await buildUser(db, [grant('manager', org.eastGrid1.id)], { clock });
    manager = grid.user.username;
    await createCampaign(
      {
        key: 'cli-2026-11',
        name: '十一月宽带回访',
        caseType: 'telecom.arrears',
        unitId: org.east.id,
        category: 'broadband',
        rule: { by: 'unit_column', assignTo: 'unit_manager' },
        targets: ['13900000001', '13900000002'].map((k) => ({
          externalKey: k,
          unit: org.eastGrid1.code,
          data: { phone: k },
        })),
      },
      { db, clock, actor: head },
    );
    writeFileSync(
      sheet,
      '\uFEFF用户号码,原因大类,具体原因,回访反馈,是否激活,激活日期\r\n' +
        '13900000001,联系不上,空号,三次拨打均提示空号,否,\r\n' +
        '13900000002,,无需求,用户表示暂不需要宽带,是,2026-11-20\r\n',
    );
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses the sheet as the system (not the targets' assignee), then records it as the manager", async () => {
    const asSystem = cli(['import', 'campaign-outcomes', sheet, '--campaign', 'cli-2026-11']);
    expect(asSystem.code).toBe(1);
    expect(asSystem.out + asSystem.err).toContain(
      'row 2, externalKey: the follow-up is assigned to someone else',
    );
    expect(await statuses()).toEqual(['assigned:', 'assigned:']);

    const asManager = cli([
      'import',
      'campaign-outcomes',
      sheet,
      '--campaign',
      'cli-2026-11',
      '--as',
      manager,
    ]);
    expect(asManager.code, asManager.err + asManager.out).toBe(0);
    expect(await statuses()).toEqual(['resolved:unreachable.empty', 'resolved:no_need']);
    const events = await db
      .selectFrom('caseEvents')
      .select('actorName')
      .where('kind', '=', 'resolved')
      .execute();
    expect(events).toHaveLength(2);
    expect(new Set(events.map((e) => e.actorName)).size).toBe(1);
    expect(events[0]!.actorName).not.toBe('cli');

    const unknown = cli([
      'import',
      'campaign-outcomes',
      sheet,
      '--campaign',
      'cli-2026-11',
      '--as',
      'nobody',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('org.user_not_found');
  }, 120_000);
});
