import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Client } from '../../../test/helpers/http.js';
import { createTestApp, loginAs } from '../../../test/helpers/http.js';
import type { App } from '../../app.js';
import { importTargets } from '../../import-targets.js';
import { manualClock } from '../../platform/clock.js';
import {
  failInterruptedRuns,
  importFileKeepMs,
  importRunsIdle,
  removeOldImportFiles,
  saveImportFile,
} from './import-runs.service.js';

describeEachDialect('imports API (upload, mapping, background runs, profiles)', (ctx) => {
  const clock = manualClock(new Date('2026-11-02T09:00:00+08:00'));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guankong-imports-'));
  let app: App;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let admin: Client; // manager of the east branch: org.write there
  let other: Client; // another manager of the same branch
  let viewer: Client; // org.read only
  const upload = (client: Client, name: string, content: string | Buffer) =>
    client.request('POST', '/api/v1/import-files', Buffer.from(content), {
      'content-type': 'application/octet-stream',
      'x-file-name': encodeURIComponent(name),
    });
  const roster = () =>
    [
      '工号,姓名,所属单元编码,岗位',
      `RI-001,王芳,${org.eastGrid1.code},网格经理`,
      `RI-002,李强,${org.eastGrid2.code},装维`,
      '',
    ].join('\r\n');
  const finished = async (client: Client, id: number) => {
    await importRunsIdle();
    return (await client.request('GET', `/api/v1/imports/${id}`)).json<Record<string, unknown>>();
  };

  beforeAll(async () => {
    const { db } = ctx();
    app = await createTestApp(db, { clock, env: { GUANKONG_DATA_DIR: dataDir } });
    org = await buildOrgTree(db);
    const login = async (role: 'manager' | 'viewer') =>
      loginAs(app, (await buildUser(db, [grant(role, org.east.id)], { clock })).user.username);
    admin = await login('manager');
    other = await login('manager');
    viewer = await login('viewer');
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the targets with the options each needs', async () => {
    const response = await admin.request('GET', '/api/v1/import-targets');
    expect(response.statusCode).toBe(200);
    const targets = response.json<Array<{ key: string; options: unknown[] }>>();
    expect(targets.map((t) => t.key)).toEqual([
      'units',
      'people',
      'cases',
      'dispatch-list',
      'campaign-outcomes',
      'indicator-values',
    ]);
    // Only the targets the caller may import into: a viewer none.
    expect((await viewer.request('GET', '/api/v1/import-targets')).json()).toEqual([]);
    expect(targets.find((t) => t.key === 'dispatch-list')?.options).toEqual([
      { key: 'list', label: '清单编号 / list key', required: true },
      { key: 'name', label: '清单名称 / list name', required: false },
      { key: 'caseType', label: '工单类型 / case type', required: true },
      { key: 'unit', label: '所属单元编码 / unit code', required: true },
    ]);
  });

  it('uploads a file, guesses its mapping, runs a dry run and an import in the background', async () => {
    const uploaded = await upload(admin, '人员名单 11月.csv', roster());
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const file = uploaded.json<{ fileId: string; name: string; headers: string[]; sample: string[][] }>();
    expect(file).toMatchObject({ name: '人员名单 11月.csv', format: 'csv', encoding: 'utf-8' });
    expect(file.headers).toEqual(['工号', '姓名', '所属单元编码', '岗位']);
    expect(file.sample[1]).toEqual(['RI-002', '李强', org.eastGrid2.code, '装维']);

    const guess = await admin.request('POST', `/api/v1/import-files/${file.fileId}/mapping`, {
      target: 'people',
    });
    expect(guess.statusCode, guess.body).toBe(200);
    expect(guess.json()).toMatchObject({
      mapping: { employeeNo: '工号', name: '姓名', unit: '所属单元编码', position: '岗位' },
      unmatchedHeaders: [],
    });
    expect(guess.json<{ fields: unknown[] }>().fields).toContainEqual({
      key: 'employeeNo',
      label: '工号',
      required: true,
    });

    const dry = await admin.request('POST', '/api/v1/imports', {
      fileId: file.fileId,
      target: 'people',
      mode: 'dry-run',
      mapping: {},
      options: {},
    });
    expect(dry.statusCode, dry.body).toBe(202);
    const dryRun = await finished(admin, dry.json<{ id: number }>().id);
    expect(dryRun).toMatchObject({
      status: 'done',
      fileName: '人员名单 11月.csv',
      mode: 'dry_run',
      progress: { rows: 2, bad: 0 },
      report: { applied: false, created: 2 },
      error: null,
    });
    expect(
      await ctx().db.selectFrom('people').select('id').where('employeeNo', 'like', 'RI-%').execute(),
    ).toEqual([]);

    const real = await admin.request('POST', '/api/v1/imports', {
      fileId: file.fileId,
      target: 'people',
      mode: 'all_or_nothing',
    });
    expect(await finished(admin, real.json<{ id: number }>().id)).toMatchObject({
      status: 'done',
      report: { applied: true, created: 2 },
    });
    const runs = (await admin.request('GET', '/api/v1/imports')).json<Array<{ id: number }>>();
    expect(runs.map((r) => r.id)).toEqual([real.json<{ id: number }>().id, dry.json<{ id: number }>().id]);
    // Another user sees neither the file nor the runs.
    expect((await other.request('GET', `/api/v1/imports/${real.json<{ id: number }>().id}`)).statusCode).toBe(
      404,
    );
    expect((await other.request('GET', '/api/v1/imports')).json()).toEqual([]);
    const stolen = await other.request('POST', `/api/v1/import-files/${file.fileId}/mapping`, {
      target: 'people',
    });
    expect(stolen.json()).toMatchObject({ error: { code: 'imports.file_not_found' } });
  });

  it('reports bad rows, serves them as a CSV for Excel, and records a failed run', async () => {
    const file = (
      await upload(
        admin,
        'bad.csv',
        `工号,姓名,所属单元编码\r\nRI-003,赵六,NOPE\r\nRI-004,=HYPERLINK("x"),${org.eastGrid1.code}\r\n`,
      )
    ).json<{ fileId: string }>();
    const started = await admin.request('POST', '/api/v1/imports', {
      fileId: file.fileId,
      target: 'people',
      mode: 'all_or_nothing',
    });
    const id = started.json<{ id: number }>().id;
    expect(await finished(admin, id)).toMatchObject({
      status: 'done',
      progress: { rows: 2, bad: 1 },
      report: { applied: false, problems: [{ row: 2, field: 'unit', code: 'org.unit_not_found' }] },
    });
    const csv = await admin.request('GET', `/api/v1/imports/${id}/problems.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    expect(csv.body).toContain('2,unit,NOPE,org.unit_not_found');
    expect((await other.request('GET', `/api/v1/imports/${id}/problems.csv`)).statusCode).toBe(404);

    const failing = await admin.request(
      'POST',
      '/api/v1/imports',
      { fileId: file.fileId, target: 'people', mode: 'skip_bad', mapping: { employeeNo: '员工编号' } },
      { 'accept-language': 'en' },
    );
    expect(await finished(admin, failing.json<{ id: number }>().id)).toMatchObject({
      status: 'failed',
      report: null,
      error: { code: 'imports.mapping_invalid' },
    });
  });

  it('refuses empty and non-table files, unknown targets, bad options and callers without the permission', async () => {
    expect((await upload(admin, 'empty.csv', '')).json()).toMatchObject({
      error: { code: 'imports.empty_file' },
    });
    const pdf = await upload(admin, 'scan.csv', '%PDF-1.7 binary');
    expect(pdf.statusCode).toBe(400);
    expect(pdf.json()).toMatchObject({
      error: { code: 'imports.unsupported_format', details: { looksLike: 'PDF' } },
    });
    const json = await admin.request('POST', '/api/v1/import-files', { a: 1 });
    expect(json.statusCode).toBe(400);

    const file = (await upload(admin, 'r.csv', roster())).json<{ fileId: string }>();
    const start = (body: Record<string, unknown>, client = admin) =>
      client.request('POST', '/api/v1/imports', { fileId: file.fileId, mode: 'dry_run', ...body });
    expect((await start({ target: 'payroll' })).json()).toMatchObject({
      error: { code: 'imports.unknown_target' },
    });
    expect((await start({ target: 'cases', options: {} })).json()).toMatchObject({
      error: { code: 'request.invalid' },
    });
    // Another user's file is not found, whatever his permissions.
    expect((await start({ target: 'people' }, viewer)).statusCode).toBe(404);
    expect((await upload(viewer, 'r.csv', roster())).statusCode).toBe(403);
  });

  it('refuses an upload over the limit and keeps nothing of it', async () => {
    const deps = { db: ctx().db, clock, actor: { kind: 'system' as const, userId: null, name: 't' } };
    await expect(
      saveImportFile(
        {
          name: 'big.csv',
          body: Readable.from([Buffer.alloc(64, 'a'), Buffer.alloc(64, 'b')]),
          limitBytes: 100,
        },
        { ...deps, targets: importTargets, dataDir },
      ),
    ).rejects.toMatchObject({ code: 'imports.file_too_large' });
  });

  it('saves, lists, replaces and deletes profiles; a run takes the profile’s mapping and mode spelling', async () => {
    const put = (name: string, body: Record<string, unknown>, client = admin) =>
      client.request('PUT', `/api/v1/import-profiles/${encodeURIComponent(name)}`, body);
    const created = await put('HR 花名册', {
      target: 'people',
      mapping: { employeeNo: '工号' },
      mode: 'skip-bad',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: 'HR 花名册', target: 'people', mode: 'skip_bad' });
    const replaced = await put('HR 花名册', {
      target: 'people',
      mapping: { employeeNo: '工号', name: '姓名' },
    });
    expect(replaced.statusCode).toBe(200);
    expect((await put('x', { target: 'people' }, viewer)).statusCode).toBe(403);
    expect((await put('y', { target: 'cases', options: {} })).json()).toMatchObject({
      error: { code: 'request.invalid' },
    });
    expect((await admin.request('GET', '/api/v1/import-profiles')).json()).toMatchObject([
      { name: 'HR 花名册', mapping: { employeeNo: '工号', name: '姓名' }, mode: 'all_or_nothing' },
    ]);
    expect((await viewer.request('GET', '/api/v1/import-profiles')).json()).toEqual([]);

    const file = (await upload(admin, 'r.csv', roster())).json<{ fileId: string }>();
    const wrong = await admin.request('POST', '/api/v1/imports', {
      fileId: file.fileId,
      target: 'units',
      mode: 'dry_run',
      profile: 'HR 花名册',
    });
    expect(wrong.json()).toMatchObject({ error: { code: 'imports.profile_target_mismatch' } });
    const run = await admin.request('POST', '/api/v1/imports', {
      fileId: file.fileId,
      target: 'people',
      mode: 'dry_run',
      profile: 'HR 花名册',
    });
    // The profile maps no unit column: the people exist already (imported above), so they keep theirs.
    expect(await finished(admin, run.json<{ id: number }>().id)).toMatchObject({
      status: 'done',
      report: { mapping: { employeeNo: '工号', name: '姓名' }, bad: 0, unchanged: 2 },
    });
    const audit = await ctx()
      .db.selectFrom('auditLog')
      .select('action')
      .where('entity', '=', 'import_profile')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['import_profile.create', 'import_profile.update']);

    expect(
      (await admin.request('DELETE', `/api/v1/import-profiles/${encodeURIComponent('HR 花名册')}`))
        .statusCode,
    ).toBe(204);
    expect((await admin.request('DELETE', '/api/v1/import-profiles/none')).statusCode).toBe(404);
  });

  it('marks runs left running by a stopped server failed', async () => {
    const { db } = ctx();
    const { id } = await db
      .insertInto('importRuns')
      .values({
        target: 'people',
        fileId: '0'.repeat(32),
        fileName: 'x.csv',
        mode: 'all_or_nothing',
        status: 'running',
        rows: 0,
        bad: 0,
        elapsedMs: 0,
        optionsJson: '{}',
        createdByUserId: null,
        createdAt: clock.now().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await failInterruptedRuns({ db, clock })).toBe(1);
    expect(
      await db
        .selectFrom('importRuns')
        .select(['status', 'errorCode'])
        .where('id', '=', id)
        .executeTakeFirst(),
    ).toEqual({
      status: 'failed',
      errorCode: 'imports.run_interrupted',
    });
  });

  it('removes uploads older than a week and keeps the recent ones', async () => {
    const dir = path.join(dataDir, 'imports');
    mkdirSync(dir, { recursive: true });
    const now = clock.now();
    const [old, recent] = ['a'.repeat(32), 'b'.repeat(32)].map((id) => path.join(dir, `${id}.upload`));
    for (const file of [old!, recent!]) writeFileSync(file, 'x');
    const at = (ms: number) => new Date(now.getTime() - ms);
    utimesSync(old!, at(importFileKeepMs + 60_000), at(importFileKeepMs + 60_000));
    utimesSync(recent!, at(importFileKeepMs - 60_000), at(importFileKeepMs - 60_000));
    await removeOldImportFiles(dataDir, now);
    expect([existsSync(old!), existsSync(recent!)]).toEqual([false, true]);
  });
});
