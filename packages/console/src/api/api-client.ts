import { apiErrorOf } from './api-error.ts';
import type {
  CallingKey,
  CallPage,
  CallView,
  DeliveryPage,
  DeliveryView,
  EndpointPage,
  EndpointView,
  EndpointWithSecret,
  EventPage,
  ReplayResult,
} from './views.ts';

type Query = Record<string, string | number | undefined>;

export interface CallFilters {
  state?: 'active' | 'ended';
  streamId?: string;
  threadId?: string;
}

export interface EndpointInput {
  url?: string;
  description?: string | null;
  eventTypes?: string[] | null;
  filter?: { streamId?: string; threadId?: string } | null;
  enabled?: boolean;
}

/** The public HTTP API (docs/api.md) with the signed-in key; nothing here is console-only. */
export class ApiClient {
  constructor(
    readonly apiKey: string,
    private readonly base = '',
  ) {}

  /** Headers every request carries; the event stream uses them too. */
  headers(): Record<string, string> {
    return { authorization: `Bearer ${this.apiKey}` };
  }

  async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const response = await fetch(this.base + path + queryString(query), {
      method,
      headers: {
        ...this.headers(),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw await apiErrorOf(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** Which key this is, and its scopes (any valid key may ask). */
  callingKey(): Promise<CallingKey> {
    return this.request('GET', '/v1/keys/self');
  }

  listCalls(filters: CallFilters, limit: number, cursor?: string): Promise<CallPage> {
    return this.request('GET', '/v1/calls', undefined, { ...filters, limit, cursor });
  }

  getCall(callId: string): Promise<CallView> {
    return this.request('GET', `/v1/calls/${encodeURIComponent(callId)}`);
  }

  createCall(body: { threadId: string; streamId: string }): Promise<CallView> {
    return this.request('POST', '/v1/calls', body);
  }

  inviteParticipant(callId: string, userId: string): Promise<CallView> {
    return this.request('POST', `/v1/calls/${encodeURIComponent(callId)}/participants`, {
      userId,
    });
  }

  endCall(callId: string): Promise<CallView> {
    return this.request('POST', `/v1/calls/${encodeURIComponent(callId)}/end`);
  }

  listEvents(query: { callId?: string; after?: string; limit: number }): Promise<EventPage> {
    return this.request('GET', '/v1/events', undefined, query);
  }

  listEndpoints(limit: number, cursor?: string): Promise<EndpointPage> {
    return this.request('GET', '/v1/endpoints', undefined, { limit, cursor });
  }

  getEndpoint(id: string): Promise<EndpointView> {
    return this.request('GET', `/v1/endpoints/${encodeURIComponent(id)}`);
  }

  createEndpoint(input: EndpointInput & { url: string }): Promise<EndpointWithSecret> {
    return this.request('POST', '/v1/endpoints', input);
  }

  updateEndpoint(id: string, patch: EndpointInput): Promise<EndpointView> {
    return this.request('PATCH', `/v1/endpoints/${encodeURIComponent(id)}`, patch);
  }

  enableEndpoint(id: string): Promise<EndpointView> {
    return this.request('POST', `/v1/endpoints/${encodeURIComponent(id)}/enable`);
  }

  rotateSecret(id: string): Promise<EndpointWithSecret> {
    return this.request('POST', `/v1/endpoints/${encodeURIComponent(id)}/rotate-secret`);
  }

  listDeliveries(
    endpointId: string,
    query: { status?: 'pending' | 'delivered' | 'failed'; limit: number; cursor?: string },
  ): Promise<DeliveryPage> {
    return this.request(
      'GET',
      `/v1/endpoints/${encodeURIComponent(endpointId)}/deliveries`,
      undefined,
      query,
    );
  }

  retryDelivery(id: string): Promise<DeliveryView> {
    return this.request('POST', `/v1/deliveries/${encodeURIComponent(id)}/retry`);
  }

  replay(endpointId: string, window: { since: number; until?: number }): Promise<ReplayResult> {
    return this.request('POST', `/v1/endpoints/${encodeURIComponent(endpointId)}/replay`, window);
  }
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
