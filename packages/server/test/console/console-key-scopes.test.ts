import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type ConsoleBrowser, openBrowser, signIn } from './console-browser.ts';
import { ADMIN_KEY, type ConsoleServer, startConsoleServer } from './console-server.ts';
import { SwitchableReceiver } from './switchable-receiver.ts';

// The console asks GET /v1/keys/self at sign-in and hides every action the key's scopes do
// not open (auth/route-scopes.ts). The admin key sees each action button on the same pages, in
// the same state, so the read-only assertions can fail.

let server: ConsoleServer;
let browser: ConsoleBrowser;
const receiver = new SwitchableReceiver(); // answers 500: the one delivery fails, retry shows
let endpointId = '';
let callId = '';

/** Buttons that write, by their names on the page. */
const ACTION_BUTTONS = [
  'Retry',
  'Replay',
  'New endpoint',
  'Send test event',
  'Disable',
  'Enable',
  'Rotate secret',
  'Edit',
  'Replay range',
];
/** Buttons that only read or navigate: all a read-only key may see. */
const READING_BUTTONS = ['Sign out', 'Refresh', 'Apply', '← Newer', 'Older →', 'Pause', 'Clear'];

async function createKey(name: string, scopes: string[]): Promise<{ id: string; key: string }> {
  const res = await server.api('POST', '/v1/keys', { name, scopes });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.id as string, key: res.body.key as string };
}

async function buttons(page: Page): Promise<string[]> {
  return (await page.getByRole('button').allTextContents()).map((t) => t.trim());
}

/** Signs in with `key` in a fresh session (whatever key this tab held). */
async function signInAs(key: string): Promise<void> {
  const { page } = browser;
  await page.goto(`${server.url}/console/`);
  await page.evaluate(() => sessionStorage.clear());
  await signIn(page, server.url, key);
}

/** Signs in with `key` and waits for the calls screen it lands on. */
async function signInToCalls(key: string): Promise<void> {
  await signInAs(key);
  await browser.page.getByRole('heading', { name: 'Calls' }).waitFor();
}

/** The call's timeline, waited for until its first event's delivery shows failed. */
async function openCall(options: { timeout?: number } = {}): Promise<void> {
  const { page } = browser;
  await page.goto(`${server.url}/console/#/calls/${callId}`);
  await page
    .locator('li.event[data-seq="1"] .delivery .badge', { hasText: 'failed' })
    .waitFor(options);
}

/** The four screens, each waited for until what it shows is loaded; `visit` looks at each. */
async function eachScreen(visit: (screen: string) => Promise<void>): Promise<void> {
  const { page } = browser;
  await page.goto(`${server.url}/console/#/calls`);
  await page.locator(`tr[data-call-id="${callId}"]`).waitFor();
  await visit('calls');

  await openCall({ timeout: 10_000 });
  await visit('call');

  await page.goto(`${server.url}/console/#/endpoints`);
  await page
    .locator(`tr[data-endpoint-id="${endpointId}"] td:nth-child(4)`, { hasText: '1' })
    .waitFor();
  await visit('endpoints');

  await page.goto(`${server.url}/console/#/endpoints/${endpointId}`);
  await page.locator('.delivery-row .badge', { hasText: 'failed' }).waitFor();
  await visit('endpoint');

  await page.goto(`${server.url}/console/#/tail`);
  await page.getByRole('status').filter({ hasText: 'live' }).waitFor();
  await visit('tail');
}

/** The action buttons (ACTION_BUTTONS) that each screen shows the signed-in key. */
async function actionsOnEachScreen(): Promise<Record<string, string[]>> {
  const seen: Record<string, string[]> = {};
  await eachScreen(async (screen) => {
    seen[screen] = (await buttons(browser.page)).filter((b) => ACTION_BUTTONS.includes(b));
  });
  return seen;
}

before(async () => {
  server = await startConsoleServer(); // --retry-schedule 0: one attempt, then failed
  browser = await openBrowser();
  const url = await receiver.listen();
  const endpoint = await server.api('POST', '/v1/endpoints', { url, eventTypes: ['call.created'] });
  endpointId = endpoint.body.id as string;
  const created = await server.api('POST', '/v1/calls', { threadId: 't-scopes', streamId: 's' });
  callId = created.body.callId as string;
  for (const userId of ['alice', 'bob']) {
    await server.api('POST', `/v1/calls/${callId}/participants`, { userId });
    await server.api('POST', `/v1/calls/${callId}/participants/${userId}/join`);
  }
  await server.api('POST', `/v1/calls/${callId}/end`);
});
after(async () => {
  await browser?.close();
  server?.server.child.kill('SIGTERM');
  await receiver.close();
});

test('the admin key sees every action button on the calls, call and endpoint screens', async () => {
  await signInToCalls(ADMIN_KEY);
  assert.equal(
    await browser.page.locator('.signed-in-as').textContent(),
    'bootstrap admin key admin',
  );
  assert.deepEqual(await actionsOnEachScreen(), {
    calls: [],
    call: ['Replay', 'Retry'],
    endpoints: ['New endpoint'],
    endpoint: ['Send test event', 'Disable', 'Rotate secret', 'Edit', 'Replay range', 'Retry'],
    tail: [],
  });
  assert.deepEqual(browser.problems, []);
});

test('an events:read key sees calls, the timeline, endpoints and deliveries, and no action anywhere', async () => {
  const { key } = await createKey('dashboard', ['events:read']);
  await signInToCalls(key);
  const { page } = browser;
  assert.equal(await page.locator('.signed-in-as').textContent(), 'dashboard events:readread-only');
  const seen: Record<string, string[]> = {};
  await eachScreen(async (screen) => {
    seen[screen] = await buttons(page);
    if (screen === 'call') {
      // What it reads is all there: the participants' picture, every event, the attempts.
      const chart = page.locator('figure.chart svg');
      assert.deepEqual(await chart.locator('text.lane-label').allTextContents(), ['alice', 'bob']);
      assert.equal(await page.locator('li.event').count(), 6);
      assert.equal(await page.locator('table.attempts tbody tr').count(), 1);
      assert.equal(await page.getByRole('form', { name: 'Replay this call' }).count(), 0);
    }
    if (screen === 'endpoint') {
      assert.match((await page.locator('dl.facts').textContent()) ?? '', /0 delivered · 1 failed/);
      assert.equal(await page.getByRole('heading', { name: 'Replay' }).count(), 0);
      assert.equal(await page.locator('.actions').count(), 0);
    }
    await browser.screenshot(`read-only-${screen}`);
  });
  for (const [screen, names] of Object.entries(seen)) {
    const writing = names.filter((n) => !READING_BUTTONS.includes(n));
    assert.deepEqual(writing, [], `${screen} shows ${writing.join(', ')}`);
  }
  assert.deepEqual(seen.call, ['Sign out', 'Refresh']);
  assert.deepEqual(seen.endpoint, ['Sign out']);

  await page.setViewportSize({ width: 390, height: 844 });
  await openCall();
  await browser.screenshot('read-only-call-phone');
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at phone width`);
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(browser.problems, []);
});

test('an endpoints:write key with events:read sees the endpoint actions, but not the test event (calls:write)', async () => {
  const { key } = await createKey('ops', ['events:read', 'endpoints:write']);
  await signInToCalls(key);
  assert.deepEqual(await actionsOnEachScreen(), {
    calls: [],
    call: ['Replay', 'Retry'],
    endpoints: ['New endpoint'],
    endpoint: ['Disable', 'Rotate secret', 'Edit', 'Replay range', 'Retry'],
    tail: [],
  });
  assert.deepEqual(browser.problems, []);
});

test('a key that cannot read events (calls:write only) is refused at sign-in, saying so', async () => {
  const { key } = await createKey('bot', ['calls:write']);
  await signInAs(key);
  const { page } = browser;
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(
    (await alert.textContent()) ?? '',
    /^This key cannot read events \(its scopes: calls:write\)\. .*events:read or admin\.$/,
  );
  assert.equal(await page.getByLabel('API key').isVisible(), true);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'a refused key is not kept');
  await browser.screenshot('sign-in-cannot-read-events');
  assert.deepEqual(browser.problems, []);
});

test('a kept key is asked about again on reload: still read-only, and refused once revoked', async () => {
  const { id, key } = await createKey('wallboard', ['events:read']);
  await signInAs(key);
  const { page } = browser;
  await openCall();
  await page.reload();
  await page.locator('li.event[data-seq="1"] .delivery .badge', { hasText: 'failed' }).waitFor();
  assert.deepEqual(await buttons(page), ['Sign out', 'Refresh']);

  assert.equal((await server.api('DELETE', `/v1/keys/${id}`)).status, 204);
  await page.reload();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? '', /^This API key was refused: /);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  assert.deepEqual(
    browser.problems.filter((p) => !p.includes('status of 401')),
    [],
    browser.problems.join('\n'),
  );
});
