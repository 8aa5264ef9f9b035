import { Gauge, type Registry } from 'prom-client';

const NAME = 'callhook_sse_clients';

/** `callhook_sse_clients`: event streams open now, read at scrape time. Returns a remover. */
export function countStreams(registry: Registry, count: () => number): () => void {
  new Gauge({
    name: NAME,
    help: 'Server-Sent Events streams open on this node',
    registers: [registry],
    collect() {
      this.set(count());
    },
  });
  return () => registry.removeSingleMetric(NAME);
}
