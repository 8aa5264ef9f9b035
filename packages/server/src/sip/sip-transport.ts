import type { Peer } from './server-transactions.ts';
import type { SipMessage } from './sip-message.ts';

// What the agent needs of a transport (RFC 3261 §18): where it listens, whether it is
// reliable (no retransmissions over it), and a way to send a message to a peer.

export interface SipTransport {
  /** `UDP` or `TCP`, as written in a Via's sent-protocol. */
  readonly protocol: 'UDP' | 'TCP';
  /** Where it listens (port 0 resolved). */
  readonly address: Peer;
  send(message: SipMessage, to: Peer): void;
  close(): Promise<void>;
}
