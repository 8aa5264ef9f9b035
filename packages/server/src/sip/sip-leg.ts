import { randomBytes } from 'node:crypto';
import type { TimerHandle } from '../clock.ts';
import type { CallCommand } from '../engine/commands.ts';
import type { CallService } from '../service/call-service.ts';
import type { MediaPort } from './media-port.ts';
import type { LocalMedia } from './sdp-session.ts';
import type { Peer, ServerTransaction } from './server-transactions.ts';
import { parseNameAddr } from './sip-headers.ts';
import { header, type SipRequest } from './sip-message.ts';

// One phone's leg of a call: the SIP dialog (RFC 3261 §12) and the participant it stands for.
// The leg's commands run one after another, in the order the SIP messages came, so that a
// re-INVITE sent right after the ACK is a pause of a user already joined.

export type LegState =
  /** INVITE received; the invite is being committed. */
  | 'inviting'
  /** Invited (180 sent); waiting out the ring time. */
  | 'ringing'
  /** 200 OK sent, waiting for the ACK. */
  | 'answered'
  /** ACK received: joined. */
  | 'confirmed'
  /** Over: removed by BYE, CANCEL, the API or a timeout. */
  | 'gone';

export interface SipLog {
  warn(details: object, message: string): void;
}

export class SipLeg {
  state: LegState = 'inviting';
  /** The callhook call, once the invite committed. */
  callId: string | undefined;
  /** seq of this leg's call.user.invited: removals before it are an earlier leg's. */
  invitedSeq = 0;
  cancelled = false;
  held = false;
  /** CSeq of the requests this agent sends in the dialog (BYE). */
  localCseq = 1;
  /** The re-INVITE whose 2xx waits for its ACK. */
  pendingReinvite: { seq: number; transaction: ServerTransaction } | undefined;
  ringTimer: TimerHandle | undefined;
  /** A call callhook made that is still ringing: CANCEL it (outbound-calls.ts). */
  cancelOutbound: (() => void) | undefined;
  sdp: LocalMedia;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dialogKey: string,
    readonly sipCallId: string,
    readonly localTag: string,
    /** The From of the INVITE (the peer, with its tag): the To of requests we send. */
    readonly remote: string,
    /** The To of the INVITE with our tag: the From of requests we send. */
    readonly local: string,
    /** Where requests to the peer go: its Contact, else its From URI. */
    readonly remoteTarget: string,
    /** The address the INVITE came from (responses and our requests go there, RFC 3581). */
    readonly peer: Peer,
    readonly userId: string,
    /** The INVITE this leg answers; null for a call callhook made (outbound). */
    readonly invite: ServerTransaction | null,
    readonly inviteSeq: number,
    readonly media: MediaPort,
    address: string,
  ) {
    this.sdp = { address, port: media.port, sessionId: Date.now(), version: 1 };
  }

  /** Runs a command for this leg's participant after the ones before it. */
  run(service: CallService, command: CallCommand, log: SipLog): Promise<boolean> {
    const callId = this.callId;
    const next = this.tail.then(async () => {
      if (!callId) return false;
      try {
        await service.command(callId, command);
        return true;
      } catch (error) {
        log.warn(
          { err: error, callId, userId: this.userId, command: command.type },
          'SIP: command refused',
        );
        return false;
      }
    });
    this.tail = next;
    return next;
  }

  /** Stops the leg's timers and media; the caller removes it from the agent's tables. */
  end(): void {
    this.state = 'gone';
    this.ringTimer?.cancel();
    this.media.close();
  }
}

/** Call-ID, our tag (To), the peer's tag (From) of a request inside a dialog we answered. */
export function dialogKeyOf(request: SipRequest): string {
  const to = parseNameAddr(header(request, 'to') ?? '');
  const from = parseNameAddr(header(request, 'from') ?? '');
  return `${header(request, 'call-id')}\n${to?.tag}\n${from?.tag}`;
}

/** A fresh From/To tag (RFC 3261 §19.3). */
export function newTag(): string {
  return randomBytes(6).toString('hex');
}
