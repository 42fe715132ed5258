// Analyze on repeated traffic (issue 15): samples/pod-egress-natgw (a real kernel's three-host
// capture: 4 connections, 228 packets) replicated COPIES times by replicate-case.mjs, each copy
// 10 s later with other client ports, so every connection repeats the IP IDs, TCP sequence
// numbers and payloads of all others. At each size: `decode --summary` of the three captures
// (summed) and `analyze`, wall and CPU seconds, peak RSS, and whether analyze linked every
// connection to the right answer: as many flows as connections, none seen at one capture point
// only, and the sample's own answers (server, sources, translations, capture points) with every
// count multiplied by the copies. Time and memory should grow linearly with the copies (the
// fitted slopes are printed); the issue asks analyze ≤ 3× decode and < 400 MB at 64 000
// connections (~400 MB of captures).
//
// Part of `npm run bench` (BENCH_PARTS=repeated), or alone: `npm run build && node
// bench/repeated.mjs`. BENCH_REPEATED_COPIES (default 4000,8000,16000): the sizes;
// BENCH_REPEATED_RUNS (default 5): runs at the largest size (median), the others once. Five, not
// the bench's three: on this 2-CPU virtual machine one run of analyze there took 3.2 s and
// another 4.4 s minutes apart (docs/performance.md, eighth round). Each run is decode ×3 then
// analyze, back to back; besides the ratio of the medians (the target), the median of each run's
// own ratio is shown, which a slow minute shifts less.

import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { replicateCase } from './replicate-case.mjs';
import { measure as measureRun, median as medianOf, summarizeRuns } from './runs.mjs';

const CONNECTIONS_PER_COPY = 4;
const REPEATED_RUNS = Number(process.env.BENCH_REPEATED_RUNS ?? 5);

export async function runRepeatedBench({ root, natpath, measure, median, runs = REPEATED_RUNS }) {
  const sizes = (process.env.BENCH_REPEATED_COPIES ?? '4000,8000,16000').split(',').map(Number);
  const sample = join(root, 'samples', 'pod-egress-natgw');
  const sampleReport = join(tmpdir(), 'natpath-bench-repeated-sample.json');
  measure(natpath, ['analyze', sample, '--format', 'json', '--out', sampleReport]);
  const expected = JSON.parse(readFileSync(sampleReport, 'utf8')).answers;
  rmSync(sampleReport, { force: true });
  const rows = [];
  for (const copies of sizes) {
    const dir = join(tmpdir(), 'natpath-bench-repeated');
    rmSync(dir, { recursive: true, force: true });
    const made = await replicateCase(sample, join(dir, 'case'), copies, 10);
    const captures = ['node1', 'natgw', 'partner'].map((h) => join(dir, 'case', h, 'capture.pcap'));
    const report = join(dir, 'report.json');
    const decode = [];
    const analyze = [];
    // The largest size is the one the targets are read at: median of `runs`; the others once.
    const times = copies === Math.max(...sizes) ? runs : 1;
    for (let run = 0; run < times; run++) {
      const parts = captures.map((f) => measure(natpath, ['decode', f, '--summary', '--format', 'json']));
      decode.push({
        seconds: parts.reduce((s, m) => s + m.seconds, 0),
        cpuSeconds: parts.reduce((s, m) => s + m.cpuSeconds, 0),
        rssMb: Math.max(...parts.map((m) => m.rssMb)),
      });
      analyze.push(measure(natpath, ['analyze', join(dir, 'case'), '--format', 'json', '--max-flows', '100', '--out', report]));
      process.stderr.write(`  repeated ×${copies}: decode ×3 ${decode[run].seconds.toFixed(2)} s, analyze ${analyze[run].seconds.toFixed(2)} s\n`);
    }
    const { totals, answers } = JSON.parse(readFileSync(report, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    const summary = (ms) => summarizeRuns(ms, median);
    const d = summary(decode);
    const a = summary(analyze);
    rows.push({
      copies,
      connections: copies * CONNECTIONS_PER_COPY,
      captureMb: made.bytes / 1e6,
      flows: totals.flows,
      singlePointFlows: totals.singlePointFlows,
      linkedEveryConnection: totals.flows === copies * CONNECTIONS_PER_COPY && totals.singlePointFlows === 0,
      answerProblem: answersDiffer(expected, answers, copies),
      decode: d,
      analyze: { ...a, ratio: a.seconds / d.seconds, cpuRatio: a.cpuSeconds / d.cpuSeconds, runRatio: median(analyze.map((m, i) => m.seconds / decode[i].seconds)), runs: times },
    });
  }
  return rows;
}

/**
 * Why the replicated case's answers are not the sample's with every count × copies, or null:
 * the same servers, sources, capture points and translations (`(n of n flows)` scaled).
 */
export function answersDiffer(expected, actual, copies) {
  const scaled = (text) => text.replace(/ \((\d+) of (\d+) flows\)$/, (_, n, of) => ` (${Number(n) * copies} of ${Number(of) * copies} flows)`);
  // A translation of one flow carries no count; of `copies` flows it says "(copies of copies flows)".
  const counted = (text, flows) => (/ flows\)$/.test(text) || flows * copies === 1 ? scaled(text) : `${text} (${flows * copies} of ${flows * copies} flows)`);
  const shape = (a, scale) => ({
    server: a.server,
    proto: a.proto,
    sources: a.sources,
    seenAtServer: a.seenAtServer,
    lastCapturePoints: a.lastCapturePoints,
    flows: a.flows * (scale ? copies : 1),
    translations: scale ? a.translations.map((t) => counted(t, a.flows)) : a.translations,
    leaks: a.leaks.length,
  });
  const want = JSON.stringify(expected.map((a) => shape(a, true)));
  const got = JSON.stringify(actual.map((a) => shape(a, false)));
  return want === got ? null : `answers differ: expected ${want}, got ${got}`;
}

/** Least-squares line y = slope·x + intercept through the points, with r². */
function fit(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

export function printRepeatedBench(rows) {
  const fmt = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  console.log('\n## analyze on repeated traffic (pod-egress-natgw replicated, each copy 10 s later, other client ports)');
  console.log(
    '| copies | connections | captures MB | flows found | linked to the right answer | runs | decode ×3: wall (CPU) s | analyze: wall (CPU) s | ratio wall (CPU), target ≤ 3 | median of each run\'s ratio | analyze peak RSS MB, target < 400 |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const linked = !r.linkedEveryConnection ? `NO (${r.singlePointFlows} single-point)` : r.answerProblem !== null ? 'NO (answers differ)' : 'yes';
    console.log(
      `| ${r.copies} | ${r.connections} | ${fmt(r.captureMb, 0)} | ${r.flows} | ${linked} | ${r.analyze.runs} | ${fmt(r.decode.seconds)} (${fmt(r.decode.cpuSeconds)}) | ` +
        `${fmt(r.analyze.seconds)} (${fmt(r.analyze.cpuSeconds)}) | ${fmt(r.analyze.ratio)} (${fmt(r.analyze.cpuRatio)}) | ${fmt(r.analyze.runRatio)} | ${fmt(r.analyze.peakRssMb, 0)} |`,
    );
  }
  for (const r of rows) if (r.answerProblem !== null) console.log(`\n×${r.copies}: ${r.answerProblem}`);
  if (rows.length >= 2) {
    const x = rows.map((r) => r.connections / 1e4);
    const cpu = fit(x, rows.map((r) => r.analyze.cpuSeconds));
    const rss = fit(x, rows.map((r) => r.analyze.peakRssMb));
    console.log(
      `\nGrowth per 10 000 connections (least squares over the sizes): analyze CPU ${fmt(cpu.slope)} s + ${fmt(cpu.intercept)} s (r² ${fmt(cpu.r2, 3)}), ` +
        `peak RSS ${fmt(rss.slope, 1)} MB + ${fmt(rss.intercept, 0)} MB (r² ${fmt(rss.r2, 3)}).`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const rows = await runRepeatedBench({ root, natpath: join(root, 'bin', 'natpath'), measure: measureRun, median: medianOf });
  printRepeatedBench(rows);
}
