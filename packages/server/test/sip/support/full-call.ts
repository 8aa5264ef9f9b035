import type { UacStep } from './uac-scenario.ts';

// The whole call that the sipp tests and `npm run bench:sip` place — INVITE, ACK, hold
// (re-INVITE sendonly), unhold (sendrecv), INFO DTMF Signal=5, BYE — and the seven events it
// must give, written once so the tests and the bench check the same thing.

/** The steps of a full call, with `pauseMs` between the ACK and the hold. */
export function fullCall(pauseMs: number): UacStep[] {
  return [
    { kind: 'invite' },
    { kind: 'ack' },
    { kind: 'pause', ms: pauseMs },
    { kind: 'reinvite', direction: 'sendonly' },
    { kind: 'reinvite', direction: 'sendrecv' },
    { kind: 'info', signal: '5' },
    { kind: 'bye' },
  ];
}

/** The events of one full call, seq 1 to 7. */
export const FULL_CALL_EVENTS = [
  'call.created',
  'call.user.invited',
  'call.user.paused',
  'call.user.unpaused',
  'call.dtmf',
  'call.user.removed',
  'call.ended',
] as const;

/** `[seq, type]` of each event of one full call. */
export const FULL_CALL_SEQ_TYPES: [number, string][] = FULL_CALL_EVENTS.map((type, i) => [
  i + 1,
  type,
]);
