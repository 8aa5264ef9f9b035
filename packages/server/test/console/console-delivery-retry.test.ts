import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ConsoleBrowser, openBrowser, signIn } from './console-browser.ts';
import { ADMIN_KEY, type ConsoleServer, startConsoleServer } from './console-server.ts';
import { SwitchableReceiver } from './switchable-receiver.ts';

let server: ConsoleServer;
let browser: ConsoleBrowser;
const receiver = new SwitchableReceiver();

before(async () => {
  server = await startConsoleServer(); // --retry-schedule 0: one attempt, then failed
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  server?.server.child.kill('SIGTERM');
  await receiver.close();
});

test('a failed delivery shows its attempts, and retry delivers it once the receiver answers 2xx', async () => {
  const url = await receiver.listen();
  const endpoint = await server.api('POST', '/v1/endpoints', {
    url,
    eventTypes: ['call.created'],
  });
  assert.equal(endpoint.status, 201);
  const created = await server.api('POST', '/v1/calls', { threadId: 't-retry', streamId: 's' });
  const callId = created.body.callId as string;

  const { page } = browser;
  await signIn(page, server.url, ADMIN_KEY);
  await page.goto(`${server.url}/console/#/calls/${callId}`);
  const delivery = page.locator('li.event[data-seq="1"] .delivery');
  // The one attempt fails (500); the page looks again while the delivery is pending.
  await delivery.locator('.badge', { hasText: 'failed' }).waitFor({ timeout: 10_000 });
  const attempt = delivery.locator('table.attempts tbody tr');
  assert.equal(await attempt.count(), 1);
  const cells = await attempt.first().locator('td').allTextContents();
  assert.equal(cells[0], '1');
  assert.equal(cells[2], '500');
  assert.match(cells[3]!, /^\d+ ms$/);
  assert.equal(cells[5], 'answered 500');
  await browser.screenshot('delivery-failed');

  receiver.status = 204;
  await delivery.getByRole('button', { name: 'Retry' }).click();
  await delivery.locator('.badge', { hasText: 'delivered' }).waitFor({ timeout: 10_000 });
  const codes = await delivery.locator('table.attempts tbody tr td:nth-child(3)').allTextContents();
  assert.deepEqual(codes, ['500', '204']);
  assert.deepEqual(
    receiver.received.map((r) => r.status),
    [500, 204],
  );
  assert.equal(await delivery.getByRole('button', { name: 'Retry' }).count(), 0);
  await browser.screenshot('delivery-retried');
  assert.deepEqual(browser.problems, []);
});
