import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { describeInBrowser, logInAsAdmin } from './browser.js';

describeInBrowser('customers flow', (app) => {
  let server: RunningServer;
  let page: Page;
  beforeAll(() => {
    ({ server, page } = app());
  });

  it(
    'logs in, creates a tagged customer, sees the full number and finds it by that number',
    { timeout: 60_000 },
    async () => {
      await logInAsAdmin(page, server);

      await page.getByTestId('nav-customers').click();
      await page.waitForURL(/\/customers/);
      const table = page.getByTestId('customers-table');
      await table.getByText('暂无客户').waitFor();

      await page.getByTestId('customer-add').click();
      const drawer = page.locator('.ant-drawer');
      await drawer.getByLabel('名称', { exact: true }).fill('王大爷');
      await drawer.getByLabel('电话', { exact: true }).fill('13812341234');
      await drawer.getByLabel('所属单元').click();
      await page
        .locator('.ant-select-dropdown:visible')
        .getByText(/^本单位/)
        .click();
      await drawer.getByLabel('重点客户').check();
      await page.getByTestId('customer-form-submit').click();

      // Admins hold customers.contact: the number is shown in full, with the tag chip beside the name.
      await expect.poll(() => table.getByText('王大爷').count()).toBe(1);
      expect(await table.getByText('13812341234').isVisible()).toBe(true);
      expect(await table.getByText('重点客户').count()).toBe(1);
      expect(await table.getByText('本单位').count()).toBe(1);

      // Editing right after creating shows the customer's values, not the emptied create form.
      await table.getByTestId('customer-edit').first().click();
      const editDrawer = page.locator('.ant-drawer:visible');
      await expect.poll(() => editDrawer.getByLabel('名称', { exact: true }).inputValue()).toBe('王大爷');
      await expect
        .poll(() => editDrawer.getByLabel('电话', { exact: true }).inputValue())
        .toBe('13812341234');
      await editDrawer.locator('.ant-drawer-close').click();
      await editDrawer.waitFor({ state: 'hidden' });

      // A partial number finds nothing (hidden digits cannot be probed); the whole number finds it.
      const search = page.getByTestId('customer-search').locator('input');
      await search.fill('1381234');
      await search.press('Enter');
      await table.getByText('没有符合条件的客户').waitFor();
      await search.fill('13812341234');
      await search.press('Enter');
      await expect.poll(() => table.getByText('王大爷').count()).toBe(1);
      expect(await table.getByText('13812341234').isVisible()).toBe(true);
    },
  );
});
