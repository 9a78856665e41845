// Shared by the browser tests of new screens: the built client served by the real app on port 0, headless Chromium,
// a signed-in page, and a collector of script errors.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp } from '../../src/app.ts';
import { settingsFrom } from '../../src/settings.ts';
import { TEST_PASSWORD, TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { suite } from '../setup.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** Skips the suite, saying why, when Debian's Chromium is missing; with REQUIRE_BROWSER=1 that is a failure. */
export function skipWithoutBrowser(suite: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  if (process.env.REQUIRE_BROWSER === '1')
    throw new Error(`${CHROMIUM} is not installed, and REQUIRE_BROWSER=1 requires the browser tests`);
  console.log(`      (skipping: ${CHROMIUM} is not installed; REQUIRE_BROWSER=1 makes this a failure)`);
  suite.skip();
}
/** Headless, and quiet on a machine without outside network (no background requests, no updates, no sync). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const packageDir = path.resolve(import.meta.dirname, '../..');
const clientDir = path.join(packageDir, 'client');
/** Where the built client is served from. */
export const distDir = path.join(clientDir, 'dist');
export const outputDir = path.join(packageDir, 'test-output');

/** Desktop and phone widths every new screen is checked at. */
export const VIEWPORTS = [
  { name: 'desktop', width: 1100, height: 900 },
  { name: '390x844', width: 390, height: 844 },
] as const;

function newestMtime(entry: string): number {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

/** Builds the client with Vite unless `dist` is newer than every source. */
export async function buildClientIfStale(): Promise<void> {
  const builtIndex = path.join(distDir, 'index.html');
  const sources = ['index.html', 'src', 'vite.config.ts'].map((name) => path.join(clientDir, name));
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  const { build } = await import('vite');
  await build({ configFile: path.join(clientDir, 'vite.config.ts'), logLevel: 'warn' });
}

/** The app and a browser; `close` stops both. */
export type BrowserHarness = { origin: string; browser: Browser; close(): Promise<void> };

/** Builds the client if stale, serves it with the real app over the suite database, launches Chromium. */
export async function startBrowserHarness(): Promise<BrowserHarness> {
  await buildClientIfStale();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // localhost, not 127.0.0.1: Chromium keeps Secure (__Host-) cookies on http://localhost only.
  const origin = `http://localhost:${port}`;
  const settings = settingsFrom({
    TOKEN_SECRET: TEST_TOKEN_SECRET,
    JWT_SECRET: 'browser-test-jwt-secret-0123456789abcdef',
    PUBLIC_ORIGIN: origin,
    LOG_LEVEL: 'silent',
  });
  server.on('request', createApp({ db: suite.database(), settings, staticDir: distDir }).callback());
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    origin,
    browser,
    close: async () => {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A fresh browser context at `viewport`, with script errors and CSP violations collected in `problems`. */
export async function openPage(
  harness: BrowserHarness,
  viewport: { width: number; height: number },
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await harness.browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs every 4xx answer as an error; the app expects some (401 when signed out, 422 on bad input).
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(`console: ${message.text()}`);
  });
  return { context, page, problems };
}

/** Signs in through the sign-in screen and waits for the home page. */
export async function signInThroughTheForm(
  page: Page,
  origin: string,
  username: string,
  password = TEST_PASSWORD,
): Promise<void> {
  await page.goto(`${origin}/signin`);
  await page.getByTestId('input-username').fill(username);
  await page.getByTestId('input-password').fill(password);
  await page.getByTestId('signin-form-submit').click();
  await page.getByTestId('compose').waitFor();
}

/** Saves a screenshot under test-output/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(outputDir, { recursive: true });
  await page.screenshot({ path: path.join(outputDir, `${name}.png`), fullPage: true });
}
