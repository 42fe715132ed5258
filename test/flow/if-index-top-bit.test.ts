// `decode --summary` on Linux cooked v2 records whose interface index has its top bit set
// (negative in the format's signed field; no kernel assigns one): the packets are counted as
// invalid indexes, shown as an "unknown" interface row, and every row still adds up to the
// packets. Real captures (a lab sample's pcap, dumpcap's pcapng from
// test/fixtures/sll2-pcapng/make-sll2-pcapng.sh, tcpdump's NFLOG capture from
// test/fixtures/nflog/make-nflog-capture.sh) with that one bit set in some records.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, samplePath } from '../corpus.js';
import { runCliInProcess } from '../cli/run-cli-in-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'natpath-ifindex-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SLL2_IFINDEX = 4; // bytes into the cooked v2 header (protocol, reserved, then the index)

/** Offsets of each record's packet data: pcap (either byte order) or pcapng Enhanced Packet Blocks. */
function recordDataOffsets(bytes: Buffer): number[] {
  const out: number[] = [];
  const magic = bytes.readUInt32LE(0);
  if (magic === 0x0a0d0d0a) {
    const little = bytes.readUInt32LE(8) === 0x1a2b3c4d;
    const u32 = (o: number) => (little ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
    for (let off = 0; off + 12 <= bytes.length; off += u32(off + 4)) if (u32(off) === 6) out.push(off + 28);
    return out;
  }
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  for (let off = 24; off + 16 <= bytes.length; off += 16 + (little ? bytes.readUInt32LE(off + 8) : bytes.readUInt32BE(off + 8))) out.push(off + 16);
  return out;
}

/** Sets the top bit of the interface index in every `every`-th record; returns how many. */
function setTopBit(file: string, every: number): { path: string; changed: number } {
  const bytes = readFileSync(file);
  const offsets = recordDataOffsets(bytes);
  let changed = 0;
  offsets.forEach((data, k) => {
    if (k % every !== 0) return;
    bytes[data + SLL2_IFINDEX]! |= 0x80;
    changed++;
  });
  const path = join(tmp, `${every}-${file.split('/').slice(-3).join('-')}`);
  writeFileSync(path, bytes);
  return { path, changed };
}

interface Summary {
  packets: number;
  ifIndexes: Array<{ ifIndex: number; packets: number }>;
  ifIndexesInvalid: number;
  ifIndexesNotCounted: number;
  status: { ok: number };
}

async function summaryOf(path: string): Promise<Summary> {
  const r = await runCliInProcess(['decode', path, '--summary', '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Summary;
}

const CAPTURES = {
  'lab sample pcap': samplePath('pod-egress-natgw/node1/capture.pcap'),
  'dumpcap pcapng': join(PROJECT_ROOT, 'test', 'fixtures', 'sll2-pcapng', 'any.pcapng'),
};

/**
 * NFLOG (link type 239): sets the top bit of the interface index TLV (NFULA_IFINDEX_INDEV 4 /
 * OUTDEV 5, value big-endian) in every other record — in the first one the whole value to
 * 0xffffffff, which the decoder once took for "no index". TLV headers are in the capturing host's
 * byte order (little-endian here). Returns how many records were changed.
 */
function setNflogTopBit(file: string): { path: string; changed: number } {
  const bytes = readFileSync(file);
  let changed = 0;
  recordDataOffsets(bytes).forEach((data, k) => {
    if (k % 2 !== 0) return;
    const caplen = bytes.readUInt32LE(data - 16 + 8);
    for (let p = data + 4; p + 8 <= data + caplen; ) {
      const length = bytes.readUInt16LE(p);
      const type = bytes.readUInt16LE(p + 2) & 0x7fff;
      if (length < 4) break;
      if ((type === 4 || type === 5) && length >= 8) {
        if (k === 0) bytes.writeUInt32BE(0xffffffff, p + 4);
        else bytes[p + 4]! |= 0x80;
        changed++;
        break;
      }
      p += (length + 3) & ~3;
    }
  });
  const path = join(tmp, 'nflog-top-bit.pcap');
  writeFileSync(path, bytes);
  return { path, changed };
}

describe('decode --summary: interface indexes with the top bit set', () => {
  it('NFLOG: an index TLV with its top bit set (0xffffffff too) is counted as invalid, not taken for no index', async () => {
    const file = join(PROJECT_ROOT, 'test', 'fixtures', 'nflog', 'node', 'nflog.pcap');
    const clean = await summaryOf(file);
    expect(clean.ifIndexesInvalid).toBe(0);
    const { path, changed } = setNflogTopBit(file);
    expect(changed).toBeGreaterThanOrEqual(4);
    const s = await summaryOf(path);
    expect(s.packets).toBe(clean.packets);
    expect(s.status.ok).toBe(clean.status.ok);
    expect(s.ifIndexesInvalid).toBe(changed);
    expect(s.ifIndexes.reduce((n, i) => n + i.packets, 0) + s.ifIndexesInvalid).toBe(s.packets);
  });

  for (const [what, file] of Object.entries(CAPTURES)) {
    it(`${what}: counted as invalid, the rest per index, every packet once`, async () => {
      const clean = await summaryOf(file);
      expect(clean.ifIndexesInvalid).toBe(0);
      expect(clean.ifIndexes.length).toBeGreaterThanOrEqual(3);
      const { path, changed } = setTopBit(file, 3);
      expect(changed).toBeGreaterThan(2);
      const s = await summaryOf(path);
      expect(s.packets).toBe(clean.packets);
      expect(s.status.ok).toBe(clean.status.ok); // the packets themselves still decode
      expect(s.ifIndexesInvalid).toBe(changed);
      expect(s.ifIndexes.reduce((n, i) => n + i.packets, 0) + s.ifIndexesInvalid + s.ifIndexesNotCounted).toBe(s.packets);
      expect(s.ifIndexes.every((i) => i.ifIndex >= 0)).toBe(true);
    });
  }

  it('the table shows them as an unknown interface, also when no record has a usable index', async () => {
    const { path, changed } = setTopBit(CAPTURES['dumpcap pcapng'], 1);
    const r = await runCliInProcess(['decode', path, '--summary']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`unknown: interface index with its top bit set \\(no kernel's\\)\\s+${changed}\\s+100\\.0 %`));
    expect(r.stdout).not.toMatch(/ifindex -/);
    const csv = await runCliInProcess(['decode', path, '--summary', '--format', 'csv']);
    expect(csv.stdout).toContain(`ifIndex,invalid (top bit set),${changed}`);
    // Per packet, such a record has no interface index rather than a negative one.
    const records = await runCliInProcess(['decode', path, '--format', 'ndjson', '--limit', '3']);
    const lines = records.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ifIndex: number | null });
    expect(lines.map((l) => l.ifIndex)).toEqual([null, null, null]);
  });
});
