import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientTransactions, newBranch } from '../../src/sip/client-transactions.ts';
import { responseTo } from '../../src/sip/serialize-sip-message.ts';
import { DEFAULT_TIMERS, type Peer } from '../../src/sip/server-transactions.ts';
import { parsedRequest, transactionsOnClock } from './support/transactions-on-clock.ts';

// RFC 3261 §17 over a reliable transport (TCP), on the injectable clock: nothing is repeated
// to the peer — neither a non-2xx final answer (Timer G) nor callhook's own requests (Timers
// A and E) — while a 2xx to INVITE still repeats until its ACK (§13.3.1.4, any transport),
// and Timers I and J are zero, so finished transactions go at once.

const TCP_PEER: Peer = { address: '127.0.0.1', port: 5070, connection: 1, reliable: true };

const request = (method: string, branch = 'z9hG4bK-r1') =>
  parsedRequest(method, { branch, transport: 'TCP' });
const setup = transactionsOnClock;

test('over TCP a non-2xx final answer to INVITE is sent once, and its ACK ends the transaction', () => {
  const { clock, sent, transactions } = setup();
  const r = transactions.receive(request('INVITE'), TCP_PEER);
  assert.ok(r.kind === 'new');
  r.transaction.respond(responseTo(r.transaction.request, 486, { toTag: 'x' }));
  clock.advance(10_000);
  assert.deepEqual(sent, [{ at: 0, status: 486 }]);
  assert.equal(transactions.receive(request('ACK'), TCP_PEER).kind, 'ack-absorbed');
  clock.advance(0);
  assert.equal(transactions.size, 0, 'Timer I is 0 over TCP');
});

test('over TCP a 2xx to INVITE still repeats until the dialog sees its ACK', () => {
  const { clock, sent, transactions } = setup();
  const r = transactions.receive(request('INVITE'), TCP_PEER);
  assert.ok(r.kind === 'new');
  r.transaction.respond(responseTo(r.transaction.request, 200, { toTag: 'x' }));
  clock.advance(1_600);
  assert.deepEqual(
    sent.map((s) => s.at),
    [0, 500, 1500],
  );
  r.transaction.acknowledged();
  clock.advance(10_000);
  assert.equal(sent.length, 3);
});

test('over TCP a non-INVITE transaction is gone once answered (Timer J is 0)', () => {
  const { clock, transactions } = setup();
  const r = transactions.receive(request('OPTIONS'), TCP_PEER);
  assert.ok(r.kind === 'new');
  r.transaction.respond(responseTo(r.transaction.request, 200));
  clock.advance(0);
  assert.equal(transactions.size, 0);
});

test('over TCP callhook sends its BYE once and its INVITE once; Timers F and B still give up', async () => {
  const { clock, sent, send } = setup();
  const clients = new ClientTransactions(clock, send, DEFAULT_TIMERS);
  const bye = clients.request(request('BYE', newBranch()), TCP_PEER);
  const invite = clients.invite(request('INVITE', newBranch()), TCP_PEER, () => {});
  clock.advance(64 * DEFAULT_TIMERS.t1);
  assert.equal(sent.length, 2, 'no Timer E or Timer A repeats');
  assert.deepEqual(await bye, { kind: 'timeout' });
  assert.deepEqual(await invite, { kind: 'timeout' });
  // The same over UDP repeats.
  const udp = setup();
  const udpClients = new ClientTransactions(udp.clock, udp.send, DEFAULT_TIMERS);
  void udpClients.request(request('BYE', newBranch()), { address: '127.0.0.1', port: 5070 });
  udp.clock.advance(2_000);
  assert.ok(udp.sent.length > 1);
});
