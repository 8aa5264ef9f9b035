import { FULL_CALL_EVENTS } from '../../packages/server/test/sip/support/full-call.ts';

// Whether every SIP call of a bench step gave exactly its events, and every one of them was
// delivered. The event log (GET /v1/events) says what each call emitted; the receiver says
// which (callId, seq) arrived with a valid signature. A call is exact when its log is the
// seven events of the bench call (FULL_CALL_EVENTS), in order, and each of them arrived.

export interface LoggedEvent {
  callId: string;
  seq: number;
  type: string;
}

export interface SipCallCheck {
  /** Calls in the log. */
  calls: number;
  /** Calls whose log was exactly the expected events, each delivered. */
  exactCalls: number;
  /** Events per type in the log, and delivered (verified, counted once). */
  byType: Record<string, { logged: number; delivered: number }>;
  /** Logged events that never arrived. */
  lost: number;
  /** Arrivals with no logged event (should not happen). */
  unknownArrivals: number;
  /** A few calls that were not exact, with what they had. */
  examples: string[];
}

export function checkSipCalls(
  logged: readonly LoggedEvent[],
  arrivals: { callIds: readonly string[]; seqs: readonly number[] },
): SipCallCheck {
  const delivered = new Set<string>();
  for (let i = 0; i < arrivals.callIds.length; i++) {
    delivered.add(`${arrivals.callIds[i]}\n${arrivals.seqs[i]}`);
  }
  const byCall = new Map<string, LoggedEvent[]>();
  const byType: SipCallCheck['byType'] = {};
  for (const type of FULL_CALL_EVENTS) byType[type] = { logged: 0, delivered: 0 };
  let lost = 0;
  const knownKeys = new Set<string>();
  for (const event of logged) {
    const key = `${event.callId}\n${event.seq}`;
    knownKeys.add(key);
    byType[event.type] ??= { logged: 0, delivered: 0 };
    const count = byType[event.type]!;
    count.logged++;
    if (delivered.has(key)) count.delivered++;
    else lost++;
    const list = byCall.get(event.callId);
    if (list) list.push(event);
    else byCall.set(event.callId, [event]);
  }
  let exactCalls = 0;
  const examples: string[] = [];
  for (const [callId, events] of byCall) {
    const sorted = [...events].sort((a, b) => a.seq - b.seq);
    const exact =
      sorted.length === FULL_CALL_EVENTS.length &&
      sorted.every(
        (e, i) =>
          e.seq === i + 1 &&
          e.type === FULL_CALL_EVENTS[i] &&
          delivered.has(`${e.callId}\n${e.seq}`),
      );
    if (exact) exactCalls++;
    else if (examples.length < 5) {
      const marks = sorted.map(
        (e) => `${e.seq}:${e.type}${delivered.has(`${e.callId}\n${e.seq}`) ? '' : ' (lost)'}`,
      );
      examples.push(`${callId}: ${marks.join(', ')}`);
    }
  }
  let unknownArrivals = 0;
  for (const key of delivered) if (!knownKeys.has(key)) unknownArrivals++;
  return { calls: byCall.size, exactCalls, byType, lost, unknownArrivals, examples };
}
