// `npm run bench`: natpath's reader and decoder against its peers on the same large captures,
// then analyze, rules and memory (the parts).
//
// 1. Builds three pcap files in the temp folder (deterministic, not committed) by replicating REAL
//    packets of the shared corpus (../shared/corpus): a small-packet file (Ethernet frames ≤ 100 B:
//    TCP handshakes/ACKs, DNS, ICMP, IPv6, ARP, and ~10 % VXLAN), a large-packet file (TCP data
//    segments of 1 400–1 514 B, a few 9 000 B jumbo frames, VXLAN) and a mixed one (500–1 514 B).
//    Each copy gets its own source port / IP ID so there are many flows; timestamps advance 1 µs
//    per packet.
// 2. Times, in one run, interleaved, each in its own process (median of BENCH_RUNS, default 3):
//    `cat FILE`, natpath's reader alone, reader + decoder, `natpath decode --summary` end to end
//    by its launcher (bin/natpath; also as `node bin/natpath.js`, which reads NODE_EXTRA_CA_CERTS,
//    when the environment sets it), the C reference on libpcap both ways of
//    reading (bench/c-reference.mjs; their flow counts must equal natpath's), pcap-parser,
//    `tcpdump -nr FILE -q`, and tshark on a slice (`-c`): wall time, packets/s, MB/s, peak RSS
//    (/usr/bin/time -v, else the child's resourceUsage), and ratios to natpath.
//    Then natpath against the C reference, alternated, more runs (BENCH_RATIO_RUNS, default 9;
//    bench/against-c.mjs): issue 15's ratios.
// 3. Start-up: `node -e 0` and natpath's shortest commands, CPU per process, alternated
//    (BENCH_START_UP_RUNS, default 21; bench/start-up.mjs).
// 4. The parts: analyze, repeated traffic, rules, scaling (bench/*.mjs).
// 5. Prints tables and writes the numbers as JSON (BENCH_JSON, default <tmp>/natpath-bench.json).
//
// Sizes: issue 3 asks for >= 10 M small packets and >= 1 GB of large ones; at those sizes Node's
// start-up (~0.1–0.2 s) is a small part of a run. Whole bench: ~6 minutes (2026-12-07).
// Environment: BENCH_SMALL_PACKETS (default 10 000 000), BENCH_LARGE_MB (default 1 024),
// BENCH_MIXED_MB (default 600), BENCH_RUNS, BENCH_RATIO_RUNS, BENCH_START_UP_RUNS,
// BENCH_REPEATED_RUNS, BENCH_PARTS (default analyze,repeated,rules,scaling; the decode suites
// always run), BENCH_KEEP=1 keeps the generated files (in the temp folder; ~2.6 GB). A run with
// smaller sizes rewrites the same files.

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCaptureFile } from '../dist/capture/index.js';
import { decodePacket, Has, PacketView, Tunnel } from '../dist/decode/index.js';
import { printAnalyzeBench, runAnalyzeBench } from './analyze.mjs';
import { printAgainstC, runAgainstC } from './against-c.mjs';
import { buildCReference, countFlowsInC } from './c-reference.mjs';
import { pcapFileHeader } from './pcap.mjs';
import { printRepeatedBench, runRepeatedBench } from './repeated.mjs';
import { measure, median } from './runs.mjs';
import { printRulesBench, runRulesBench } from './rules.mjs';
import { printNftRulesBench, runNftRulesBench } from './nft-rules.mjs';
import { printScalingBench, runScalingBench } from './scaling.mjs';
import { printStartUpBench, runStartUpBench } from './start-up.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = join(ROOT, '..', 'shared', 'corpus');
const SMALL_PACKETS = Number(process.env.BENCH_SMALL_PACKETS ?? 10_000_000);
const LARGE_BYTES = Number(process.env.BENCH_LARGE_MB ?? 1024) * 1e6;
const MIXED_BYTES = Number(process.env.BENCH_MIXED_MB ?? 600) * 1e6;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TSHARK_SLICE = { small: 200_000, large: 50_000 };
const OUT_JSON = process.env.BENCH_JSON ?? join(tmpdir(), 'natpath-bench.json');
// BENCH_PARTS=analyze,repeated,rules,scaling (default: all) picks the parts after the decode suites.
const PARTS = new Set((process.env.BENCH_PARTS ?? 'analyze,repeated,rules,scaling').split(','));

// ---------------------------------------------------------------------------------------------
// 1. Templates: real Ethernet frames from the corpus, whole (captured = on the wire), decoded Ok.

async function collectTemplates() {
  const rows = readFileSync(join(CORPUS, 'index.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((f) => f[5] === '1' && f[12] === 'ok' && f[3] === 'pcap');
  const view = new PacketView();
  const small = [];
  const large = [];
  const medium = [];
  const vxlan = [];
  for (const f of rows) {
    await readCaptureFile(join(CORPUS, f[0], f[1]), (r) => {
      if (r.capLength !== r.origLength) return;
      decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
      if (view.status !== 0) return;
      const d = view.flowDepth;
      const isVxlan = view.depthCount > 1 && view.encapType[1] === Tunnel.VXLAN;
      const t = {
        bytes: r.copyData(),
        // Where to write a per-copy source port and IPv4 ID (-1: none), relative to the frame.
        portOff: d >= 0 && view.hasField(d, Has.PORTS) ? view.l4Off[d] - r.dataOffset : -1,
        idOff: d >= 0 && view.ipVersion[d] === 4 ? view.ipOff[d] + 4 - r.dataOffset : -1,
      };
      if (isVxlan) vxlan.push(t);
      else if (r.capLength <= 100) small.push(t);
      else if (r.capLength >= 1400) large.push(t);
      else if (r.capLength >= 500) medium.push(t);
    });
  }
  return { small, medium, large, vxlan };
}

// ---------------------------------------------------------------------------------------------
// 2. Writing the captures: pcap, µs, little-endian, link type 1; 8 MiB writes.

function writeCapture(path, pick, stopAfter) {
  const fd = openSync(path, 'w');
  writeSync(fd, pcapFileHeader(1));
  const buf = Buffer.alloc(8 << 20);
  let used = 0;
  let packets = 0;
  let bytes = 24;
  const t0 = 1_732_400_000;
  for (let i = 0; !stopAfter(packets, bytes); i++) {
    const t = pick(i);
    const len = t.bytes.length;
    if (used + 16 + len > buf.length) {
      writeSync(fd, buf, 0, used);
      used = 0;
    }
    buf.writeUInt32LE(t0 + Math.floor(i / 1e6), used);
    buf.writeUInt32LE(i % 1e6, used + 4);
    buf.writeUInt32LE(len, used + 8);
    buf.writeUInt32LE(len, used + 12);
    buf.set(t.bytes, used + 16);
    const at = used + 16;
    if (t.portOff >= 0) buf.writeUInt16BE(1024 + (i % 60000), at + t.portOff);
    if (t.idOff >= 0) buf.writeUInt16BE(i & 0xffff, at + t.idOff);
    used += 16 + len;
    packets++;
    bytes += 16 + len;
  }
  writeSync(fd, buf, 0, used);
  closeSync(fd);
  return { packets, bytes };
}

/** Deterministic mix: every 10th packet VXLAN, the rest cycling through the pool. */
function mixer(pool, vxlan) {
  return (i) => (i % 10 === 9 && vxlan.length > 0 ? vxlan[(i / 10) % vxlan.length | 0] : pool[i % pool.length]);
}

// ---------------------------------------------------------------------------------------------
// 3. Measuring.

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const node = process.execPath;
const child = join(ROOT, 'bench', 'child.mjs');
// natpath as a user runs it: the launcher (bin/natpath), which starts Node without NODE_EXTRA_CA_CERTS.
const natpath = join(ROOT, 'bin', 'natpath');
const cli = join(ROOT, 'bin', 'natpath.js');

let cReference = null;
const C_REFERENCE = 'C reference (libpcap, flowcount.c)';
// The same program reading through a 1 MiB stdio buffer: libpcap's own reads are of the file
// system's block size, and where a system call costs much (a virtual machine's) they are most of
// the reference's time. The closer of the two to the limit a C program sets.
const C_READ_BUFFER_BYTES = 1 << 20;
const C_REFERENCE_BUFFERED = 'C reference, 1 MiB read buffer (flowcount.c -b)';
const NATPATH_MAIN = 'natpath decode --summary';
// Where the environment sets NODE_EXTRA_CA_CERTS (this machine's does: the system's CA bundle),
// Node 20 parses it and builds its root certificate store at every start, before any JavaScript
// (~40 ms here; bench/start-up.mjs times it). The launcher unsets it; this row starts
// bin/natpath.js with `node` directly, as before the launcher, to show what that saves.
const NATPATH_DIRECT = 'node bin/natpath.js decode --summary (reads NODE_EXTRA_CA_CERTS)';
const withExtraCa = Boolean(process.env.NODE_EXTRA_CA_CERTS);

function tools(file, info, slice) {
  const list = [
    { name: 'cat FILE > /dev/null', cmd: 'cat', args: [file], packets: info.packets },
    { name: 'natpath reader only', cmd: node, args: [child, 'read', file], packets: info.packets, inner: true },
    { name: 'natpath reader + decoder', cmd: node, args: [child, 'decode', file], packets: info.packets, inner: true },
    { name: NATPATH_MAIN, cmd: natpath, args: ['decode', file, '--summary', '--format', 'json'], packets: info.packets, main: true },
    ...(withExtraCa ? [{ name: NATPATH_DIRECT, cmd: node, args: [cli, 'decode', file, '--summary', '--format', 'json'], packets: info.packets, summary: true }] : []),
    ...(cReference
      ? [
          { name: C_REFERENCE, cmd: cReference, args: [file], packets: info.packets, inner: true },
          { name: C_REFERENCE_BUFFERED, cmd: cReference, args: ['-b', String(C_READ_BUFFER_BYTES), file], packets: info.packets, inner: true },
        ]
      : []),
    { name: 'pcap-parser (reader only)', cmd: node, args: [child, 'pcap-parser', file], packets: info.packets, inner: true, once: true },
  ];
  if (have('tcpdump')) list.push({ name: 'tcpdump -nr FILE -q', cmd: 'tcpdump', args: ['-nr', file, '-q'], packets: info.packets, once: true });
  if (have('tshark'))
    list.push({
      name: `tshark -r FILE -c ${slice} -T fields -e frame.number`,
      cmd: 'tshark',
      args: ['-n', '-r', file, '-c', String(slice), '-T', 'fields', '-e', 'frame.number'],
      packets: Math.min(slice, info.packets),
      bytes: (info.bytes * Math.min(slice, info.packets)) / info.packets,
      once: true,
    });
  return list;
}

function runSuite(label, file, info, slice) {
  const list = tools(file, info, slice);
  const samples = new Map(list.map((t) => [t.name, []]));
  // Warm the page cache, then interleave the runs so drift hits every tool alike.
  spawnSync('cat', [file], { stdio: 'ignore' });
  for (let run = 0; run < RUNS; run++) {
    for (const t of list) {
      if (t.once && run > 0) continue;
      const m = measure(t.cmd, t.args, { stdoutToNull: !t.inner && !t.main && !t.summary });
      if (t.inner) {
        const out = JSON.parse(m.stdout.trim().split('\n').pop());
        m.innerSeconds = out.seconds;
        m.flows = out.flows;
      }
      if (t.main || t.summary) {
        const out = JSON.parse(m.stdout);
        m.innerSeconds = out.processingSeconds;
        m.flows = out.flows;
      }
      samples.get(t.name).push(m);
      process.stderr.write(`  ${label}: ${t.name} ${m.seconds.toFixed(2)} s\n`);
    }
  }
  return list.map((t) => {
    const s = samples.get(t.name);
    const seconds = median(s.map((m) => m.seconds));
    const inner = s[0].innerSeconds === undefined ? null : median(s.map((m) => m.innerSeconds));
    const bytes = t.bytes ?? info.bytes;
    return {
      tool: t.name,
      runs: s.length,
      seconds,
      innerSeconds: inner,
      packets: t.packets,
      mpps: t.packets / seconds / 1e6,
      mbps: bytes / seconds / 1e6,
      innerMpps: inner === null ? null : t.packets / inner / 1e6,
      innerMbps: inner === null ? null : bytes / inner / 1e6,
      peakRssMb: Math.max(...s.map((m) => m.rssMb)),
      flows: s[0].flows ?? null,
    };
  });
}

/** natpath and the C reference count the same flows on every bench file, or the bench fails. */
function checkFlowCounts(label, rows) {
  const natpath = rows.find((r) => r.tool === NATPATH_MAIN);
  const c = rows.find((r) => r.tool === C_REFERENCE);
  if (!c) return;
  if (natpath.flows !== c.flows) throw new Error(`${label}: natpath counts ${natpath.flows} flows, the C reference ${c.flows}: they must agree`);
  const buffered = rows.find((r) => r.tool === C_REFERENCE_BUFFERED);
  if (buffered.flows !== c.flows) throw new Error(`${label}: the C reference counts ${c.flows} flows, with a read buffer ${buffered.flows}`);
  const direct = rows.find((r) => r.tool === NATPATH_DIRECT);
  if (direct && direct.flows !== c.flows) throw new Error(`${label}: natpath started by node directly counts ${direct.flows} flows, the C reference ${c.flows}`);
  process.stderr.write(`  ${label}: natpath and the C reference agree: ${c.flows} flows\n`);
}

function printSuite(label, info, rows) {
  const main = rows.find((r) => r.tool === NATPATH_MAIN);
  const fmt = (n, d = 2) => (n === null || Number.isNaN(n) ? '-' : n.toFixed(d));
  console.log(`\n## ${label}: ${info.packets.toLocaleString('en-US')} packets, ${(info.bytes / 1e6).toFixed(0)} MB, mean ${(info.bytes / info.packets - 16).toFixed(0)} B/packet`);
  console.log('| tool | wall s | Mpps | MB/s | in-process Mpps | in-process MB/s | peak RSS MB | natpath decode --summary is × faster |');
  console.log('|---|---|---|---|---|---|---|---|');
  const c = rows.find((r) => r.tool === C_REFERENCE);
  if (c) {
    const direct = rows.find((r) => r.tool === NATPATH_DIRECT);
    for (const ref of [c, rows.find((r) => r.tool === C_REFERENCE_BUFFERED)]) {
      const name = ref === c ? 'C reference' : 'C reference with a 1 MiB read buffer';
      console.log(
        `natpath ÷ ${name}, wall time: **${fmt(main.seconds / ref.seconds)}×** (in-process ${fmt(main.innerSeconds / ref.innerSeconds)}×)` +
          `${direct ? `; started as node bin/natpath.js, with the CA file: ${fmt(direct.seconds / ref.seconds)}×` : ''}; flows: ${main.flows} natpath, ${ref.flows} C`,
      );
    }
    console.log('');
  }
  for (const r of rows) {
    const ratio = r.tool === main.tool || r.tool.startsWith('cat') ? '' : fmt(main.mpps / r.mpps, r.tool.startsWith('C reference') ? 2 : 1);
    console.log(
      `| ${r.tool} | ${fmt(r.seconds)} | ${fmt(r.mpps)} | ${fmt(r.mbps, 0)} | ${fmt(r.innerMpps)} | ${fmt(r.innerMbps, 0)} | ${fmt(r.peakRssMb, 0)} | ${ratio} |`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

const benchStart = Date.now();
if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('run `npm run build` first (npm run bench does)');
if (!existsSync(CORPUS)) throw new Error(`the shared corpus is missing: ${CORPUS}`);
const templates = await collectTemplates();
// The bench files get a folder of their own: `decode` reads the capture's folder for a host's
// `ip link` dump, and the temp folder itself may hold hundreds of unrelated files.
const decodeDir = join(tmpdir(), 'natpath-bench-decode');
rmSync(decodeDir, { recursive: true, force: true });
mkdirSync(decodeDir, { recursive: true });
const smallFile = join(decodeDir, 'small.pcap');
const largeFile = join(decodeDir, 'large.pcap');
const small = writeCapture(smallFile, mixer(templates.small, templates.vxlan.filter((t) => t.bytes.length <= 160)), (p) => p >= SMALL_PACKETS);
// Large: 1 400–9 018 B (standard to jumbo frames); GSO super-frames of the corpus are left out.
const fits = (t) => t.bytes.length >= 1400 && t.bytes.length <= 9018;
const largePool = templates.large.filter(fits);
const large = writeCapture(largeFile, mixer(largePool, templates.vxlan.filter(fits)), (_p, b) => b >= LARGE_BYTES);
// Mixed: 500–1 514 B frames (the medium and standard-size large templates in turn), as a busy
// node's data traffic looks; issue 15's third case.
const mixedFile = join(decodeDir, 'mixed.pcap');
const midSized = (t) => t.bytes.length >= 500 && t.bytes.length <= 1514;
const mixedPool = [...templates.medium, ...templates.large.filter(midSized)];
const mixed = writeCapture(mixedFile, mixer(mixedPool, templates.vxlan.filter(midSized)), (_p, b) => b >= MIXED_BYTES);
cReference = buildCReference(ROOT);
console.log(`# natpath bench — ${new Date().toISOString()}`);
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ` +
    `templates: ${templates.small.length} small, ${largePool.length} large, ${templates.vxlan.length} VXLAN real frames; runs: median of ${RUNS}`,
);
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  small: { ...small, rows: runSuite('small', smallFile, small, TSHARK_SLICE.small) },
  large: { ...large, rows: runSuite('large', largeFile, large, TSHARK_SLICE.large) },
  mixed: { ...mixed, rows: runSuite('mixed', mixedFile, mixed, TSHARK_SLICE.large) },
};
checkFlowCounts('small', results.small.rows);
checkFlowCounts('large', results.large.rows);
checkFlowCounts('mixed', results.mixed.rows);
printSuite('small packets', small, results.small.rows);
printSuite('large packets', large, results.large.rows);
printSuite('mixed packets (500–1 514 B)', mixed, results.mixed.rows);
if (cReference) {
  const ratioRuns = Number(process.env.BENCH_RATIO_RUNS ?? 9);
  results.againstC = runAgainstC({
    files: [
      { label: 'small', path: smallFile, runs: Math.max(3, Math.ceil(ratioRuns / 2)) },
      { label: 'large', path: largeFile, runs: ratioRuns },
      { label: 'mixed', path: mixedFile, runs: ratioRuns },
    ],
    natpath,
    direct: withExtraCa ? { node, cli } : null,
    cReference,
    readBufferBytes: C_READ_BUFFER_BYTES,
  });
  printAgainstC(results.againstC);
}
// What each of the runs above paid before reading its first packet (issue 15: start-up and exit).
const startUpDir = join(tmpdir(), 'natpath-bench-start-up');
rmSync(startUpDir, { recursive: true, force: true });
mkdirSync(startUpDir, { recursive: true });
const tinyInHost = join(ROOT, 'samples', 'pod-egress-natgw', 'partner', 'capture.pcap');
const tinyAlone = join(startUpDir, 'capture.pcap');
writeFileSync(tinyAlone, readFileSync(tinyInHost));
results.startUp = runStartUpBench({ node, natpath, cli, tinyAlone, tinyInHost, runs: Number(process.env.BENCH_START_UP_RUNS ?? 21) });
rmSync(startUpDir, { recursive: true, force: true });
printStartUpBench(results.startUp);
if (PARTS.has('analyze')) {
  results.analyze = runAnalyzeBench({ largeFile, natpath, measure, median, runs: RUNS });
  printAnalyzeBench(results.analyze);
}
if (PARTS.has('repeated')) {
  results.repeated = await runRepeatedBench({ root: ROOT, natpath, measure, median });
  printRepeatedBench(results.repeated);
}
if (PARTS.has('rules')) {
  results.rules = await runRulesBench({ root: ROOT, natpath, measure, median, runs: RUNS });
  printRulesBench(results.rules);
  // Issue 12: the same services in kube-proxy's nftables mode (text and JSON), beside iptables.
  results.nftRules = await runNftRulesBench({ root: ROOT, natpath, measure, median, runs: RUNS });
  printNftRulesBench(results.nftRules);
}
// Issue 7: analyze on 0.25–2 GiB captures (time, peak RSS, slope) and batch on 1 vs 2 workers.
if (PARTS.has('scaling') && process.env.BENCH_SCALING !== '0') {
  results.scaling = await runScalingBench({ root: ROOT, natpath, measure });
  printScalingBench(results.scaling);
}
console.log(`\nwhole bench: ${((Date.now() - benchStart) / 1000).toFixed(0)} s; numbers also in ${OUT_JSON}`);
writeFileSync(OUT_JSON, `${JSON.stringify(results, null, 2)}\n`);
if (process.env.BENCH_KEEP !== '1') {
  rmSync(decodeDir, { recursive: true, force: true });
}
