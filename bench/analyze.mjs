// The analyze benchmark: a two-host case made of the large generated capture ("inside") and its
// NATed twin ("outside": every IPv4 source rewritten to 203.0.113.7, as a NAT gateway would).
// analyze reads both, matches every packet across them and locates the translation; the issue
// asks that it cost at most 2× decoding both captures alone. Same run, interleaved, median.
//
// The generated capture gives every packet its own source port, so each packet is a flow of
// its own — the worst case for analyze, whose work is per flow. Real traffic has flows of many
// packets: a second case keeps each source port for PORT_RUN consecutive packets, which with
// the generator's templates in rotation gives flows of tens of packets (the mean is measured
// from analyze's own totals and printed). Both cases are measured and printed.

import { closeSync, mkdirSync, openSync, readFileSync, readSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeRuns } from './runs.mjs';

const PUBLIC_IP = [203, 0, 113, 7];
const PORT_RUN = 8192;
const VXLAN_PORTS = new Set([4789, 8472]);

/**
 * Copies a little-endian µs pcap of Ethernet frames; `nat` rewrites the source of every untagged
 * IPv4 packet, `flowSize` > 1 keeps each TCP/UDP source port for that many consecutive packets.
 */
export function writeVariant(source, target, { nat, flowSize }) {
  const input = openSync(source, 'r');
  const output = openSync(target, 'w');
  const buf = Buffer.alloc(16 << 20);
  let carry = 0;
  let first = true;
  let packet = 0;
  for (;;) {
    const got = readSync(input, buf, carry, buf.length - carry, null);
    const end = carry + got;
    let off = 0;
    if (first) {
      off = 24;
      first = false;
    }
    while (off + 16 <= end) {
      const len = buf.readUInt32LE(off + 8);
      if (off + 16 + len > end) break;
      const frame = off + 16;
      if (len >= 34 && buf.readUInt16BE(frame + 12) === 0x0800) {
        if (nat) buf.set(PUBLIC_IP, frame + 26);
        const l4 = frame + 14 + (buf[frame + 14] & 0x0f) * 4;
        const proto = buf[frame + 23];
        if (flowSize > 1 && (proto === 6 || proto === 17) && l4 + 4 <= frame + len && !VXLAN_PORTS.has(buf.readUInt16BE(l4 + 2))) {
          buf.writeUInt16BE(1024 + (Math.floor(packet / flowSize) % 60000), l4);
        }
      }
      packet++;
      off = frame + len;
    }
    writeSync(output, buf, 0, off);
    buf.copy(buf, 0, off, end);
    carry = end - off;
    if (got === 0) break;
  }
  closeSync(input);
  closeSync(output);
}

export function runAnalyzeBench(options) {
  return {
    perPacketFlows: runCase(options, 1),
    realisticFlows: runCase(options, PORT_RUN),
  };
}

/**
 * decode --summary on both captures and analyze on the two-host case, interleaved, median of
 * `runs`. Wall and CPU (user + sys) seconds: on a machine whose other core is busy only the
 * CPU ratio holds.
 */
function runCase({ largeFile, natpath, measure, median, runs }, flowSize) {
  const dir = join(tmpdir(), 'natpath-bench-analyze');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'case', 'inside'), { recursive: true });
  mkdirSync(join(dir, 'case', 'outside'), { recursive: true });
  const inside = join(dir, 'case', 'inside', 'capture.pcap');
  const outside = join(dir, 'case', 'outside', 'capture.pcap');
  if (flowSize === 1) symlinkSync(largeFile, inside);
  else writeVariant(largeFile, inside, { nat: false, flowSize });
  writeVariant(largeFile, outside, { nat: true, flowSize });
  const decode = [];
  const oneThread = [];
  const report = join(dir, 'report.json');
  let totals = null;
  for (let run = 0; run < runs; run++) {
    const a = measure(natpath, ['decode', inside, '--summary', '--format', 'json']);
    const b = measure(natpath, ['decode', outside, '--summary', '--format', 'json']);
    decode.push({ seconds: a.seconds + b.seconds, cpuSeconds: a.cpuSeconds + b.cpuSeconds, rssMb: Math.max(a.rssMb, b.rssMb) });
    oneThread.push(measure(natpath, ['analyze', join(dir, 'case'), '--format', 'json', '--out', report]));
    totals ??= JSON.parse(readFileSync(report, 'utf8')).totals;
    process.stderr.write(
      `  analyze (source port kept for ${flowSize} packet(s)): decode ×2 ${decode[run].seconds.toFixed(2)} s, ` +
        `analyze ${oneThread[run].seconds.toFixed(2)} s\n`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  const summary = (ms) => summarizeRuns(ms, median);
  const d = summary(decode);
  const one = summary(oneThread);
  return {
    packetsPerFlow: totals.packets / 2 / Math.max(1, totals.flows),
    flows: totals.flows,
    decode: d,
    oneThread: { ...one, ratio: one.seconds / d.seconds, cpuRatio: one.cpuSeconds / d.cpuSeconds },
  };
}

export function printAnalyzeBench(results) {
  const fmt = (n, d = 2) => (Number.isNaN(n) || n === undefined ? '-' : n.toFixed(d));
  console.log('\n## analyze: the large capture and its NATed twin as a two-host case (target: analyze ≤ 2 × decode)');
  console.log('| mean packets per flow | flows | decode --summary ×2: wall s (CPU s) | analyze: wall s (CPU s) | ÷ decode: wall (CPU) | peak RSS MB: decode / analyze |');
  console.log('|---|---|---|---|---|---|');
  for (const r of [results.perPacketFlows, results.realisticFlows]) {
    console.log(
      `| ${fmt(r.packetsPerFlow, 1)} | ${r.flows} | ${fmt(r.decode.seconds)} (${fmt(r.decode.cpuSeconds)}) | ${fmt(r.oneThread.seconds)} (${fmt(r.oneThread.cpuSeconds)}) | ` +
        `${fmt(r.oneThread.ratio)} (${fmt(r.oneThread.cpuRatio)}) | ${fmt(r.decode.peakRssMb, 0)} / ${fmt(r.oneThread.peakRssMb, 0)} |`,
    );
  }
}
