// The dispatcher's view of each endpoint's failure run (`failingSince`) and whether it may be
// sent to. Claimed deliveries do not carry it, and outcomes reach the store in batches, so the
// dispatcher's own decisions are the newest truth until written; the store is read again only
// for endpoints never seen, or failing/disabled ones (an operator may have re-enabled them,
// which ends their run). Healthy endpoints cost no reads at all.
import type { AttemptOutcome, EndpointRecord } from '../store/delivery-port.ts';

interface EndpointState {
  failingSince: number | null;
  enabled: boolean;
  /** Bumped by each local decision, so a read that raced with one is not applied. */
  version: number;
  /** Local decisions not yet written to the store. */
  unwritten: number;
}

export type EndpointLoader = (id: string) => Promise<EndpointRecord | undefined>;

export class EndpointHealth {
  private readonly states = new Map<string, EndpointState>();

  /** Reads from the store the endpoints of a claim that may have changed outside. */
  async refresh(ids: Iterable<string>, load: EndpointLoader): Promise<void> {
    const stale = [...new Set(ids)].filter((id) => {
      const state = this.states.get(id);
      if (!state) return true;
      return state.unwritten === 0 && (state.failingSince !== null || !state.enabled);
    });
    await Promise.all(
      stale.map(async (id) => {
        const before = this.states.get(id)?.version ?? 0;
        const record = await load(id);
        const state = this.states.get(id);
        // A decision made while reading is newer than what was read.
        if (state && (state.version !== before || state.unwritten > 0)) return;
        this.states.set(id, {
          failingSince: record?.failingSince ?? null,
          // A deleted endpoint is not sent to.
          enabled: record?.enabled ?? false,
          version: before,
          unwritten: 0,
        });
      }),
    );
  }

  failingSince(id: string): number | null {
    return this.states.get(id)?.failingSince ?? null;
  }

  /** False once disabled (by a decision here, or as last read); unknown endpoints may be tried. */
  isEnabled(id: string): boolean {
    return this.states.get(id)?.enabled ?? true;
  }

  /** Takes in a decision about the endpoint, before it is written. */
  decided(id: string, change: AttemptOutcome['endpoint']): void {
    const state = this.states.get(id) ?? {
      failingSince: null,
      enabled: true,
      version: 0,
      unwritten: 0,
    };
    state.version += 1;
    state.unwritten += 1;
    if (change) {
      state.failingSince = change.failingSince;
      if (change.disable) state.enabled = false;
    }
    this.states.set(id, state);
  }

  /** A decision about the endpoint is now in the store. */
  written(id: string): void {
    const state = this.states.get(id);
    if (state && state.unwritten > 0) state.unwritten -= 1;
  }
}
