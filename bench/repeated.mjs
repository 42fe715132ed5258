// Analyze on repeated traffic (issue 15): samples/pod-egress-natgw (a real kernel's three-host
// capture: 4 connections, 228 packets) replicated COPIES times by replicate-case.mjs, each copy
// 10 s later with other client ports, so every connection repeats the IP IDs, TCP sequence
// numbers and payloads of all others. At three sizes: `decode --summary` of the three captures
// (summed) and `analyze`, wall and CPU seconds, peak RSS, and whether analyze linked every
// connection (flows = 4 × copies, none seen at one capture point only). Time and memory should
// grow linearly with the copies; the issue asks analyze ≤ 3× decode and < 400 MB at 64 000
// connections (~400 MB of captures).

import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replicateCase } from './replicate-case.mjs';
import { summarizeRuns } from './runs.mjs';

const CONNECTIONS_PER_COPY = 4;

export async function runRepeatedBench({ root, node, cli, measure, median, runs }) {
  const sizes = (process.env.BENCH_REPEATED_COPIES ?? '4000,8000,16000').split(',').map(Number);
  const rows = [];
  for (const copies of sizes) {
    const dir = join(tmpdir(), 'natpath-bench-repeated');
    rmSync(dir, { recursive: true, force: true });
    const made = await replicateCase(join(root, 'samples', 'pod-egress-natgw'), join(dir, 'case'), copies, 10);
    const captures = ['node1', 'natgw', 'partner'].map((h) => join(dir, 'case', h, 'capture.pcap'));
    const report = join(dir, 'report.json');
    const decode = [];
    const analyze = [];
    // The largest size is the one the issue's targets are read at: median of `runs`; the others once.
    const times = copies === Math.max(...sizes) ? runs : 1;
    for (let run = 0; run < times; run++) {
      const parts = captures.map((f) => measure(node, [cli, 'decode', f, '--summary', '--format', 'json']));
      decode.push({
        seconds: parts.reduce((s, m) => s + m.seconds, 0),
        cpuSeconds: parts.reduce((s, m) => s + m.cpuSeconds, 0),
        rssMb: Math.max(...parts.map((m) => m.rssMb)),
      });
      analyze.push(measure(node, [cli, 'analyze', join(dir, 'case'), '--format', 'json', '--max-flows', '100', '--out', report]));
      process.stderr.write(`  repeated ×${copies}: decode ×3 ${decode[run].seconds.toFixed(2)} s, analyze ${analyze[run].seconds.toFixed(2)} s\n`);
    }
    const totals = JSON.parse(readFileSync(report, 'utf8')).totals;
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
      decode: d,
      analyze: { ...a, ratio: a.seconds / d.seconds, cpuRatio: a.cpuSeconds / d.cpuSeconds },
    });
  }
  return rows;
}

export function printRepeatedBench(rows) {
  const fmt = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  console.log('\n## analyze on repeated traffic (pod-egress-natgw replicated, each copy 10 s later, other client ports)');
  console.log('| copies | connections | captures MB | flows found | all linked | decode ×3 s | analyze s | ratio wall (CPU) | analyze peak RSS MB | s per 10 k connections |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.copies} | ${r.connections} | ${fmt(r.captureMb, 0)} | ${r.flows} | ${r.linkedEveryConnection ? 'yes' : `NO (${r.singlePointFlows} single-point)`} | ` +
        `${fmt(r.decode.seconds)} | ${fmt(r.analyze.seconds)} | ${fmt(r.analyze.ratio)} (${fmt(r.analyze.cpuRatio)}) | ${fmt(r.analyze.peakRssMb, 0)} | ${fmt((r.analyze.seconds / r.connections) * 1e4)} |`,
    );
  }
}
