import { z } from 'zod';
import { dtmfNumberOf, dtmfNumberSchema, dtmfSymbolSchema } from './dtmf.ts';
import {
  callIdSchema,
  durationMillisSchema,
  epochMillisSchema,
  streamIdSchema,
  threadIdSchema,
  userIdSchema,
} from './identifiers.ts';
import { type CallEventType, EVENT_TYPES } from './names.ts';

// The seven event bodies of the user's document (docs/source/call-events.md), with the
// fields in its table order (docs/contract.md §1). This file is the one source of truth:
// types, validators, JSON Schema, AsyncAPI and the docs are all derived from it.

// The discriminator; its description names the one value it can take.
function eventTypeField<T extends string>(eventType: T) {
  return z.literal(eventType).describe(`type of the event: always \`${eventType}\``);
}

const callFields = {
  callId: callIdSchema,
  threadId: threadIdSchema,
  streamId: streamIdSchema,
};

function participantEvent<T extends string>(eventType: T, description: string, userRole: string) {
  return z
    .object({
      eventType: eventTypeField(eventType),
      ...callFields,
      userId: userIdSchema.describe(`id of the user ${userRole}`),
    })
    .describe(description);
}

export const callCreatedSchema = z
  .object({
    eventType: eventTypeField('call.created'),
    ...callFields,
    createdAt: epochMillisSchema.describe(
      'when the call was created: integer milliseconds since the Unix epoch',
    ),
  })
  .describe('A call was created in a thread. Always the first event of a call (seq 1).');

export const callEndedSchema = z
  .object({
    eventType: eventTypeField('call.ended'),
    ...callFields,
    dialogDuration: durationMillisSchema.describe(
      'total milliseconds during which at least two participants were joined at once (paused counts as joined); 0 if never',
    ),
    callDuration: durationMillisSchema.describe(
      'milliseconds from the creation of the call to its end',
    ),
  })
  .refine((e) => e.dialogDuration <= e.callDuration, {
    message: 'dialogDuration must not exceed callDuration',
    path: ['dialogDuration'],
  })
  .describe(
    'A call ended: by command, or by itself when its last participant was removed, it stayed empty for the idle timeout, or it reached its maximum duration. Sent after `call.user.removed` for every participant still present; always the last event of a call.',
  );

export const callUserInvitedSchema = participantEvent(
  'call.user.invited',
  'A user was invited to the call (starts ringing); not sent on answer.',
  'invited to the call',
);

export const callUserRemovedSchema = participantEvent(
  'call.user.removed',
  'A participant left the call: hung up, was removed, or the call ended while they were present. A removed user may be invited again.',
  'removed from the call',
);

export const callUserPausedSchema = participantEvent(
  'call.user.paused',
  'A joined participant was put on pause (hold). A paused participant still counts as joined for `dialogDuration`.',
  'put on pause',
);

export const callUserUnpausedSchema = participantEvent(
  'call.user.unpaused',
  'A paused participant was taken off pause.',
  'taken off pause',
);

export const callDtmfSchema = z
  .object({
    eventType: eventTypeField('call.dtmf'),
    ...callFields,
    dtmf: dtmfSymbolSchema,
    dtmfNumber: dtmfNumberSchema,
  })
  .refine((e) => dtmfNumberOf(e.dtmf) === e.dtmfNumber, {
    message: 'dtmfNumber must be the RFC 4733 code of dtmf',
    path: ['dtmfNumber'],
  })
  .describe(
    'A DTMF symbol was sent in the call: one event per symbol, in the order they were dialled.',
  );

/** Every event body schema, keyed by its `eventType`, in the order of the user's document. */
export const eventSchemas = {
  'call.created': callCreatedSchema,
  'call.ended': callEndedSchema,
  'call.user.invited': callUserInvitedSchema,
  'call.user.removed': callUserRemovedSchema,
  'call.user.paused': callUserPausedSchema,
  'call.user.unpaused': callUserUnpausedSchema,
  'call.dtmf': callDtmfSchema,
} as const satisfies Record<CallEventType, z.ZodType>;

export { type CallEventType, EVENT_TYPES };

export const callEventTypeSchema = z.enum(EVENT_TYPES);

/** Any of the seven event bodies, discriminated on `eventType`. */
export const callEventSchema = z.discriminatedUnion('eventType', [
  callCreatedSchema,
  callEndedSchema,
  callUserInvitedSchema,
  callUserRemovedSchema,
  callUserPausedSchema,
  callUserUnpausedSchema,
  callDtmfSchema,
]);

export type CallEvent = z.infer<typeof callEventSchema>;

/** The body of one event type: `CallEventOf<'call.ended'>` has `dialogDuration`. */
export type CallEventOf<T extends CallEventType> = z.infer<(typeof eventSchemas)[T]>;

export type CallCreatedEvent = CallEventOf<'call.created'>;
export type CallEndedEvent = CallEventOf<'call.ended'>;
export type CallUserInvitedEvent = CallEventOf<'call.user.invited'>;
export type CallUserRemovedEvent = CallEventOf<'call.user.removed'>;
export type CallUserPausedEvent = CallEventOf<'call.user.paused'>;
export type CallUserUnpausedEvent = CallEventOf<'call.user.unpaused'>;
export type CallDtmfEvent = CallEventOf<'call.dtmf'>;

export function isCallEventType(value: unknown): value is CallEventType {
  return typeof value === 'string' && Object.hasOwn(eventSchemas, value);
}
