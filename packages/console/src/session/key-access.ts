import { allows } from '../../../server/src/auth/principal.ts';
import { scopesOfRoute } from '../../../server/src/auth/route-scopes.ts';
import type { CallingKey } from '../api/views.ts';

// What the signed-in key may do, answered by the server's own route → scope table
// (auth/route-scopes.ts, bundled in): the console names the routes each action takes, never
// a scope, so a change of who may use a route changes the buttons with it.

/** Every route the console reads: a key that may not use them all is refused at sign-in. */
export const READ_ROUTES = [
  'GET /v1/calls',
  'GET /v1/calls/:callId',
  'GET /v1/events',
  'GET /v1/events/stream',
  'GET /v1/endpoints',
  'GET /v1/endpoints/:id',
  'GET /v1/endpoints/:id/deliveries',
] as const;

/** The console's actions that write, by the routes each one takes. */
export const ACTION_ROUTES = {
  retryDelivery: ['POST /v1/deliveries/:id/retry'],
  replay: ['POST /v1/endpoints/:id/replay'],
  createEndpoint: ['POST /v1/endpoints'],
  editEndpoint: ['PATCH /v1/endpoints/:id'],
  // Disabling is a PATCH with `enabled: false`; enabling has its own route.
  disableEndpoint: ['PATCH /v1/endpoints/:id'],
  enableEndpoint: ['POST /v1/endpoints/:id/enable'],
  rotateSecret: ['POST /v1/endpoints/:id/rotate-secret'],
  // The test event is a short call made through the call API (endpoints/test-event.ts).
  sendTestEvent: [
    'POST /v1/calls',
    'POST /v1/calls/:callId/participants',
    'POST /v1/calls/:callId/participants/:userId/join',
    'POST /v1/calls/:callId/participants/:userId/pause',
    'POST /v1/calls/:callId/participants/:userId/unpause',
    'POST /v1/calls/:callId/dtmf',
    'POST /v1/calls/:callId/end',
  ],
} as const satisfies Record<string, readonly string[]>;

export type ConsoleAction = keyof typeof ACTION_ROUTES;

export interface KeyAccess {
  key: CallingKey;
  /** Whether the key may use every route the console reads. */
  canRead: boolean;
  /** Each action, true when the key may use every route it takes. */
  actions: Readonly<Record<ConsoleAction, boolean>>;
  /** Whether the key may do none of the actions (the console then shows no action at all). */
  readOnly: boolean;
}

export const CONSOLE_ACTIONS = Object.keys(ACTION_ROUTES) as ConsoleAction[];

export function keyAccess(key: CallingKey): KeyAccess {
  const principal = {
    keyId: key.id,
    name: key.name,
    scopes: key.scopes,
    rateLimitPerSecond: key.rateLimitPerSecond,
  };
  const mayUse = (route: string) => {
    const space = route.indexOf(' ');
    return allows(principal, scopesOfRoute(route.slice(0, space), route.slice(space + 1)));
  };
  const actions = Object.fromEntries(
    CONSOLE_ACTIONS.map((action) => [action, ACTION_ROUTES[action].every(mayUse)]),
  ) as Record<ConsoleAction, boolean>;
  return {
    key,
    canRead: READ_ROUTES.every(mayUse),
    actions,
    readOnly: !CONSOLE_ACTIONS.some((action) => actions[action]),
  };
}
