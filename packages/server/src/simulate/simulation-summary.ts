import type { LatencySummary } from './latency-recorder.ts';
import type { TrafficProgress, TrafficResult } from './traffic-driver.ts';

// What `callhook simulate` reports: rates, errors by code, command latency percentiles.
// `--json` prints SimulationSummary as is; the text form is for people.

export interface SimulationSummary {
  server: string;
  seed: number;
  mix: string;
  concurrency: number;
  rate: { perSecond: number; unit: 'commands' | 'events' } | null;
  durationMs: number;
  stoppedBy: TrafficResult['stoppedBy'];
  calls: TrafficResult['calls'];
  commands: { ok: number; failed: number; perSecond: number };
  events: { count: number; perSecond: number };
  eventCountMismatches: number;
  errors: Record<string, number>;
  latencyMs: LatencySummary;
}

export interface SummaryContext {
  server: string;
  seed: number;
  mix: string;
  concurrency: number;
  rate?: { perSecond: number; unit: 'commands' | 'events' };
}

export function summarize(result: TrafficResult, context: SummaryContext): SimulationSummary {
  const seconds = result.durationMs / 1000;
  const perSecond = (n: number) => (seconds > 0 ? round1(n / seconds) : 0);
  return {
    server: context.server,
    seed: context.seed,
    mix: context.mix,
    concurrency: context.concurrency,
    rate: context.rate ?? null,
    durationMs: Math.round(result.durationMs),
    stoppedBy: result.stoppedBy,
    calls: result.calls,
    commands: { ...result.commands, perSecond: perSecond(result.commands.ok) },
    events: { count: result.events, perSecond: perSecond(result.events) },
    eventCountMismatches: result.eventCountMismatches,
    errors: result.errors,
    latencyMs: result.latency,
  };
}

export function formatSummary(s: SimulationSummary): string {
  const ms = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)} ms`);
  const lines = [
    `simulated ${s.calls.started} calls against ${s.server} in ${(s.durationMs / 1000).toFixed(1)} s` +
      ` (seed ${s.seed}, mix ${s.mix}, concurrency ${s.concurrency}` +
      `${s.rate ? `, rate ${s.rate.perSecond} ${s.rate.unit}/s` : ''})`,
    `  calls      ${s.calls.completed} completed, ${s.calls.failed} failed` +
      `${s.stoppedBy === 'time' ? ` (time limit reached; ${s.calls.planned} planned)` : ''}` +
      `${s.stoppedBy === 'interrupt' ? `, ${s.calls.endedOnInterrupt ?? 0} ended early (interrupted; ${s.calls.planned} planned)` : ''}`,
    `  commands   ${s.commands.ok} ok, ${s.commands.failed} failed — ${s.commands.perSecond} commands/s`,
    `  events     ${s.events.count} — ${s.events.perSecond} events/s`,
    `  latency    p50 ${ms(s.latencyMs.p50)}  p95 ${ms(s.latencyMs.p95)}  p99 ${ms(s.latencyMs.p99)}  max ${ms(s.latencyMs.max)}`,
  ];
  const codes = Object.entries(s.errors).sort((a, b) => b[1] - a[1]);
  lines.push(
    codes.length === 0
      ? '  errors     none'
      : `  errors     ${codes.map(([code, n]) => `${code} ×${n}`).join(', ')}`,
  );
  if (s.eventCountMismatches > 0) {
    lines.push(
      `  warning    ${s.eventCountMismatches} commands emitted a different number of events than the contract says`,
    );
  }
  return lines.join('\n');
}

/** One progress line, printed every second while the simulation runs (rates since the start). */
export function formatProgress(p: TrafficProgress, plannedCalls: number): string {
  const seconds = p.elapsedMs / 1000;
  const rate = (n: number) => (seconds > 0 ? Math.round(n / seconds) : 0);
  return (
    `${seconds.toFixed(1)} s  calls ${p.callsStarted} started, ${p.callsDone} ended of ${plannedCalls}  ` +
    `commands ${p.commandsOk} (${rate(p.commandsOk)}/s)  events ${p.events} (${rate(p.events)}/s)  ` +
    `errors ${p.commandsFailed}`
  );
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
