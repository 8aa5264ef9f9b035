import type { ScenarioResult } from './results-file.ts';

// Scenario 4: how much of each ceiling callhook reaches end to end, from the medians measured
// earlier in the same invocation. Scenario 3's sustained events/s over scenario 1's requests/s
// (undici straight to a do-nothing receiver) and over scenario 8's sustained events/s (a
// do-nothing relay in the middle, same load). A ratio whose inputs were not both measured is
// null, never estimated.

export interface CeilingRatios {
  endToEndEventsPerSecond: number | null;
  ceilingRequestsPerSecond: number | null;
  relayCeilingEventsPerSecond: number | null;
  /** End to end ÷ the undici ceiling (1). */
  ratio: number | null;
  /** End to end ÷ the relay ceiling (8). */
  relayRatio: number | null;
}

export function ceilingRatios(scenarios: readonly ScenarioResult[]): CeilingRatios {
  const endToEnd = medianOf(scenarios, 'end-to-end', 'saturatedEventsPerSecond');
  const ceiling = medianOf(scenarios, 'ceiling', 'requestsPerSecond');
  const relayCeiling = medianOf(scenarios, 'relay-ceiling', 'saturatedEventsPerSecond');
  return {
    endToEndEventsPerSecond: endToEnd,
    ceilingRequestsPerSecond: ceiling,
    relayCeilingEventsPerSecond: relayCeiling,
    ratio: quotient(endToEnd, ceiling),
    relayRatio: quotient(endToEnd, relayCeiling),
  };
}

function medianOf(
  scenarios: readonly ScenarioResult[],
  id: ScenarioResult['id'],
  key: string,
): number | null {
  const scenario = scenarios.find((s) => s.id === id && s.status === 'measured');
  return scenario?.figures.find((f) => f.key === key)?.median ?? null;
}

function quotient(top: number | null, bottom: number | null): number | null {
  return top === null || bottom === null || !(bottom > 0) ? null : top / bottom;
}
