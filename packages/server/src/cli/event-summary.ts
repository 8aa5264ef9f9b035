import type { CallEvent } from '@callhook/sdk';

/**
 * The fields of an event body beyond the call's ids, as `key=value` pairs for one output line
 * ("userId=alice", "dtmf=1", "dialogDuration=1520ms callDuration=3004ms").
 */
export function eventDetails(body: CallEvent): string {
  switch (body.eventType) {
    case 'call.created':
      return `createdAt=${new Date(body.createdAt).toISOString()}`;
    case 'call.ended':
      return `dialogDuration=${body.dialogDuration}ms callDuration=${body.callDuration}ms`;
    case 'call.dtmf':
      return `dtmf=${body.dtmf}`;
    default:
      return `userId=${body.userId}`;
  }
}
