import type { Clock } from '../clock.ts';
import { CallhookError } from '../errors.ts';
import type { CallService } from '../service/call-service.ts';
import type { ChangeFeed } from '../store/change-feed.ts';
import type { CallStore, StoredEvent } from '../store/port.ts';
import type { SipDirectory } from '../store/sip-port.ts';
import type { AgentContext } from './agent-context.ts';
import { reinviteForHold } from './api-hold.ts';
import { ClientTransactions, newBranch } from './client-transactions.ts';
import { CommittedEvents } from './committed-events.ts';
import { DigestAuth } from './digest-auth.ts';
import { handleInDialog } from './in-dialog-requests.ts';
import { InboundCalls } from './inbound-calls.ts';
import { OutboundCalls } from './outbound-calls.ts';
import { parseSipMessage } from './parse-sip-message.ts';
import { handleRegister } from './register-request.ts';
import { Registrations } from './registrations.ts';
import { responseTo } from './serialize-sip-message.ts';
import {
  type Peer,
  type ServerTransaction,
  ServerTransactions,
  type TransactionTimers,
} from './server-transactions.ts';
import { parseNameAddr } from './sip-headers.ts';
import { newTag, type SipLeg, type SipLog } from './sip-leg.ts';
import type { SipListenAddress } from './sip-listen-address.ts';
import { ALLOWED_METHODS, header, type SipMessage, type SipRequest } from './sip-message.ts';
import type { FramingErrorReason } from './sip-stream-framing.ts';
import type { SipTransport } from './sip-transport.ts';
import { SourceRateLimit } from './source-rate-limit.ts';
import { TcpTransport } from './tcp-transport.ts';
import { UdpTransport } from './udp-transport.ts';

// The SIP user agent server (RFC 3261) beside the HTTP API: INVITEs to rooms become
// participants of the room's call through the same CallService the REST routes use, so SIP and
// REST produce the same events. Signalling and DTMF only: no audio is sent or mixed.

export interface SipAgentOptions {
  listen: readonly SipListenAddress[];
  service: CallService;
  /** Rooms, and the users that may REGISTER. */
  directory: SipDirectory;
  /** The event log, read for removals the API made (BYE to those legs). */
  events: CallStore;
  changes: ChangeFeed;
  clock: Clock;
  /** Time between 180 Ringing and 200 OK (default 0). */
  ringMs?: number;
  timers?: Partial<TransactionTimers>;
  /** Largest message accepted (default 16 KiB); larger requests get 513. */
  maxMessageBytes?: number;
  /** Most legs at once (default 10 000); more INVITEs get 503. */
  maxLegs?: number;
  /** INVITEs per second one source address may keep up (default 50, burst 100). */
  invitesPerSecond?: number;
  /** TCP connections open at once, per listener (default 1 000). */
  maxTcpConnections?: number;
  /** A TCP connection with no traffic for this long is closed (default 5 minutes). */
  tcpIdleMs?: number;
  log?: SipLog;
}

/** Where one of the agent's transports listens. */
export interface SipBoundAddress {
  transport: 'udp' | 'tcp';
  address: string;
  port: number;
}

export class SipAgent implements AgentContext {
  readonly legs = new Map<string, SipLeg>();
  readonly log: SipLog;
  readonly service: CallService;
  readonly clock: Clock;
  private readonly transports: SipTransport[] = [];
  private readonly transactions: ServerTransactions;
  private readonly clients: ClientTransactions;
  private readonly byParticipant = new Map<string, SipLeg>();
  private readonly inbound: InboundCalls;
  private readonly registrations = new Registrations();
  private readonly auth = new DigestAuth();
  private readonly outbound: OutboundCalls;
  private readonly limit: SourceRateLimit;
  private readonly committed: CommittedEvents;
  private local: Peer = { address: '127.0.0.1', port: 0 };

  constructor(private readonly options: SipAgentOptions) {
    this.service = options.service;
    this.clock = options.clock;
    this.log = options.log ?? { warn: () => {} };
    const send = (message: SipMessage, to: Peer) => this.send(message, to);
    this.transactions = new ServerTransactions({
      clock: options.clock,
      send,
      ...(options.timers && { timers: options.timers }),
    });
    this.clients = new ClientTransactions(options.clock, send, this.transactions.timers);
    const perSecond = options.invitesPerSecond ?? 50;
    this.limit = new SourceRateLimit({ clock: options.clock, perSecond, burst: perSecond * 2 });
    this.inbound = new InboundCalls({
      service: options.service,
      clock: options.clock,
      log: this.log,
      directory: options.directory,
      transactions: this.transactions,
      limit: this.limit,
      legs: this.legs,
      byParticipant: this.byParticipant,
      ringMs: options.ringMs ?? 0,
      maxLegs: options.maxLegs ?? 10_000,
      local: () => this.local,
      contact: (peer) => this.contact(peer),
      drop: (leg) => this.drop(leg),
      hangUp: (leg) => this.hangUp(leg),
    });
    this.outbound = new OutboundCalls({
      service: options.service,
      registrations: this.registrations,
      clients: this.clients,
      clock: options.clock,
      log: this.log,
      local: () => this.local,
      via: (peer) => this.via(peer),
      contact: (peer) => this.contact(peer),
      adopt: (leg) => {
        this.legs.set(leg.dialogKey, leg);
        this.byParticipant.set(`${leg.callId}\n${leg.userId}`, leg);
      },
      drop: (leg) => this.drop(leg),
      forget: (leg) => this.forget(leg),
      hangUp: (leg) => this.hangUp(leg),
    });
    this.committed = new CommittedEvents({
      events: options.events,
      changes: options.changes,
      types: ['call.user.removed', 'call.user.invited', 'call.user.paused', 'call.user.unpaused'],
      onEvent: (event) => this.onCommitted(event),
      log: this.log,
    });
  }

  async start(): Promise<void> {
    for (const address of this.options.listen) {
      const socket = this.transports.length;
      if (address.transport === 'udp') {
        this.transports.push(
          await UdpTransport.bind(address.host, address.port, (data, from) =>
            this.onDatagram(data, { ...from, socket }),
          ),
        );
        continue;
      }
      this.transports.push(
        await TcpTransport.listen(
          address.host,
          address.port,
          {
            onMessage: (data, from) => this.onDatagram(data, { ...from, socket }),
            onFramingError: (head, from, reason, detail) =>
              this.onFramingError(head, { ...from, socket }, reason, detail),
          },
          {
            clock: this.clock,
            maxMessageBytes: this.maxMessageBytes,
            ...(this.options.maxTcpConnections !== undefined && {
              maxConnections: this.options.maxTcpConnections,
            }),
            ...(this.options.tcpIdleMs !== undefined && { idleMs: this.options.tcpIdleMs }),
          },
        ),
      );
    }
    this.local = this.transports[0]?.address ?? this.local;
    await this.committed.start();
  }

  /** Where each transport listens (port 0 resolved). */
  get addresses(): SipBoundAddress[] {
    return this.transports.map((t) => ({
      transport: t.protocol === 'TCP' ? 'tcp' : 'udp',
      address: t.address.address,
      port: t.address.port,
    }));
  }

  private get maxMessageBytes(): number {
    return this.options.maxMessageBytes ?? 16 * 1024;
  }

  async close(): Promise<void> {
    this.committed.stop();
    for (const leg of [...this.legs.values()]) this.drop(leg);
    this.transactions.close();
    this.clients.close();
    await Promise.all(this.transports.map((t) => t.close()));
  }

  send(message: SipMessage, to: Peer): void {
    this.transports[to.socket ?? 0]?.send(message, to);
  }

  /** callhook's Contact for a dialog with `peer`: the address of the transport it is on. */
  contact(peer?: Peer): string {
    const transport = this.transportOf(peer);
    const { address, port } = transport?.address ?? this.local;
    return `<sip:callhook@${address}:${port}${transport?.protocol === 'TCP' ? ';transport=tcp' : ''}>`;
  }

  /** The top Via of a request callhook sends to `peer`, with a fresh branch. */
  via(peer: Peer): string {
    const transport = this.transportOf(peer);
    const { address, port } = transport?.address ?? this.local;
    return `SIP/2.0/${transport?.protocol ?? 'UDP'} ${address}:${port};branch=${newBranch()};rport`;
  }

  private transportOf(peer: Peer | undefined): SipTransport | undefined {
    return this.transports[peer?.socket ?? 0];
  }

  drop(leg: SipLeg): void {
    leg.end();
    this.forget(leg);
  }

  private forget(leg: SipLeg): void {
    this.legs.delete(leg.dialogKey);
    const key = `${leg.callId}\n${leg.userId}`;
    if (this.byParticipant.get(key) === leg) this.byParticipant.delete(key);
  }

  private onDatagram(data: Buffer, from: Peer): void {
    if (data.length <= 4 && data.toString().trim() === '') return; // CRLF keep-alive
    const parsed = parseSipMessage(data, this.maxMessageBytes);
    if (!parsed.ok) {
      if (parsed.request && parsed.request.method !== 'ACK') {
        const status = parsed.error.code === 'too_large' ? 513 : 400;
        this.send(
          responseTo(parsed.request, status, {
            headers: { warning: `399 callhook "${parsed.error.message}"` },
          }),
          from,
        );
      }
      return;
    }
    const message = parsed.message;
    if (message.kind === 'response') {
      this.clients.receive(message);
      return;
    }
    this.onRequest(message, from).catch((error: unknown) =>
      this.log.warn({ err: error }, 'SIP: request handler failed'),
    );
  }

  /** A TCP stream that cannot be framed: 513 or 400 to its request if it reads as one. */
  private onFramingError(
    head: Buffer,
    from: Peer,
    reason: FramingErrorReason,
    detail: string,
  ): void {
    const parsed = parseSipMessage(head, this.maxMessageBytes);
    const request = parsed.ok
      ? parsed.message.kind === 'request'
        ? parsed.message
        : undefined
      : parsed.request;
    if (!request || request.method === 'ACK') return;
    const status = reason === 'too_large' ? 513 : 400;
    this.send(
      responseTo(request, status, { headers: { warning: `399 callhook "${detail}"` } }),
      from,
    );
  }

  private async onRequest(request: SipRequest, from: Peer): Promise<void> {
    const maxForwards = header(request, 'max-forwards');
    if (maxForwards !== undefined && !/^\d{1,3}$/.test(maxForwards)) {
      if (request.method !== 'ACK') this.send(responseTo(request, 400), from);
      return;
    }
    const received = this.transactions.receive(request, from);
    if (received.kind === 'retransmission' || received.kind === 'ack-absorbed') return;
    if (received.kind === 'full') {
      this.send(responseTo(request, 503, { headers: { 'retry-after': '5' } }), from);
      return;
    }
    if (received.kind === 'dialog-ack') {
      this.inbound.ack(request);
      return;
    }
    const tx = received.transaction;
    const tag = newTag;
    if (maxForwards === '0' && request.method !== 'OPTIONS') {
      tx.respond(responseTo(request, 483, { toTag: tag() }));
      return;
    }
    try {
      await this.dispatch(tx, from, tag);
    } catch (error) {
      // A store or socket failure: the request is answered, never left to time out.
      this.log.warn({ err: error, method: request.method }, 'SIP: request failed');
      const status = error instanceof CallhookError && error.code === 'unavailable' ? 503 : 500;
      tx.respond(responseTo(request, status, { toTag: tag(), headers: { 'retry-after': '5' } }));
    }
  }

  private async dispatch(tx: ServerTransaction, from: Peer, tag: () => string): Promise<void> {
    const request = tx.request;
    const toTag = parseNameAddr(header(request, 'to') ?? '')?.tag;
    switch (request.method) {
      case 'INVITE':
        if (toTag === undefined) return this.inbound.invite(tx, from);
        return handleInDialog(this, tx);
      case 'CANCEL':
        return this.inbound.cancel(tx, from);
      case 'OPTIONS':
        tx.respond(
          responseTo(request, 200, {
            toTag: toTag ?? tag(),
            headers: { allow: ALLOWED_METHODS.join(', '), accept: 'application/sdp' },
          }),
        );
        return;
      case 'BYE':
      case 'INFO':
      case 'UPDATE':
        return handleInDialog(this, tx);
      case 'REGISTER':
        if (!this.limit.take(from.address)) {
          tx.respond(responseTo(request, 503, { toTag: tag(), headers: { 'retry-after': '1' } }));
          return;
        }
        return handleRegister(
          {
            directory: this.options.directory,
            auth: this.auth,
            registrations: this.registrations,
            clock: this.clock,
          },
          tx,
          from,
          tag(),
        );
      default:
        tx.respond(
          responseTo(request, 405, {
            toTag: toTag ?? tag(),
            headers: { allow: ALLOWED_METHODS.join(', ') },
          }),
        );
    }
  }

  /**
   * What the API did, read from the log: a removal of a live SIP leg (the API removed the user
   * or ended the call) hangs it up; an invite of a REGISTERed user rings the user's phone; a
   * pause or unpause the phone did not ask for is sent to it as a re-INVITE.
   */
  private onCommitted(event: StoredEvent): void {
    const { userId } = event.payload as { userId: string };
    const leg = this.byParticipant.get(`${event.callId}\n${userId}`);
    if (event.type === 'call.user.removed') {
      // A removal older than this leg's invite was an earlier leg's.
      if (leg && leg.state !== 'gone' && event.seq > leg.invitedSeq) this.hangUp(leg);
      return;
    }
    if (event.type === 'call.user.invited') {
      if (!leg && !this.inbound.isInviting(userId))
        this.outbound.ring(event.callId, userId, event.seq);
      return;
    }
    // Paused or unpaused: a phone already in that state asked for it itself (its re-INVITE).
    const held = event.type === 'call.user.paused';
    if (leg?.state !== 'confirmed' || leg.held === held || event.seq <= leg.invitedSeq) return;
    void reinviteForHold(leg, held, {
      clients: this.clients,
      via: this.via(leg.peer),
      contact: this.contact(leg.peer),
      log: this.log,
    });
  }

  /** Ends a leg from this side: BYE once answered, 487 to an INVITE still ringing. */
  hangUp(leg: SipLeg): void {
    const state = leg.state;
    this.drop(leg);
    if (state === 'inviting' || state === 'ringing') {
      if (leg.invite)
        leg.invite.respond(responseTo(leg.invite.request, 487, { toTag: leg.localTag }));
      else leg.cancelOutbound?.();
      return;
    }
    if (state === 'gone') return;
    const bye: SipRequest = {
      kind: 'request',
      method: 'BYE',
      uri: leg.remoteTarget,
      headers: new Map([
        ['via', [this.via(leg.peer)]],
        ['max-forwards', ['70']],
        ['from', [leg.local]],
        ['to', [leg.remote]],
        ['call-id', [leg.sipCallId]],
        ['cseq', [`${leg.localCseq++} BYE`]],
      ]),
      body: Buffer.alloc(0),
    };
    void this.clients.request(bye, leg.peer);
  }
}
