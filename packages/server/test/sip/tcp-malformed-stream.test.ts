import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addRoom, startSipCallhook } from './support/sip-callhook.ts';
import { tcpRequest, tcpSipClient } from './support/tcp-sip-client.ts';

// Bad input over TCP: a stream that cannot be framed is answered where it can be (513 for a
// message over the limit, 400 for no Content-Length) and its connection closed, with no event;
// a stream that never ends its headers is cut off at the limit, not buffered; and callhook
// goes on answering other connections.

test('a request split into single bytes, and two in one write, are each answered once', async (t) => {
  const callhook = await startSipCallhook(t, { transport: 'tcp' });
  const client = await tcpSipClient(t, callhook.sip);
  for (const byte of Buffer.from(tcpRequest('OPTIONS', { callId: 'split' }))) {
    client.socket.write(Buffer.from([byte]));
  }
  client.socket.write(
    `\r\n\r\n${tcpRequest('OPTIONS', { callId: 'pair-1' })}${tcpRequest('OPTIONS', { callId: 'pair-2' })}`,
  );
  const responses = await client.waitFor(3);
  assert.deepEqual(
    responses.map((r) => [r.status, r.headers.get('call-id')?.[0]]),
    [
      [200, 'split'],
      [200, 'pair-1'],
      [200, 'pair-2'],
    ],
  );
  assert.match(responses[0]!.headers.get('via')![0]!, /^SIP\/2\.0\/TCP /);
  assert.equal(client.isClosed(), false, 'a good stream stays open');
});

test('an INVITE over the size limit gets 513 and its connection is closed, with no event', async (t) => {
  const callhook = await startSipCallhook(t, { transport: 'tcp' });
  await addRoom(callhook, '1001');
  const client = await tcpSipClient(t, callhook.sip);
  client.socket.write(tcpRequest('INVITE', { contentLength: '100000' }));
  client.socket.write('v=0\r\n'.repeat(100));
  await client.closed;
  assert.deepEqual(
    client.responses.map((r) => r.status),
    [513],
  );
  assert.deepEqual(await callhook.events(), []);
});

test('a request without Content-Length gets 400 and its connection is closed, with no event', async (t) => {
  const callhook = await startSipCallhook(t, { transport: 'tcp' });
  await addRoom(callhook, '1001');
  const client = await tcpSipClient(t, callhook.sip);
  client.socket.write(tcpRequest('INVITE', { contentLength: null, body: 'v=0\r\n' }));
  client.socket.write(tcpRequest('OPTIONS'));
  await client.closed;
  assert.deepEqual(
    client.responses.map((r) => r.status),
    [400],
    'nothing after the broken framing is read',
  );
  assert.match(client.responses[0]!.headers.get('warning')![0]!, /Content-Length is required/);
  assert.deepEqual(await callhook.events(), []);
});

test('bytes that never end a header section are cut off at the limit; others are still answered', async (t) => {
  const callhook = await startSipCallhook(t, { transport: 'tcp' });
  const flood = await tcpSipClient(t, callhook.sip);
  flood.socket.write(Buffer.alloc(20_000, 'x'));
  await flood.closed;
  assert.deepEqual(flood.responses, [], 'nothing to answer');
  const next = await tcpSipClient(t, callhook.sip);
  next.socket.write(tcpRequest('OPTIONS', { callId: 'after' }));
  const [ok] = await next.waitFor(1);
  assert.equal(ok?.status, 200);
  assert.deepEqual(await callhook.events(), []);
});
