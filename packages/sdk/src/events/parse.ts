import type { z } from 'zod';
import { dtmfNumberOf, dtmfSymbolOf, isDtmfSymbol } from './dtmf.ts';
import { type CallEvent, callEventSchema } from './schemas.ts';

/** One reason a body was rejected: where (`path`, e.g. `dtmfNumber` or `(root)`) and why. */
export interface CallEventIssue {
  path: string;
  message: string;
}

/** Thrown by `parseCallEvent` when a body is not one of the seven events. */
export class CallEventParseError extends Error {
  readonly code = 'invalid_event';
  readonly issues: readonly CallEventIssue[];

  constructor(issues: readonly CallEventIssue[]) {
    super(`invalid call event: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'CallEventParseError';
    this.issues = issues;
  }
}

export type SafeParseResult =
  | { success: true; data: CallEvent }
  | { success: false; error: CallEventParseError };

/** Turns zod issues into path + message pairs; shared by every reader of our schemas. */
export function toIssues(error: z.core.$ZodError): CallEventIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.join('.') : '(root)',
    message: issue.message,
  }));
}

function decode(input: string | Uint8Array | object): unknown {
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
    return JSON.parse(text);
  }
  return input;
}

// The user's document is inconsistent about DTMF (table: `dtmfNumber: number`, example:
// `dtmf: '1'`). Readers accept either field alone, or a numeric-string `dtmfNumber`, and
// complete the other. Conflicting values are left alone so validation rejects them.
function completeDtmf(body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  if (typeof out.dtmfNumber === 'string' && /^\d{1,2}$/.test(out.dtmfNumber)) {
    out.dtmfNumber = Number(out.dtmfNumber);
  }
  if (out.dtmf === undefined && typeof out.dtmfNumber === 'number') {
    const symbol = dtmfSymbolOf(out.dtmfNumber);
    if (symbol !== undefined) out.dtmf = symbol;
  } else if (out.dtmfNumber === undefined && isDtmfSymbol(out.dtmf)) {
    out.dtmfNumber = dtmfNumberOf(out.dtmf);
  }
  return out;
}

function normalize(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const body = value as Record<string, unknown>;
  return body.eventType === 'call.dtmf' ? completeDtmf(body) : body;
}

/**
 * Reads one event body (JSON text, bytes, or an already-parsed object) into a typed
 * `CallEvent` with its fields in contract order. Unknown extra fields are dropped.
 */
export function safeParseCallEvent(input: string | Uint8Array | object): SafeParseResult {
  let value: unknown;
  try {
    value = decode(input);
  } catch (err) {
    const message = `body is not valid JSON (${(err as Error).message})`;
    return { success: false, error: new CallEventParseError([{ path: '(root)', message }]) };
  }
  const result = callEventSchema.safeParse(normalize(value));
  if (result.success) return { success: true, data: result.data };
  return { success: false, error: new CallEventParseError(toIssues(result.error)) };
}

/** Like `safeParseCallEvent`, but throws a `CallEventParseError` on a bad body. */
export function parseCallEvent(input: string | Uint8Array | object): CallEvent {
  const result = safeParseCallEvent(input);
  if (!result.success) throw result.error;
  return result.data;
}
