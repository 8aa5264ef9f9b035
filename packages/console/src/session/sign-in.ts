import { ApiClient } from '../api/api-client.ts';
import { ApiError, describeError } from '../api/api-error.ts';

/**
 * Checks a key against the API (one cheap read any readable scope allows) and says, for a
 * person, why it was refused.
 */
export async function checkApiKey(
  apiKey: string,
): Promise<{ ok: true; client: ApiClient } | { ok: false; message: string }> {
  const trimmed = apiKey.trim();
  if (trimmed === '') return { ok: false, message: 'Enter an API key.' };
  const client = new ApiClient(trimmed);
  try {
    await client.listCalls({}, 1);
    return { ok: true, client };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      return {
        ok: false,
        message: `This API key was refused: ${error.message}. Use the key callhook serve printed at first start, or the one in CALLHOOK_API_KEY.`,
      };
    }
    if (error instanceof ApiError && error.status === 403) {
      return { ok: false, message: `This API key may not read calls: ${error.message}.` };
    }
    return { ok: false, message: `Could not reach the API: ${describeError(error)}` };
  }
}
