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

test('the live tail filters by type, and resumes after a pause without losing an event', async () => {
  const { page } = browser;
  await signIn(page, server.url, ADMIN_KEY);
  await page.getByRole('link', { name: 'Live tail' }).click();
  await page.getByRole('checkbox', { name: 'call.dtmf' }).check();
  const live = page.getByRole('status').filter({ hasText: 'live' });
  await live.waitFor();

  const created = await server.api('POST', '/v1/calls', { threadId: 't-tail', streamId: 's' });
  const call = `/v1/calls/${created.body.callId as string}`;
  await server.api('POST', `${call}/dtmf`, { digits: '12' });
  const rows = page.locator('ol.tail li');
  await rows.nth(1).waitFor();

  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('status').filter({ hasText: 'paused' }).waitFor();
  await server.api('POST', `${call}/dtmf`, { digits: '34' }); // while paused
  await server.api('POST', `${call}/participants`, { userId: 'carol' }); // not a dtmf
  await page.getByRole('button', { name: 'Resume' }).click();
  await server.api('POST', `${call}/dtmf`, { digits: '5' });
  await rows.nth(4).waitFor();

  const shown = await rows.evaluateAll((items) =>
    items.map((li) => JSON.parse(li.querySelector('code.excerpt')!.textContent!).dtmf as string),
  );
  // Newest first: every digit once, those sent during the pause included, no invitation.
  assert.deepEqual(shown, ['5', '4', '3', '2', '1']);
  await browser.screenshot('live-tail');
  assert.deepEqual(browser.problems, []);
});
