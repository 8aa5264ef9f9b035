import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ConsoleBrowser, openBrowser, signIn } from './console-browser.ts';
import { ADMIN_KEY, type ConsoleServer, startConsoleServer } from './console-server.ts';

let server: ConsoleServer;
let browser: ConsoleBrowser;

before(async () => {
  server = await startConsoleServer();
  browser = await openBrowser();
  await signIn(browser.page, server.url, ADMIN_KEY);
  await browser.page.getByRole('status').filter({ hasText: 'live' }).waitFor();
});
after(async () => {
  await browser?.close();
  server?.server.child.kill('SIGTERM');
});

let callId = '';

test('a call created through the API appears in the list within a second, without reload', async () => {
  const { page } = browser;
  const created = await server.api('POST', '/v1/calls', {
    threadId: 'thread-live',
    streamId: 'stream-live',
  });
  assert.equal(created.status, 201);
  callId = created.body.callId as string;
  const startedAt = Date.now();
  await page.locator(`tr[data-call-id="${callId}"]`).waitFor({ timeout: 1000 });
  const shownAfterMs = Date.now() - startedAt;
  assert.ok(shownAfterMs < 1000, `shown after ${shownAfterMs} ms`);

  // Later events update the row in place, still without reload.
  for (const userId of ['alice', 'bob']) {
    await server.api('POST', `/v1/calls/${callId}/participants`, { userId });
  }
  await page
    .locator(`tr[data-call-id="${callId}"]`)
    .filter({ hasText: '2 present / 2' })
    .waitFor({ timeout: 1000 });
  await browser.screenshot('calls-list');
  assert.deepEqual(browser.problems, []);
});

test("the call's timeline draws its participants and lists every event in seq order", async () => {
  const { page } = browser;
  const call = `/v1/calls/${callId}`;
  await server.api('POST', `${call}/participants/alice/join`);
  await server.api('POST', `${call}/participants/bob/join`);
  await server.api('POST', `${call}/participants/alice/pause`);
  await server.api('POST', `${call}/participants/alice/unpause`);
  await server.api('POST', `${call}/dtmf`, { digits: '1#' });
  const ended = await server.api('POST', `${call}/end`);
  assert.equal(ended.body.status, 'ended');

  await page.locator(`tr[data-call-id="${callId}"] a`).click();
  await page.getByRole('heading', { name: /^Call / }).waitFor();
  // Every event of the log, in seq order: 1 created, 2-3 invited, 4 paused, 5 unpaused,
  // 6-7 dtmf, 8-9 removed, 10 ended.
  const events = page.locator('li.event');
  await events.nth(9).waitFor();
  const listed = await events.evaluateAll((items) =>
    items.map((li) => `${li.getAttribute('data-seq')} ${li.getAttribute('data-type')}`),
  );
  assert.deepEqual(listed, [
    '1 call.created',
    '2 call.user.invited',
    '3 call.user.invited',
    '4 call.user.paused',
    '5 call.user.unpaused',
    '6 call.dtmf',
    '7 call.dtmf',
    '8 call.user.removed',
    '9 call.user.removed',
    '10 call.ended',
  ]);
  // The picture: one lane per participant, alice with a pause in it.
  const chart = page.locator('figure.chart svg');
  assert.deepEqual(await chart.locator('text.lane-label').allTextContents(), ['alice', 'bob']);
  assert.equal(await chart.locator('rect.seg-paused').count(), 1);
  assert.equal(await chart.locator('rect.mark-removed').count(), 2);
  // The durations the call ended with, as the API gives them.
  const facts = (await page.locator('dl.facts').textContent()) ?? '';
  assert.match(facts, new RegExp(`callDuration.*\\(${ended.body.callDuration} ms\\)`));
  assert.match(facts, new RegExp(`dialogDuration.*\\(${ended.body.dialogDuration} ms\\)`));
  await browser.screenshot('call-timeline');

  await page.setViewportSize({ width: 390, height: 844 });
  await browser.screenshot('call-timeline-phone');
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at phone width`);
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(browser.problems, []);
});
