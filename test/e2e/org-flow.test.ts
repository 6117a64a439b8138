import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { describeInBrowser, e2eAdminPassword, retryUntil } from './browser.js';

describeInBrowser('organisation flow', (app) => {
  let server: RunningServer;
  let page: Page;
  beforeAll(() => {
    ({ server, page } = app());
  });

  it(
    'logs in, creates a unit and a person, switches to English and still sees them',
    { timeout: 60_000 },
    async () => {
      await page.goto(server.url + '/');
      await page.waitForURL(/\/login/);
      expect((await page.getByTestId('login-submit').textContent())?.replace(/\s/g, '')).toContain('登录'); // Chinese first
      await page.getByTestId('login-username').fill('admin');
      await page.getByTestId('login-password').fill(e2eAdminPassword);
      await page.getByTestId('login-submit').click();
      // Home is the dashboard; the organisation page is one click away.
      await page.waitForURL((url) => url.pathname === '/');
      await page.getByTestId('nav-org').click();
      await page.waitForURL(/\/org/);

      // The organisation page with the root unit made at first start.
      const tree = page.getByTestId('unit-tree');
      await tree.getByText('本单位').click();
      await page.getByTestId('unit-add').click();
      const unitDialog = page.getByRole('dialog');
      await unitDialog.getByLabel('编码').fill('E2E-GRID');
      await unitDialog.getByLabel('名称', { exact: true }).fill('测试网格');
      await unitDialog.getByLabel('类型').click();
      await page.locator('.ant-select-dropdown').getByText('网格', { exact: true }).click();
      await page.getByTestId('unit-form-submit').click();
      await expect.poll(() => tree.getByText('测试网格').count()).toBe(1);

      await tree.getByText('测试网格').click();
      await page.getByTestId('person-add').click();
      const drawer = page.locator('.ant-drawer');
      await drawer.getByLabel('姓名').fill('李四');
      await drawer.getByLabel('岗位').fill('网格经理');
      await page.getByTestId('person-form-submit').click();
      const people = page.getByTestId('people-table');
      await expect.poll(() => people.getByText('李四').count()).toBe(1);
      expect(await people.getByText('网格经理').count()).toBe(1);

      // Switch the interface to English: the menu and labels change, the data stays.
      // The dropdown opens with an animation; on a loaded machine a click can land before it
      // takes input, so open-and-choose is retried until the page speaks English.
      await retryUntil(async () => {
        if (!(await page.getByTestId('lang-en').isVisible())) await page.getByTestId('user-menu').click();
        await page.getByTestId('lang-en').click({ timeout: 2000 });
        await page.getByText('Organisation').first().waitFor({ timeout: 2000 });
      });
      expect(await people.getByText('李四').count()).toBe(1);
      expect(await tree.getByText('测试网格').count()).toBe(1);
      expect(await page.getByText('组织机构').count()).toBe(0);
      await page.getByTestId('user-menu').click();
      await expect.poll(() => page.getByText('Change password').count()).toBe(1);
      if (process.env.GUANKONG_E2E_SCREENSHOTS)
        await page.screenshot({ path: path.join(process.env.GUANKONG_E2E_SCREENSHOTS, 'org-en.png') });

      // What the browser did is in the database, through the API the page used.
      const cookies = await page.context().cookies();
      const session = cookies.find((c) => c.name === 'gk_session');
      const listed = await fetch(`${server.url}/api/v1/people?q=李四`, {
        headers: { cookie: `gk_session=${session?.value}` },
      });
      const body = (await listed.json()) as {
        items: Array<{ name: string; unitName: string; position: string }>;
      };
      expect(body.items).toEqual([
        expect.objectContaining({ name: '李四', unitName: '测试网格', position: '网格经理' }),
      ]);
    },
  );
});
