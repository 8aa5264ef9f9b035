import {
  callIdSchema,
  DTMF_SYMBOLS,
  durationMillisSchema,
  epochMillisSchema,
  streamIdSchema,
  threadIdSchema,
  userIdSchema,
} from '@callhook/sdk';
import { z } from 'zod';
import { MAX_DTMF_DIGITS } from '../../engine/call-engine.ts';
import type { CallStatus, EndReason, ParticipantState } from '../../engine/call-state.ts';
import { pageLimitSchema } from './common.ts';

// Requests and responses of the control API (docs/contract.md §3 "Calls"), built from the SDK's
// id schemas. The engine's state unions are mirrored as records so that a new member there
// is a compile error here rather than a response the serializer rejects.

const CALL_STATUSES: Record<CallStatus, string> = {
  active: 'the call is going on',
  ended: 'the call has ended; it accepts no more commands',
};

const END_REASONS: Record<EndReason, string> = {
  ended: 'ended by POST /v1/calls/:callId/end',
  last_participant_removed: 'its last participant was removed',
  idle_timeout: 'it had no participant for the idle timeout',
  max_duration: 'it reached the maximum duration',
};

const PARTICIPANT_STATES: Record<ParticipantState, string> = {
  invited: 'ringing; not yet joined',
  joined: 'in the call',
  paused: 'in the call, on hold',
  removed: 'left or was removed; may be invited again',
};

function enumOf<T extends string>(values: Record<T, string>, what: string) {
  const keys = Object.keys(values) as [T, ...T[]];
  const described = keys.map((k) => `${k}: ${values[k]}`).join('; ');
  return z.enum(keys).describe(`${what} (${described})`);
}

const callStatusSchema = enumOf(CALL_STATUSES, 'status of the call');

export const participantViewSchema = z
  .object({
    userId: userIdSchema,
    state: enumOf(PARTICIPANT_STATES, 'where the participant stands'),
  })
  .describe('A participant of a call');

export const callViewSchema = z
  .object({
    callId: callIdSchema,
    threadId: threadIdSchema,
    streamId: streamIdSchema,
    status: callStatusSchema,
    createdAt: epochMillisSchema.describe('creation time, ms since the Unix epoch'),
    endedAt: epochMillisSchema.nullable().describe('end time, or null while active'),
    endReason: enumOf(END_REASONS, 'why the call ended').nullable(),
    participants: z
      .array(participantViewSchema)
      .describe('in invitation order; removed users included'),
    lastSeq: z.int().nonnegative().describe('seq of the last event of this call'),
    callDuration: durationMillisSchema
      .nullable()
      .describe('ms from creation to end; null while active'),
    dialogDuration: durationMillisSchema.describe(
      'ms during which at least two participants were joined at once (so far, while active)',
    ),
  })
  .describe('A call and its participants');

export const callParamsSchema = z.object({ callId: callIdSchema });

export const participantParamsSchema = z.object({ callId: callIdSchema, userId: userIdSchema });

export const createCallBodySchema = z.strictObject({
  threadId: threadIdSchema,
  streamId: streamIdSchema,
  callId: callIdSchema.optional().describe('a lower-case UUID; made by the service when absent'),
});

export const listCallsQuerySchema = z.strictObject({
  state: callStatusSchema.optional(),
  threadId: threadIdSchema.optional(),
  streamId: streamIdSchema.optional(),
  limit: pageLimitSchema,
  cursor: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .describe('the nextCursor of the previous page, unchanged'),
});

export const callPageSchema = z.object({
  calls: z.array(callViewSchema).describe('newest first'),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null at the end'),
});

export const inviteBodySchema = z.strictObject({ userId: userIdSchema });

// The symbol set comes from the SDK; each symbol is a literal character in a class.
const dtmfClass = DTMF_SYMBOLS.map((s) => s.replace(/[\\\]^-]/g, '\\$&')).join('');

export const dtmfBodySchema = z.strictObject({
  digits: z
    .string()
    .min(1, `must hold 1-${MAX_DTMF_DIGITS} DTMF symbols`)
    .max(MAX_DTMF_DIGITS, `must hold 1-${MAX_DTMF_DIGITS} DTMF symbols`)
    .regex(new RegExp(`^[${dtmfClass}]*$`), `may only contain ${DTMF_SYMBOLS.join(' ')}`)
    .describe(`1-${MAX_DTMF_DIGITS} DTMF symbols, e.g. "12#"; one call.dtmf event per symbol`),
  userId: userIdSchema
    .optional()
    .describe('who pressed the keys; if given, must be joined or paused'),
});
