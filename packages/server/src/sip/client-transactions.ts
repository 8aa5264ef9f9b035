import { randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../clock.ts';
import type { Peer, TransactionTimers } from './server-transactions.ts';
import { parseVia } from './sip-headers.ts';
import {
  cseqOf,
  header,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from './sip-message.ts';

// RFC 3261 §17.1 client transactions. Non-INVITE (the BYE and CANCEL this agent
// sends): Timer E repeats the request (T1 doubling up to T2) until a final answer, Timer F
// gives up after 64·T1. INVITE (calls to REGISTERed users): Timer A repeats it (doubling)
// until any answer, Timer B gives up after 64·T1; a non-2xx final answer is ACKed here (same
// branch), a 2xx by the caller (a new transaction, §13.2.2.4), also when it is repeated.
// Answers are matched on the top Via's branch and CSeq method. Over a reliable transport (TCP)
// nothing is repeated; Timers B and F still give up.

/** A fresh RFC 3261 branch. */
export function newBranch(): string {
  return `z9hG4bK${randomBytes(10).toString('hex')}`;
}

export type ClientOutcome =
  | { kind: 'answered'; status: number; response: SipResponse }
  | { kind: 'timeout' };

export class ClientTransactions {
  private readonly pending = new Map<
    string,
    {
      resolve: (outcome: ClientOutcome) => void;
      timers: TimerHandle[];
      /** INVITE: a 1xx arrived (Timer A stops), and what to tell of each answer. */
      invite?: {
        request: SipRequest;
        to: Peer;
        provisional: boolean;
        onAnswer: (r: SipResponse) => void;
      };
    }
  >();
  /** 2xx answers to INVITEs already settled: repeated ones go to the same handler (to ACK). */
  private readonly accepted = new Map<string, (r: SipResponse) => void>();

  constructor(
    private readonly clock: Clock,
    private readonly send: (message: SipMessage, to: Peer) => void,
    private readonly timers: TransactionTimers,
  ) {}

  /** Sends a request that has no transaction of its own (the ACK of a 2xx). */
  sendOnce(request: SipRequest, to: Peer): void {
    this.send(request, to);
  }

  /** Sends `request` (its top Via must carry a fresh branch) and resolves with the outcome. */
  request(request: SipRequest, to: Peer): Promise<ClientOutcome> {
    const key = clientKey(request);
    return new Promise((resolve) => {
      const entry = { resolve, timers: [] as TimerHandle[] };
      this.pending.set(key, entry);
      const { t1, t2 } = this.timers;
      const retransmit = (interval: number) => {
        entry.timers[0] = this.clock.setTimer(this.clock.now() + interval, () => {
          if (!this.pending.has(key)) return;
          this.send(request, to);
          retransmit(Math.min(interval * 2, t2));
        });
      };
      this.send(request, to);
      if (!to.reliable) retransmit(t1); // Timer E: UDP only
      entry.timers[1] = this.clock.setTimer(this.clock.now() + 64 * t1, () =>
        this.settle(key, { kind: 'timeout' }),
      );
    });
  }

  /**
   * Sends an INVITE; `onAnswer` hears every answer (1xx, the final one, repeated 2xx). Resolves
   * with the final answer or a timeout (Timer B).
   */
  invite(
    request: SipRequest,
    to: Peer,
    onAnswer: (response: SipResponse) => void,
  ): Promise<ClientOutcome> {
    const key = clientKey(request);
    return new Promise((resolve) => {
      const entry = {
        resolve,
        timers: [] as TimerHandle[],
        invite: { request, to, provisional: false, onAnswer },
      };
      this.pending.set(key, entry);
      const retransmit = (interval: number) => {
        entry.timers[0] = this.clock.setTimer(this.clock.now() + interval, () => {
          if (!this.pending.has(key) || entry.invite.provisional) return;
          this.send(request, to);
          retransmit(interval * 2);
        });
      };
      this.send(request, to);
      if (!to.reliable) retransmit(this.timers.t1); // Timer A: UDP only
      entry.timers[1] = this.clock.setTimer(this.clock.now() + 64 * this.timers.t1, () =>
        this.settle(key, { kind: 'timeout' }),
      );
    });
  }

  /** Takes a response if it answers one of ours; false when it belongs to nobody. */
  receive(response: SipResponse): boolean {
    const key = clientKey(response);
    const entry = this.pending.get(key);
    if (!entry) {
      const accepted = this.accepted.get(key);
      if (accepted && response.status >= 200 && response.status < 300) accepted(response);
      return accepted !== undefined;
    }
    const invite = entry.invite;
    if (invite) {
      invite.onAnswer(response);
      if (response.status < 200) {
        invite.provisional = true;
        return true;
      }
      if (response.status >= 300) this.send(ackOfFailure(invite.request, response), invite.to);
      else {
        this.accepted.set(key, invite.onAnswer);
        this.clock.setTimer(this.clock.now() + 64 * this.timers.t1, () =>
          this.accepted.delete(key),
        );
      }
    }
    if (response.status >= 200)
      this.settle(key, { kind: 'answered', status: response.status, response });
    return true;
  }

  close(): void {
    for (const key of [...this.pending.keys()]) this.settle(key, { kind: 'timeout' });
  }

  private settle(key: string, outcome: ClientOutcome): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    this.pending.delete(key);
    for (const timer of entry.timers) timer?.cancel();
    entry.resolve(outcome);
  }
}

function clientKey(message: SipMessage): string {
  const branch = parseVia(header(message, 'via') ?? '')?.branch ?? '';
  return `${branch}|${cseqOf(message).method}`;
}

/** The ACK of a non-2xx answer: the INVITE's branch, the answer's To (RFC 3261 §17.1.1.3). */
function ackOfFailure(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new Map<string, string[]>([
    ['via', [invite.headers.get('via')![0]!]],
    ['max-forwards', ['70']],
    ['from', [header(invite, 'from')!]],
    ['to', [header(response, 'to')!]],
    ['call-id', [header(invite, 'call-id')!]],
    ['cseq', [`${cseqOf(invite).seq} ACK`]],
  ]);
  return { kind: 'request', method: 'ACK', uri: invite.uri, headers, body: Buffer.alloc(0) };
}

/** The ACK of a 2xx: a new transaction in the dialog the 2xx made (RFC 3261 §13.2.2.4). */
export function ackOf2xx(invite: SipRequest, response: SipResponse): SipRequest {
  const contact = /<([^>]+)>/.exec(header(response, 'contact') ?? '')?.[1] ?? invite.uri;
  const via = invite.headers.get('via')![0]!.replace(/branch=[^;]+/, `branch=${newBranch()}`);
  const headers = new Map<string, string[]>([
    ['via', [via]],
    ['max-forwards', ['70']],
    ['from', [header(invite, 'from')!]],
    ['to', [header(response, 'to')!]],
    ['call-id', [header(invite, 'call-id')!]],
    ['cseq', [`${cseqOf(invite).seq} ACK`]],
  ]);
  return { kind: 'request', method: 'ACK', uri: contact, headers, body: Buffer.alloc(0) };
}
