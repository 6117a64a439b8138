import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

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
