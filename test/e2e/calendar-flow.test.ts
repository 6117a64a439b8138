import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { describeInBrowser, retryUntil, logInAsAdmin } from './browser.js';

describeInBrowser('working calendar flow', (app) => {
  let server: RunningServer;
  let page: Page;
  beforeAll(() => {
    ({ server, page } = app());
  });

  /** The special days of a year of the standard calendar, read through the API with the page's cookie. */
  const specialDays = async (year: number) => {
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'gk_session');
    const headers = { cookie: `gk_session=${session?.value}` };
    const list = (await (await fetch(`${server.url}/api/v1/calendars`, { headers })).json()) as {
      items: Array<{ id: number; code: string }>;
    };
    const standard = list.items.find((c) => c.code === 'CN-STD');
    expect(standard).toBeDefined();
    const response = await fetch(`${server.url}/api/v1/calendars/${standard?.id}?year=${year}`, { headers });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      days: Array<{ date: string; kind: 'holiday' | 'workday'; name: string | null }>;
    };
    return body.days;
  };

  it(
    'shows the 2026 holidays, declares a company holiday, computes a due time around it and restores it',
    { timeout: 60_000 },
    async () => {
      await logInAsAdmin(page, server);

      // The calendar page from the menu, with the standard calendar made at start-up.
      await page.getByTestId('nav-calendars').click();
      await page.waitForURL(/\/calendars/);
      const yearView = page.getByTestId('calendar-year-view');
      await yearView.waitFor();
      expect(await page.getByTestId('calendar-summary').textContent()).toContain('CN-STD');
      expect(await page.getByTestId('calendar-weekly').textContent()).toContain('周一至周五');

      // The view opens on the current year within the covered years; go to 2026 whatever today is.
      await retryUntil(async () => {
        const shown = Number(await yearView.getAttribute('data-year', { timeout: 2000 }));
        if (shown < 2026) await page.getByTestId('calendar-next-year').click({ timeout: 2000 });
        if (shown > 2026) await page.getByTestId('calendar-prev-year').click({ timeout: 2000 });
        expect(shown).toBe(2026);
      });

      // National Day is a holiday (休, its name on hover); Saturday 10 October is a make-up working day (班).
      const nationalDay = page.getByTestId('calendar-day-2026-10-01');
      await expect.poll(() => nationalDay.getAttribute('data-day-type')).toBe('holiday');
      expect(await nationalDay.textContent()).toContain('休');
      await nationalDay.hover();
      await expect.poll(() => page.locator('.ant-tooltip').getByText('国庆节').count()).toBeGreaterThan(0);
      const makeUpDay = page.getByTestId('calendar-day-2026-10-10');
      expect(await makeUpDay.getAttribute('data-day-type')).toBe('makeup');
      expect(await makeUpDay.textContent()).toContain('班');
      expect(await page.getByTestId('calendar-day-2026-12-04').getAttribute('data-day-type')).toBe('workday');

      // Friday 4 December becomes a company holiday.
      await page.getByTestId('calendar-day-2026-12-04').click();
      await page.getByTestId('calendar-day-holiday').click();
      await page.getByTestId('calendar-day-name').fill('公司活动日');
      await page.getByTestId('calendar-day-submit').click();
      const companyDay = page.getByTestId('calendar-day-2026-12-04');
      await expect.poll(() => companyDay.getAttribute('data-day-type')).toBe('holiday');
      expect(await companyDay.textContent()).toContain('休');
      await expect
        .poll(() => page.getByTestId('calendar-special-days').getByText('公司活动日').count())
        .toBeGreaterThan(0);
      expect(await yearView.getByText('公司活动日').count()).toBe(1);
      expect((await specialDays(2026)).find((d) => d.date === '2026-12-04')).toMatchObject({
        kind: 'holiday',
        name: '公司活动日',
      });

      // Two working hours from Thursday 17:00 in Shanghai: one that day, the next on Monday (Friday is off).
      await page.getByTestId('due-start').click();
      await page.getByTestId('due-start').fill('2026-12-03 17:00');
      await page.getByTestId('due-start').press('Enter');
      await page.getByTestId('due-duration').fill('2wh');
      await page.getByTestId('due-submit').click();
      await expect.poll(() => page.getByTestId('due-result').textContent()).toContain('2026-12-07 10:00');
      if (process.env.GUANKONG_E2E_SCREENSHOTS)
        await page.screenshot({ path: path.join(process.env.GUANKONG_E2E_SCREENSHOTS, 'calendar.png') });

      // Back to the weekly rule.
      await companyDay.click();
      await page.getByTestId('calendar-day-restore').click();
      await expect.poll(() => companyDay.getAttribute('data-day-type')).toBe('workday');
      expect(await yearView.getByText('公司活动日').count()).toBe(0);

      // The API the page used agrees: 4 December 2026 is no special day any more.
      const afterRestore = await specialDays(2026);
      expect(afterRestore.find((d) => d.date === '2026-12-04')).toBeUndefined();
      expect(afterRestore.find((d) => d.date === '2026-10-01')).toMatchObject({ kind: 'holiday' });
      expect(afterRestore.find((d) => d.date === '2026-10-10')).toMatchObject({ kind: 'workday' });
    },
  );
});
