import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiClient } from '../support/spawn-server.ts';
import { serverForThisFile } from './support/file-server.ts';
import { runCli, startCli } from './support/run-cli.ts';

// `callhook calls list|show` and `callhook events list|tail` against a real `callhook serve`;
// and a reader that stops reading (`| head`) ends the CLI quietly.

const opts = { timeout: 150_000 };
const served = serverForThisFile('calls-events');

async function cli(...args: string[]) {
  const run = await runCli(args, served.env);
  assert.equal(run.code, 0, `callhook ${args.join(' ')}\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

async function aCall(threadId: string): Promise<string> {
  const api = apiClient(served.server.url, served.apiKey);
  const created = await api('POST', '/v1/calls', { threadId, streamId: 'stream-1' });
  const callId = String(created.body.callId);
  await api('POST', `/v1/calls/${callId}/participants`, { userId: 'alice' });
  await api('POST', `/v1/calls/${callId}/dtmf`, { digits: '7' });
  return callId;
}

test(
  'calls list shows calls newest first; calls show one with its participants',
  opts,
  async () => {
    const first = await aCall('thread-a');
    const second = await aCall('thread-b');
    const rows = (await cli('calls', 'list')).trim().split('\n');
    assert.match(rows[0]!, /^CALL\s+STATUS\s+CREATED\s+PRESENT\s+DURATION\s+THREAD$/);
    assert.ok(rows[1]!.startsWith(second) && rows[2]!.startsWith(first), rows.join('\n'));
    const threadA = await cli('calls', 'list', '--thread', 'thread-a');
    assert.match(threadA, new RegExp(first));
    assert.doesNotMatch(threadA, new RegExp(second));

    const shown = await cli('calls', 'show', first);
    assert.match(shown, new RegExp(`^call +${first} \\(active\\)`, 'm'));
    assert.match(shown, /^alice +invited$/m);
    const json = JSON.parse(await cli('calls', 'show', first, '--json')) as { lastSeq: number };
    assert.equal(json.lastSeq, 3);

    const missing = await runCli(
      ['calls', 'show', '00000000-0000-4000-8000-000000000000'],
      served.env,
    );
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /404 not_found/);
    const bad = await runCli(['calls', 'list', '--state', 'over'], served.env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--state must be active or ended/);
  },
);

test('events list reads the log by call and type, with the cursor to go on', opts, async () => {
  const callId = await aCall('thread-c');
  const out = await cli('events', 'list', '--call', callId);
  const lines = out.trim().split('\n');
  assert.deepEqual(
    lines.slice(1, -1).map((l) => l.split(/\s+/)[1]),
    ['call.created', 'call.user.invited', 'call.dtmf'],
  );
  assert.match(lines.at(-1)!, /^NEXT \d+$/);
  const dtmf = await cli('events', 'list', '--call', callId, '--type', 'call.dtmf');
  assert.match(dtmf, /call\.dtmf .* dtmf=7/);
  assert.doesNotMatch(dtmf, /call\.created/);
});

test('events tail prints events as they happen; a closed pipe ends it quietly', opts, async () => {
  const tail = startCli(['events', 'tail', '--type', 'call.dtmf'], served.env);
  await tail.waitForOutput(/following/, 30_000, 'stderr');
  const callId = await aCall('thread-d');
  await tail.waitForOutput(new RegExp(`call\\.dtmf  ${callId}  dtmf=7`));
  // The reader goes away (`| head` having read its lines): the next write meets EPIPE.
  tail.child.stdout!.destroy();
  await aCall('thread-e');
  const { code } = await tail.exited;
  assert.equal(code, 0, tail.stderr());
  assert.doesNotMatch(tail.stderr(), /EPIPE|Error/);
});
