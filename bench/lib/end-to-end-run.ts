import type { LatencySummary } from '../../packages/server/src/simulate/latency-recorder.ts';
import type { Receiver } from '../processes/receiver.ts';
import type { BenchProfile } from './bench-options.ts';
import { AckBook, type EndToEndLatency, endToEndLatency } from './e2e-latency.ts';
import { assertClean, driveLoad, type LoadOptions } from './load.ts';
import { monotonicMs } from './monotonic-clock.ts';

// One end-to-end measurement against a server whose webhooks go to `receiver` (verifying):
// commands in at a fixed event rate, then as fast as they go; each time the bench waits until
// every event of the window has arrived (or a bounded wait ends) before it counts.

export const FIXED_EVENTS_PER_SECOND = 1000;

export interface DeliveryWindow {
  /** Events the commands emitted (their lastSeq deltas). */
  emitted: number;
  /** Distinct events the receiver verified. */
  delivered: number;
  invalid: number;
  duplicates: number;
  /** Delivered events ÷ (last arrival − first command), in events/s. */
  eventsPerSecond: number;
  latency: EndToEndLatency;
  /** Each command's round trip at the load generator (for the relay, its forward included). */
  commandLatency: LatencySummary;
}

export interface EndToEndRun {
  fixed: DeliveryWindow;
  saturated: DeliveryWindow;
}

export async function measureEndToEnd(
  url: string,
  receiver: Receiver,
  profile: BenchProfile,
  seed: number,
  load: Pick<LoadOptions, 'oneEventPerCommand'> = {},
): Promise<EndToEndRun> {
  // Warm-up: unmeasured traffic, fully delivered, then the receiver forgets it.
  const warm = await driveLoad({
    ...load,
    url,
    seconds: profile.warmupSeconds,
    concurrency: profile.concurrency,
    seed: seed + 7777,
  });
  assertClean(warm, 'end-to-end warm-up');
  await receiver.call('waitFor', { count: warm.events, timeoutMs: 60_000 });
  await receiver.call('reset', undefined);

  const fixed = await deliveryWindow(url, receiver, profile, load, seed, FIXED_EVENTS_PER_SECOND);
  const saturated = await deliveryWindow(url, receiver, profile, load, seed + 1, undefined);
  return { fixed, saturated };
}

async function deliveryWindow(
  url: string,
  receiver: Receiver,
  profile: BenchProfile,
  load: Pick<LoadOptions, 'oneEventPerCommand'>,
  seed: number,
  eventsPerSecond: number | undefined,
): Promise<DeliveryWindow> {
  const acks = new AckBook();
  const start = monotonicMs();
  const r = await driveLoad({
    ...load,
    url,
    seconds: profile.windowSeconds,
    concurrency: profile.concurrency,
    seed,
    onAck: acks.record,
    ...(eventsPerSecond !== undefined && { eventsPerSecond }),
  });
  assertClean(r, 'end-to-end');
  // Bounded wait for the tail: generous, since a slow drain is itself the finding.
  const stats = await receiver.call('waitFor', {
    count: r.events,
    timeoutMs: Math.max(60_000, profile.windowSeconds * 6_000),
  });
  const arrivals = await receiver.call('arrivals', undefined);
  await receiver.call('reset', undefined);
  const elapsedMs = (stats.lastAtMs ?? start) - start;
  return {
    emitted: r.events,
    delivered: stats.received,
    invalid: stats.invalid,
    duplicates: stats.duplicates,
    eventsPerSecond: elapsedMs > 0 ? stats.received / (elapsedMs / 1000) : 0,
    latency: endToEndLatency(acks, arrivals),
    commandLatency: r.latency,
  };
}

/**
 * One line per window for the notes: what was emitted, delivered, rejected, repeated.
 * `signed` false for the relay's unsigned events (the receiver only parses their bodies).
 */
export function describeWindow(name: string, w: DeliveryWindow, signed = true): string {
  const checked = signed ? 'delivered and verified' : 'delivered (unsigned)';
  const rejected = signed ? 'bad signatures' : 'bad bodies';
  return (
    `${name}: ${w.delivered}/${w.emitted} events ${checked}` +
    `, ${w.invalid} ${rejected}, ${w.duplicates} duplicates, ${w.latency.unmatched} unmatched`
  );
}
