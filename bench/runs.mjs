// What the bench reports of repeated runs of one command: median wall and CPU seconds, the
// largest peak RSS. Runs are `measure()` results of bench/run.mjs.

export function summarizeRuns(runs, median) {
  return {
    seconds: median(runs.map((m) => m.seconds)),
    cpuSeconds: median(runs.map((m) => m.cpuSeconds)),
    peakRssMb: Math.max(...runs.map((m) => m.rssMb)),
  };
}
