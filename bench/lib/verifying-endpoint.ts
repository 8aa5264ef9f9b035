import type { Receiver } from '../processes/receiver.ts';
import { BENCH_API_KEY } from '../processes/server-process.ts';
import { createEndpoint } from './control-api.ts';

// What a bench that checks every signature sets up first: the receiver listening in verify
// mode, one endpoint of the server on it, and the receiver given that endpoint's secret.

/**
 * Resolves once the receiver can verify, with its port, the endpoint's id and its secret (to
 * bring the receiver back up on the same port after a `close`).
 */
export async function addVerifyingEndpoint(
  serverUrl: string,
  receiver: Receiver,
): Promise<{ port: number; endpointId: string; secret: string }> {
  const { port } = await receiver.call('listen', { mode: 'verify' });
  const { id, secret } = await createEndpoint(
    serverUrl,
    BENCH_API_KEY,
    `http://127.0.0.1:${port}/webhooks`,
  );
  await receiver.call('useSecret', { secret });
  return { port, endpointId: id, secret };
}
