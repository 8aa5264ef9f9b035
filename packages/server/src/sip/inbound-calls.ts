import { userIdSchema } from '@callhook/sdk';
import type { Clock } from '../clock.ts';
import { CallhookError } from '../errors.ts';
import type { CallService } from '../service/call-service.ts';
import type { SipDirectory } from '../store/sip-port.ts';
import { MediaPort } from './media-port.ts';
import { RoomCalls, type RoomInvite } from './room-calls.ts';
import { readOffer, writeAnswer } from './sdp-session.ts';
import { responseTo } from './serialize-sip-message.ts';
import type { Peer, ServerTransaction, ServerTransactions } from './server-transactions.ts';
import { parseNameAddr, uriUser } from './sip-headers.ts';
import { dialogKeyOf, newTag, SipLeg, type SipLog } from './sip-leg.ts';
import { ALLOWED_METHODS, cseqOf, header, type SipRequest } from './sip-message.ts';
import type { SourceRateLimit } from './source-rate-limit.ts';

// Calls phones make to rooms (RFC 3261 §13.3): INVITE → 100, the invite committed, 180, the
// ring time, 200 with callhook's SDP; its ACK → joined; CANCEL while it rings → 487 and removed.

export interface InboundDeps {
  service: CallService;
  clock: Clock;
  log: SipLog;
  directory: SipDirectory;
  transactions: ServerTransactions;
  limit: SourceRateLimit;
  legs: Map<string, SipLeg>;
  byParticipant: Map<string, SipLeg>;
  ringMs: number;
  maxLegs: number;
  local(): Peer;
  contact(peer: Peer): string;
  drop(leg: SipLeg): void;
  hangUp(leg: SipLeg): void;
}

export class InboundCalls {
  private readonly roomCalls: RoomCalls;
  private readonly byInvite = new WeakMap<ServerTransaction, SipLeg>();
  /** Users whose INVITE is being committed: their invite event is not the API's. */
  private readonly inviting = new Map<string, number>();

  constructor(private readonly d: InboundDeps) {
    this.roomCalls = new RoomCalls(d.service);
  }

  /** Whether `userId`'s own INVITE is being committed now. */
  isInviting(userId: string): boolean {
    return this.inviting.has(userId);
  }

  async invite(tx: ServerTransaction, from: Peer): Promise<void> {
    const request = tx.request;
    const localTag = newTag();
    const reject = (status: number, headers: Record<string, string> = {}) =>
      tx.respond(responseTo(request, status, { toTag: localTag, headers }));
    if (!this.d.limit.take(from.address) || this.d.legs.size >= this.d.maxLegs) {
      return reject(503, { 'retry-after': String(this.d.limit.retryAfterSeconds()) });
    }
    tx.respond(responseTo(request, 100));
    const contentType = header(request, 'content-type')?.split(';')[0]?.trim().toLowerCase();
    if (request.body.length > 0 && contentType !== 'application/sdp') {
      return reject(415, { accept: 'application/sdp' });
    }
    const offer = request.body.length > 0 ? readOffer(request.body.toString('utf8')) : undefined;
    if (offer && !offer.ok) return reject(488, { warning: `304 callhook "${offer.reason}"` });
    const fromAddr = parseNameAddr(header(request, 'from') ?? '');
    const toAddr = parseNameAddr(header(request, 'to') ?? '');
    if (!fromAddr?.tag || !toAddr) return reject(400);
    const userId = fromAddr.user;
    if (!userIdSchema.safeParse(userId).success) {
      return reject(400, { warning: '399 callhook "the From user part is not a valid userId"' });
    }
    const dialled = uriUser(request.uri) || toAddr.user;
    const room = dialled ? await this.d.directory.getRoom(dialled) : undefined;
    if (tx.finalStatus !== null) return; // CANCELled meanwhile: answered 487 already
    if (!room) return reject(404);

    const sipCallId = header(request, 'call-id')!;
    const media = await MediaPort.open(
      this.d.local().address,
      () => this.d.clock.now(),
      (symbol) => leg.run(this.d.service, { type: 'dtmf', digits: symbol, userId }, this.d.log),
    );
    if (tx.finalStatus !== null) {
      media.close();
      return;
    }
    const contact = parseNameAddr(header(request, 'contact') ?? '');
    const leg: SipLeg = new SipLeg(
      `${sipCallId}\n${localTag}\n${fromAddr.tag}`,
      sipCallId,
      localTag,
      header(request, 'from')!,
      `${header(request, 'to')!};tag=${localTag}`,
      contact?.uri ?? fromAddr.uri,
      from,
      userId,
      tx,
      cseqOf(request).seq,
      media,
      this.d.local().address,
    );
    if (offer?.ok) {
      media.telephoneEvent = offer.offer.telephoneEvent;
      leg.held = offer.offer.held;
    }
    this.d.legs.set(leg.dialogKey, leg);
    this.byInvite.set(tx, leg);

    let invited: RoomInvite;
    this.inviting.set(userId, (this.inviting.get(userId) ?? 0) + 1);
    try {
      invited = await this.roomCalls.invite(room, userId);
    } catch (error) {
      this.doneInviting(userId);
      this.d.drop(leg);
      if (leg.cancelled) return;
      if (error instanceof CallhookError && error.code === 'invalid_transition') return reject(486);
      throw error; // answered 500, or 503 while the store is unavailable
    }
    const { callId } = invited;
    leg.callId = callId;
    leg.invitedSeq = invited.invitedSeq;
    if (leg.cancelled) {
      // The CANCEL came while the invite was being committed: it was answered 487 already.
      this.doneInviting(userId);
      await leg.run(this.d.service, { type: 'remove', userId }, this.d.log);
      return;
    }
    this.d.byParticipant.set(`${callId}\n${userId}`, leg);
    this.doneInviting(userId);
    leg.state = 'ringing';
    tx.respond(
      responseTo(request, 180, { toTag: localTag, headers: { contact: this.d.contact(from) } }),
    );
    const answer = () => this.answer(leg, tx, offer?.ok ? offer.offer : undefined);
    const ringMs = this.d.ringMs;
    if (ringMs <= 0) answer();
    else leg.ringTimer = this.d.clock.setTimer(this.d.clock.now() + ringMs, answer);
  }

  private answer(
    leg: SipLeg,
    invite: ServerTransaction,
    offer: Parameters<typeof writeAnswer>[1],
  ): void {
    if (leg.state !== 'ringing') return;
    leg.state = 'answered';
    invite.onNoAck = () => {
      // RFC 3261 §13.3.1.4: no ACK for the 2xx in 64·T1 — the dialog is over.
      if (leg.state !== 'answered') return;
      this.d.hangUp(leg);
      void leg.run(this.d.service, { type: 'remove', userId: leg.userId }, this.d.log);
    };
    invite.respond(
      responseTo(invite.request, 200, {
        toTag: leg.localTag,
        headers: { contact: this.d.contact(leg.peer), allow: ALLOWED_METHODS.join(', ') },
        body: { contentType: 'application/sdp', data: Buffer.from(writeAnswer(leg.sdp, offer)) },
      }),
    );
  }

  ack(request: SipRequest): void {
    const leg = this.d.legs.get(dialogKeyOf(request));
    if (!leg) return;
    const { seq } = cseqOf(request);
    if (leg.state === 'answered' && seq === leg.inviteSeq) {
      leg.invite?.acknowledged();
      leg.state = 'confirmed';
      void leg.run(this.d.service, { type: 'join', userId: leg.userId }, this.d.log);
    } else if (leg.pendingReinvite?.seq === seq) {
      leg.pendingReinvite.transaction.acknowledged();
      leg.pendingReinvite = undefined;
    }
  }

  cancel(tx: ServerTransaction, from: Peer): void {
    const invite = this.d.transactions.inviteCancelledBy(tx.request, from);
    const leg = invite ? this.byInvite.get(invite) : undefined;
    if (!invite) {
      tx.respond(responseTo(tx.request, 481, { toTag: newTag() }));
      return;
    }
    tx.respond(responseTo(tx.request, 200, { toTag: leg?.localTag ?? newTag() }));
    if (invite.finalStatus !== null) return; // answered already: the peer sends BYE
    if (!leg) {
      // Still being read (room, media port): it sees the 487 and stops.
      invite.respond(responseTo(invite.request, 487, { toTag: newTag() }));
      return;
    }
    leg.cancelled = true;
    invite.respond(responseTo(invite.request, 487, { toTag: leg.localTag }));
    const committed = leg.state === 'ringing';
    this.d.drop(leg);
    if (committed) void leg.run(this.d.service, { type: 'remove', userId: leg.userId }, this.d.log);
  }

  private doneInviting(userId: string): void {
    const left = (this.inviting.get(userId) ?? 1) - 1;
    if (left > 0) this.inviting.set(userId, left);
    else this.inviting.delete(userId);
  }
}
