/**
 * Headless Chromium for the browser tests, through playwright-core driving Debian's
 * /usr/bin/chromium with a fresh profile. `openReport` loads a report from a file:// URL and
 * records every request that is not the report itself, every console error and page error.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  return (
    `${CHROMIUM} not found. Install Chromium with ` +
    '`sudo apt-get install chromium` (or set CHROMIUM_PATH).'
  );
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'clusterlens-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
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
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface OpenedReport {
  page: Page;
  /** URLs requested other than the report file itself. */
  requests: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
  /** Console messages of any level. */
  console: string[];
}

/** Open a report file and wait until every chart is embedded. */
export async function openReport(
  browser: Browser,
  path: string,
  options: { colorScheme?: 'light' | 'dark'; waitForCharts?: boolean } = {},
): Promise<OpenedReport> {
  const page = await browser.context.newPage();
  if (options.colorScheme) await page.emulateMedia({ colorScheme: options.colorScheme });
  const url = pathToFileURL(path).href;
  const requests: string[] = [];
  const errors: string[] = [];
  const consoleMessages: string[] = [];
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  page.on('console', (m) => {
    consoleMessages.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  if (options.waitForCharts ?? true) {
    await page.waitForFunction('window.clusterlens !== undefined', undefined, { timeout: 30_000 });
    await page.evaluate('window.clusterlens.ready.then(() => null)');
    await page.evaluate(
      'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null))))',
    );
  }
  return { page, requests, errors, console: consoleMessages };
}
