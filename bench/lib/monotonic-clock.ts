// One clock for every process of the bench. process.hrtime reads CLOCK_MONOTONIC, which is
// system-wide on Linux, so a command's 2xx time in the load generator and a webhook's arrival
// time in the receiver process can be subtracted. (performance.now() starts at each process's
// own origin and cannot.)
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
