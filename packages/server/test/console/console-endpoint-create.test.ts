import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RecordingReceiver } from '../support/recording-receiver.ts';
import { type ConsoleBrowser, openBrowser, signIn } from './console-browser.ts';
import { ADMIN_KEY, type ConsoleServer, startConsoleServer } from './console-server.ts';

let server: ConsoleServer;
let browser: ConsoleBrowser;
const receiver = new RecordingReceiver();

before(async () => {
  server = await startConsoleServer();
  browser = await openBrowser();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: server.url,
  });
});
after(async () => {
  await browser?.close();
  server?.server.child.kill('SIGTERM');
  await receiver.close();
});

test('an endpoint created in the console shows its secret once and receives the test event', async () => {
  const url = await receiver.listen();
  const { page } = browser;
  await signIn(page, server.url, ADMIN_KEY);
  await page.getByRole('link', { name: 'Endpoints', exact: true }).click();
  await page.getByRole('button', { name: 'New endpoint' }).click();
  await page.getByLabel('URL').fill(url);
  await page.getByLabel('Description').fill('made in the console');
  await page.getByRole('button', { name: 'Create endpoint' }).click();

  // The secret, shown this once; the copy button puts exactly it on the clipboard.
  const secret = (await page.locator('[data-secret]').textContent())!.trim();
  assert.match(secret, /^whsec_[A-Za-z0-9+/=]{32,}$/);
  await page.getByRole('button', { name: 'Copy secret' }).click();
  await page.getByText('Copied.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  await browser.screenshot('endpoint-created');
  receiver.setSecret(secret);

  await page.getByRole('link', { name: url }).first().click();
  await page.getByRole('heading', { name: url }).waitFor();
  assert.equal(await page.locator('[data-secret]').count(), 0, 'the secret is not shown again');
  await page.getByRole('button', { name: 'Send test event' }).click();
  const notice = page.locator('output.notice');
  await notice.waitFor();
  const callId = /\(([0-9a-f-]{36})\)/.exec((await notice.textContent()) ?? '')?.[1];
  assert.ok(callId, 'the notice names the test call');

  // Signed with the secret the console showed (verified by `standardwebhooks`), every type once.
  await receiver.until(() => receiver.distinct() === 7, 10_000, 'seven test events');
  assert.deepEqual(receiver.rejected, []);
  assert.deepEqual(
    receiver.arrivals.map((a) => `${a.seq} ${a.type}`),
    [
      '1 call.created',
      '2 call.user.invited',
      '3 call.user.paused',
      '4 call.user.unpaused',
      '5 call.dtmf',
      '6 call.user.removed',
      '7 call.ended',
    ],
  );
  assert.ok(receiver.arrivals.every((a) => a.callId === callId));

  // The endpoint's health counts them.
  await page
    .locator('dl.facts dd')
    .filter({ hasText: '7 delivered · 0 failed · 0 pending' })
    .waitFor({ timeout: 10_000 });
  await browser.screenshot('endpoint-page');
  await page.getByRole('link', { name: 'Endpoints', exact: true }).click();
  const row = page.locator('table.endpoints tbody tr');
  await row.filter({ hasText: url }).waitFor();
  assert.deepEqual((await row.first().locator('td').allTextContents()).slice(1, 5), [
    'enabled',
    '7',
    '0',
    '0',
  ]);
  await browser.screenshot('endpoints-list');
  assert.deepEqual(browser.problems, []);
});
