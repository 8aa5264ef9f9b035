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

/**
 * CPU time (user + system, every thread) another process has used so far, in ms, from
 * /proc/<pid>/stat; undefined where there is no /proc. CPU per event is steadier than events/s
 * on a shared machine: other work slows the clock on the wall, not the work done per event.
 */
export function processCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux the bench runs on (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_SECOND = 100;
