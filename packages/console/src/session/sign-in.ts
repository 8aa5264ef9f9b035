import { ApiClient } from '../api/api-client.ts';
import { ApiError, describeError } from '../api/api-error.ts';
import { type KeyAccess, keyAccess } from './key-access.ts';

export interface Session {
  client: ApiClient;
  access: KeyAccess;
}

/**
 * Asks the API which key this is (`GET /v1/keys/self`, open to any valid key) and says, for a
 * person, why it was refused: not valid, or not able to read what the console shows. A key
 * that may not read events is refused rather than shown half a console.
 */
export async function checkApiKey(
  apiKey: string,
): Promise<{ ok: true; session: Session } | { ok: false; message: string }> {
  const trimmed = apiKey.trim();
  if (trimmed === '') return { ok: false, message: 'Enter an API key.' };
  const client = new ApiClient(trimmed);
  try {
    const access = keyAccess(await client.callingKey());
    if (!access.canRead) {
      return {
        ok: false,
        message: `This key cannot read events (its scopes: ${access.key.scopes.join(', ')}). The console reads calls, events and endpoints: sign in with a key that has events:read or admin.`,
      };
    }
    return { ok: true, session: { client, access } };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      return {
        ok: false,
        message: `This API key was refused: ${error.message}. Use the key callhook serve printed at first start, or the one in CALLHOOK_API_KEY.`,
      };
    }
    return { ok: false, message: `Could not reach the API: ${describeError(error)}` };
  }
}
