// Compile-only: checked by `npm run typecheck`, never run. Each `@ts-expect-error` must
// still be an error, or the typecheck fails.
import { createServer } from 'node:http';
import {
  type CallEvent,
  createReceiver,
  type DedupeStore,
  type DeliveryMeta,
  type ReceiveResult,
  Webhook,
} from '@callhook/sdk';

const receiver = createReceiver({ secret: 'whsec_c2VjcmV0' });

receiver.on('call.ended', (e) => e.dialogDuration);
receiver.on('call.ended', (e, meta) => {
  const duration: number = e.callDuration;
  const type: 'call.ended' = meta.eventType;
  const seq: number | undefined = meta.seq;
  void [duration, type, seq];
});
// @ts-expect-error call.ended has no userId
receiver.on('call.ended', (e) => e.userId);
// @ts-expect-error call.created has no dialogDuration
receiver.on('call.created', (e) => e.dialogDuration);
// @ts-expect-error call.dtmf's dtmf is a DTMF symbol, not any string
receiver.on('call.dtmf', (e) => e.dtmf === 'Z');
// @ts-expect-error not one of the seven event types
receiver.on('call.answered', () => {});

// Several types at once: the event is their union.
receiver.on(['call.user.paused', 'call.user.unpaused'], (e) => e.userId);
// @ts-expect-error neither paused nor unpaused carries createdAt
receiver.on(['call.user.paused', 'call.user.unpaused'], (e) => e.createdAt);

receiver.onAny((event: CallEvent, meta: DeliveryMeta) => {
  if (event.eventType === 'call.dtmf') {
    const n: number = event.dtmfNumber;
    void n;
  }
  // @ts-expect-error dtmfNumber only exists once narrowed to call.dtmf
  void event.dtmfNumber;
  void meta.callId;
});

// Chaining, async handlers, error codes.
receiver
  .on('call.created', async (e) => {
    await Promise.resolve(e.createdAt);
  })
  .onError((error) => {
    const code: string = error.code;
    void code;
  });

// @ts-expect-error a handler must be a function
receiver.on('call.created', 'not a function');

// The adapters fit node:http and fetch-style servers.
createServer(receiver.node);
const web: (request: Request) => Promise<Response> = receiver.web;
void web;
const answer: Promise<ReceiveResult> = receiver.receive({ rawBody: '{}', headers: new Headers() });
void answer;

// @ts-expect-error secret is required
createReceiver({});
// @ts-expect-error ordered takes true or its options, not a number
createReceiver({ secret: 'whsec_c2VjcmV0', ordered: 5 });

const redisLike: DedupeStore = {
  has: async (id) => id.length > 0,
  add: async () => {},
};
createReceiver({
  secret: ['whsec_c2VjcmV0', 'whsec_b2xk'],
  dedupe: redisLike,
  ordered: { gapTimeoutMs: 5000 },
});

const verified: CallEvent = new Webhook('whsec_c2VjcmV0').verify('{}', { 'webhook-id': 'x' });
void verified;
// @ts-expect-error verify returns the union: a field of one type needs narrowing first
void new Webhook('whsec_c2VjcmV0').verify('{}', {}).dialogDuration;
