// Replaced by the benchmark suite (bench/run.ts); keeps `tsc -b bench` from finding no inputs.
export {};
