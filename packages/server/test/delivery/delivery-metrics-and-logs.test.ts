import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { DEFAULT_ENGINE_CONFIG } from '../../src/engine/call-state.ts';
import { type KeyServer, startKeyServer } from '../auth/support/key-server.ts';

// Delivery is visible: metrics for attempts, latency, lag, backlog and disabled endpoints, in
// a text promtool accepts; warn/error logs when a delivery is given up or an endpoint disabled
// or enabled again. A real service, a real receiver on loopback, time on a ManualClock.

let s: KeyServer;
let receiver: Server;
let base: string;
const logs: { level: number; msg: string; [field: string]: unknown }[] = [];

before(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const status = req.url === '/gone' ? 410 : req.url === '/fail' ? 500 : 204;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  s = await startKeyServer({
    // No auto-end while the clock moves on: the call's events are the ones made here.
    engine: { ...DEFAULT_ENGINE_CONFIG, idleTimeoutMs: 86_400_000 },
    delivery: { allowPrivateTargets: true, retryScheduleMs: [0, 600_000] },
    logger: {
      level: 'warn',
      stream: {
        write(line: string) {
          logs.push(JSON.parse(line));
        },
      },
    },
  });
});
after(async () => {
  await s.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

async function endpointAt(path: string): Promise<string> {
  const res = await s.request('POST', '/v1/endpoints', { body: { url: `${base}${path}` } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ id: string }>().id;
}

async function metrics(): Promise<string> {
  const res = await s.request('GET', '/metrics');
  assert.equal(res.statusCode, 200);
  return res.body;
}

/** The value of one sample, e.g. `callhook_deliveries_pending` or `name{label="x"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function until(condition: () => boolean | Promise<boolean>, what: string) {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('attempts, outcomes, pending backlog and disabled endpoints, and the logs that go with them', async () => {
  const ok = await endpointAt('/ok');
  const gone = await endpointAt('/gone');
  const failing = await endpointAt('/fail');
  const call = await s.request('POST', '/v1/calls', { body: { threadId: 't-1', streamId: 's-1' } });
  assert.equal(call.statusCode, 201);
  await until(
    async () =>
      sample(
        await metrics(),
        'callhook_delivery_attempts_total{outcome="retry",status_class="5xx",error="none"}',
      ) === 1 &&
      sample(
        await metrics(),
        'callhook_delivery_attempts_total{outcome="delivered",status_class="2xx",error="none"}',
      ) === 1 &&
      sample(
        await metrics(),
        'callhook_delivery_attempts_total{outcome="failed",status_class="4xx",error="none"}',
      ) === 1,
    'one attempt per endpoint',
  );
  await s.server.dispatcher.idle();

  s.clock.advance(60_000);
  let text = await metrics();
  assert.equal(sample(text, 'callhook_endpoints_disabled{reason="gone"}'), 1);
  assert.equal(sample(text, 'callhook_endpoints_disabled_by_dispatcher_total{reason="gone"}'), 1);
  // The failing endpoint's delivery waits for its retry; the gone one's was given up.
  assert.equal(sample(text, 'callhook_deliveries_pending'), 1);
  assert.equal(sample(text, `callhook_endpoint_deliveries_pending{endpoint="${failing}"}`), 1);
  assert.equal(sample(text, `callhook_endpoint_deliveries_pending{endpoint="${ok}"}`), undefined);
  assert.equal(sample(text, 'callhook_delivery_oldest_pending_age_seconds'), 60);
  assert.equal(
    sample(text, `callhook_endpoint_oldest_pending_age_seconds{endpoint="${failing}"}`),
    60,
  );
  assert.equal(
    sample(text, 'callhook_delivery_attempt_duration_seconds_count{status_class="2xx"}'),
    1,
  );
  assert.equal(sample(text, 'callhook_delivery_start_lag_seconds_count'), 3);

  const disabled = logs.find((l) => l.msg.startsWith('endpoint disabled'));
  assert.ok(disabled, JSON.stringify(logs));
  assert.equal(disabled.level, 50); // error
  assert.equal(disabled.endpointId, gone);
  assert.equal(disabled.reason, 'gone');
  const goneGivenUp = logs.find(
    (l) => l.msg.startsWith('delivery given up') && l.endpointId === gone,
  );
  assert.ok(goneGivenUp);
  assert.equal(goneGivenUp.level, 40); // warn

  // The retry runs out: given up, logged with its delivery, event and last error.
  s.clock.advance(600_000);
  await until(
    async () =>
      sample(
        await metrics(),
        'callhook_delivery_attempts_total{outcome="failed",status_class="5xx",error="none"}',
      ) === 1,
    'the last attempt',
  );
  await s.server.dispatcher.idle();
  const givenUp = logs.find(
    (l) => l.msg.startsWith('delivery given up') && l.endpointId === failing,
  );
  assert.ok(givenUp, JSON.stringify(logs));
  assert.equal(givenUp.attempts, 2);
  assert.equal(givenUp.lastError, 'HTTP 500');
  assert.ok(typeof givenUp.deliveryId === 'string' && typeof givenUp.eventId === 'string');
  text = await metrics();
  assert.equal(sample(text, 'callhook_deliveries_pending'), 0);
  assert.equal(sample(text, 'callhook_delivery_oldest_pending_age_seconds'), 0);

  const enabled = await s.request('POST', `/v1/endpoints/${gone}/enable`, { body: {} });
  assert.equal(enabled.statusCode, 200, enabled.body);
  const again = logs.find((l) => l.msg.startsWith('endpoint enabled again'));
  assert.ok(again);
  assert.equal(again.endpointId, gone);
  assert.equal(sample(await metrics(), 'callhook_endpoints_disabled{reason="gone"}'), 0);
});

test('promtool check metrics accepts the whole exposition', async () => {
  const text = await metrics();
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(check.error, undefined, 'promtool is installed (apt-get install prometheus)');
  assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  assert.equal(`${check.stdout}${check.stderr}`.trim(), '');
});
