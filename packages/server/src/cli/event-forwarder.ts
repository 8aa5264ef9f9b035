import type { CallEventType } from '@callhook/sdk';
import { buildDeliveryHeaders } from '../delivery/delivery-headers.ts';
import { VERSION } from '../version.ts';
import { causeOf } from './api-client.ts';

// `callhook listen` forwards each event to a local URL as the service's delivery would send it:
// the same body and the same docs/contract.md §4 headers (built by the delivery code itself), signed
// with the listener's secret. One attempt, no retries: the developer sees every answer.

/** The attempt timeout of real deliveries (docs/contract.md §4). */
export const FORWARD_TIMEOUT_MS = 15_000;

export interface ForwardedEvent {
  /** The event's UUID: webhook-id. */
  eventId: string;
  eventType: CallEventType;
  callId: string;
  seq: number;
  /** The seq of the call's previous event forwarded by this listener, 0 when none. */
  previousSeq: number;
  /** The body exactly as the server streamed it; the signature covers these characters. */
  body: string;
}

export type ForwardResult =
  | { ok: boolean; status: number; latencyMs: number }
  | { ok: false; error: string; latencyMs: number };

export async function forwardEvent(
  target: URL,
  secret: string,
  event: ForwardedEvent,
  { timeoutMs = FORWARD_TIMEOUT_MS, signal }: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ForwardResult> {
  const headers = buildDeliveryHeaders({
    delivery: event,
    attempt: 1,
    body: event.body,
    secrets: [secret],
    now: Date.now(),
  });
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers: { ...headers, 'user-agent': `callhook-listen/${VERSION}` },
      body: event.body,
      redirect: 'manual', // deliveries do not follow redirects
      signal: signal
        ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
        : AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer(); // drain it, so the connection can be reused
    const ok = response.status >= 200 && response.status < 300;
    return { ok, status: response.status, latencyMs: latency() };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const message = timedOut ? `no answer within ${timeoutMs / 1000} s` : causeOf(error);
    return { ok: false, error: message, latencyMs: latency() };
  }
}
