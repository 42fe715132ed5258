// Running a command for the bench and summarising repeated runs of it: wall and CPU seconds,
// peak RSS (from /usr/bin/time -v when installed), medians.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const TIME_V = existsSync('/usr/bin/time');

/** Runs `cmd args` once: wall seconds, CPU seconds (user + sys, all threads), peak RSS in MB, stdout when piped. */
export function measure(cmd, args, { stdoutToNull = true } = {}) {
  const argv = TIME_V ? ['-v', cmd, ...args] : args;
  const bin = TIME_V ? '/usr/bin/time' : cmd;
  const started = process.hrtime.bigint();
  const r = spawnSync(bin, argv, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', stdoutToNull ? 'ignore' : 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rssKb = TIME_V ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN) : NaN;
  // CPU seconds (user + sys, all threads): what a run costs when the other core is busy.
  const cpuSeconds = TIME_V
    ? Number(/User time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1] ?? NaN) + Number(/System time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1] ?? NaN)
    : NaN;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
  return { seconds, cpuSeconds, rssMb: rssKb / 1024, stdout: r.stdout ?? '' };
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** What the bench reports of repeated runs of one command: median wall and CPU seconds, the largest peak RSS. */
export function summarizeRuns(runs, median) {
  return {
    seconds: median(runs.map((m) => m.seconds)),
    cpuSeconds: median(runs.map((m) => m.cpuSeconds)),
    peakRssMb: Math.max(...runs.map((m) => m.rssMb)),
  };
}
