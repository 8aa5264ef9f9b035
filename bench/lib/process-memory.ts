import { readFileSync } from 'node:fs';

// Resident memory of another process, read from /proc (Linux; the bench's target platform).
// VmHWM is the peak RSS since the process started: a peak that no sampling interval can miss.

export interface ProcessMemory {
  rssMb: number;
  peakRssMb: number;
}

export function processMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined; // not Linux, or the process is gone
  }
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  const rss = kb('VmRSS');
  const peak = kb('VmHWM');
  if (!Number.isFinite(rss) || !Number.isFinite(peak)) return undefined;
  return { rssMb: rss / 1024, peakRssMb: peak / 1024 };
}
