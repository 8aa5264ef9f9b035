import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_TYPES } from '@callhook/sdk';
import { apiClient } from '../support/spawn-server.ts';
import { serverForThisFile } from './support/file-server.ts';
import { runCli } from './support/run-cli.ts';

// `callhook trigger <type>` against a real `callhook serve`: for every event type, the flow
// it runs makes the server emit that event, and the command reports the call and its events.

const opts = { timeout: 60_000 };
const served = serverForThisFile('trigger');

interface TriggerJson {
  callId: string;
  threadId: string;
  streamId: string;
  events: { id: string; seq: number; type: string; callId: string }[];
}

for (const type of EVENT_TYPES) {
  test(`trigger ${type} makes the server emit ${type}`, opts, async () => {
    const run = await runCli(['trigger', type, '--json'], served.env);
    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout) as TriggerJson;

    // The server's own event log is the judge, not the command's report of it.
    const api = apiClient(served.server.url, served.apiKey);
    const res = await api('GET', `/v1/events?callId=${printed.callId}&limit=500`);
    assert.equal(res.status, 200);
    const logged = res.body.events as TriggerJson['events'];
    assert.ok(
      logged.some((e) => e.type === type),
      `no ${type} among ${logged.map((e) => e.type).join(', ')}`,
    );
    assert.deepEqual(
      logged.map((e) => e.seq),
      logged.map((_, i) => i + 1),
    );
    assert.deepEqual(printed.events, logged);
  });
}

test(
  'trigger prints the call id and a line per event; --thread and --stream are used',
  opts,
  async () => {
    const run = await runCli(
      ['trigger', 'call.dtmf', '--thread', 'thread-7', '--stream', 'stream-3'],
      served.env,
    );
    assert.equal(run.code, 0, run.stderr);
    const callId = run.stdout.match(
      /^call ([0-9a-f-]{36}) \(thread thread-7, stream stream-3\)$/m,
    )?.[1];
    assert.ok(callId, run.stdout);
    const lines = run.stdout.split('\n');
    for (const [seq, type] of ['call.created', 'call.user.invited', 'call.dtmf'].entries()) {
      assert.ok(
        lines.some((l) =>
          new RegExp(`^${seq + 1} +${type.replaceAll('.', '\\.')} +[0-9a-f-]{36} `).test(l),
        ),
        `no line for seq ${seq + 1} ${type} in:\n${run.stdout}`,
      );
    }
    assert.match(run.stdout, /dtmf=1/);
    const api = apiClient(served.server.url, served.apiKey);
    const res = await api('GET', `/v1/calls/${callId}`);
    assert.equal(res.body.threadId, 'thread-7');
    assert.equal(res.body.streamId, 'stream-3');
  },
);
