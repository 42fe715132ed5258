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

export function measure(commands, runs) {
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

/**
 * The bench's start-up part (`npm run bench`): Node alone, then natpath's shortest commands, in one
 * alternated loop. When the environment sets NODE_EXTRA_CA_CERTS, Node parses that file at every
 * start before any JavaScript runs; a row without it shows what that costs (the C reference pays nothing of it).
 */
export function runStartUpBench({ node, natpath, cli, tinyAlone, tinyInHost, runs }) {
  const q = (s) => `'${s.replaceAll("'", "'\\''")}'`;
  const withExtraCa = Boolean(process.env.NODE_EXTRA_CA_CERTS);
  const rows = [
    ['Node alone: node -e 0', `${q(node)} -e 0`],
    ...(withExtraCa ? [['Node alone without NODE_EXTRA_CA_CERTS', `env -u NODE_EXTRA_CA_CERTS ${q(node)} -e 0`]] : []),
    ['natpath --version', `${q(natpath)} --version`],
    ['natpath decode --summary, 4 KB capture alone in a folder', `${q(natpath)} decode ${q(tinyAlone)} --summary`],
    ['natpath decode --summary, 4 KB capture in its host folder', `${q(natpath)} decode ${q(tinyInHost)} --summary`],
    ...(withExtraCa ? [['node bin/natpath.js decode --summary, 4 KB capture alone (reads NODE_EXTRA_CA_CERTS)', `${q(node)} ${q(cli)} decode ${q(tinyAlone)} --summary`]] : []),
  ];
  // A command that fails would be timed as a fast one: each must succeed once first.
  for (const [name, command] of rows) {
    const r = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`start-up: ${name} failed (${r.status}): ${r.stderr.slice(-300)}`);
  }
  const measured = measure(rows.map(([, command]) => command), runs);
  return rows.map(([name], k) => ({ name, runs, cpuMedianMs: measured[k].cpuMedianMs, cpuMinMs: measured[k].cpuMinMs, wallMedianMs: measured[k].wallMedianMs }));
}

export function printStartUpBench(rows) {
  const node = rows[0];
  console.log(`\n## Start-up: CPU of each process (user + sys), ${node.runs} runs alternated`);
  console.log('| command | CPU median ms | CPU min ms | above Node alone (median / min) | wall median ms |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const above = r === node ? '' : `${(r.cpuMedianMs - node.cpuMedianMs).toFixed(0)} / ${(r.cpuMinMs - node.cpuMinMs).toFixed(0)}`;
    console.log(`| ${r.name} | ${r.cpuMedianMs.toFixed(0)} | ${r.cpuMinMs.toFixed(0)} | ${above} | ${r.wallMedianMs.toFixed(0)} |`);
  }
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
