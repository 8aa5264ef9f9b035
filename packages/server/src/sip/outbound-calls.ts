import { randomBytes, randomUUID } from 'node:crypto';
import type { CallService } from '../service/call-service.ts';
import type { ClientTransactions } from './client-transactions.ts';
import { ackOf2xx } from './client-transactions.ts';
import { MediaPort } from './media-port.ts';
import type { Registrations } from './registrations.ts';
import { readOffer, writeOffer } from './sdp-session.ts';
import type { Peer } from './server-transactions.ts';
import { parseNameAddr } from './sip-headers.ts';
import { type LegState, SipLeg, type SipLog } from './sip-leg.ts';
import { header, type SipRequest, type SipResponse } from './sip-message.ts';

// Calls callhook makes: when the API invites a userId that has REGISTERed, its contact is sent
// an INVITE (offering PCMU/PCMA and telephone-event). 180 → still invited; 200 → ACK and
// joined; 486, 603, 408, any other failure or no answer (Timer B) → removed. The API removing
// the user while it rings sends CANCEL.

export interface OutboundDeps {
  service: CallService;
  registrations: Registrations;
  clients: ClientTransactions;
  clock: { now(): number };
  log: SipLog;
  local(): Peer;
  /** The top Via of a request to `peer`, with a fresh branch. */
  via(peer: Peer): string;
  contact(peer: Peer): string;
  /** Takes an answered leg into the agent's tables (dialog and participant). */
  adopt(leg: SipLeg): void;
  /** Forgets a leg that is over. */
  drop(leg: SipLeg): void;
  /** Takes a leg out of the agent's tables, leaving its media open. */
  forget(leg: SipLeg): void;
  hangUp(leg: SipLeg): void;
}

export class OutboundCalls {
  constructor(private readonly deps: OutboundDeps) {}

  /** Rings `userId`'s registered phone for `callId`, if it has one; true when it did. */
  ring(callId: string, userId: string, invitedSeq: number): boolean {
    const binding = this.deps.registrations.lookup(userId, this.deps.clock.now());
    if (!binding) return false;
    void this.call(callId, userId, invitedSeq, binding.contact, binding.peer).catch(
      (error: unknown) =>
        this.deps.log.warn({ err: error, callId, userId }, 'SIP: outbound call failed'),
    );
    return true;
  }

  private async call(
    callId: string,
    userId: string,
    invitedSeq: number,
    contact: string,
    peer: Peer,
  ) {
    const { service, log } = this.deps;
    const local = this.deps.local();
    const localTag = randomBytes(6).toString('hex');
    const sipCallId = `${randomUUID()}@${local.address}`;
    const from = `<sip:callhook@${local.address}:${local.port}>;tag=${localTag}`;
    const to = `<${contact}>`;
    let leg: SipLeg | undefined;
    const media = await MediaPort.open(
      local.address,
      () => this.deps.clock.now(),
      (symbol) => {
        void leg?.run(service, { type: 'dtmf', digits: symbol, userId }, log);
      },
    );
    const sdp = { address: local.address, port: media.port, sessionId: Date.now(), version: 1 };
    const invite = request('INVITE', contact, this.deps.via(peer), from, to, sipCallId, 1, {
      contact: this.deps.contact(peer),
      'content-type': 'application/sdp',
    });
    invite.body = Buffer.from(writeOffer(sdp, 'sendrecv'));
    // The leg exists while it rings, so that the API's removal finds and cancels it.
    const ringing = new SipLeg(
      `${sipCallId}\n${localTag}\n`,
      sipCallId,
      localTag,
      to,
      from,
      contact,
      peer,
      userId,
      null,
      1,
      media,
      local.address,
    );
    ringing.callId = callId;
    ringing.invitedSeq = invitedSeq;
    ringing.state = 'ringing';
    ringing.cancelOutbound = () => {
      // The INVITE's Via, branch and all (RFC 3261 §9.1).
      const via = invite.headers.get('via')![0]!;
      const cancel = request('CANCEL', contact, via, from, to, sipCallId, 1, {});
      void this.deps.clients.request(cancel, peer);
    };
    this.deps.adopt(ringing);
    const onAnswer = (response: SipResponse) => {
      if (response.status >= 200 && response.status < 300) {
        this.deps.clients.sendOnce(ackOf2xx(invite, response), peer);
      }
    };
    const outcome = await this.deps.clients.invite(invite, peer, onAnswer);
    const status = outcome.kind === 'answered' ? outcome.status : 408;
    if (status >= 300 || outcome.kind !== 'answered') {
      const cancelledByApi = (ringing.state as LegState) === 'gone';
      this.deps.drop(ringing);
      if (!cancelledByApi) await ringing.run(service, { type: 'remove', userId }, log);
      return;
    }
    const removedByApi = (ringing.state as LegState) === 'gone';
    const remoteTag = parseNameAddr(header(outcome.response, 'to') ?? '')?.tag ?? '';
    const remoteContact = parseNameAddr(header(outcome.response, 'contact') ?? '')?.uri ?? contact;
    const toWithTag = header(outcome.response, 'to') ?? to;
    this.deps.forget(ringing); // the answered leg below takes over its media port
    leg = new SipLeg(
      `${sipCallId}\n${localTag}\n${remoteTag}`,
      sipCallId,
      localTag,
      toWithTag,
      from,
      remoteContact,
      peer,
      userId,
      null,
      1,
      media,
      local.address,
    );
    leg.callId = callId;
    leg.invitedSeq = invitedSeq;
    leg.localCseq = 2;
    const answer =
      outcome.response.body.length > 0
        ? readOffer(outcome.response.body.toString('utf8'))
        : undefined;
    if (answer?.ok) media.telephoneEvent = answer.offer.telephoneEvent;
    if (removedByApi) {
      // Removed through the API while the 200 was on its way: ACKed, then hung up.
      leg.state = 'confirmed';
      this.deps.hangUp(leg);
      return;
    }
    leg.state = 'confirmed';
    this.deps.adopt(leg);
    await leg.run(service, { type: 'join', userId }, log);
  }
}

function request(
  method: string,
  uri: string,
  via: string,
  from: string,
  to: string,
  callId: string,
  cseq: number,
  extra: Record<string, string>,
): SipRequest {
  const headers = new Map<string, string[]>([
    ['via', [via]],
    ['max-forwards', ['70']],
    ['from', [from]],
    ['to', [to]],
    ['call-id', [callId]],
    ['cseq', [`${cseq} ${method}`]],
  ]);
  for (const [name, value] of Object.entries(extra)) headers.set(name, [value]);
  return { kind: 'request', method, uri, headers, body: Buffer.alloc(0) };
}
