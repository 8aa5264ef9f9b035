import { fileURLToPath } from 'node:url';
import { type ChildHandle, forkChild } from './child-rpc.ts';
import type { RelayHandlers } from './relay-main.ts';

export type Relay = ChildHandle<RelayHandlers>;

/** A relay process (scenario 8), not yet listening (call `listen`). */
export function spawnRelay(): Relay {
  return forkChild<RelayHandlers>(fileURLToPath(new URL('./relay-main.ts', import.meta.url)));
}
