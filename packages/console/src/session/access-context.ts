import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { CONSOLE_ACTIONS, type ConsoleAction, type KeyAccess } from './key-access.ts';

/** The signed-in key's access, for the screens; the app provides it once signed in. */
export const AccessContext = createContext<KeyAccess | null>(null);

const NONE = Object.fromEntries(CONSOLE_ACTIONS.map((a) => [a, false])) as Record<
  ConsoleAction,
  boolean
>;

/**
 * Every action, each true when the signed-in key may do it. Screens hide (not disable) what
 * it may not: a read-only key sees no action buttons.
 */
export function useActions(): Readonly<Record<ConsoleAction, boolean>> {
  return useContext(AccessContext)?.actions ?? NONE;
}

/** Whether the signed-in key may do `action`. */
export function useMay(action: ConsoleAction): boolean {
  return useActions()[action];
}
