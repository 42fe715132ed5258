// `decode --summary` on Linux cooked v2 records whose interface index has its top bit set
// (negative in the format's signed field; no kernel assigns one): the packets are counted as
// invalid indexes, shown as an "unknown" interface row, and every row still adds up to the
// packets. Real captures (a lab sample's pcap, dumpcap's pcapng from
// test/fixtures/sll2-pcapng/make-sll2-pcapng.sh) with that one bit set in some records.

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

describe('decode --summary: interface indexes with the top bit set', () => {
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
