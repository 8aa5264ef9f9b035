import type { ApiClient } from './api-client.ts';
import type { EndpointView } from './views.ts';

/** Every endpoint, page by page (a deployment has a handful to a few hundred). */
export async function listAllEndpoints(client: ApiClient): Promise<EndpointView[]> {
  const all: EndpointView[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listEndpoints(100, cursor);
    all.push(...page.endpoints);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return all;
}
