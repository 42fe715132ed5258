// The scaling bench of issue 7: `natpath analyze` on one capture of 0.25, 0.5, 1 and 2 GiB
// (time, peak RSS, the slope of time over size), and `natpath batch` on the same cases with 1 and
// 2 workers (the speed-up).
//
// The capture is node1's of the lab sample pod-egress-natgw (tcpdump -i any, Linux cooked v2:
// a pod's HTTP and UDP traffic seen on its veth, on cni0 and, masqueraded, on eth0), replicated:
// copy k moves every timestamp by k × the sample's span, every ephemeral port (> 10000) into a
// PORT_CYCLE-value block of its own per original port, the IPv4 ID by k and the TCP sequence
// and acknowledgement numbers by k × 1 000 003 — consistently on all three interfaces, so the
// copies stay matchable across them as the originals are. The number of connections is
// therefore fixed (PORT_CYCLE × the sample's 4): copy k + PORT_CYCLE continues the connections
// of copy k (same ports, later sequence numbers, its SYN/FIN/RST packets left out), so packets
// per connection grow with the size — the same connections recorded for longer. (A new SYN on
// a reused 5-tuple is not that, and natpath currently links such reuses as one flow.) (Memory grows with connections, not
// bytes: the leg table keeps ≤ 256 fingerprints per connection and capture point.)
// The case is node1's snapshots beside the big capture. Each size runs in its own process under
// /usr/bin/time -v: wall and CPU time (the machine may be shared) and peak RSS.
//
// Environment: BENCH_SCALING=0 skips it; BENCH_SCALING_GIB (default "0.25,0.5,1,2");
// BENCH_BATCH_CASES (default 4) × BENCH_BATCH_MIB (default 256) for the batch run.

import { spawnSync } from 'node:child_process';
import { copyFileSync, closeSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readCaptureFile } from '../dist/capture/index.js';
import { decodePacket, Has, PacketView } from '../dist/decode/index.js';
import { pcapFileHeader } from './pcap.mjs';

const PORT_CYCLE = 1000;
const GIB = 2 ** 30;

/** The sample's records, each with where its ports and IPv4 ID are (relative to the record). */
export async function readTemplate(file) {
  const view = new PacketView();
  const records = [];
  let header = null;
  let first = Infinity;
  let last = -Infinity;
  const result = await readCaptureFile(file, (r) => {
    decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
    const d = view.flowDepth;
    const ts = r.tsSeconds + r.tsFraction / r.tsUnitsPerSecond;
    first = Math.min(first, ts);
    last = Math.max(last, ts);
    records.push({
      data: r.copyData(),
      origLength: r.origLength,
      ts,
      portOff: d >= 0 && view.hasField(d, Has.PORTS) ? view.l4Off[d] - r.dataOffset : -1,
      idOff: d >= 0 && view.ipVersion[d] === 4 ? view.ipOff[d] + 4 - r.dataOffset : -1,
      tcp: d >= 0 && view.ipProto[d] === 6 && view.hasField(d, Has.PORTS),
    });
    const t = records[records.length - 1];
    // SYN, FIN or RST: left out of repeats, which continue a connection rather than open a new one.
    t.handshake = t.tcp && (t.data[t.portOff + 13] & 0x07) !== 0;
  });
  if (result.format !== 'pcap') throw new Error(`${file}: expected a pcap file`);
  // Each ephemeral port of the sample (> 10000: pod ports and the node's masqueraded ones) gets
  // its own block of PORT_CYCLE ports, so no two copies' connections can share a port.
  const ephemeral = new Map();
  for (const t of records) {
    if (t.portOff < 0) continue;
    for (const at of [t.portOff, t.portOff + 2]) {
      const port = (t.data[at] << 8) | t.data[at + 1];
      if (port > 10000 && !ephemeral.has(port)) ephemeral.set(port, ephemeral.size);
    }
  }
  if (ephemeral.size * PORT_CYCLE > 55000) throw new Error('too many ephemeral ports in the sample for PORT_CYCLE');
  header = result;
  return { records, ephemeral, span: last - first + 0.001, first, linkType: header.interfaces[0].linkType };
}

/** Writes a µs pcap of at least `bytes` bytes made of copies of the template. */
function writeScaled(path, template, bytes) {
  const fd = openSync(path, 'w');
  writeSync(fd, pcapFileHeader(template.linkType));
  const buf = Buffer.alloc(16 << 20);
  let used = 0;
  let written = 24;
  let packets = 0;
  for (let k = 0; written + used < bytes; k++) {
    const shift = k * template.span;
    const slot = k % PORT_CYCLE;
    const repeat = k >= PORT_CYCLE;
    for (const t of template.records) {
      if (repeat && t.handshake) continue;
      const len = t.data.length;
      if (used + 16 + len > buf.length) {
        writeSync(fd, buf, 0, used);
        written += used;
        used = 0;
      }
      const ts = t.ts + shift;
      const sec = Math.floor(ts);
      buf.writeUInt32LE(sec, used);
      buf.writeUInt32LE(Math.min(999_999, Math.round((ts - sec) * 1e6)), used + 4);
      buf.writeUInt32LE(len, used + 8);
      buf.writeUInt32LE(t.origLength, used + 12);
      const at = used + 16;
      buf.set(t.data, at);
      if (t.portOff >= 0) {
        for (const p of [at + t.portOff, at + t.portOff + 2]) {
          const block = template.ephemeral.get(buf.readUInt16BE(p));
          if (block !== undefined) buf.writeUInt16BE(10001 + block * PORT_CYCLE + slot, p);
        }
      }
      // Per-copy IP IDs and TCP sequence space keep the copies' fingerprints apart (NAT keeps both).
      if (t.idOff >= 0) buf.writeUInt16BE((buf.readUInt16BE(at + t.idOff) + k) & 0xffff, at + t.idOff);
      if (t.tcp) {
        const delta = (k * 1_000_003) >>> 0;
        for (const q of [at + t.portOff + 4, at + t.portOff + 8]) buf.writeUInt32BE((buf.readUInt32BE(q) + delta) >>> 0, q);
      }
      used += 16 + len;
      packets++;
    }
  }
  writeSync(fd, buf, 0, used);
  written += used;
  closeSync(fd);
  return { packets, bytes: written };
}

/** A case folder: node1's snapshots and a scaled capture. */
export function makeCase(dir, sampleHost, template, bytes) {
  mkdirSync(join(dir, 'node1'), { recursive: true });
  for (const f of readdirSync(sampleHost)) if (f !== 'capture.pcap') copyFileSync(join(sampleHost, f), join(dir, 'node1', f));
  return writeScaled(join(dir, 'node1', 'capture.pcap'), template, bytes);
}

/** Least-squares line through (x, y): slope, intercept, r². */
function fitLine(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
    syy += (p.y - my) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/**
 * Runs a command under /usr/bin/time -v: wall seconds, CPU seconds (user + system: what the work
 * cost even when other processes share the cores) and peak RSS.
 */
function measure(cmd, args) {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
  const field = (name) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(r.stderr)?.[1] ?? NaN);
  return { seconds, cpuSeconds: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'), rssMb: field('Maximum resident set size \\(kbytes\\)') / 1024 };
}

export async function runScalingBench({ root, natpath }) {
  const sizes = (process.env.BENCH_SCALING_GIB ?? '0.25,0.5,1,2').split(',').map(Number).filter((x) => x > 0);
  const batchCases = Number(process.env.BENCH_BATCH_CASES ?? 4);
  const batchBytes = Number(process.env.BENCH_BATCH_MIB ?? 256) * 2 ** 20;
  const sampleHost = join(root, 'samples', 'pod-egress-natgw', 'node1');
  const template = await readTemplate(join(sampleHost, 'capture.pcap'));
  const work = join(tmpdir(), 'natpath-bench-scaling');
  rmSync(work, { recursive: true, force: true });
  const rows = [];
  for (const gib of sizes) {
    const dir = join(work, `case-${gib}`);
    const info = makeCase(dir, sampleHost, template, gib * GIB);
    const m = measure(natpath, ['analyze', dir, '--format', 'json', '--out', join(work, `report-${gib}.json`)]);
    const row = { gib, bytes: info.bytes, packets: info.packets, seconds: m.seconds, cpuSeconds: m.cpuSeconds, peakRssMb: m.rssMb, mbps: info.bytes / m.seconds / 1e6 };
    rows.push(row);
    process.stderr.write(`  scaling: ${gib} GiB (${info.packets} packets) ${m.seconds.toFixed(2)} s (CPU ${m.cpuSeconds.toFixed(2)} s), ${m.rssMb.toFixed(0)} MB peak RSS, load ${loadavg()[0].toFixed(1)}\n`);
    rmSync(dir, { recursive: true, force: true });
  }
  const fit = fitLine(rows.map((r) => ({ x: r.bytes / GIB, y: r.seconds })));
  const cpuFit = fitLine(rows.map((r) => ({ x: r.bytes / GIB, y: r.cpuSeconds })));

  // Batch: the same kind of case, several of them, on 1 then 2 workers (--force: no skipping).
  const cases = [];
  for (let i = 0; i < batchCases; i++) {
    const dir = join(work, 'batch-cases', `case-${i}`);
    makeCase(dir, sampleHost, template, batchBytes);
    cases.push(dir);
  }
  const batch = [];
  for (const jobs of [1, 2]) {
    const m = measure(natpath, ['batch', ...cases, '--out', join(work, 'batch-out'), '--jobs', String(jobs), '--force', '--formats', 'json']);
    batch.push({ jobs, seconds: m.seconds, cpuSeconds: m.cpuSeconds, peakRssMb: m.rssMb, load: loadavg()[0] });
    process.stderr.write(`  batch: ${batchCases} × ${(batchBytes / 2 ** 20).toFixed(0)} MiB, --jobs ${jobs}: ${m.seconds.toFixed(2)} s (CPU ${m.cpuSeconds.toFixed(2)} s), load ${loadavg()[0].toFixed(1)}\n`);
  }
  if (process.env.BENCH_KEEP !== '1') rmSync(work, { recursive: true, force: true });
  return {
    template: { packets: template.records.length, connections: 4 * PORT_CYCLE },
    rows,
    fit: { secondsPerGib: fit.slope, interceptSeconds: fit.intercept, r2: fit.r2 },
    cpuFit: { secondsPerGib: cpuFit.slope, interceptSeconds: cpuFit.intercept, r2: cpuFit.r2 },
    loadAtEnd: loadavg()[0],
    batch: { cases: batchCases, bytesPerCase: batchBytes, runs: batch, speedup: batch[0].seconds / batch[1].seconds },
  };
}

export function printScalingBench(r) {
  if (r.rows.length > 1) printSizes(r);
  printBatch(r);
}

function printSizes(r) {
  console.log(`\n## analyze, one capture of growing size (lab node1 traffic replicated; ${r.template.connections} connections at every size)`);
  console.log('| size | packets | wall s | CPU s | MB/s (wall) | peak RSS MB |');
  console.log('|---|---|---|---|---|---|');
  for (const x of r.rows) {
    console.log(`| ${x.gib} GiB | ${x.packets.toLocaleString('en-US')} | ${x.seconds.toFixed(2)} | ${x.cpuSeconds.toFixed(2)} | ${x.mbps.toFixed(0)} | ${x.peakRssMb.toFixed(0)} |`);
  }
  const line = (f) => `${f.secondsPerGib.toFixed(2)} s/GiB + ${f.interceptSeconds.toFixed(2)} s (r² ${f.r2.toFixed(4)})`;
  console.log(`slope: wall ${line(r.fit)}; CPU ${line(r.cpuFit)}; peak RSS max ${Math.max(...r.rows.map((x) => x.peakRssMb)).toFixed(0)} MB (target < 512); load average at the end ${r.loadAtEnd.toFixed(1)}`);
}

function printBatch(r) {
  const [one, two] = r.batch.runs;
  console.log(`\n## batch, ${r.batch.cases} cases × ${(r.batch.bytesPerCase / 2 ** 20).toFixed(0)} MiB`);
  console.log('| --jobs | wall s | CPU s | peak RSS MB (all workers) | load average after |');
  console.log('|---|---|---|---|---|');
  for (const x of r.batch.runs) console.log(`| ${x.jobs} | ${x.seconds.toFixed(2)} | ${x.cpuSeconds.toFixed(2)} | ${x.peakRssMb.toFixed(0)} | ${x.load.toFixed(1)} |`);
  console.log(`speed-up 1 → 2 workers: ${r.batch.speedup.toFixed(2)}× (wall ${one.seconds.toFixed(2)} s → ${two.seconds.toFixed(2)} s)`);
}

// `node bench/scaling.mjs` runs this part alone (npm run build first).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  printScalingBench(await runScalingBench({ root, natpath: join(root, 'bin', 'natpath') }));
}
