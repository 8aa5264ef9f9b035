// The plain facts of the event contract — the seven event types and the id patterns — with no
// schema library behind them, so that code which only needs these (the callhook CLI at every
// start) can import `@callhook/sdk/names` without loading zod. The schemas are built on them.

/** The seven event types, in the order of the user's document. */
export const EVENT_TYPES = [
  'call.created',
  'call.ended',
  'call.user.invited',
  'call.user.removed',
  'call.user.paused',
  'call.user.unpaused',
  'call.dtmf',
] as const;

export type CallEventType = (typeof EVENT_TYPES)[number];

/** Lower-case UUID (any version), as `callId` and event ids are written on the wire. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque ids of threads, streams and users: 1–128 characters of `[A-Za-z0-9._:-]`. */
export const OPAQUE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
