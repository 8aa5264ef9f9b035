// Micro-benchmark of the delivery half of the SQLite store, without HTTP: N events written
// by commands (one endpoint subscribed), then drained by claimDue + recordOutcomes(delivered)
// in batches, as the dispatcher does (recordAndClaim: one transaction per turn). Prints µs per command and per delivered event.
//
//   node --conditions=source --import tsx bench/micro/delivery-store.ts [events] [batch]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { CallService } from '../../packages/server/src/service/call-service.ts';
import { openSqliteStore } from '../../packages/server/src/store/sqlite/sqlite-store.ts';
import { benchEndpoint } from './bench-endpoint.ts';

const events = Number(process.argv[2] ?? 20_000);
const batch = Number(process.argv[3] ?? 64);
const dir = mkdtempSync(join(tmpdir(), 'callhook-micro-'));
const store = openSqliteStore({ path: join(dir, 'db.sqlite') });
const clock = new ManualClock(Date.UTC(2026, 10, 24));
const service = new CallService({
  store,
  clock,
  config: { idleTimeoutMs: 600_000, maxDurationMs: 86_400_000 },
});
await store.deliveries.createEndpoint(benchEndpoint(clock.now()));

// WAL frames written per phase: no automatic checkpoint, then read and reset after each phase.
store.db.pragma('wal_autocheckpoint = 0');
const walFrames = (): number => {
  const [row] = store.db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  return row?.log ?? 0;
};
walFrames();

// Commands: calls of create, invite×2, join×2, dtmf, end (~10 events each), 64 at once.
const [THREAD, STREAM, U1, U2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
let written = 0;
let commands = 0;
const t0 = performance.now();
while (written < events) {
  const wave: Promise<void>[] = [];
  for (let c = 0; c < 16; c++) {
    wave.push(
      (async () => {
        // The server makes the call's id, as under `callhook simulate`.
        const created = await service.createCall({ threadId: THREAD, streamId: STREAM });
        if (!created.created) throw new Error(JSON.stringify(created));
        commands++;
        const callId = created.call.callId;
        const steps = [
          () => service.command(callId, { type: 'invite', userId: U1 }),
          () => service.command(callId, { type: 'invite', userId: U2 }),
          () => service.command(callId, { type: 'join', userId: U1 }),
          () => service.command(callId, { type: 'join', userId: U2 }),
          () => service.command(callId, { type: 'dtmf', digits: '12', userId: U1 }),
          () => service.command(callId, { type: 'end' }),
        ];
        for (const step of steps) {
          await step(); // a refused command throws
          commands++;
        }
      })(),
    );
  }
  await Promise.all(wave);
  clock.advance(1); // as on a server: time moves while calls go on
  written = await store.lastEventPosition();
}
const t1 = performance.now();
const ingestFrames = walFrames();

let delivered = 0;
let claims = 0;
// As the dispatcher does: each turn writes the last batch's outcomes and claims the next.
const owner = 'node_micro';
let due = await store.deliveries.claimDue(clock.now(), {
  owner,
  limit: batch,
  leaseUntil: clock.now() + 60_000,
});
while (due.length > 0) {
  clock.advance(1);
  const now = clock.now();
  claims++;
  delivered += due.length;
  due = await store.deliveries.recordAndClaim(
    due.map((d) => ({
      owner,
      attempt: {
        deliveryId: d.id,
        attempt: d.attemptCount + 1,
        startedAt: now,
        statusCode: 204,
        latencyMs: 1,
        error: null,
        responseBody: '',
      },
      next: { status: 'delivered' as const },
    })),
    now,
    { owner, limit: batch, leaseUntil: now + 60_000 },
  );
}
const t2 = performance.now();
const drainFrames = walFrames();
service.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });
console.log(`${cpus()[0]?.model}, ${cpus().length} cores, Node ${process.version}`);
console.log(
  `ingest: ${commands} commands in ${(t1 - t0).toFixed(0)} ms = ${(((t1 - t0) * 1000) / commands).toFixed(1)} µs/command, ${(ingestFrames / commands).toFixed(2)} WAL frames/command`,
);
console.log(
  `drain: ${delivered} deliveries in ${claims} claims of ≤${batch}, ${(t2 - t1).toFixed(0)} ms = ${(((t2 - t1) * 1000) / delivered).toFixed(1)} µs/delivery, ${(drainFrames / delivered).toFixed(2)} WAL frames/delivery`,
);
