// The body of a typical callhook event (docs/contract.md §1: `call.user.invited`, 24-hex ids as in
// the user's document), for the two ceilings: scenario 1 posts it as is, the relay of
// scenario 8 with each call's own id. Same fields, same size as what callhook sends.

export const EVENT_SIZED_CALL_ID = '0b6a3c9e-5a1f-4c7e-9d2b-3f8e1a7c6d54';

export function eventSizedBody(callId: string): string {
  return JSON.stringify({
    eventType: 'call.user.invited',
    callId,
    threadId: '65f1c0a2b3d4e5f6a7b8c9d0',
    streamId: '65f1c0a2b3d4e5f6a7b8c9d1',
    userId: '65f1c0a2b3d4e5f6a7b8c9d2',
  });
}

/** As long as one `v1,<base64 HMAC-SHA256>` signature; signs nothing. */
export const PLACEHOLDER_SIGNATURE = `v1,${'A'.repeat(43)}=`;
