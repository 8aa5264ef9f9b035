import { cpus, loadavg, totalmem } from 'node:os';

// What the results were measured on. The load average is kept so a noisy run (other work on
// the machine) can be told from a slow one.

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryMb: number;
  node: string;
  platform: string;
  arch: string;
  /** 1, 5 and 15 minute load averages when the bench started and when it ended. */
  loadAverage: { start: number[]; end: number[] };
}

export function machineInfo(loadAtStart: number[]): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    loadAverage: { start: loadAtStart, end: currentLoad() },
  };
}

export function currentLoad(): number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}
