// Replayed traffic (issues 11 §4 and 15): a real case (a lab sample made by a kernel) copied
// COPIES times, copy k shifted by k × SPACING seconds and with other client ports, the way a
// replay or a load generator repeats IP IDs, TCP sequence numbers and payloads in every
// connection. Every host's capture gets the same copies (so NAT stays consistent: copy k's
// packets are the same packets at every capture point), snapshots are copied as they are.
//
//   node bench/replicate-case.mjs SAMPLE_DIR OUT_DIR COPIES [SPACING_SECONDS=10] [PORT_STEP=7919] [MISSING]
//
// MISSING (`natgw:1` or `natgw:1,2;node1:0`) leaves copies out of one host's capture, as a capture
// point that dropped packets under load (tcpdump's "dropped by kernel") misses them: the other
// hosts hold a copy that host does not.
//
// Client ports: every TCP/UDP port ≥ 10000 (client ports and the ports MASQUERADE chose; the
// servers of pod-egress-natgw listen on 80 and 9000) becomes 10000 + (port − 10000 + k × 7919)
// mod 55536 in copy k, at every IP layer of the packet. Over many copies ports are reused, as on
// a busy node. Checksums are left as they are (natpath does not verify them). Only pcap
// captures (µs or ns) are copied.

import { closeSync, copyFileSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readCaptureFile } from '../dist/capture/index.js';
import { decodePacket, Has, PacketView } from '../dist/decode/index.js';

const FIRST_CLIENT_PORT = 10000;
const CLIENT_PORTS = 65536 - FIRST_CLIENT_PORT;
const PORT_STEP = 7919;

/** The packets of one pcap capture, each with where its ports are (relative to the packet). */
async function loadCapture(file) {
  const header = readFileSync(file).subarray(0, 24);
  const magic = header.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error(`${file}: only little-endian pcap is replicated`);
  const nanos = magic === 0xa1b23c4d;
  const view = new PacketView();
  const packets = [];
  await readCaptureFile(file, (r) => {
    decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
    const portOffsets = [];
    for (let d = 0; d < view.depthCount; d++) {
      if (view.hasField(d, Has.PORTS)) portOffsets.push(view.l4Off[d] - r.dataOffset);
    }
    packets.push({ bytes: r.copyData(), origLength: r.origLength, seconds: r.tsSeconds, fraction: r.tsFraction, portOffsets });
  });
  return { header, nanos, packets };
}

/** Port `port` in copy `copy` (portStep 0: a pure replay, every copy on the same ports). */
export function shiftPort(port, copy, portStep = PORT_STEP) {
  return port < FIRST_CLIENT_PORT ? port : FIRST_CLIENT_PORT + ((port - FIRST_CLIENT_PORT + copy * portStep) % CLIENT_PORTS);
}

function writeCopies(capture, target, copies, spacing, portStep, skipped = []) {
  const fd = openSync(target, 'w');
  writeSync(fd, capture.header);
  const unitsPerSecond = capture.nanos ? 1e9 : 1e6;
  const buf = Buffer.alloc(8 << 20);
  let used = 0;
  let bytes = 24;
  for (let k = 0; k < copies; k++) {
    if (skipped.includes(k)) continue;
    for (const p of capture.packets) {
      if (used + 16 + p.bytes.length > buf.length) {
        writeSync(fd, buf, 0, used);
        used = 0;
      }
      const total = p.seconds * unitsPerSecond + p.fraction + k * spacing * unitsPerSecond;
      buf.writeUInt32LE(Math.floor(total / unitsPerSecond), used);
      buf.writeUInt32LE(total % unitsPerSecond, used + 4);
      buf.writeUInt32LE(p.bytes.length, used + 8);
      buf.writeUInt32LE(p.origLength, used + 12);
      const at = used + 16;
      buf.set(p.bytes, at);
      for (const off of p.portOffsets) {
        buf.writeUInt16BE(shiftPort(buf.readUInt16BE(at + off), k, portStep), at + off);
        buf.writeUInt16BE(shiftPort(buf.readUInt16BE(at + off + 2), k, portStep), at + off + 2);
      }
      used += 16 + p.bytes.length;
      bytes += 16 + p.bytes.length;
    }
  }
  writeSync(fd, buf, 0, used);
  closeSync(fd);
  return bytes;
}

/**
 * Writes the replicated case; returns its size in bytes and the packets per copy. `missing` maps a
 * host to the copies its capture leaves out.
 */
export async function replicateCase(sampleDir, outDir, copies, spacing = 10, portStep = PORT_STEP, missing = {}) {
  let bytes = 0;
  let packetsPerCopy = 0;
  for (const host of readdirSync(sampleDir)) {
    const from = join(sampleDir, host);
    if (!statSync(from).isDirectory()) continue;
    const to = join(outDir, host);
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) {
      if (/\.pcap$/.test(name)) {
        const capture = await loadCapture(join(from, name));
        packetsPerCopy += capture.packets.length;
        bytes += writeCopies(capture, join(to, name), copies, spacing, portStep, missing[host] ?? []);
      } else if (name !== 'conntrack.txt') {
        // conntrack -L is one moment's state: it does not describe the copies.
        copyFileSync(join(from, name), join(to, name));
      }
    }
  }
  return { bytes, packetsPerCopy };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [sampleDir, outDir, copies, spacing, portStep, missingText] = process.argv.slice(2);
  if (!sampleDir || !outDir || !copies) {
    process.stderr.write('usage: node bench/replicate-case.mjs SAMPLE_DIR OUT_DIR COPIES [SPACING_SECONDS=10] [PORT_STEP=7919] [HOST:COPY,COPY;HOST:COPY]\n');
    process.exit(2);
  }
  const missing = {};
  for (const part of (missingText ?? '').split(';').filter(Boolean)) {
    const [host, list] = part.split(':');
    missing[host] = (list ?? '').split(',').map(Number);
  }
  const r = await replicateCase(sampleDir, outDir, Number(copies), Number(spacing ?? 10), Number(portStep ?? PORT_STEP), missing);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
