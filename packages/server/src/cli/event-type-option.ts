import type { CallEventType } from '@callhook/sdk';
import { failWith } from './option-parsers.ts';
import { TRIGGER_FLOWS } from './trigger-flows.ts';

/**
 * The event types, in the SDK's order. TRIGGER_FLOWS is keyed by CallEventType, so the compiler
 * keeps its keys equal to the SDK's EVENT_TYPES (a test checks the order too). Reading them here
 * spares every client command loading the SDK's schemas (zod: most of a 150 ms start).
 */
export const EVENT_TYPE_NAMES = Object.keys(TRIGGER_FLOWS) as readonly CallEventType[];

function isEventType(text: string): text is CallEventType {
  return (EVENT_TYPE_NAMES as readonly string[]).includes(text);
}

/** Checks one event type name against the SDK's list; anything else is a usage error. */
export function parseEventType(text: string, what = 'event type'): CallEventType {
  const name = text.trim();
  if (!isEventType(name)) {
    failWith(`unknown ${what} '${text}'; the event types are: ${EVENT_TYPE_NAMES.join(', ')}`);
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
    failWith(`--types needs at least one event type, any of: ${EVENT_TYPE_NAMES.join(', ')}`);
  }
  return [...new Set(names.map((name) => parseEventType(name, 'event type in --types')))];
}
