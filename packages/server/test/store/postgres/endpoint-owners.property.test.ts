import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { inTransaction } from '../../../src/store/postgres/pg-connection.ts';
import {
  OWNERSHIP_TTL_MS,
  PgEndpointOwners,
} from '../../../src/store/postgres/pg-endpoint-owners.ts';
import { openPgStore } from '../../../src/store/postgres/pg-store.ts';
import { freshSchema } from '../../support/postgres.ts';

// Endpoint ownership under random interleavings of refreshes, clean stops, silent deaths and
// time, on a real PostgreSQL (the nodes are PgEndpointOwners on one pool, as each node's
// claims drive them). Safety: no two nodes whose leases are current ever own the same endpoint.
// Liveness: once the dead leases have lapsed, three rounds of refreshes by the live nodes leave
// every endpoint owned by one of them, none holding more than its share.

const NODES = 4;
const T0 = 1_767_225_600_000;

type Step =
  | { kind: 'refresh'; node: number }
  | { kind: 'stop'; node: number }
  | { kind: 'die'; node: number }
  | { kind: 'start'; node: number }
  | { kind: 'wait'; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('refresh' as const), node: fc.nat(NODES - 1) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('stop' as const), node: fc.nat(NODES - 1) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('die' as const), node: fc.nat(NODES - 1) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('start' as const), node: fc.nat(NODES - 1) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      ms: fc.integer({ min: 1, max: 6_000 }),
    }),
  },
);

test('endpoint owners: never two current owners; live nodes end up sharing every endpoint', async (t) => {
  const place = await freshSchema(t);
  const store = await openPgStore({ ...place, poolSize: 2 });
  t.after(() => store.close());
  const pool = store.pool;

  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 7 }),
      fc.array(step, { minLength: 1, maxLength: 40 }),
      async (endpointCount, steps) => {
        await pool.query('TRUNCATE nodes, endpoint_owners');
        const enabled = Array.from({ length: endpointCount }, (_, i) => `ep_${i}`);
        let now = T0;
        let generation = 0; // a node that restarts is a new PgEndpointOwners, same id
        const nodes: (PgEndpointOwners | null)[] = Array.from(
          { length: NODES },
          (_, i) => new PgEndpointOwners(`node-${i}`),
        );
        /** When each node last refreshed (its view is current until then + TTL). */
        const refreshedAt = new Map<number, number>();
        const refresh = async (i: number) => {
          const owners = nodes[i]!;
          const got = await inTransaction(pool, (c) => owners.refresh(c, now, enabled, generation));
          owners.apply(got);
          refreshedAt.set(i, now);
        };
        const ownedBy = (i: number) => enabled.filter((id) => nodes[i]?.has(id));
        const checkSafety = () => {
          const current = [...refreshedAt]
            .filter(([i, at]) => nodes[i] !== null && at + OWNERSHIP_TTL_MS > now)
            .map(([i]) => i);
          for (const id of enabled) {
            const holders = current.filter((i) => nodes[i]!.has(id));
            assert.ok(holders.length <= 1, `${id} owned by nodes ${holders} at +${now - T0} ms`);
          }
        };

        for (const s of steps) {
          if (s.kind === 'wait') now += s.ms;
          else if (s.kind === 'start') {
            if (nodes[s.node] === null) nodes[s.node] = new PgEndpointOwners(`node-${s.node}`);
          } else if (nodes[s.node] === null) continue;
          else if (s.kind === 'refresh') await refresh(s.node);
          else if (s.kind === 'stop') {
            const owners = nodes[s.node]!;
            await inTransaction(pool, (c) => owners.releaseAll(c));
            nodes[s.node] = null;
            refreshedAt.delete(s.node);
          } else {
            nodes[s.node] = null; // died: its rows stay until their leases lapse
            refreshedAt.delete(s.node);
          }
          checkSafety();
        }

        // Liveness: the dead leases lapse, then three rounds by every live node.
        const live = nodes.flatMap((n, i) => (n === null ? [] : [i]));
        if (live.length === 0) return;
        now += OWNERSHIP_TTL_MS + 1;
        generation += 1;
        for (let round = 0; round < 3; round++) {
          for (const i of live) await refresh(i);
          checkSafety();
          now += 1;
        }
        const share = Math.ceil(enabled.length / live.length);
        const owned = live.flatMap(ownedBy);
        assert.deepEqual([...owned].sort(), [...enabled].sort(), 'every endpoint owned once');
        for (const i of live) {
          assert.ok(ownedBy(i).length <= share, `node ${i} owns ${ownedBy(i)} (share ${share})`);
        }
      },
    ),
    { numRuns: 60 },
  );
});
