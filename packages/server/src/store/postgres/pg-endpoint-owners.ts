import type pg from 'pg';

// Which node sends each endpoint's deliveries. Every node could claim every endpoint's due
// heads (the row leases and the lane rule keep that correct), but then every node wakes at
// every commit, runs a claim that mostly finds the heads taken, and settles a third of the
// outcomes per transaction: three nodes spent 2.4–3.3× one node's CPU per delivered event,
// 1.45× with owners (bench/README.md, 2026-12-02 19:36). So each enabled endpoint is owned by
// one node at a time, under a lease in `endpoint_owners`, and only its owner claims it.
//
// Ownership decides who asks, never what is right: claims still lease rows and skip locked
// ones, outcomes are still decided by the row's lease holder. Two nodes that both think they
// own an endpoint for a moment (a lease that lapsed under a slow node) send it as two nodes
// did before ownership: correctly.
//
// Each node renews its leases and takes its share every REFRESH_MS, in the claim's own
// transaction: its share is the enabled endpoints divided by the live nodes (`nodes`, whose
// rows the same refresh keeps alive), rounded up. A node that holds more than its share (one
// just joined) lets the rest go; one that holds less takes endpoints nobody holds, or whose
// owner's lease lapsed (the owner died). A node that closes lets all of its go at once.

/** How long an endpoint stays with a node that stops renewing it (died, or lost the database). */
export const OWNERSHIP_TTL_MS = 10_000;
/** How often a node renews what it owns and takes its share: well within the TTL. */
const REFRESH_MS = 3_000;
/** A `nodes` row this long past its end is removed by whichever node refreshes next. */
const FORGET_NODE_AFTER_MS = 3_600_000;

interface OwnerRow {
  endpoint_id: string;
  node_id: string;
  lease_until: number;
  live_nodes: number;
}

/** What a refresh decided, applied to the node's memory only once its transaction commits. */
export interface Ownership {
  owned: ReadonlySet<string>;
  at: number;
  /** The endpoint cache's version the refresh saw. */
  endpointsVersion: number;
  /** How many endpoints were enabled then. */
  enabled: number;
  /** Whether this node let endpoints go (other nodes should look at once). */
  released: boolean;
}

const NEVER_LOOKED: Ownership = {
  owned: new Set(),
  at: Number.NEGATIVE_INFINITY,
  endpointsVersion: -1,
  enabled: 0,
  released: false,
};

export class PgEndpointOwners {
  private owned = NEVER_LOOKED.owned;
  private refreshedAt = NEVER_LOOKED.at;
  private endpointsVersion = NEVER_LOOKED.endpointsVersion;
  private enabled = NEVER_LOOKED.enabled;

  constructor(readonly nodeId: string) {}

  /** Whether the claim at `now` must refresh ownership first. */
  refreshDue(now: number, endpointsVersion: number): boolean {
    return (
      !this.saw(endpointsVersion) || now >= this.refreshedAt + REFRESH_MS || now < this.refreshedAt // the clock went back (tests): renew rather than trust old leases
    );
  }

  /** Whether the last refresh saw this version of the endpoints. */
  saw(endpointsVersion: number): boolean {
    return endpointsVersion === this.endpointsVersion;
  }

  /** How many endpoints this node owns, as of its last refresh. */
  get count(): number {
    return this.owned.size;
  }

  /** Whether a claim that needs no refresh has nothing to ask for. */
  ownsNothing(): boolean {
    return this.owned.size === 0;
  }

  has(endpointId: string): boolean {
    return this.owned.has(endpointId);
  }

  /**
   * When a node that owns nothing should look again: at its next refresh, which may give it an
   * endpoint (its owner died), if there is any; undefined if it does not know (never looked).
   */
  nextLookAt(): number | null | undefined {
    if (!Number.isFinite(this.refreshedAt)) return undefined;
    return this.enabled === 0 ? null : this.refreshedAt + REFRESH_MS;
  }

  /**
   * Renews this node's leases and takes or lets go of endpoints to hold its share of
   * `enabled`, in the caller's transaction. Returns what to `apply` once it commits.
   */
  async refresh(
    c: pg.ClientBase,
    now: number,
    enabled: readonly string[],
    endpointsVersion: number,
  ): Promise<Ownership> {
    const until = now + OWNERSHIP_TTL_MS;
    await c.query({
      name: 'own-1',
      text: `INSERT INTO nodes (id, seen_until) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET seen_until = EXCLUDED.seen_until`,
      values: [this.nodeId, until],
    });
    const { rows } = await c.query<OwnerRow>({
      name: 'own-2',
      text: `SELECT o.endpoint_id, o.node_id, o.lease_until,
         (SELECT COUNT(*)::integer FROM nodes WHERE seen_until > $1) AS live_nodes
       FROM endpoint_owners AS o`,
      values: [now],
    });
    const liveNodes = Math.max(1, rows[0]?.live_nodes ?? 1);
    const heldByOthers = new Set(
      rows
        .filter((r) => r.node_id !== this.nodeId && r.lease_until > now)
        .map((r) => r.endpoint_id),
    );
    const mine = new Set(rows.filter((r) => r.node_id === this.nodeId).map((r) => r.endpoint_id));
    const share = Math.ceil(enabled.length / liveNodes);
    // Keep what this node holds (in id order), then take what nobody holds, each node starting
    // at a different place in the list so that nodes refreshing together do not all reach for
    // the same endpoints.
    const keep = enabled.filter((id) => mine.has(id)).slice(0, share);
    const free = enabled.filter((id) => !mine.has(id) && !heldByOthers.has(id));
    const start = free.length === 0 ? 0 : spread(this.nodeId) % free.length;
    const take = [...free.slice(start), ...free.slice(0, start)].slice(0, share - keep.length);
    const wanted = [...keep, ...take].sort();
    const got = await c.query<{ endpoint_id: string }>({
      name: 'own-3',
      text: `INSERT INTO endpoint_owners (endpoint_id, node_id, lease_until)
       SELECT id, $2, $3 FROM unnest($1::text[]) AS id ORDER BY id
       ON CONFLICT (endpoint_id) DO UPDATE SET node_id = EXCLUDED.node_id,
         lease_until = EXCLUDED.lease_until
       WHERE endpoint_owners.node_id = EXCLUDED.node_id OR endpoint_owners.lease_until <= $4
       RETURNING endpoint_id`,
      values: [wanted, this.nodeId, until, now],
    });
    const owned = new Set(got.rows.map((r) => r.endpoint_id));
    const released = [...mine].some((id) => !owned.has(id));
    if (released) {
      await c.query({
        name: 'own-4',
        text: 'DELETE FROM endpoint_owners WHERE node_id = $1 AND NOT (endpoint_id = ANY($2::text[]))',
        values: [this.nodeId, [...owned]],
      });
    }
    await c.query({
      name: 'own-5',
      text: 'DELETE FROM nodes WHERE seen_until < $1',
      values: [now - FORGET_NODE_AFTER_MS],
    });
    return { owned, at: now, endpointsVersion, enabled: enabled.length, released };
  }

  /** Takes a committed refresh's result as this node's view. */
  apply(ownership: Ownership): void {
    this.owned = ownership.owned;
    this.refreshedAt = ownership.at;
    this.endpointsVersion = ownership.endpointsVersion;
    this.enabled = ownership.enabled;
  }

  /** Forgets everything, as a node that never looked. */
  private forget(): void {
    this.apply(NEVER_LOOKED);
  }

  /** Lets every endpoint go and leaves the live nodes (a clean stop): others take them now. */
  async releaseAll(c: pg.ClientBase): Promise<boolean> {
    const r = await c.query('DELETE FROM endpoint_owners WHERE node_id = $1', [this.nodeId]);
    await c.query('DELETE FROM nodes WHERE id = $1', [this.nodeId]);
    this.forget();
    return (r.rowCount ?? 0) > 0;
  }
}

/** A number from the node's id, the same at every refresh: where its search for free ones starts. */
function spread(nodeId: string): number {
  let h = 0;
  for (let i = 0; i < nodeId.length; i++) h = (h * 31 + nodeId.charCodeAt(i)) >>> 0;
  return h;
}
