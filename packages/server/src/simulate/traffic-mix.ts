import type { Prng } from './prng.ts';

// Which kinds of calls the simulator makes, and in what proportion (`--mix`).

export const CALL_KINDS = ['one-to-one', 'conference', 'unanswered', 'ivr'] as const;
export type CallKind = (typeof CALL_KINDS)[number];

/** Relative weights per kind; kinds left out have weight 0. */
export type TrafficMix = Readonly<Record<CallKind, number>>;

export const DEFAULT_MIX: TrafficMix = {
  'one-to-one': 50,
  conference: 20,
  unanswered: 10,
  ivr: 20,
};

export class MixError extends Error {
  readonly code = 'invalid_mix';
}

/** Parses `one-to-one=50,conference=20,unanswered=10,ivr=20` (any subset, any order). */
export function parseMix(text: string): TrafficMix {
  const mix: Record<CallKind, number> = { 'one-to-one': 0, conference: 0, unanswered: 0, ivr: 0 };
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const [name, weightText, extra] = part.trim().split('=');
    if (!isCallKind(name) || weightText === undefined || extra !== undefined) {
      throw new MixError(
        `--mix entries are kind=weight with kinds ${CALL_KINDS.join(', ')}; got '${part.trim()}'`,
      );
    }
    const weight = Number(weightText);
    if (!Number.isFinite(weight) || weight < 0 || weightText.trim() === '') {
      throw new MixError(`--mix weight of ${name} must be a number ≥ 0, not '${weightText}'`);
    }
    if (seen.has(name)) throw new MixError(`--mix names ${name} twice`);
    seen.add(name);
    mix[name] = weight;
  }
  if (CALL_KINDS.every((kind) => mix[kind] === 0)) {
    throw new MixError('--mix needs at least one kind with a weight above 0');
  }
  return mix;
}

export function formatMix(mix: TrafficMix): string {
  return CALL_KINDS.filter((kind) => mix[kind] > 0)
    .map((kind) => `${kind}=${mix[kind]}`)
    .join(',');
}

/** Draws a kind in proportion to the weights. */
export function pickKind(rng: Prng, mix: TrafficMix): CallKind {
  const total = CALL_KINDS.reduce((sum, kind) => sum + mix[kind], 0);
  let x = rng.next() * total;
  for (const kind of CALL_KINDS) {
    x -= mix[kind];
    if (x < 0) return kind;
  }
  // Float rounding can leave x at 0 past the last kind: take the last one that has weight.
  return CALL_KINDS.filter((kind) => mix[kind] > 0).at(-1)!;
}

function isCallKind(name: string | undefined): name is CallKind {
  return (CALL_KINDS as readonly (string | undefined)[]).includes(name);
}
