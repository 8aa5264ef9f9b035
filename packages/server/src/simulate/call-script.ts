import { mixSeed, Prng } from './prng.ts';
import { ScriptBuilder, type ScriptStep } from './script-builder.ts';
import { type CallKind, pickKind, type TrafficMix } from './traffic-mix.ts';

// The call scripts of a simulation: a pure function of (seed, index, mix), so the same seed
// makes the same traffic whatever the concurrency or timing. Each kind imitates a real call
// shape; the ScriptBuilder keeps every step valid under docs/contract.md §2.

export interface CallScript {
  index: number;
  kind: CallKind;
  /** Starts with `create`; ends with the call ended (by hang-up or by the last one leaving). */
  steps: ScriptStep[];
  /** Events a correct server emits for the whole script. */
  events: number;
}

/** Calls are spread over this many streams (teams → streams → threads; one thread per call). */
export const STREAM_COUNT = 16;

export function callScript(seed: number, index: number, mix: TrafficMix): CallScript {
  const rng = new Prng(mixSeed(seed, index));
  const kind = pickKind(rng, mix);
  const streamId = streamIdOf(seed, rng.int(0, STREAM_COUNT - 1));
  const b = new ScriptBuilder(rng.hex(24), streamId);
  KIND_SCRIPTS[kind](b, rng);
  if (!b.isEnded) throw new Error(`script bug: a ${kind} call was left active`);
  return { index, kind, steps: b.steps, events: totalEvents(b.steps) };
}

export function totalEvents(steps: readonly ScriptStep[]): number {
  return steps.reduce((sum, step) => sum + step.events, 0);
}

/** The stream ids of a seed: 24-hex ids like the user document's, stable per seed. */
export function streamIdOf(seed: number, n: number): string {
  return new Prng(mixSeed(seed ^ 0x5ea5_0001, n)).hex(24);
}

const KIND_SCRIPTS: Record<CallKind, (b: ScriptBuilder, rng: Prng) => void> = {
  // Two people talk; some put the other on hold a few times; one hangs up or both leave.
  'one-to-one': (b, rng) => {
    const [caller, callee] = [rng.hex(24), rng.hex(24)];
    b.invite(caller).join(caller).invite(callee).join(callee);
    const holds = rng.chance(0.35) ? rng.int(1, 3) : 0;
    for (let i = 0; i < holds; i++) {
      const who = rng.pick(b.inDialog());
      b.pause(who).unpause(who);
    }
    if (rng.chance(0.1)) b.dtmf(caller, digits(rng, 1, 3));
    finish(b, rng);
  },

  // A host and 2–7 guests; some never answer, some hold, some leave and are invited back.
  conference: (b, rng) => {
    const host = rng.hex(24);
    const guests = Array.from({ length: rng.int(2, 7) }, () => rng.hex(24));
    b.invite(host).join(host);
    for (const guest of guests) b.invite(guest);
    for (const guest of guests) {
      if (rng.chance(0.85)) b.join(guest);
      else if (rng.chance(0.5)) b.remove(guest); // rang out; the others may stay invited
    }
    const activity = rng.int(0, 2 * guests.length);
    for (let i = 0; i < activity; i++) conferenceMove(b, rng, host, guests);
    finish(b, rng);
  },

  // Nobody answers: the caller gives up, or the ringing times out and everyone is removed.
  unanswered: (b, rng) => {
    const caller = rng.chance(0.7) ? rng.hex(24) : null;
    if (caller) b.invite(caller).join(caller);
    const callees = Array.from({ length: rng.int(1, 3) }, () => rng.hex(24));
    for (const callee of callees) b.invite(callee);
    if (caller && rng.chance(0.5)) {
      b.end();
      return;
    }
    for (const callee of callees) b.remove(callee);
    if (caller) b.remove(caller);
  },

  // A caller walks an IVR menu with DTMF, maybe types an account number, maybe reaches an agent.
  ivr: (b, rng) => {
    const caller = rng.hex(24);
    b.invite(caller).join(caller);
    const menus = rng.int(1, 4);
    for (let i = 0; i < menus; i++) b.dtmf(caller, digits(rng, 1, 1));
    if (rng.chance(0.4)) b.dtmf(caller, `${digits(rng, 4, 10, '0123456789')}#`);
    if (rng.chance(0.4)) {
      const agent = rng.hex(24);
      b.pause(caller).invite(agent).join(agent).unpause(caller); // hold music while it rings
      if (rng.chance(0.3)) b.dtmf(caller, digits(rng, 1, 4));
    }
    finish(b, rng);
  },
};

/** One mid-conference change: hold or resume, a guest leaving, or one coming back. */
function conferenceMove(b: ScriptBuilder, rng: Prng, host: string, guests: string[]): void {
  if (rng.chance(0.1) && b.inDialog().includes(host)) {
    b.dtmf(host, digits(rng, 1, 2)); // e.g. *6 to mute everyone
    return;
  }
  const guest = rng.pick(guests);
  switch (b.stateOf(guest)) {
    case 'joined':
      if (rng.chance(0.5)) b.pause(guest);
      else if (b.present().length > 1) b.remove(guest);
      return;
    case 'paused':
      b.unpause(guest);
      return;
    case 'removed':
    case 'absent':
      b.invite(guest).join(guest);
      return;
    case 'invited':
      b.join(guest);
      return;
  }
}

/** Half the calls end by hang-up, the others by everyone leaving (the last one out ends it). */
function finish(b: ScriptBuilder, rng: Prng): void {
  if (rng.chance(0.5)) {
    b.end();
    return;
  }
  const present = b.present();
  // Leave in a random order: a shuffle drawn from the script's own generator.
  for (let i = present.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [present[i], present[j]] = [present[j]!, present[i]!];
  }
  for (const userId of present) b.remove(userId);
}

function digits(rng: Prng, min: number, max: number, symbols = '0123456789*#'): string {
  const chars = Array.from(symbols);
  return Array.from({ length: rng.int(min, max) }, () => rng.pick(chars)).join('');
}
