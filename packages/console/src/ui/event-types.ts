import type { CallEventType } from '@callhook/sdk';

/**
 * The seven event types with a word for people. Keyed by the SDK's CallEventType, so a type
 * added to (or removed from) the schemas is a compile error here, not a silently missing box.
 */
const EVENT_TYPE_NOTES: Record<CallEventType, string> = {
  'call.created': 'a call started',
  'call.ended': 'a call ended, with its durations',
  'call.user.invited': 'a participant was invited (rings)',
  'call.user.removed': 'a participant left or was removed',
  'call.user.paused': 'a participant went on hold',
  'call.user.unpaused': 'a participant came back from hold',
  'call.dtmf': 'a keypad digit',
};

export const EVENT_TYPES = Object.keys(EVENT_TYPE_NOTES) as CallEventType[];

export function eventTypeNote(type: CallEventType): string {
  return EVENT_TYPE_NOTES[type];
}
