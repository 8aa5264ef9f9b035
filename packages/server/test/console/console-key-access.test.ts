import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallingKey } from '../../../console/src/api/views.ts';
import {
  ACTION_ROUTES,
  CONSOLE_ACTIONS,
  keyAccess,
  READ_ROUTES,
} from '../../../console/src/session/key-access.ts';
import { ROUTE_SCOPES } from '../../src/auth/route-scopes.ts';
import type { ApiKeyScope } from '../../src/store/api-key-port.ts';

// Which buttons a key sees comes from the server's route → scope table: the console names
// routes, and each must be in the table (a misspelt one would fall back to admin unseen).

function keyWith(...scopes: ApiKeyScope[]): CallingKey {
  return { id: 'key_x', name: 'k', scopes, rateLimitPerSecond: null };
}

function shownActions(...scopes: ApiKeyScope[]): string[] {
  const { actions } = keyAccess(keyWith(...scopes));
  return CONSOLE_ACTIONS.filter((action) => actions[action]);
}

test('every route the console reads or writes is in the scope table', () => {
  const named = [...READ_ROUTES, ...Object.values(ACTION_ROUTES).flat()];
  assert.deepEqual(
    named.filter((route) => ROUTE_SCOPES[route] === undefined),
    [],
  );
});

test('admin sees every action', () => {
  assert.deepEqual(shownActions('admin'), CONSOLE_ACTIONS);
  assert.equal(keyAccess(keyWith('admin')).readOnly, false);
});

test('events:read reads every screen and is read-only', () => {
  const access = keyAccess(keyWith('events:read'));
  assert.equal(access.canRead, true);
  assert.equal(access.readOnly, true);
  assert.deepEqual(shownActions('events:read'), []);
});

test('endpoints:write opens the endpoint actions, retry and replay; the test event needs calls:write', () => {
  assert.deepEqual(shownActions('events:read', 'endpoints:write'), [
    'retryDelivery',
    'replay',
    'createEndpoint',
    'editEndpoint',
    'disableEndpoint',
    'enableEndpoint',
    'rotateSecret',
  ]);
  assert.deepEqual(shownActions('events:read', 'calls:write'), ['sendTestEvent']);
});

test('a key without events:read cannot read the screens (the console refuses it)', () => {
  for (const scopes of [['calls:write'], ['endpoints:write'], ['calls:write', 'endpoints:write']]) {
    const access = keyAccess(keyWith(...(scopes as ApiKeyScope[])));
    assert.equal(access.canRead, false, scopes.join(', '));
  }
});
