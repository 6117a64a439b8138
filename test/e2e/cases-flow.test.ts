import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { systemActor } from '../../src/platform/access.js';
import type { Clock } from '../../src/platform/clock.js';
import { installCaseType } from '../../src/modules/cases/case-types.service.js';
import type { RunningServer } from '../../src/server.js';
import { repairType } from '../helpers/cases.js';
import { caseAction, describeInBrowser, logInAsAdmin } from './browser.js';

// The server's time runs from a Monday morning in a year the holiday data covers, whatever the
// date of the machine: the clocks below are then met for certain.
const startedAt = Date.now();
const mondayMorning = new Date('2026-11-23T09:00:00+08:00').getTime();
const clock: Clock = { now: () => new Date(mondayMorning + (Date.now() - startedAt)) };

/** Picks an option of an antd Select or TreeSelect once the dropdown shows it. */
const choose = async (page: Page, testId: string, option: string | RegExp) => {
  await page.getByTestId(testId).click();
  const item = page.locator('.ant-select-dropdown:visible').getByText(option).first();
  await item.waitFor();
  await item.click();
};

describeInBrowser(
  'cases flow',
  (app) => {
    let server: RunningServer;
    let page: Page;
    beforeAll(async () => {
      ({ server, page } = app());
      await server.ctx.db
        .transaction()
        .execute((tx) =>
          installCaseType(tx, repairType, { clock, actor: systemActor('e2e'), mode: 'upsert' }),
        );
    });

    it(
      'registers a repair, takes it, resolves it, records the callback and sees it closed with its clocks met',
      { timeout: 90_000 },
      async () => {
        await logInAsAdmin(page, server);
        await page.getByTestId('nav-cases').click();
        await page.waitForURL(/\/cases/);

        await page.getByTestId('case-add').click();
        await choose(page, 'case-form-type', '报修');
        await choose(page, 'case-form-unit', /^本单位/);
        await choose(page, 'case-form-category', '漏水');
        await page.getByTestId('case-form-title').fill('3 栋 1 单元 502 厨房漏水');
        await page.getByTestId('case-field-room').fill('3-1-502');
        await page.getByTestId('case-form-assignee').click();
        await page.locator('.ant-select-dropdown:visible').getByText('系统管理员').first().click();
        await page.getByTestId('case-form-submit').click();

        // The new case is listed; on its page, assigned: take the order, arrive, resolve with the outcome.
        const row = page.getByTestId('case-row-link').filter({ hasText: '3 栋 1 单元 502 厨房漏水' });
        await row.waitFor();
        await row.click();
        await page.waitForURL(/\/cases\/\d+/);
        const status = page.getByTestId('case-status');
        await expect.poll(() => status.getAttribute('data-status')).toBe('assigned');
        // An action: its dialog, filled, confirmed, until the case shows the new status — again when
        // a click was lost while a busy machine was still opening the dialog.
        const act = (action: string, to: string, fill?: () => Promise<void>) =>
          caseAction(page, action, to, fill);
        await act('accept', 'accepted');
        await act('start', 'in_progress');
        await act('resolve', 'resolved', async () => {
          await choose(page, 'case-action-reason', '管道老化');
          await page.getByTestId('case-action-feedback').fill('更换老化的进水管阀门，试水无渗漏');
        });

        // The callback (回访): reached, five stars; the case closes.
        await page.getByTestId('case-callback-form').waitFor();
        const reached = page.getByTestId('case-callback-reached');
        if ((await reached.getAttribute('aria-checked')) !== 'true') await reached.click();
        await page.getByTestId('case-callback-satisfaction').locator('.ant-rate-star').nth(4).click();
        await page.getByTestId('case-callback-comment').fill('业主表示满意');
        await page.getByTestId('case-callback-submit').click();
        await expect.poll(() => status.getAttribute('data-status')).toBe('closed');

        for (const clockKey of ['response', 'resolution'])
          await expect
            .poll(() => page.getByTestId(`case-clock-${clockKey}`).getAttribute('data-status'))
            .toBe('met');
        // The timeline tells the story in order.
        await expect
          .poll(() => page.getByText('更换老化的进水管阀门，试水无渗漏').count())
          .toBeGreaterThan(0);
      },
    );
  },
  { clock },
);
