import type { ApiClient } from '../api/api-client.ts';
import type { EndpointView } from '../api/views.ts';

const TEST_ID = 'callhook-console-test';
const TEST_USER = 'console-test-user';

/**
 * Sends an endpoint test events through the public call API: a short call in the endpoint's
 * filtered stream and thread (else `callhook-console-test`) that emits each of the seven
 * types once — created, invited, paused, unpaused, dtmf, removed, ended. Every endpoint
 * subscribed to that thread receives them too; the answer is the test call's id.
 */
export async function sendTestCall(client: ApiClient, endpoint: EndpointView): Promise<string> {
  const call = await client.createCall({
    streamId: endpoint.filter?.streamId ?? TEST_ID,
    threadId: endpoint.filter?.threadId ?? TEST_ID,
  });
  const path = `/v1/calls/${call.callId}/participants`;
  await client.inviteParticipant(call.callId, TEST_USER);
  await client.request('POST', `${path}/${TEST_USER}/join`);
  await client.request('POST', `${path}/${TEST_USER}/pause`);
  await client.request('POST', `${path}/${TEST_USER}/unpause`);
  await client.request('POST', `/v1/calls/${call.callId}/dtmf`, { digits: '1' });
  await client.endCall(call.callId);
  return call.callId;
}
