import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildUnit, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Client } from '../../../test/helpers/http.js';
import { createTestApp, loginAs } from '../../../test/helpers/http.js';
import type { App } from '../../app.js';
import { systemClock } from '../../platform/clock.js';
import { ensureStandardCalendar, standardCalendarCode } from './calendar.service.js';

describeEachDialect('calendars API', (ctx) => {
  let app: App;
  let admin: Client;
  let staff: Client;
  let calendarId: number;

  beforeAll(async () => {
    const { db } = ctx();
    app = await createTestApp(db);
    await ensureStandardCalendar({ db, clock: systemClock });
    await ensureStandardCalendar({ db, clock: systemClock }); // idempotent
    const unit = await buildUnit(db);
    admin = await loginAs(app, (await buildUser(db, [grant('admin', unit.id)])).user.username);
    staff = await loginAs(app, (await buildUser(db, [grant('staff', unit.id)])).user.username);
    const list = await staff.request('GET', '/api/v1/calendars');
    const standard = list.json().items.filter((c: { code: string }) => c.code === standardCalendarCode);
    expect(standard).toHaveLength(1);
    calendarId = standard[0].id;
  });
  afterAll(() => app.close());

  const add = (client: Client, start: string, duration: string) =>
    client.request('POST', `/api/v1/calendars/${calendarId}/add`, { start, duration });

  it('seeds the official 2026 holidays and make-up days from the holiday package', async () => {
    const calendar = await staff.request('GET', `/api/v1/calendars/${calendarId}?year=2026`);
    const days = calendar.json().days as Array<{ date: string; kind: string; name: string }>;
    const october = days.filter((d) => d.date.startsWith('2026-10'));
    expect(october.filter((d) => d.kind === 'holiday').map((d) => d.date)).toEqual([
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
      '2026-10-04',
      '2026-10-05',
      '2026-10-06',
      '2026-10-07',
    ]);
    expect(october.filter((d) => d.kind === 'workday').map((d) => d.date)).toEqual(['2026-10-10']);
    expect(calendar.json().coverage.toYear).toBe(2026);
  });

  it('puts a one-working-day callback after the National Day holidays, and on a make-up Saturday', async () => {
    const afterHoliday = await add(staff, '2026-09-30T16:00:00+08:00', '1wd');
    expect(afterHoliday.statusCode).toBe(200);
    expect(afterHoliday.json().end).toBe('2026-10-08T10:00:00.000Z'); // 18:00 in Shanghai, close of business
    const makeUpDay = await add(staff, '2026-10-09T11:00:00+08:00', '1wd');
    expect(makeUpDay.json().end).toBe('2026-10-10T10:00:00.000Z'); // Saturday 10 October, a 调休 working day
  });

  it('adds working hours across the lunch break and measures them back', async () => {
    const due = await add(staff, '2026-11-27T11:00:00+08:00', '2wh');
    expect(due.json().end).toBe('2026-11-27T06:30:00.000Z'); // 11:00–12:00, then 13:30–14:30
    const measured = await staff.request('POST', `/api/v1/calendars/${calendarId}/measure`, {
      start: '2026-11-27T11:00:00+08:00',
      end: '2026-11-27T14:30:00+08:00',
    });
    expect(measured.json()).toEqual({ workingMs: 7_200_000, workingHours: 2, workingMinutes: 120 });
  });

  it('refuses a year the calendar does not cover, naming the year, and a bad duration', async () => {
    const beyond = await add(staff, '2027-03-01T09:00:00+08:00', '4wh');
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json().error).toMatchObject({ code: 'calendar.year_not_covered', details: { year: 2027 } });
    expect(beyond.json().error.message).toContain('2027');
    const bad = await add(staff, '2026-03-02T09:00:00+08:00', 'three hours');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('calendar.bad_duration');
  });

  it('lets an admin declare a holiday, which the next computation respects; others may not', async () => {
    const before = await add(staff, '2026-12-03T17:00:00+08:00', '2wh');
    expect(before.json().end).toBe('2026-12-04T02:00:00.000Z'); // Friday 10:00
    expect(
      (await staff.request('PUT', `/api/v1/calendars/${calendarId}/days/2026-12-04`, { kind: 'holiday' }))
        .statusCode,
    ).toBe(403);
    const set = await admin.request('PUT', `/api/v1/calendars/${calendarId}/days/2026-12-04`, {
      kind: 'holiday',
      name: '公司活动日',
    });
    expect(set.statusCode).toBe(200);
    const after = await add(staff, '2026-12-03T17:00:00+08:00', '2wh');
    expect(after.json().end).toBe('2026-12-07T02:00:00.000Z'); // Monday 10:00
    expect(
      (await admin.request('DELETE', `/api/v1/calendars/${calendarId}/days/2026-12-04`)).statusCode,
    ).toBe(204);
    expect((await add(staff, '2026-12-03T17:00:00+08:00', '2wh')).json().end).toBe(
      '2026-12-04T02:00:00.000Z',
    );
    const badDay = await admin.request('PUT', `/api/v1/calendars/${calendarId}/days/2026-13-40`, {
      kind: 'holiday',
    });
    expect(badDay.statusCode).toBe(400);
    const uncovered = await admin.request('PUT', `/api/v1/calendars/${calendarId}/days/2030-01-02`, {
      kind: 'holiday',
    });
    expect(uncovered.json().error).toMatchObject({
      code: 'calendar.year_not_covered',
      details: { year: 2030 },
    });
    const overlapping = await admin.request('PUT', `/api/v1/calendars/${calendarId}/days/2026-12-05`, {
      kind: 'workday',
      hours: [
        ['09:00', '12:00'],
        ['11:00', '13:00'],
      ],
    });
    expect(overlapping.statusCode).toBe(400);
    expect(overlapping.json().error.details.issues[0].message).toMatch(/overlap/);
    const backwards = await staff.request('POST', `/api/v1/calendars/${calendarId}/measure`, {
      start: '2026-11-27T14:00:00+08:00',
      end: '2026-11-27T10:00:00+08:00',
    });
    expect(backwards.json().error.details.issues[0].path).toBe('body.end');
  });

  it('validates weekly hours on create, naming the field', async () => {
    const response = await admin.request('POST', '/api/v1/calendars', {
      code: `BAD-${ctx().dialect}`,
      name: '错误日历',
      weekly: { mon: [['09:00', '25:00']], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.issues[0].path).toMatch(/^body\.weekly\.mon/);
  });
});
