// Start-up CPU of short commands, alternated: A B C A B C … so that a busy machine slows each
// alike. Per command: the median and the minimum of the process's user+sys CPU (bash's `times`
// for its children: millisecond resolution, where /usr/bin/time has 10 ms) and the median wall time.
// Usage: node bench/start-up.mjs [RUNS=21] 'node -e 0' 'node bin/natpath.js --version' …
// (docs/performance.md, "Start-up": the numbers and the machine's load when they were taken).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** CPU milliseconds of the children bash waited for, from the second line of `times` ("0m0.081s 0m0.012s"). */
function childCpuMs(timesOutput) {
  const line = timesOutput.trim().split('\n').at(-1) ?? '';
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60_000 + Number(m[2]) * 1000);
  if (parts.length !== 2) throw new Error(`start-up: cannot read bash's times: ${JSON.stringify(timesOutput)}`);
  return parts[0] + parts[1];
}

function measure(commands, runs) {
  const cpu = commands.map(() => []);
  const wall = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, command] of commands.entries()) {
      const started = performance.now();
      const r = spawnSync('bash', ['-c', `${command} >/dev/null 2>&1; times`], { encoding: 'utf8' });
      wall[k].push(performance.now() - started);
      cpu[k].push(childCpuMs(r.stdout));
    }
  }
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  return commands.map((command, k) => ({ command, cpuMedianMs: median(cpu[k]), cpuMinMs: Math.min(...cpu[k]), wallMedianMs: median(wall[k]) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const runs = /^\d+$/.test(args[0] ?? '') ? Number(args.shift()) : 21;
  if (args.length === 0) {
    process.stderr.write("usage: node bench/start-up.mjs [RUNS] 'command' ['command' …]\n");
    process.exit(2);
  }
  for (const r of measure(args, runs)) {
    process.stdout.write(`${r.cpuMedianMs.toFixed(0).padStart(5)} ms CPU median  ${r.cpuMinMs.toFixed(0).padStart(5)} min  ${r.wallMedianMs.toFixed(0).padStart(5)} ms wall  ${r.command}\n`);
  }
}
