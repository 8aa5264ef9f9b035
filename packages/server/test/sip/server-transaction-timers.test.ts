import assert from 'node:assert/strict';
import { test } from 'node:test';
import { responseTo } from '../../src/sip/serialize-sip-message.ts';
import type { Peer } from '../../src/sip/server-transactions.ts';
import { parsedRequest, transactionsOnClock } from './support/transactions-on-clock.ts';

// RFC 3261 §17.2 timers on the injectable clock: retransmitted requests answered from the
// transaction, Timer G doubling to T2 until the ACK, Timer H, the 2xx schedule of §13.3.1.4
// ending at the dialog's ACK, and finished transactions removed (bounded memory).

const PEER: Peer = { address: '127.0.0.1', port: 5070 };

const request = (method: string, branch = 'z9hG4bK-t1') =>
  parsedRequest(method, { branch, transport: 'UDP' });
const setup = transactionsOnClock;

test('a retransmitted request is answered from the transaction, not handed on again', () => {
  const { sent, transactions } = setup();
  const first = transactions.receive(request('INVITE'), PEER);
  assert.equal(first.kind, 'new');
  if (first.kind !== 'new') return;
  first.transaction.respond(responseTo(first.transaction.request, 100));
  assert.equal(transactions.receive(request('INVITE'), PEER).kind, 'retransmission');
  assert.deepEqual(
    sent.map((s) => s.status),
    [100, 100],
  );
  // Another branch is another transaction.
  assert.equal(transactions.receive(request('INVITE', 'z9hG4bK-t2'), PEER).kind, 'new');
});

test('a non-2xx final answer to INVITE repeats on Timer G (T1, 2T1 … T2) until its ACK', () => {
  const { clock, sent, transactions } = setup();
  const r = transactions.receive(request('INVITE'), PEER);
  assert.ok(r.kind === 'new');
  r.transaction.respond(responseTo(r.transaction.request, 486, { toTag: 'x' }));
  clock.advance(500 + 1000 + 2000 + 4000 + 4000);
  assert.deepEqual(
    sent.map((s) => s.at),
    [0, 500, 1500, 3500, 7500, 11500],
  );
  assert.equal(transactions.receive(request('ACK'), PEER).kind, 'ack-absorbed');
  clock.advance(20_000);
  assert.equal(sent.length, 6, 'nothing repeats after the ACK');
  assert.equal(transactions.size, 0, 'the transaction is gone after Timer I');
});

test('Timer H: with no ACK the repeats stop at 64·T1 and the transaction is removed', () => {
  const { clock, sent, transactions } = setup();
  const r = transactions.receive(request('INVITE'), PEER);
  assert.ok(r.kind === 'new');
  r.transaction.respond(responseTo(r.transaction.request, 404, { toTag: 'x' }));
  clock.advance(64 * 500);
  const count = sent.length;
  clock.advance(60_000);
  assert.equal(sent.length, count);
  assert.equal(transactions.size, 0);
});

test('a 2xx repeats until the dialog ACK; without one, onNoAck fires at 64·T1', () => {
  const acked = setup();
  const r = acked.transactions.receive(request('INVITE'), PEER);
  assert.ok(r.kind === 'new');
  r.transaction.respond(responseTo(r.transaction.request, 200, { toTag: 'x' }));
  acked.clock.advance(1600);
  // The ACK of a 2xx is a new transaction: the dialog layer gets it and acknowledges.
  assert.equal(acked.transactions.receive(request('ACK', 'z9hG4bK-ack'), PEER).kind, 'dialog-ack');
  r.transaction.acknowledged();
  acked.clock.advance(40_000);
  assert.deepEqual(
    acked.sent.map((s) => s.at),
    [0, 500, 1500],
  );

  const lost = setup();
  const l = lost.transactions.receive(request('INVITE'), PEER);
  assert.ok(l.kind === 'new');
  let noAck = 0;
  l.transaction.onNoAck = () => {
    noAck += 1;
  };
  l.transaction.respond(responseTo(l.transaction.request, 200, { toTag: 'x' }));
  lost.clock.advance(64 * 500);
  assert.equal(noAck, 1);
  lost.clock.advance(64 * 500);
  assert.equal(lost.transactions.size, 0, 'gone after absorbing late copies (Timer L)');
});

test('a non-INVITE final answer is kept for Timer J, then the transaction is removed', () => {
  const { clock, sent, transactions } = setup();
  const r = transactions.receive(request('BYE'), PEER);
  assert.ok(r.kind === 'new');
  r.transaction.respond(responseTo(r.transaction.request, 200));
  clock.advance(10_000);
  assert.equal(transactions.receive(request('BYE'), PEER).kind, 'retransmission');
  assert.deepEqual(
    sent.map((s) => s.status),
    [200, 200],
  );
  clock.advance(64 * 500);
  assert.equal(transactions.size, 0);
});

test('a CANCEL finds its INVITE by branch; the table is bounded', () => {
  const { transactions } = setup({ maxTransactions: 2 });
  const invite = transactions.receive(request('INVITE'), PEER);
  assert.ok(invite.kind === 'new');
  assert.equal(transactions.inviteCancelledBy(request('CANCEL'), PEER), invite.transaction);
  assert.equal(transactions.inviteCancelledBy(request('CANCEL', 'z9hG4bK-other'), PEER), undefined);
  assert.equal(transactions.receive(request('OPTIONS', 'z9hG4bK-o1'), PEER).kind, 'new');
  assert.equal(transactions.receive(request('OPTIONS', 'z9hG4bK-o2'), PEER).kind, 'full');
});
