import { BrowserContext, chromium } from 'playwright-core';
import { tempDir } from '#testing';

/** Debian's Chromium, headless, with a fresh profile per run (Playwright's --user-data-dir). */
export function launchChromium(viewport: {
  width: number;
  height: number;
}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tempDir('av-chromium-'), {
    viewport,
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
