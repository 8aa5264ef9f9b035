import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ConsoleBrowser, openBrowser, signIn } from './console-browser.ts';
import { ADMIN_KEY, type ConsoleServer, startConsoleServer } from './console-server.ts';

let server: ConsoleServer;
let browser: ConsoleBrowser;

before(async () => {
  server = await startConsoleServer();
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  server?.server.child.kill('SIGTERM');
});

test('a wrong key is refused with a clear message and stays on the sign-in page', async () => {
  const { page } = browser;
  await signIn(page, server.url, 'chk_not_the_key_at_all_000000');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(
    (await alert.textContent()) ?? '',
    /This API key was refused: the API key is not valid/,
  );
  assert.equal(await page.getByLabel('API key').isVisible(), true);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'a refused key is not kept');
  await browser.screenshot('sign-in-refused');
  // The refused request itself is the only thing the browser reports.
  assert.deepEqual(
    browser.problems.filter((p) => !p.includes('status of 401')),
    [],
    browser.problems.join('\n'),
  );
  browser.problems.length = 0;
});

test('the right key signs in, from the keyboard; it is kept in session storage only', async () => {
  const { page } = browser;
  await page.goto(`${server.url}/console/`);
  // The key field has the focus (waited for: typing before the page's script ran would type
  // into nothing); Enter submits.
  await page.waitForFunction(() => document.activeElement?.id === 'api-key');
  await page.keyboard.type(ADMIN_KEY);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Calls' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'live' }).waitFor();
  const stored = await page.evaluate(() => ({
    session: sessionStorage.getItem('callhook.apiKey'),
    local: localStorage.length,
    cookies: document.cookie,
  }));
  assert.deepEqual(stored, { session: ADMIN_KEY, local: 0, cookies: '' });
  await browser.screenshot('calls-empty');

  await page.reload();
  await page.getByRole('heading', { name: 'Calls' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  assert.deepEqual(browser.problems, []);
});
