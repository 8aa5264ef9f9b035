import type { Clock } from '../clock.ts';
import type { CallService } from '../service/call-service.ts';
import type { Peer } from './server-transactions.ts';
import type { SipLeg, SipLog } from './sip-leg.ts';
import type { SipMessage } from './sip-message.ts';

/** What the handlers of one request share. */
export interface AgentContext {
  readonly service: CallService;
  readonly clock: Clock;
  readonly log: SipLog;
  readonly legs: Map<string, SipLeg>;
  send(message: SipMessage, to: Peer): void;
  /** Forgets a leg that is over (its timers, media and table entries). */
  drop(leg: SipLeg): void;
  /** callhook's Contact for a dialog with `peer` (the transport it is on). */
  contact(peer?: Peer): string;
}
