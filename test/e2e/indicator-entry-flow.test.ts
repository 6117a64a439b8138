import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { systemActor } from '../../src/platform/access.js';
import type { Clock } from '../../src/platform/clock.js';
import { listValueVersions } from '../../src/modules/indicators/indicator-values.service.js';
import { defineIndicator } from '../../src/modules/indicators/indicators.service.js';
import { createUnit } from '../../src/modules/org/units.service.js';
import { createUser } from '../../src/modules/org/users.service.js';
import type { RunningServer } from '../../src/server.js';
import { describeInBrowser } from './browser.js';
import { feeRecovery } from '../helpers/indicators.js';

// The server's time runs from a Thursday of November 2026, whatever the date of the machine, so
// that October and September 2026 are among the 12 periods the indicator page shows.
const startedAt = Date.now();
const serverStart = new Date('2026-11-26T09:00:00+08:00').getTime();
const clock: Clock = { now: () => new Date(serverStart + (Date.now() - startedAt)) };

const managerPassword = 'e2e branch manager password';

/** Leaves the current session and logs in as someone else. */
const logInAs = async (page: Page, server: RunningServer, username: string, password: string) => {
  await page.context().clearCookies();
  await page.goto(server.url + '/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
};

/** Opens the entry drawer and fills a month, a numerator and a denominator (not submitted). */
const fillEntry = async (page: Page, month: string, numerator: string, denominator: string) => {
  await page.getByTestId('indicator-entry-open').click();
  await page.getByTestId('indicator-entry').waitFor();
  const period = page.getByTestId('indicator-entry-period');
  await period.click();
  await period.fill(month);
  // Tab, not Enter, which would submit the form.
  await page.keyboard.press('Tab');
  await expect.poll(() => period.inputValue()).toBe(month);
  await page.getByTestId('indicator-entry-numerator').fill(numerator);
  await page.getByTestId('indicator-entry-denominator').fill(denominator);
};

/** The text of the latest antd message (toast). */
const lastMessage = (page: Page) => page.locator('.ant-message-notice').last().innerText();

describeInBrowser(
  'indicator entry flow',
  (app) => {
    let server: RunningServer;
    let page: Page;
    let eastId = 0;
    beforeAll(async () => {
      ({ server, page } = app());
      const { db } = server.ctx;
      const deps = { db, clock, actor: systemActor('e2e') };
      const company = await createUnit(
        { parentId: null, code: 'DF', name: '东方电力', kind: 'company' },
        deps,
      );
      const east = await createUnit(
        { parentId: company.id, code: 'DF-E', name: '东城供电所', kind: 'branch' },
        deps,
      );
      eastId = east.id;
      await createUser(
        {
          username: 'east.manager',
          displayName: '东城所长',
          password: managerPassword,
          grants: [{ role: 'manager', unitId: east.id }],
        },
        deps,
      );
      // Fee recovery: collected over billed, loaded each month from the billing system (or by hand).
      await defineIndicator(
        {
          definition: feeRecovery({ targets: [{ unit: '*', target: 0.95 }] }),
        },
        deps,
      );
      // Average price by 旬, a mean weighted by the energy sold.
      await defineIndicator(
        {
          definition: {
            key: 'avg_price',
            name: '平均电价',
            nameEn: 'Average price',
            measure: { kind: 'value', unit: '元/千瓦时' },
            direction: 'band',
            aggregation: 'weighted_mean',
            grain: 'xun',
            source: { kind: 'loaded' },
            targets: [{ unit: '*', band: [0.5, 0.7] }],
            weight: { name: '售电量', nameEn: 'Energy sold' },
          },
        },
        deps,
      );
    });

    it(
      'a manager enters a month of a loaded ratio, corrects it, sees both versions, and a bad entry is refused with the server’s words',
      { timeout: 120_000 },
      async () => {
        await logInAs(page, server, 'east.manager', managerPassword);
        await page.goto(`${server.url}/indicators/fee_recovery?unitId=${eastId}`);
        await page.getByTestId('indicator-page').waitFor();
        const values = page.getByTestId('indicator-values');
        const october = values.locator('tr', { hasText: '2026-10' });

        // First entry: 96 collected of 100 billed; the form shows the ratio as it is typed.
        await fillEntry(page, '2026-10', '96', '100');
        // The unit is the page's, chosen for him.
        expect(await page.getByTestId('indicator-entry').innerText()).toContain('东城供电所');
        await expect.poll(() => page.getByTestId('indicator-entry-ratio').innerText()).toBe('比率：96.0%');
        expect(await page.getByTestId('indicator-entry-existing').count()).toBe(0);
        await page.getByTestId('indicator-entry-submit').click();
        await expect.poll(() => lastMessage(page)).toBe('已录入 1 个数值');
        await page.getByTestId('indicator-entry').waitFor({ state: 'detached' });
        await expect.poll(() => october.innerText()).toContain('96.0%');
        await expect.poll(() => page.getByTestId('indicator-latest-value').innerText()).toBe('96.0%');

        // Again for October, 97 of 100: the form says a value is there and shows it.
        await fillEntry(page, '2026-10', '97', '100');
        const existing = page.getByTestId('indicator-entry-existing');
        await existing.waitFor();
        expect(await existing.innerText()).toContain(
          '东城供电所 2026-10 已有数值 96.0%（分子 96 / 分母 100）',
        );
        expect(await existing.innerText()).toContain('更正');
        await page.getByTestId('indicator-entry-submit').click();
        await expect.poll(() => lastMessage(page)).toContain('已更正 1 个数值');
        await page.getByTestId('indicator-entry').waitFor({ state: 'detached' });
        await expect.poll(() => october.innerText()).toContain('97.0%');
        expect(await october.innerText()).not.toContain('96.0%');

        // The history of October: the correction and the value it replaced.
        await october.getByRole('button', { name: '修订记录' }).click();
        const history = page.locator('.ant-drawer', { hasText: '东城供电所 · 2026-10 的修订记录' });
        await history.waitFor();
        const items = history.locator('.ant-timeline-item');
        await expect.poll(() => items.count()).toBe(2);
        const [newest, oldest] = await items.allInnerTexts();
        expect(newest).toContain('97.0%');
        expect(newest).toContain('当前');
        expect(newest).toContain('东城所长');
        expect(oldest).toContain('96.0%');
        expect(oldest).toContain('被替换');
        await page.keyboard.press('Escape');
        await history.waitFor({ state: 'hidden' });

        // A bad entry for September: 120 collected of 100 billed. The server refuses it, its words
        // stand under the numerator, and nothing is written.
        await fillEntry(page, '2026-09', '120', '100');
        await expect.poll(() => page.getByTestId('indicator-entry-ratio').innerText()).toBe('比率：120.0%');
        await page.getByTestId('indicator-entry-submit').click();
        const refused = page.getByTestId('indicator-entry-refused');
        await refused.waitFor();
        expect(await refused.innerText()).toContain('指标数据中有 1 处错误，未写入任何数值');
        const numeratorItem = page.locator('.ant-form-item', {
          has: page.getByTestId('indicator-entry-numerator'),
        });
        await expect
          .poll(() => numeratorItem.locator('.ant-form-item-explain').innerText())
          .toContain('比率须在 0 到 1 之间');
        // The drawer stays open with what was typed.
        expect(await page.getByTestId('indicator-entry-numerator').inputValue()).toBe('120');
        const deps = { db: server.ctx.db, actor: systemActor('e2e') };
        expect(
          await listValueVersions({ indicator: 'fee_recovery', unitId: eastId, period: '2026-09' }, deps),
        ).toEqual([]);
        expect(
          await listValueVersions({ indicator: 'fee_recovery', unitId: eastId, period: '2026-10' }, deps),
        ).toHaveLength(2);
        // Cancel (antd spaces two Chinese characters on a button: 取 消).
        await page
          .locator('.ant-drawer', { has: page.getByTestId('indicator-entry') })
          .getByRole('button', { name: /取\s*消/ })
          .click();
        await page.getByTestId('indicator-entry').waitFor({ state: 'detached' });
        // The page lists periods with a value: still October alone.
        expect(await values.locator('tr', { hasText: '2026-09' }).count()).toBe(0);
        expect(await october.innerText()).toContain('97.0%');
      },
    );

    it(
      'in English, a 旬 indicator asks for a value and its weight and names its periods early / mid / late',
      { timeout: 120_000 },
      async () => {
        await logInAs(page, server, 'east.manager', managerPassword);
        // The language chosen in this browser wins over the account's (web/src/i18n/index.ts).
        await page.evaluate("localStorage.setItem('gk_lang', 'en')");
        try {
          await page.goto(`${server.url}/indicators/avg_price?unitId=${eastId}`);
          await page.getByTestId('indicator-page').waitFor();
          await page.getByTestId('indicator-entry-open').click();
          const entry = page.getByTestId('indicator-entry');
          await entry.waitFor();
          // A weighted mean: the value and the weight, named as the definition names it; no ratio.
          expect(await page.getByTestId('indicator-entry-numerator').count()).toBe(0);
          expect(await entry.innerText()).toContain('Energy sold');
          const period = page.getByTestId('indicator-entry-period');
          await period.click();
          await period.fill('2026-10-15');
          await page.keyboard.press('Tab');
          await expect.poll(() => entry.innerText()).toContain('Period: 2026-10 mid');
          await page.getByTestId('indicator-entry-value').fill('0.58');
          await page.getByTestId('indicator-entry-weight').fill('1200');
          await page.getByTestId('indicator-entry-submit').click();
          await expect.poll(() => lastMessage(page)).toBe('1 value(s) entered');
          await entry.waitFor({ state: 'detached' });
          // The API labels the period `2026-10 中旬`; the page says it in English.
          const row = page.getByTestId('indicator-values').locator('tr', { hasText: '2026-10 mid' });
          await expect.poll(() => row.innerText()).toContain('0.58');
          expect(await page.getByTestId('indicator-page').innerText()).not.toContain('中旬');
        } finally {
          await page.evaluate("localStorage.setItem('gk_lang', 'zh-CN')");
        }
      },
    );
  },
  { clock },
);
