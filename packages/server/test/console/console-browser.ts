import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium (installed by .ci/run); Playwright's own browser builds are not fetched. */
const CHROMIUM = '/usr/bin/chromium';
/** Without the networking flags Chromium's own connections are refused by the closed network. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the screenshots go: git-ignored (`.tmp/`), never committed. */
export const SCREENSHOT_DIR =
  process.env.CALLHOOK_SCREENSHOTS ??
  fileURLToPath(new URL('../../../../.tmp/console-screenshots/', import.meta.url));

export interface ConsoleBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors, failed requests the page did not expect, and uncaught exceptions. */
  problems: string[];
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Chromium with a fresh profile (`--user-data-dir`), one page, every page error recorded. */
export async function openBrowser(
  viewport = { width: 1280, height: 800 },
): Promise<ConsoleBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'callhook-chromium-'));
  // launchPersistentContext is Playwright's way to pass --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    context,
    page,
    problems,
    screenshot: async (name) => {
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the console and signs in with `key`. */
export async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
