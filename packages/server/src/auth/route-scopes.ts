import type { ApiKeyScope } from '../store/api-key-port.ts';

// Which scope opens which route (docs/contract.md §3: keys carry scopes). One table, so that
// "what can an events:read key do?" is answered by reading it; a route it does not name
// needs `admin`, so a new route is closed until someone decides who may use it. Any one of a
// route's scopes opens it; `admin` opens every route.

const READ: readonly ApiKeyScope[] = ['events:read'];
const CALLS: readonly ApiKeyScope[] = ['calls:write'];
const ENDPOINTS: readonly ApiKeyScope[] = ['endpoints:write'];
const ADMIN: readonly ApiKeyScope[] = ['admin'];

export const ROUTE_SCOPES: Readonly<Record<string, readonly ApiKeyScope[]>> = {
  // Calls: commands need calls:write; reading a call, calls:write (a bot reads its own calls)
  // or events:read (dashboards, the console).
  'POST /v1/calls': CALLS,
  'GET /v1/calls': ['events:read', 'calls:write'],
  'GET /v1/calls/:callId': ['events:read', 'calls:write'],
  'POST /v1/calls/:callId/participants': CALLS,
  'POST /v1/calls/:callId/participants/:userId/join': CALLS,
  'POST /v1/calls/:callId/participants/:userId/pause': CALLS,
  'POST /v1/calls/:callId/participants/:userId/unpause': CALLS,
  'DELETE /v1/calls/:callId/participants/:userId': CALLS,
  'POST /v1/calls/:callId/dtmf': CALLS,
  'POST /v1/calls/:callId/end': CALLS,
  // The event log.
  'GET /v1/events': READ,
  'GET /v1/events/stream': READ,
  // A short-lived token for browsers' EventSource: it reads events only, so events:read.
  'POST /v1/events/stream-token': READ,
  // Endpoints and deliveries: changes need endpoints:write; reading them (no secrets shown),
  // endpoints:write or events:read.
  'POST /v1/endpoints': ENDPOINTS,
  'GET /v1/endpoints': ['endpoints:write', 'events:read'],
  'GET /v1/endpoints/:id': ['endpoints:write', 'events:read'],
  'PATCH /v1/endpoints/:id': ENDPOINTS,
  'DELETE /v1/endpoints/:id': ENDPOINTS,
  'POST /v1/endpoints/:id/rotate-secret': ENDPOINTS,
  'POST /v1/endpoints/:id/enable': ENDPOINTS,
  'GET /v1/endpoints/:id/deliveries': ['endpoints:write', 'events:read'],
  'POST /v1/deliveries/:id/retry': ENDPOINTS,
  'POST /v1/endpoints/:id/replay': ENDPOINTS,
  'POST /v1/events/:eventId/resend': ENDPOINTS,
  // SIP (serve --sip): rooms say which thread a dialled number joins — call control, so
  // calls:write; SIP users carry passwords, so admin.
  'POST /v1/sip/rooms': CALLS,
  'GET /v1/sip/rooms': ['calls:write', 'events:read'],
  'GET /v1/sip/rooms/:room': ['calls:write', 'events:read'],
  'DELETE /v1/sip/rooms/:room': CALLS,
  'POST /v1/sip/users': ADMIN,
  'DELETE /v1/sip/users/:userId': ADMIN,
  // Operations: metrics are read-only figures; the API's description is every key's.
  'GET /metrics': READ,
  'GET /openapi.json': ['events:read', 'calls:write', 'endpoints:write'],
  // Keys themselves: admin only; but any key may ask which key it is (and so what it may do).
  'GET /v1/keys/self': ['events:read', 'calls:write', 'endpoints:write'],
  'POST /v1/keys': ADMIN,
  'GET /v1/keys': ADMIN,
  'DELETE /v1/keys/:id': ADMIN,
};

/** The scopes that open `method url` (url as routed, e.g. `/v1/calls/:callId`). */
export function scopesOfRoute(method: string, url: string): readonly ApiKeyScope[] {
  const verb = method === 'HEAD' ? 'GET' : method;
  return ROUTE_SCOPES[`${verb} ${url}`] ?? ADMIN;
}
