import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { systemActor } from '../../src/platform/access.js';
import type { Clock } from '../../src/platform/clock.js';
import { recomputeIndicators } from '../../src/modules/indicators/indicator-compute.service.js';
import { defineIndicator } from '../../src/modules/indicators/indicators.service.js';
import { createUnit } from '../../src/modules/org/units.service.js';
import { createUser } from '../../src/modules/org/users.service.js';
import type { RunningServer } from '../../src/server.js';
import { buildCase, installRepairType } from '../helpers/cases.js';
import { describeInBrowser } from './browser.js';

// The server's time runs from a Thursday morning of November 2026, whatever the date of the
// machine. The cases were registered the Monday before, under a clock of their own: their
// one-working-day resolution fell due on Tuesday, so on the server's Thursday they are overdue.
const startedAt = Date.now();
const thursdayMorning = new Date('2026-11-26T09:00:00+08:00').getTime();
const clock: Clock = { now: () => new Date(thursdayMorning + (Date.now() - startedAt)) };
const mondayMorning: Clock = { now: () => new Date('2026-11-23T09:00:00+08:00') };

const managerPassword = 'e2e area manager password';
const eastTitles = ['东一网格 3 栋 502 厨房漏水', '东二网格 7 栋 101 卫生间漏水'];
const westTitle = '西一网格 2 栋 303 阳台漏水';

/** Leaves the current session and logs in as someone else. */
const logInAs = async (page: Page, server: RunningServer, username: string, password: string) => {
  await page.context().clearCookies();
  await page.goto(server.url + '/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
};

describeInBrowser(
  'dashboard flow',
  (app) => {
    let server: RunningServer;
    let page: Page;
    let eastId = 0;
    beforeAll(async () => {
      ({ server, page } = app());
      const { db } = server.ctx;
      const deps = { db, clock, actor: systemActor('e2e') };
      await installRepairType(db, mondayMorning);
      // A company, the branch the area manager answers for with its two grids, and another branch.
      const company = await createUnit(
        { parentId: null, code: 'DF', name: '东方水务', kind: 'company' },
        deps,
      );
      const east = await createUnit(
        { parentId: company.id, code: 'DF-E', name: '东城分公司', kind: 'branch' },
        deps,
      );
      eastId = east.id;
      const west = await createUnit(
        { parentId: company.id, code: 'DF-W', name: '西城分公司', kind: 'branch' },
        deps,
      );
      const eastGrid1 = await createUnit(
        { parentId: east.id, code: 'DF-E-G1', name: '东一网格', kind: 'grid' },
        deps,
      );
      const eastGrid2 = await createUnit(
        { parentId: east.id, code: 'DF-E-G2', name: '东二网格', kind: 'grid' },
        deps,
      );
      const westGrid = await createUnit(
        { parentId: west.id, code: 'DF-W-G1', name: '西一网格', kind: 'grid' },
        deps,
      );
      await createUser(
        {
          username: 'east.manager',
          displayName: '东城区域经理',
          password: managerPassword,
          grants: [{ role: 'manager', unitId: east.id }],
        },
        deps,
      );
      // Overdue cases, counted now; none is tolerated.
      await defineIndicator(
        {
          definition: {
            key: 'overdue',
            name: '超期工单数',
            nameEn: 'Overdue cases',
            measure: { kind: 'count' },
            direction: 'lower_better',
            aggregation: 'sum',
            grain: 'month',
            source: { kind: 'computed', from: 'cases.overdue_count', params: { caseType: 'repair' } },
            targets: [{ target: 0 }],
          },
        },
        deps,
      );
      // Registered on Monday, never taken: one in each east grid, one in the west branch.
      const system = systemActor('e2e');
      await buildCase(db, mondayMorning, system, { unitId: eastGrid1.id, title: eastTitles[0]! });
      await buildCase(db, mondayMorning, system, { unitId: eastGrid2.id, title: eastTitles[1]! });
      await buildCase(db, mondayMorning, system, { unitId: westGrid.id, title: westTitle });
      // The values the nightly sweep would write, as of the server's Thursday.
      const result = await recomputeIndicators({}, { db, clock });
      expect(result.valuesWritten).toBe(3);
    });

    it(
      'an area manager sees the overdue card red on his home page and drills down to the overdue cases of his branch only',
      { timeout: 120_000 },
      async () => {
        await logInAs(page, server, 'east.manager', managerPassword);

        // 首页 (the login page still lands on the organisation: the home item of the menu), his
        // branch, the overdue count of its two grids, in the red against a target of 0.
        await page.getByTestId('nav-home').click();
        const dashboard = page.getByTestId('dashboard');
        await dashboard.waitFor();
        expect(new URL(page.url()).pathname).toBe('/');
        expect(await dashboard.getAttribute('data-unit-id')).toBe(String(eastId));
        const card = page.getByTestId('indicator-card-overdue');
        await expect.poll(() => card.getAttribute('data-status')).toBe('missed');
        expect(await page.getByTestId('indicator-card-overdue-value').innerText()).toBe('2');
        expect(await page.getByTestId('indicator-card-overdue-status').innerText()).toBe('未达标');
        expect(await page.getByTestId('indicator-card-overdue-target').innerText()).toBe('目标 ≤ 0');
        // Red, as the browser styles it (the root project has no DOM types: the page's own window).
        expect(
          await page
            .getByTestId('indicator-card-overdue-value')
            .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).color),
        ).toBe('rgb(207, 19, 34)');
        // The overdue cases beside the cards are those of his branch, the west one is not.
        expect(await page.getByTestId('dashboard-overdue-total').innerText()).toBe('共 2 件');
        const listed = await page.getByTestId('dashboard-overdue-case').allInnerTexts();
        expect(listed.map((t) => t.replace(/^#\d+\s*/, '')).sort()).toEqual([...eastTitles].sort());
        // The ranking of his two grids, one overdue case each: a tie.
        const ranking = page.getByTestId('dashboard-ranking');
        expect((await page.getByTestId('dashboard-ranking-unit').allInnerTexts()).sort()).toEqual([
          '东一网格',
          '东二网格',
        ]);
        expect(await ranking.innerText()).not.toContain('西一网格');

        // Drill-down: the card opens the indicator for the branch, with its grids.
        await card.click();
        await page.waitForURL(/\/indicators\/overdue\?unitId=\d+/);
        expect(new URL(page.url()).searchParams.get('unitId')).toBe(String(eastId));
        await expect.poll(() => page.getByTestId('indicator-latest-value').innerText()).toBe('2');
        expect(await page.getByTestId('indicator-latest-status').innerText()).toBe('未达标');
        expect(await page.getByTestId('indicator-facts').innerText()).toContain(
          '系统计算 · 超期工单数（repair）',
        );
        await expect.poll(() => page.getByTestId('indicator-child-link').count()).toBe(2);
        expect(await page.getByTestId('indicator-child-value').allInnerTexts()).toEqual(['1', '1']);

        // … and from there the overdue cases behind the figure: exactly the two of his branch.
        await page.getByTestId('indicator-cases-link').click();
        await page.waitForURL(/\/cases\?/);
        const params = new URL(page.url()).searchParams;
        expect(params.get('view')).toBe('overdue');
        expect(params.get('unit')).toBe(String(eastId));
        const rows = page.getByTestId('case-row-link');
        await expect.poll(() => rows.count()).toBe(2);
        const titles = await rows.allInnerTexts();
        expect(titles.map((t) => t.replace(/^#\d+\s*/, '')).sort()).toEqual([...eastTitles].sort());
        expect(titles.join('\n')).not.toContain(westTitle);
      },
    );
  },
  { clock },
);
