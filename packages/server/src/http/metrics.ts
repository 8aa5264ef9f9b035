import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';
import { CallhookError } from '../errors.ts';
import type { EventBus } from '../service/event-bus.ts';
import type { CallStore } from '../store/port.ts';

/** What a command route is called in the metrics' `command` label. */
export type CommandName =
  | 'create'
  | 'invite'
  | 'join'
  | 'pause'
  | 'unpause'
  | 'remove'
  | 'dtmf'
  | 'end';

export interface ApiMetrics {
  readonly registry: Registry;
  /** Runs a command, counting it by outcome (`ok` or the error code) and timing it. */
  timeCommand<T>(command: CommandName, run: () => Promise<T>): Promise<T>;
  /** Stops counting events and takes this app's metrics out of the registry. */
  close(): void;
}

const NAMES = [
  'callhook_commands_total',
  'callhook_command_duration_seconds',
  'callhook_events_total',
  'callhook_active_calls',
] as const;

const TOTAL_NAMED_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

/**
 * The service's Prometheus metrics. Events are counted from the EventBus (so auto-ended
 * calls count too); active calls are read from the store at scrape time, never drifting.
 */
export function createApiMetrics(deps: {
  registry: Registry;
  store: CallStore;
  bus: EventBus;
}): ApiMetrics {
  const { registry, store, bus } = deps;
  const registers = [registry];
  // A registry shared with another app instance already has the process metrics.
  if (!registry.getSingleMetric('process_cpu_user_seconds_total')) {
    collectDefaultMetrics({ register: registry });
    // Gauges named like counters (promtool check metrics refuses them); the same figures stay
    // as nodejs_active_handles, _requests and _resources, by type.
    for (const name of TOTAL_NAMED_GAUGES) registry.removeSingleMetric(name);
  }
  const commands = new Counter({
    name: 'callhook_commands_total',
    help: 'Commands received by the control API, by command and outcome (ok or an error code)',
    labelNames: ['command', 'outcome'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'callhook_command_duration_seconds',
    help: 'Time to decide and commit a command, in seconds',
    labelNames: ['command'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const events = new Counter({
    name: 'callhook_events_total',
    help: 'Events committed to the log, by type',
    labelNames: ['type'] as const,
    registers,
  });
  new Gauge({
    name: 'callhook_active_calls',
    help: 'Calls not yet ended',
    registers,
    async collect() {
      // A store that cannot answer leaves the gauge at its last value; /readyz reports it.
      try {
        this.set(await store.countActiveCalls());
      } catch {}
    },
  });
  const unsubscribe = bus.subscribe((committed) => {
    for (const event of committed) events.inc({ type: event.type });
  });

  return {
    registry,
    async timeCommand(command, run) {
      const stop = duration.startTimer({ command });
      try {
        const result = await run();
        commands.inc({ command, outcome: 'ok' });
        return result;
      } catch (error) {
        const outcome = error instanceof CallhookError ? error.code : 'internal';
        commands.inc({ command, outcome });
        throw error;
      } finally {
        stop();
      }
    },
    close() {
      unsubscribe();
      for (const name of NAMES) registry.removeSingleMetric(name);
    },
  };
}
