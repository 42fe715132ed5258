// Issue 15's ratios, settled: `natpath decode --summary` (its launcher, bin/natpath, as a user runs
// it) against the C reference read both ways (libpcap's own 4 KiB reads, and `-b`: a 1 MiB buffer
// of its own), and, when the environment sets NODE_EXTRA_CA_CERTS, natpath started as `node
// bin/natpath.js` (Node then reads that file), alternated run by run (C, C -b, natpath, node bin/natpath.js, C, …)
// so that a busy or drifting machine slows each alike. The decode suites run each tool 3 times; on
// half-second runs that leaves a ratio to one unlucky run (docs/performance.md, 17:15 of the fifth
// round), so this part takes more runs of the four rows that decide the targets.
// Part of `npm run bench` (BENCH_RATIO_RUNS, default 9; the small file 5, as each run takes seconds).

import { median, measure } from './runs.mjs';

/**
 * Alternated runs on each file; every row's flow count must equal the C reference's.
 * `files`: [{ label, path, runs }]. Returns per file the median wall seconds of each row and the ratios.
 */
export function runAgainstC({ files, natpath, direct, cReference, readBufferBytes }) {
  return files.map(({ label, path, runs }) => {
    const rows = [
      { name: 'C reference (libpcap)', cmd: cReference, args: [path], c: true },
      { name: 'C reference, 1 MiB read buffer', cmd: cReference, args: ['-b', String(readBufferBytes), path], c: true },
      { name: 'natpath decode --summary', cmd: natpath, args: ['decode', path, '--summary', '--format', 'json'] },
      ...(direct ? [{ name: 'node bin/natpath.js decode --summary (reads NODE_EXTRA_CA_CERTS)', cmd: direct.node, args: [direct.cli, 'decode', path, '--summary', '--format', 'json'] }] : []),
    ];
    const seconds = rows.map(() => []);
    const flows = rows.map(() => null);
    for (let run = 0; run < runs; run++) {
      for (const [k, row] of rows.entries()) {
        const m = measure(row.cmd, row.args, { stdoutToNull: false });
        seconds[k].push(m.seconds);
        const out = parsedOutput(m.stdout, `${row.name} on ${path}`);
        if (flows[k] !== null && flows[k] !== out.flows) throw new Error(`against C, ${label}: ${row.name} counted ${flows[k]} flows, then ${out.flows}`);
        flows[k] = out.flows;
      }
      process.stderr.write(`  against C, ${label}: run ${run + 1} of ${runs}\n`);
    }
    if (flows.some((f) => f !== flows[0])) throw new Error(`against C, ${label}: the rows count different flows: ${flows.join(', ')}`);
    const medians = seconds.map((s) => median(s));
    return {
      label,
      runs,
      flows: flows[0],
      rows: rows.map((row, k) => ({ name: row.name, medianSeconds: medians[k], minSeconds: Math.min(...seconds[k]), maxSeconds: Math.max(...seconds[k]) })),
    };
  });
}

/** Both print one JSON document with `flows`; anything else (a run that failed on exit code 1) is said as such. */
function parsedOutput(stdout, what) {
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`against C: ${what} printed no JSON report: ${JSON.stringify(stdout.slice(0, 200))}`);
  }
}

export function printAgainstC(results) {
  console.log('\n## natpath against the C reference, alternated (issue 15)');
  console.log('Wall seconds, median (min–max) of the runs; ratios of the medians. Targets: ≤ 1.5× on small packets, ≤ 1.3× on large and mixed.');
  console.log('| file | runs | C reference | C, 1 MiB read buffer | natpath | node bin/natpath.js, with the CA file | natpath ÷ C | ÷ C with buffer | node bin/natpath.js ÷ C with buffer |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const fmt = (r) => (r === undefined ? '-' : `${r.medianSeconds.toFixed(3)} (${r.minSeconds.toFixed(2)}–${r.maxSeconds.toFixed(2)})`);
  const ratio = (a, b) => (a === undefined || b === undefined ? '-' : `${(a.medianSeconds / b.medianSeconds).toFixed(2)}×`);
  for (const f of results) {
    const [c, cb, n, direct] = f.rows;
    console.log(`| ${f.label} | ${f.runs} | ${fmt(c)} | ${fmt(cb)} | ${fmt(n)} | ${fmt(direct)} | **${ratio(n, c)}** | **${ratio(n, cb)}** | ${ratio(direct, cb)} |`);
  }
}
