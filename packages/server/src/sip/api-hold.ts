import { ackOf2xx, type ClientTransactions } from './client-transactions.ts';
import { writeOffer } from './sdp-session.ts';
import type { SipLeg, SipLog } from './sip-leg.ts';
import type { SipRequest } from './sip-message.ts';

// The API paused or unpaused a SIP participant: callhook tells the phone with a re-INVITE of
// its own, `sendonly` (callhook holds the phone, RFC 3264 §8.4) or `sendrecv`, and ACKs the 2xx.
// The event is already committed; a phone that refuses the offer (4xx, no answer) changes
// nothing in the call, which follows the API.

export async function reinviteForHold(
  leg: SipLeg,
  held: boolean,
  deps: { clients: ClientTransactions; via: string; contact: string; log: SipLog },
): Promise<void> {
  leg.held = held;
  leg.sdp = { ...leg.sdp, version: leg.sdp.version + 1 };
  const invite: SipRequest = {
    kind: 'request',
    method: 'INVITE',
    uri: leg.remoteTarget,
    headers: new Map([
      ['via', [deps.via]],
      ['max-forwards', ['70']],
      ['from', [leg.local]],
      ['to', [leg.remote]],
      ['call-id', [leg.sipCallId]],
      ['cseq', [`${leg.localCseq++} INVITE`]],
      ['contact', [deps.contact]],
      ['content-type', ['application/sdp']],
    ]),
    body: Buffer.from(writeOffer(leg.sdp, held ? 'sendonly' : 'sendrecv')),
  };
  const outcome = await deps.clients.invite(invite, leg.peer, (response) => {
    if (response.status >= 200 && response.status < 300) {
      deps.clients.sendOnce(ackOf2xx(invite, response), leg.peer);
    }
  });
  if (outcome.kind !== 'answered' || outcome.status >= 300) {
    deps.log.warn(
      {
        callId: leg.callId,
        userId: leg.userId,
        outcome: outcome.kind === 'answered' ? outcome.status : 'timeout',
      },
      'SIP: the phone did not take the hold re-INVITE',
    );
  }
}
