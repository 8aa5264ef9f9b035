import { type CallEventType, EVENT_TYPES } from '@callhook/sdk/names';
import { failWith } from './option-parsers.ts';

// The SDK's names entry point: the event types without the schemas (zod), which most of a
// client command's start would otherwise be.

function isEventType(text: string): text is CallEventType {
  return (EVENT_TYPES as readonly string[]).includes(text);
}

/** Checks one event type name against the SDK's list; anything else is a usage error. */
export function parseEventType(text: string, what = 'event type'): CallEventType {
  const name = text.trim();
  if (!isEventType(name)) {
    failWith(`unknown ${what} '${text}'; the event types are: ${EVENT_TYPES.join(', ')}`);
  }
  return name;
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
