import {
  callIdSchema,
  streamIdSchema,
  threadIdSchema,
  toIssues,
  userIdSchema,
} from '@callhook/sdk';
import type { CallCommand, CreateCallCommand } from './commands.ts';
import { parseDtmfDigits } from './dtmf-digits.ts';
import { EngineError } from './engine-error.ts';

// The HTTP layer checks ids first, but the engine re-checks them against the SDK's own
// schemas so that it can never emit a body a receiver would reject.

const COMMAND_TYPES: readonly string[] = [
  'invite',
  'join',
  'pause',
  'unpause',
  'remove',
  'dtmf',
  'end',
] satisfies CallCommand['type'][];

function checkField(
  schema: typeof userIdSchema | typeof callIdSchema,
  field: string,
  value: unknown,
  context: Record<string, unknown>,
): EngineError | null {
  const result = schema.safeParse(value);
  if (result.success) return null;
  const issues = toIssues(result.error).map((i) => ({ ...i, path: field }));
  return new EngineError(
    'validation_error',
    `${field} is invalid: ${issues.map((i) => i.message).join('; ')}`,
    { ...context, field, issues },
  );
}

export function validateCreateCall(cmd: CreateCallCommand): EngineError | null {
  return (
    checkField(callIdSchema, 'callId', cmd.callId, {}) ??
    checkField(threadIdSchema, 'threadId', cmd.threadId, {}) ??
    checkField(streamIdSchema, 'streamId', cmd.streamId, {})
  );
}

/** Checks the shape of a command (not whether the call's state allows it). */
export function validateCommand(callId: string, cmd: CallCommand): EngineError | null {
  const type: unknown = (cmd as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !COMMAND_TYPES.includes(type)) {
    return new EngineError('validation_error', `unknown command ${JSON.stringify(type)}`, {
      callId,
      command: type,
      allowed: COMMAND_TYPES,
    });
  }
  const context = { callId, command: cmd.type };
  if (cmd.type === 'end') return null;
  if (cmd.type === 'dtmf') {
    if (cmd.userId !== undefined) {
      const bad = checkField(userIdSchema, 'userId', cmd.userId, context);
      if (bad) return bad;
    }
    const digits = parseDtmfDigits(cmd.digits);
    if (!digits.ok) {
      return new EngineError('validation_error', digits.message, { ...context, ...digits.details });
    }
    return null;
  }
  return checkField(userIdSchema, 'userId', cmd.userId, context);
}
