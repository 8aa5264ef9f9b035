import { fileURLToPath } from 'node:url';
import { type ChildHandle, forkChild } from './child-rpc.ts';
import type { ReceiverHandlers } from './receiver-main.ts';

export type Receiver = ChildHandle<ReceiverHandlers>;

/** A receiver process, not yet listening (call `listen`). */
export function spawnReceiver(): Receiver {
  return forkChild<ReceiverHandlers>(fileURLToPath(new URL('./receiver-main.ts', import.meta.url)));
}
