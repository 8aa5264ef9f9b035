import { processMemory } from './process-memory.ts';

// Samples a process's RSS every interval while a scenario runs: the shape over time shows
// whether memory stays flat while a backlog builds up and drains.

export class RssSampler {
  readonly samples: { atMs: number; rssMb: number }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 500,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  /** The current RSS (and records it as a sample). */
  sample(): number {
    const m = processMemory(this.pid);
    if (m) this.samples.push({ atMs: performance.now(), rssMb: m.rssMb });
    return m?.rssMb ?? Number.NaN;
  }

  /** Peak RSS since the process started (the kernel's high-water mark). */
  peak(): number {
    return processMemory(this.pid)?.peakRssMb ?? Number.NaN;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
