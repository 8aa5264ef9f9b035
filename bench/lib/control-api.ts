import { request } from 'undici';

// The few control-API calls the bench makes besides the load itself.

/** POST /v1/endpoints; the answer carries the signing secret, shown this once. */
export async function createEndpoint(
  serverUrl: string,
  apiKey: string,
  url: string,
): Promise<{ id: string; secret: string }> {
  const res = await request(`${serverUrl}/v1/endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, description: 'callhook bench receiver' }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 201)
    throw new Error(`POST /v1/endpoints answered ${res.statusCode}: ${text}`);
  const body = JSON.parse(text) as { id: string; secret: string };
  return { id: body.id, secret: body.secret };
}
