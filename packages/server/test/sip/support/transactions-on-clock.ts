import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/clock.ts';
import { parseSipMessage } from '../../../src/sip/parse-sip-message.ts';
import { ServerTransactions } from '../../../src/sip/server-transactions.ts';
import type { SipMessage, SipRequest } from '../../../src/sip/sip-message.ts';

// The RFC 3261 §17 timer tests' harness: a request as the transport would hand it on, and a
// server transaction table on a manual clock that records when each message left and its
// status (0 for a request callhook sent).

/** A parsed request from alice to room 1001, with the given Via transport and branch. */
export function parsedRequest(
  method: string,
  options: { branch: string; transport: 'UDP' | 'TCP' },
): SipRequest {
  const text = [
    `${method} sip:1001@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/${options.transport} 127.0.0.1:5070;branch=${options.branch}`,
    'From: <sip:alice@127.0.0.1>;tag=a',
    'To: <sip:1001@127.0.0.1>',
    'Call-ID: c1',
    `CSeq: 1 ${method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseSipMessage(Buffer.from(text), 4096);
  assert.ok(parsed.ok);
  return parsed.message as SipRequest;
}

export interface SentMessage {
  /** The manual clock's time when it was sent, ms. */
  at: number;
  /** A response's status; 0 for a request. */
  status: number;
}

/** A server transaction table at time 0 on a manual clock; `send` records into `sent`. */
export function transactionsOnClock(options: { maxTransactions?: number } = {}) {
  const clock = new ManualClock(0);
  const sent: SentMessage[] = [];
  const send = (m: SipMessage) => {
    sent.push({ at: clock.now(), status: m.kind === 'response' ? m.status : 0 });
  };
  const transactions = new ServerTransactions({ clock, send, ...options });
  return { clock, sent, send, transactions };
}
