import type { SipListenAddress } from './sip-listen-address.ts';

/** `ServerConfig.sip`: the SIP front end, on when given (`serve --sip`). */
export interface SipConfig {
  /** Where to listen; one UDP socket or TCP listener each. */
  listen: readonly SipListenAddress[];
  /** Time between 180 Ringing and 200 OK (`--sip-ring`, default 0). */
  ringMs?: number;
  /** INVITEs and REGISTERs per second one source address may keep up (default 50, burst twice). */
  invitesPerSecond?: number;
}
