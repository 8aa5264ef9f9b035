import type { Peer } from './server-transactions.ts';

// Where REGISTERed users can be reached: soft state of this node, as the bindings point at the
// socket the REGISTER came through (RFC 3261 §10; one contact per user, the newest wins).

export interface Binding {
  /** The Contact URI registered: the Request-URI of INVITEs to the user. */
  contact: string;
  /** The address the REGISTER came from: INVITEs go there (RFC 3581, NAT). */
  peer: Peer;
  expiresAt: number;
}

export class Registrations {
  private readonly bindings = new Map<string, Binding>();

  constructor(private readonly maxBindings = 10_000) {}

  /** Sets (expires > 0) or removes (expires = 0) the user's binding; false when full. */
  bind(userId: string, binding: Binding | null): boolean {
    if (!binding) {
      this.bindings.delete(userId);
      return true;
    }
    if (!this.bindings.has(userId) && this.bindings.size >= this.maxBindings) return false;
    this.bindings.set(userId, binding);
    return true;
  }

  /** The user's live binding at `now`, if any. */
  lookup(userId: string, now: number): Binding | undefined {
    const binding = this.bindings.get(userId);
    if (binding && binding.expiresAt <= now) {
      this.bindings.delete(userId);
      return undefined;
    }
    return binding;
  }
}
