import type { Clock, TimerHandle } from '../clock.ts';
import { parseNameAddr, parseVia } from './sip-headers.ts';
import { cseqOf, header, type SipMessage, type SipRequest } from './sip-message.ts';

// RFC 3261 §17.2 server transactions: a retransmitted request is answered from its
// transaction (never reaches the call engine twice), final answers to INVITE are repeated on
// Timer G until ACK or Timer H, and a finished transaction lingers to absorb late copies
// (Timer J / I / L). RFC 6026: a 2xx to INVITE is repeated on the same schedule until the
// dialog's ACK (`acknowledged()`), and the transaction then absorbs retransmitted INVITEs.
// Over a reliable transport (TCP) non-2xx answers are not repeated and Timers I and J are 0.

export interface Peer {
  address: string;
  port: number;
  /** Which of the agent's sockets it came in on (answers go out on the same); default 0. */
  socket?: number;
  /** A stream transport's connection it came on (answers go back on it while it is open). */
  connection?: number;
  /** Over a reliable transport (TCP): nothing is retransmitted to it (RFC 3261 §17). */
  reliable?: boolean;
}

export interface TransactionTimers {
  /** RTT estimate (default 500 ms). */
  t1: number;
  /** Longest retransmit interval (default 4 s). */
  t2: number;
  /** How long a message may stay in the network (default 5 s). */
  t4: number;
}

export const DEFAULT_TIMERS: TransactionTimers = { t1: 500, t2: 4_000, t4: 5_000 };

export type Receive =
  | { kind: 'new'; transaction: ServerTransaction }
  /** A copy of a request already being handled: answered from the transaction, if at all. */
  | { kind: 'retransmission' }
  /** The ACK of a non-2xx final answer: the transaction's business, not the dialog's. */
  | { kind: 'ack-absorbed' }
  /** An ACK that matches no transaction: the ACK of a 2xx, for the dialog layer. */
  | { kind: 'dialog-ack' }
  /** Too many transactions open (bounded memory): answer 503 without keeping state. */
  | { kind: 'full' };

export interface ServerTransactionsOptions {
  clock: Clock;
  send: (message: SipMessage, to: Peer) => void;
  timers?: Partial<TransactionTimers>;
  /** The most transactions open at once (default 20 000). */
  maxTransactions?: number;
}

export class ServerTransactions {
  readonly timers: TransactionTimers;
  private readonly table = new Map<string, ServerTransaction>();
  private readonly options: ServerTransactionsOptions;
  private readonly max: number;

  constructor(options: ServerTransactionsOptions) {
    this.options = options;
    this.timers = { ...DEFAULT_TIMERS, ...options.timers };
    this.max = options.maxTransactions ?? 20_000;
  }

  get size(): number {
    return this.table.size;
  }

  receive(request: SipRequest, source: Peer): Receive {
    const key = transactionKey(request, source);
    const existing = this.table.get(key);
    if (request.method === 'ACK') {
      if (existing?.isInvite && existing.finalStatus !== null && existing.finalStatus >= 300) {
        existing.ackReceived();
        return { kind: 'ack-absorbed' };
      }
      return { kind: 'dialog-ack' };
    }
    if (existing) {
      existing.retransmitted();
      return { kind: 'retransmission' };
    }
    if (this.table.size >= this.max) return { kind: 'full' };
    const transaction = new ServerTransaction(key, request, source, this.options, this.timers, () =>
      this.table.delete(key),
    );
    this.table.set(key, transaction);
    return { kind: 'new', transaction };
  }

  /** The INVITE transaction a CANCEL names (same key but for the method, RFC 3261 §9.2). */
  inviteCancelledBy(cancel: SipRequest, source: Peer): ServerTransaction | undefined {
    const key = transactionKey({ ...cancel, method: 'INVITE' }, source);
    const found = this.table.get(key);
    return found?.isInvite ? found : undefined;
  }

  /** Stops every timer (shutdown). */
  close(): void {
    for (const transaction of this.table.values()) transaction.stop();
    this.table.clear();
  }
}

/**
 * RFC 3261 §17.2.3: branch + sent-by + method (ACK counts as INVITE) for RFC 3261 branches;
 * for older peers, the request's identifying headers.
 */
export function transactionKey(request: SipRequest, source: Peer): string {
  const via = parseVia(header(request, 'via') ?? '');
  const method = request.method === 'ACK' ? 'INVITE' : request.method;
  if (via?.branch?.startsWith('z9hG4bK')) return `${via.branch}|${via.sentBy}|${method}`;
  const from = parseNameAddr(header(request, 'from') ?? '');
  const { seq } = cseqOf(request);
  return [
    'rfc2543',
    header(request, 'call-id'),
    seq,
    from?.tag,
    via?.raw,
    `${source.address}:${source.port}`,
    method,
  ].join('|');
}

export class ServerTransaction {
  readonly isInvite: boolean;
  /** Status of the final answer sent, null while none was. */
  finalStatus: number | null = null;
  /** Called when a 2xx to INVITE got no ACK in 64·T1 (the dialog should end). */
  onNoAck: (() => void) | undefined;
  private last: SipMessage | undefined;
  private retransmitTimer: TimerHandle | undefined;
  private endTimer: TimerHandle | undefined;
  private awaitingAck = false;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly source: Peer,
    private readonly options: ServerTransactionsOptions,
    private readonly timers: TransactionTimers,
    private readonly remove: () => void,
  ) {
    this.isInvite = request.method === 'INVITE';
  }

  /** Sends an answer; a final one ends the transaction (after its linger time). */
  respond(response: SipMessage): void {
    if (response.kind !== 'response' || this.finalStatus !== null) return;
    this.last = response;
    this.options.send(response, this.source);
    if (response.status < 200) return;
    this.finalStatus = response.status;
    const { t1 } = this.timers;
    const reliable = this.source.reliable === true;
    if (!this.isInvite) {
      this.lingerFor(reliable ? 0 : 64 * t1); // Timer J (0 over TCP: no copies to absorb)
      return;
    }
    // Timer G (non-2xx, UDP only) or the 2xx schedule of RFC 3261 §13.3.1.4 (over any
    // transport), until ACK or 64·T1.
    this.awaitingAck = true;
    if (response.status < 300 || !reliable) this.scheduleRetransmit(t1);
    this.endTimer = this.options.clock.setTimer(this.options.clock.now() + 64 * t1, () => {
      const unacknowledged = this.awaitingAck;
      this.stopRetransmitting();
      if (unacknowledged && this.finalStatus !== null && this.finalStatus < 300) this.onNoAck?.();
      // A 2xx transaction absorbs late INVITE copies for another 64·T1 (Timer L); others end.
      if (this.finalStatus !== null && this.finalStatus < 300) this.lingerFor(64 * t1);
      else this.finish();
    });
  }

  /** The dialog saw the ACK of this transaction's 2xx. */
  acknowledged(): void {
    this.awaitingAck = false;
    this.stopRetransmitting();
  }

  /** The ACK of a non-2xx answer: stop repeating it, absorb further ACKs for T4 (Timer I). */
  ackReceived(): void {
    if (!this.awaitingAck) return;
    this.awaitingAck = false;
    this.stopRetransmitting();
    this.endTimer?.cancel();
    this.lingerFor(this.source.reliable ? 0 : this.timers.t4);
  }

  /** A copy of the request: repeat the last answer (RFC 3261 §17.2.1, §17.2.2). */
  retransmitted(): void {
    if (this.last) this.options.send(this.last, this.source);
  }

  stop(): void {
    this.stopRetransmitting();
    this.endTimer?.cancel();
  }

  private scheduleRetransmit(interval: number): void {
    this.retransmitTimer = this.options.clock.setTimer(this.options.clock.now() + interval, () => {
      if (!this.awaitingAck || !this.last) return;
      this.options.send(this.last, this.source);
      this.scheduleRetransmit(Math.min(interval * 2, this.timers.t2));
    });
  }

  private stopRetransmitting(): void {
    this.retransmitTimer?.cancel();
    this.retransmitTimer = undefined;
  }

  private lingerFor(ms: number): void {
    this.endTimer?.cancel();
    this.endTimer = this.options.clock.setTimer(this.options.clock.now() + ms, () => this.finish());
  }

  private finish(): void {
    this.stop();
    this.remove();
  }
}
