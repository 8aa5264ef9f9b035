import type { ApiClient } from '../api/api-client.ts';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** How many deliveries of each status, counted up to one page; `capped` when there are more. */
export type HealthCounts = Record<DeliveryStatus, { count: number; capped: boolean }>;

const COUNT_PAGE = 500;

/** An endpoint's delivery counts, from the public listing filtered by status. */
export async function loadHealth(client: ApiClient, endpointId: string): Promise<HealthCounts> {
  const statuses: DeliveryStatus[] = ['delivered', 'failed', 'pending'];
  const pages = await Promise.all(
    statuses.map((status) => client.listDeliveries(endpointId, { status, limit: COUNT_PAGE })),
  );
  const entry = (i: number) => ({
    count: pages[i]!.deliveries.length,
    capped: pages[i]!.nextCursor !== null,
  });
  return { delivered: entry(0), failed: entry(1), pending: entry(2) };
}

export function formatCount({ count, capped }: { count: number; capped: boolean }): string {
  return capped ? `${count}+` : String(count);
}
