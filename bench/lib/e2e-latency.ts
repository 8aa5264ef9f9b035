import {
  LatencyRecorder,
  type LatencySummary,
} from '../../packages/server/src/simulate/latency-recorder.ts';
import type { CommandAck } from '../../packages/server/src/simulate/traffic-driver.ts';

// End-to-end latency: from the 2xx of the command that caused an event (load generator) to the
// arrival of its webhook (receiver process), both on the shared monotonic clock. A webhook can
// arrive before the 2xx reaches the client, so a latency may be slightly negative: kept as is.

/** The arrivals a receiver recorded: parallel arrays, one entry per first arrival of an event. */
export interface Arrivals {
  callIds: string[];
  seqs: number[];
  atMs: number[];
}

export interface EndToEndLatency extends LatencySummary {
  /** Arrivals with no matching acknowledged command (should be 0). */
  unmatched: number;
}

/** The ack time of every (callId, seq) the load generator saw acknowledged. */
export class AckBook {
  private readonly byCall = new Map<string, number[]>();
  firstAtMs = Number.POSITIVE_INFINITY;
  size = 0;

  record = (ack: CommandAck): void => {
    let times = this.byCall.get(ack.callId);
    if (!times) {
      times = [];
      this.byCall.set(ack.callId, times);
    }
    for (let seq = ack.firstSeq; seq <= ack.lastSeq; seq++) {
      times[seq] = ack.atMs;
      this.size++;
    }
    if (ack.atMs < this.firstAtMs) this.firstAtMs = ack.atMs;
  };

  ackedAt(callId: string, seq: number): number | undefined {
    return this.byCall.get(callId)?.[seq];
  }
}

export function endToEndLatency(acks: AckBook, arrivals: Arrivals): EndToEndLatency {
  const recorder = new LatencyRecorder();
  let unmatched = 0;
  for (let i = 0; i < arrivals.callIds.length; i++) {
    const acked = acks.ackedAt(arrivals.callIds[i]!, arrivals.seqs[i]!);
    if (acked === undefined) unmatched++;
    else recorder.record(arrivals.atMs[i]! - acked);
  }
  return { ...recorder.summary(), unmatched };
}
