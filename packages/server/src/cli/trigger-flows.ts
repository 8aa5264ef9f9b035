import type { CallEventType } from '@callhook/sdk';

// For each event type, the smallest call flow that makes the server emit it (after the call is
// created, which every flow starts with). Keyed by CallEventType, so a new event type in the
// SDK is a compile error here until it has a flow; in the SDK's order, as the CLI lists its
// event types from these keys (event-type-option.ts).

/** One control-API command on the call, relative to `/v1/calls/:callId`. */
export interface FlowStep {
  /** What the step does, for the output ("invite alice"). */
  label: string;
  method: 'POST' | 'DELETE';
  path: string;
  body?: unknown;
}

/** The users the flows invite. */
export const FLOW_USERS = ['alice', 'bob'] as const;
const [ALICE, BOB] = FLOW_USERS;

const invite = (userId: string): FlowStep => ({
  label: `invite ${userId}`,
  method: 'POST',
  path: '/participants',
  body: { userId },
});

const participant = (action: 'join' | 'pause' | 'unpause', userId: string): FlowStep => ({
  label: `${action} ${userId}`,
  method: 'POST',
  path: `/participants/${userId}/${action}`,
});

const remove = (userId: string): FlowStep => ({
  label: `remove ${userId}`,
  method: 'DELETE',
  path: `/participants/${userId}`,
});

const dtmf = (digits: string, userId: string): FlowStep => ({
  label: `${userId} presses ${digits}`,
  method: 'POST',
  path: '/dtmf',
  body: { digits, userId },
});

const end: FlowStep = { label: 'end the call', method: 'POST', path: '/end' };

export const TRIGGER_FLOWS: Record<CallEventType, readonly FlowStep[]> = {
  'call.created': [],
  'call.ended': [
    invite(ALICE),
    invite(BOB),
    participant('join', ALICE),
    participant('join', BOB),
    end,
  ],
  'call.user.invited': [invite(ALICE)],
  // Removing the only participant also ends the call (docs/contract.md §2), so call.ended follows.
  'call.user.removed': [invite(ALICE), remove(ALICE)],
  'call.user.paused': [invite(ALICE), participant('join', ALICE), participant('pause', ALICE)],
  'call.user.unpaused': [
    invite(ALICE),
    participant('join', ALICE),
    participant('pause', ALICE),
    participant('unpause', ALICE),
  ],
  'call.dtmf': [invite(ALICE), participant('join', ALICE), dtmf('1', ALICE)],
};
