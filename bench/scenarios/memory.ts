import { setTimeout as sleep } from 'node:timers/promises';
import type { CallScript } from '../../packages/server/src/simulate/call-script.ts';
import { mixSeed, Prng } from '../../packages/server/src/simulate/prng.ts';
import { ScriptBuilder } from '../../packages/server/src/simulate/script-builder.ts';
import { FigureRuns } from '../lib/figures.ts';
import { assertClean, driveLoad } from '../lib/load.ts';
import { processMemory } from '../lib/process-memory.ts';
import { startServerProcess } from '../processes/server-process.ts';
import { measured, notMeasured, type Scenario } from './scenario.ts';

// 5. Resident memory of `callhook serve` holding N calls that are all active at once: each
// created, two participants invited and joined, none ended (docs/contract.md §2 keeps such a call
// alive for 24 h). RSS is read from /proc after the load, once the server has settled.

/** The script of a call that stays up: create, invite two, both answer. */
export function heldCallScript(seed: number, index: number): CallScript {
  const rng = new Prng(mixSeed(seed, index));
  const [a, b] = [rng.hex(24), rng.hex(24)];
  const builder = new ScriptBuilder(rng.hex(24), `stream-${index % 16}`)
    .invite(a)
    .invite(b)
    .join(a)
    .join(b);
  return { index, kind: 'one-to-one', steps: builder.steps, events: 3 };
}

const SETTLE_MS = 2_000;

export const memory: Scenario = {
  id: 'memory',
  number: 5,
  title: 'Memory: RSS with N concurrently active calls',
  async run({ profile, from, log }) {
    const calls = profile.memoryCalls;
    const runs = new FigureRuns({
      rssMb: { label: `RSS with ${calls.toLocaleString('en-US')} active calls`, unit: 'MB' },
      idleRssMb: { label: 'RSS at start (no calls)', unit: 'MB' },
      perCallKb: { label: 'RSS per active call', unit: 'KB' },
      createSeconds: { label: 'time to set the calls up', unit: 's' },
    });
    for (let i = 0; i < profile.memoryRepeats; i++) {
      const server = await startServerProcess(from);
      try {
        await sleep(SETTLE_MS);
        const idle = processMemory(server.pid);
        if (!idle)
          return notMeasured('not-available', 'RSS is read from /proc/<pid>/status (Linux only)');
        const r = await driveLoad({
          url: server.url,
          seconds: 900,
          calls,
          concurrency: profile.concurrency,
          log,
          seed: 5000 + i,
          scriptOf: (index) => heldCallScript(5000 + i, index),
        });
        assertClean(r, 'memory');
        if (r.calls.completed !== calls)
          throw new Error(`only ${r.calls.completed} of ${calls} calls were set up`);
        await sleep(SETTLE_MS);
        const held = processMemory(server.pid)!;
        log(
          `memory run ${i + 1}/${profile.memoryRepeats}: ${held.rssMb.toFixed(0)} MB with ${calls} active calls`,
        );
        runs.add({
          rssMb: held.rssMb,
          idleRssMb: idle.rssMb,
          perCallKb: ((held.rssMb - idle.rssMb) * 1024) / calls,
          createSeconds: r.durationMs / 1000,
        });
      } finally {
        await server.stop();
      }
    }
    return measured(
      {
        activeCalls: calls,
        participantsPerCall: 2,
        repeats: profile.memoryRepeats,
        settleMs: SETTLE_MS,
      },
      runs.figures(),
      ['no endpoint is subscribed: this is the memory of the calls themselves'],
    );
  },
};
