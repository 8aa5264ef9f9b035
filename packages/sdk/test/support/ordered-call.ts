// One call's events as the server numbers them, and an ordered receiver on loopback that
// records the seqs its handlers see, for the ordered-mode tests.
import { randomUUID } from 'node:crypto';
import {
  type CallEventType,
  createReceiver,
  type Receiver,
  type ReceiverError,
  type ReceiverOptions,
} from '@callhook/sdk';
import { type LoopbackServer, startLoopbackServer } from './loopback-server.ts';
import { ManualTimers } from './manual-timers.ts';
import { bodyOf, deliveryHeaders, postDelivery, SECRET } from './signed-delivery.ts';

/** The call: `CALL_TYPES[seq - 1]` is the type of event `seq`. */
export const CALL_TYPES: readonly CallEventType[] = [
  'call.created',
  'call.user.invited',
  'call.dtmf',
  'call.user.paused',
  'call.dtmf',
  'call.user.unpaused',
  'call.dtmf',
  'call.user.removed',
  'call.ended',
];

export interface Step {
  seq: number;
  /** `callhook-previous-seq`; absent as from an older server. */
  previousSeq?: number;
  /** `webhook-id`; by default one per seq of the call. */
  id?: string;
}

/** The seqs an endpoint subscribed to `types` is sent, each naming the one before it. */
export function chainOf(types: readonly CallEventType[]): Step[] {
  return stepsOf(CALL_TYPES.flatMap((type, i) => (types.includes(type) ? [i + 1] : [])));
}

/** `seqs` as steps, each naming the one before it (the first names 0). */
export function stepsOf(seqs: readonly number[]): Step[] {
  return seqs.map((seq, i) => ({ seq, previousSeq: seqs[i - 1] ?? 0 }));
}

function deliveryOf(callId: string, step: Step) {
  const type = CALL_TYPES[step.seq - 1];
  if (type === undefined) throw new RangeError(`the call has no seq ${step.seq}`);
  return { ...step, id: step.id ?? `${callId}/${step.seq}`, body: bodyOf(type, callId) };
}

export interface OrderedCall {
  readonly callId: string;
  readonly receiver: Receiver;
  /** The seqs handlers ran, in the order they ran. */
  readonly seen: number[];
  readonly errors: ReceiverError[];
  readonly timers: ManualTimers;
  /** Makes the handler of `seq` wait until released; `started` resolves when it runs. */
  block(seq: number): { started: Promise<void>; release(): void };
  /** Hands `step` (of `callId`'s call) to `receiver.receive`; resolves to the status. */
  receive(step: Step, otherCallId?: string): Promise<number>;
}

/** An ordered receiver (ManualTimers: no gap timeout fires unless the test fires it). */
export function orderedCall(options: Partial<ReceiverOptions> = {}): OrderedCall {
  const callId = randomUUID();
  const seen: number[] = [];
  const errors: ReceiverError[] = [];
  const timers = new ManualTimers();
  const blocked = new Map<number, { started: () => void; released: Promise<void> }>();
  const receiver = createReceiver({ secret: SECRET, ordered: true, timers, ...options })
    .onAny(async (_, meta) => {
      seen.push(meta.seq ?? -1);
      const block = blocked.get(meta.seq ?? -1);
      if (block === undefined) return;
      blocked.delete(meta.seq ?? -1);
      block.started();
      await block.released;
    })
    .onError((error) => {
      errors.push(error);
    });
  return {
    callId,
    receiver,
    seen,
    errors,
    timers,
    block(seq) {
      let started!: () => void;
      let release!: () => void;
      const startedPromise = new Promise<void>((resolve) => (started = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      blocked.set(seq, { started, released });
      return { started: startedPromise, release };
    },
    async receive(step, otherCallId) {
      const delivery = deliveryOf(otherCallId ?? callId, step);
      const result = await receiver.receive({
        rawBody: delivery.body,
        headers: deliveryHeaders(delivery),
      });
      return result.status;
    },
  };
}

export interface ServedCall extends OrderedCall {
  /** POSTs `step` over real HTTP; resolves to the response status. */
  post(step: Step): Promise<number>;
  /** Resolves once `count` requests in all have reached the server. */
  whenArrived(count: number): Promise<void>;
}

const servers: LoopbackServer[] = [];

/** `orderedCall` behind a real node:http server on loopback; close with `closeServedCalls`. */
export async function servedCall(options: Partial<ReceiverOptions> = {}): Promise<ServedCall> {
  const call = orderedCall(options);
  let arrived = 0;
  const waiters: (() => void)[] = [];
  const server = await startLoopbackServer((req, res) => {
    arrived += 1;
    for (const wake of waiters.splice(0)) wake();
    call.receiver.node(req, res);
  });
  servers.push(server);
  return {
    ...call,
    async whenArrived(count) {
      while (arrived < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    async post(step) {
      const response = await postDelivery(server.url, deliveryOf(call.callId, step));
      await response.arrayBuffer();
      return response.status;
    },
  };
}

export async function closeServedCalls(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => s.close()));
}
