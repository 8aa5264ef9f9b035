import { type CallEventType, callEventTypeSchema, EVENT_TYPES } from '@callhook/sdk';
import { failWith } from './option-parsers.ts';

/** Checks one event type name against the SDK's list; anything else is a usage error. */
export function parseEventType(text: string, what = 'event type'): CallEventType {
  const parsed = callEventTypeSchema.safeParse(text.trim());
  if (!parsed.success) {
    failWith(`unknown ${what} '${text}'; the event types are: ${EVENT_TYPES.join(', ')}`);
  }
  return parsed.data;
}

/** A comma-separated `--types` list, each checked; duplicates dropped, order kept. */
export function parseEventTypes(text: string): CallEventType[] {
  const names = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (names.length === 0) {
    failWith(`--types needs at least one event type, any of: ${EVENT_TYPES.join(', ')}`);
  }
  return [...new Set(names.map((name) => parseEventType(name, 'event type in --types')))];
}
