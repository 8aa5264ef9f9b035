import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ConsoleBrowser, openBrowser, signIn } from './console-browser.ts';
import { ADMIN_KEY, type ConsoleServer, startConsoleServer } from './console-server.ts';
import { SwitchableReceiver } from './switchable-receiver.ts';

let server: ConsoleServer;
let browser: ConsoleBrowser;
const receiver = new SwitchableReceiver();

before(async () => {
  server = await startConsoleServer();
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  server?.server.child.kill('SIGTERM');
  await receiver.close();
});

test("an endpoint's page edits its subscription, disables and enables it, rotates its secret and replays", async () => {
  receiver.status = 204;
  const url = await receiver.listen();
  const created = await server.api('POST', '/v1/endpoints', { url });
  const id = created.body.id as string;
  const { page } = browser;
  await signIn(page, server.url, ADMIN_KEY);
  await page.goto(`${server.url}/console/#/endpoints/${id}`);
  await page.getByRole('heading', { name: url }).waitFor();
  const facts = page.locator('dl.facts');

  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('checkbox', { name: 'every type' }).uncheck();
  await page.getByRole('checkbox', { name: 'call.ended' }).check();
  await page.getByLabel('Thread').fill('t-only');
  await page.getByRole('button', { name: 'Save' }).click();
  await facts.filter({ hasText: 'threadId = t-only' }).waitFor();
  const saved = await server.api('GET', `/v1/endpoints/${id}`);
  assert.deepEqual(saved.body.eventTypes, ['call.ended']);
  assert.deepEqual(saved.body.filter, { threadId: 't-only' });

  await page.getByRole('button', { name: 'Disable' }).click();
  await page.getByText('disabled (manual)').waitFor();
  await page.getByRole('button', { name: 'Enable' }).click();
  await page.locator('.title-row .badge', { hasText: 'enabled' }).waitFor();

  await page.getByRole('button', { name: 'Rotate secret' }).click();
  const secret = (await page.locator('[data-secret]').textContent())!.trim();
  assert.match(secret, /^whsec_/);
  await facts.filter({ hasText: 'signs too until' }).waitFor();

  // A call in its thread, ended: one call.ended delivered; replaying the last hour sends it again.
  const call = await server.api('POST', '/v1/calls', { threadId: 't-only', streamId: 's' });
  await server.api('POST', `/v1/calls/${call.body.callId as string}/end`);
  await page.getByText('1 delivered · 0 failed · 0 pending').waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Replay range' }).click();
  await page.getByText('Queued 1 delivery.').waitFor();
  const deadline = Date.now() + 10_000;
  while (receiver.received.length < 2 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(
    receiver.received.map((r) => r.eventType),
    ['call.ended', 'call.ended'],
  );
  assert.equal(receiver.received[0]!.webhookId, receiver.received[1]!.webhookId);
  await browser.screenshot('endpoint-actions');
  assert.deepEqual(browser.problems, []);
});
