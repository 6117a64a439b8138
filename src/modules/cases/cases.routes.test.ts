import { afterAll, beforeAll, expect, it } from 'vitest';
import { installRepairType, repairType } from '../../../test/helpers/cases.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Client } from '../../../test/helpers/http.js';
import { createTestApp, loginAs } from '../../../test/helpers/http.js';
import type { App } from '../../app.js';
import { manualClock } from '../../platform/clock.js';

const local = (text: string) => new Date(`${text}+08:00`);
const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describeEachDialect('cases API', (ctx) => {
  const clock = manualClock(local('2026-11-23T09:00'));
  let app: App;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let desk: Client;
  let tech: Client;
  let admin: Client;
  let techId: number;
  const count = async (table: 'cases' | 'caseEvents' | 'caseAttachments' | 'caseTypes') =>
    Number(
      (
        await ctx()
          .db.selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    const { db } = ctx();
    app = await createTestApp(db, { clock });
    org = await buildOrgTree(db);
    await installRepairType(db, clock);
    const users = {
      desk: await buildUser(db, [grant('manager', org.company.id)], { clock }),
      tech: await buildUser(db, [grant('staff', org.eastGrid2.id)], { clock }),
      admin: await buildUser(db, [grant('admin', org.company.id)], { clock }),
    };
    techId = users.tech.user.id;
    desk = await loginAs(app, users.desk.user.username);
    tech = await loginAs(app, users.tech.user.username);
    admin = await loginAs(app, users.admin.user.username);
  });
  afterAll(() => app.close());

  const newCase = (body: Record<string, unknown> = {}) =>
    desk.request('POST', '/api/v1/cases', {
      caseType: 'repair',
      unitId: org.eastGrid1.id,
      title: '电梯异响',
      category: 'lighting',
      fields: { room: '2-301' },
      ...body,
    });

  it('registers a case and returns it with its clocks and the actions open to the caller', async () => {
    const created = await newCase({ assigneeUserId: techId });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({
      status: 'assigned',
      categoryName: '公共照明',
      priorityKey: 'normal',
      assignee: { id: techId },
      fields: { room: '2-301' },
    });
    expect(body.clocks.map((c: { key: string; status: string }) => [c.key, c.status])).toEqual([
      ['response', 'on_track'],
      ['resolution', 'on_track'],
    ]);
    expect(body.actions).toEqual(['assign', 'accept', 'cancel']); // the desk dispatches; it may take the order for the technician
    const taken = await tech.request('POST', `/api/v1/cases/${body.id}/transitions`, { action: 'accept' });
    expect(taken.statusCode).toBe(200);
    expect(taken.json()).toMatchObject({ status: 'accepted', actions: ['start', 'pause', 'resolve'] });
    const list = await tech.request('GET', '/api/v1/cases?view=mine');
    expect(list.json()).toMatchObject({ total: 1, items: [{ id: body.id, status: 'accepted' }] });
  });

  it('answers bad input with 400, the code and the field, and writes nothing', async () => {
    const before = { cases: await count('cases'), events: await count('caseEvents') };
    const cases = [
      [{ caseType: 'nope' }, 'cases.unknown_type', 'caseType'],
      [{ category: 'gas' }, 'cases.unknown_category', 'category'],
      [{ priority: 'low' }, 'cases.unknown_priority', 'priority'],
      [{ fields: {} }, 'cases.field_invalid', 'fields.room'],
    ] as const;
    for (const [body, code, field] of cases) {
      const response = await newCase(body);
      expect(response.statusCode, code).toBe(400);
      expect(response.json().error, code).toMatchObject({ code, details: { field } });
    }
    const invalid = await desk.request('POST', '/api/v1/cases', { caseType: 'repair' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('request.invalid');
    const { id } = (await newCase()).json();
    const wrong = await desk.request('POST', `/api/v1/cases/${id}/transitions`, {
      action: 'resolve',
      feedback: 'x',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({
      code: 'cases.transition_refused',
      details: { status: 'registered' },
    });
    expect(wrong.json().error.message).toBe('当前状态（registered）不能执行“resolve”');
    const noNote = await desk.request('POST', `/api/v1/cases/${id}/transitions`, { action: 'cancel' });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json().error.details.issues[0].path).toBe('body.note');
    expect(await count('cases')).toBe(before.cases + 1);
    expect(await count('caseEvents')).toBe(before.events + 1);
  });

  it('closing without the outcome the type asks for is refused', async () => {
    const { id } = (await newCase({ assigneeUserId: techId })).json();
    await tech.request('POST', `/api/v1/cases/${id}/transitions`, { action: 'accept' });
    const response = await tech.request('POST', `/api/v1/cases/${id}/transitions`, {
      action: 'resolve',
      reasonCode: 'wear',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'cases.outcome_required',
      details: { field: 'feedback' },
    });
  });

  it('stores attachments checked by size and content, and refuses others', async () => {
    const { id } = (await newCase()).json();
    const upload = (body: Buffer | string, type: string, name = 'photo.png') =>
      desk.request('POST', `/api/v1/cases/${id}/attachments?fileName=${encodeURIComponent(name)}`, body, {
        'content-type': type,
      });
    const ok = await upload(png, 'image/png', '漏水照片.png');
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ fileName: '漏水照片.png', size: png.length, contentType: 'image/png' });
    const download = await desk.request('GET', `/api/v1/cases/${id}/attachments/${ok.json().id}/content`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(png)).toBe(true);
    expect(download.headers['content-type']).toBe('image/png');

    const before = await count('caseAttachments');
    const disguised = await upload(Buffer.from('MZ\x90\x00 not an image'), 'image/png');
    expect(disguised.statusCode).toBe(400);
    expect(disguised.json().error.code).toBe('cases.attachment_type_refused');
    const exe = await upload(Buffer.from('MZ'), 'application/x-msdownload', 'setup.exe');
    expect(exe.json().error.code).toBe('cases.attachment_type_refused');
    const big = Buffer.concat([png, Buffer.alloc(10 * 1024 * 1024)]);
    const tooLarge = await upload(big, 'image/png');
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.json().error).toMatchObject({
      code: 'cases.attachment_too_large',
      details: { limitMb: 10 },
    });
    expect(await count('caseAttachments')).toBe(before);
    const listed = await desk.request('GET', `/api/v1/cases/${id}/attachments`);
    expect(listed.json().items).toHaveLength(1);
    // The technician does not see this case (not his, not his unit): its files are not his either.
    expect((await tech.request('GET', `/api/v1/cases/${id}/attachments`)).statusCode).toBe(404);
  });

  it('configures case types: admin only, calendars must exist, limits must be valid', async () => {
    const before = await count('caseTypes');
    const definition = { ...repairType, key: 'repair.copy', name: '报修（副本）' };
    expect((await desk.request('POST', '/api/v1/case-types', definition)).statusCode).toBe(403);
    const missing = await admin.request('POST', '/api/v1/case-types', { ...definition, calendar: 'NOPE' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({
      code: 'cases.calendar_missing',
      details: { field: 'calendar' },
    });
    const negative = await admin.request('POST', '/api/v1/case-types', {
      ...definition,
      limits: [{ category: '*', priority: '*', limits: { resolution: '-1wd' } }],
    });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().error.details.issues[0]).toMatchObject({
      path: 'body.limits.0.limits.resolution',
      message: 'must not be negative',
    });
    expect(await count('caseTypes')).toBe(before);
    const created = await admin.request('POST', '/api/v1/case-types', definition);
    expect(created.statusCode).toBe(201);
    expect((await admin.request('POST', '/api/v1/case-types', definition)).json().error.code).toBe(
      'cases.type_key_taken',
    );
    const listed = await tech.request('GET', '/api/v1/case-types');
    expect(listed.json().map((t: { key: string }) => t.key)).toEqual(['repair', 'repair.copy']);
  });

  it('lists the people a dispatcher may assign to, and only to dispatchers', async () => {
    const all = await desk.request('GET', '/api/v1/case-assignees');
    expect(all.statusCode).toBe(200);
    const ids = all.json().items.map((u: { id: number }) => u.id);
    expect(ids).toContain(techId);
    const one = await desk.request('GET', `/api/v1/case-assignees?q=${encodeURIComponent('no such person')}`);
    expect(one.json().items).toEqual([]);
    expect((await tech.request('GET', '/api/v1/case-assignees')).statusCode).toBe(403);
  });

  it('serves the daily tally and the figures', async () => {
    const tally = await desk.request('GET', '/api/v1/case-tally');
    expect(tally.statusCode).toBe(200);
    const owners = tally.json().owners as Array<{ assignee: { id: number } | null; open: number }>;
    expect(owners.find((o) => o.assignee?.id === techId)?.open).toBeGreaterThanOrEqual(2);
    const figures = await desk.request(
      'GET',
      `/api/v1/case-figures?from=${encodeURIComponent('2026-11-01T00:00:00+08:00')}&to=${encodeURIComponent('2026-12-01T00:00:00+08:00')}&groupBy=category`,
    );
    expect(figures.statusCode).toBe(200);
    expect(figures.json().total.registered).toBe(await count('cases'));
    const bad = await desk.request(
      'GET',
      '/api/v1/case-figures?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z',
    );
    expect(bad.statusCode).toBe(400);
  });
});
