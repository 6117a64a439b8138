import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { loadConfig } from '../../src/platform/config/config.js';
import type { Clock } from '../../src/platform/clock.js';
import type { RunningServer } from '../../src/server.js';
import { startServer } from '../../src/server.js';

/** Debian's Chromium; the tests never download a browser. */
export const chromiumPath = process.env.GUANKONG_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumUnavailableReason = (): string | null =>
  existsSync(chromiumPath) ? null : `no Chromium at ${chromiumPath} (apt-get install -y chromium)`;

/** Headless, no sandbox (tests run as root), no background traffic to the outside; Playwright gives it a fresh profile. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });

/** Runs `step` until it passes, for at most `ms`; the last failure is rethrown. */
export const retryUntil = async (step: () => Promise<void>, ms = 20_000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
};

export const e2eAdminPassword = 'e2e admin password';

/**
 * On a case page: runs a lifecycle action through its dialog until the case shows status `to`. A
 * click can land while the page still settles (a refetch re-renders the buttons) and be lost, so the
 * step is retried from wherever it got to; `fill` fills the dialog before confirming.
 */
export const caseAction = (page: Page, action: string, to: string, fill?: () => Promise<void>) => {
  const status = page.getByTestId('case-status');
  return retryUntil(async () => {
    if ((await status.getAttribute('data-status')) === to) return;
    const confirm = page.getByTestId('case-action-confirm');
    if (!(await confirm.isVisible())) await page.getByTestId(`case-action-${action}`).click();
    await confirm.waitFor({ state: 'visible', timeout: 5_000 });
    await fill?.();
    await confirm.click();
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 5_000 }).toBe(to);
  }, 40_000);
};

/** Opens the app, which sends a stranger to the login page, and logs in as the first administrator. */
export const logInAsAdmin = async (page: Page, server: RunningServer) => {
  await page.goto(server.url + '/');
  await page.waitForURL(/\/login/);
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill(e2eAdminPassword);
  await page.getByTestId('login-submit').click();
};

/**
 * A browser suite: a fresh server on its own SQLite file (no demo data, admin password
 * known), Debian's Chromium with one page, a screenshot in the temp folder when a test
 * fails, and everything closed afterwards. Skipped only where Chromium is not installed,
 * never in CI.
 */
export const describeInBrowser = (
  name: string,
  suite: (app: () => { server: RunningServer; page: Page }) => void,
  options: { clock?: Clock } = {},
) => {
  const reason = chromiumUnavailableReason();
  if (reason && process.env.CI) throw new Error(`CI must run the browser tests: ${reason}`);
  if (reason) console.warn(`[guankong tests] browser flow "${name}" skipped: ${reason}`);
  (reason ? describe.skip : describe)(`browser: ${name}`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'guankong-e2e-'));
    let server: RunningServer | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;

    beforeAll(async () => {
      const config = loadConfig({
        GUANKONG_DATA_DIR: dir,
        GUANKONG_DATABASE_URL: path.join(dir, 'e2e.sqlite'),
        GUANKONG_ADMIN_PASSWORD: e2eAdminPassword,
        GUANKONG_DEMO_DATA: 'false',
        GUANKONG_JOBS: 'false',
        PORT: '0',
        LOG_LEVEL: 'silent',
      });
      server = await startServer(config, {
        logger: false,
        ...(options.clock ? { clock: options.clock } : {}),
      });
      browser = await launchChromium();
      page = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      page.setDefaultTimeout(10_000);
    });

    afterEach(async (context) => {
      // A picture of the page when a step failed, to see what the user would have seen.
      const file = path.join(tmpdir(), `guankong-e2e-${name.replace(/\W+/g, '-')}-failure.png`);
      if (context.task.result?.state === 'fail') await page?.screenshot({ path: file });
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    suite(() => {
      if (!server || !page) throw new Error('browser suite not ready');
      return { server, page };
    });
  });
};
