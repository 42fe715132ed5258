// The reader against every capture of the shared corpus (../shared/corpus), and against tshark 4.0's
// per-frame output (oracle CSVs) frame by frame. Every file is read once, in `beforeAll`.
// @module-tag corpus

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFile, type CaptureReadResult } from '../../src/capture/read-capture-file.js';
import type { PacketRecord } from '../../src/capture/packet-record.js';
import { CORPUS_ROOT } from '../corpus.js';
import { CAPTURE_CORPORA, loadIndex, loadOracle, type IndexRow } from './oracle.js';

interface Frame {
  frameNumber: number;
  /** tshark 4.0's frame number: it also numbers pcapng custom blocks. */
  tsharkNumber: number;
  time: string;
  interfaceId: number;
  linkType: number;
  len: number;
  cap: number;
  fileOffset: number;
}

interface Read {
  row: IndexRow;
  frames: Frame[];
  result: CaptureReadResult | null;
  error: unknown;
}

// ---- tshark 4.0 conventions: how it shows what natpath reads (not disagreements) ----

/** Bytes of pseudo-header tshark moves out of the frame for a link type: SunATM's 4-byte ATM header. */
const TSHARK_PSEUDO_HEADER_BYTES: Record<number, number> = { 123: 4 };

function tsharkTime(r: PacketRecord): string {
  return r.hasTimestamp ? `${r.tsSeconds}.${String(r.tsNanos).padStart(9, '0')}` : '';
}

/**
 * tshark prints a pcapng interface without if_name as "unknown" (pcap has no names), escapes CR,
 * LF and tab, and looks the section-local interface id up in the FILE-WIDE interface list, so in
 * a second section it names the first section's interface with that id. natpath follows the
 * pcapng spec (ids restart per section); the test maps natpath's reading to tshark's display.
 */
function tsharkInterfaceName(result: CaptureReadResult, interfaceId: number): string {
  const iface = result.interfaces[interfaceId];
  if (iface === undefined) return '';
  if (iface.name === null) return result.format === 'pcapng' ? 'unknown' : '';
  return iface.name.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

// ---- Real disagreements, each explained; the test checks they still exist ----

interface Disagreement {
  frames: number[];
  fields: Array<'time' | 'len' | 'cap'>;
  why: string;
}

const FRACTION_OVERFLOW =
  'the record\'s µs/ns field is ≥ 1 s (fuzzed file); tshark multiplies µs by 1000 in 32 bits and prints the wrapped or ' +
  'negative value (e.g. "1418145370.1000000000"), natpath carries whole seconds into tsSeconds and warns';

const KNOWN_DISAGREEMENTS: Record<string, Disagreement> = {
  'tcpdump/atm-oam-loopback-print-overrun.pcap': { frames: [1], fields: ['time'], why: FRACTION_OVERFLOW },
  'tcpdump/rx_serviceid_oobr.pcap': { frames: [2], fields: ['time'], why: FRACTION_OVERFLOW },
  'tcpdump/timestamp_invalid_micro.pcap': { frames: [2, 3], fields: ['time'], why: FRACTION_OVERFLOW },
  'tcpdump/timestamp_invalid_nano.pcap': { frames: [2, 3], fields: ['time'], why: FRACTION_OVERFLOW },
};

/** Files tshark reads and natpath does not, on purpose. */
const KNOWN_UNREADABLE: Record<string, { code: string; why: string }> = {
  'pcapplusplus/pcap__file_heuristics__pcapng-example.pcapng.zst': {
    code: 'capture.unsupported-compression',
    why: 'zstd-compressed; Node 20 has no zstd and natpath adds no dependency for it (gzip only)',
  },
};

const COMPARED_STATUSES = new Set(['ok', 'malformed-frames']); // malformed-frames: bad content, sound framing

let reads: Read[] = [];

beforeAll(async () => {
  reads = [];
  for (const row of loadIndex()) {
    const frames: Frame[] = [];
    let result: CaptureReadResult | null = null;
    let error: unknown = null;
    try {
      result = await readCaptureFile(join(CORPUS_ROOT, row.corpus, row.file), (r) => {
        const pseudo = TSHARK_PSEUDO_HEADER_BYTES[r.linkType] ?? 0;
        frames.push({
          frameNumber: r.frameNumber,
          tsharkNumber: r.frameNumber + r.customBlocksBefore,
          time: tsharkTime(r),
          interfaceId: r.interfaceId,
          linkType: r.linkType,
          len: r.origLength - pseudo,
          cap: Math.max(0, r.capLength - pseudo),
          fileOffset: r.fileOffset,
        });
      });
    } catch (err) {
      error = err;
    }
    reads.push({ row, frames, result, error });
  }
}, 60_000);

describe('every capture of the shared corpus', () => {
  it('is listed in the index, and the index lists nothing else', () => {
    const listed = new Set(reads.map((r) => `${r.row.corpus}/${r.row.file}`));
    const onDisk = CAPTURE_CORPORA.flatMap((c) =>
      readdirSync(join(CORPUS_ROOT, c))
        .filter((f) => !f.endsWith('.txt'))
        .map((f) => `${c}/${f}`),
    );
    expect(onDisk.length).toBeGreaterThan(1000);
    expect(new Set(onDisk)).toEqual(listed);
  });

  it('is read without a throw, and every problem is a diagnostic with a file and byte offset', () => {
    const thrown = reads.filter((r) => r.error !== null).map((r) => `${r.row.corpus}/${r.row.file}: ${String(r.error)}`);
    expect(thrown).toEqual([]);
    for (const r of reads) {
      for (const d of r.result!.diagnostics) {
        expect(d.place.file).toContain(r.row.file);
        expect(typeof d.place.offset).toBe('number');
        expect(d.message.length).toBeGreaterThan(10);
      }
    }
  });

  it('stops with an error diagnostic on the files tshark cannot read as captures, keeping what it read', () => {
    const unreadable = reads.filter((r) => r.row.status === 'unreadable' && r.row.corpus !== 'derived-truncated');
    expect(unreadable.length).toBe(22);
    for (const r of unreadable) {
      const where = `${r.row.corpus}/${r.row.file}`;
      // tshark refuses unknown link types; natpath reads the records and leaves the link type to the decoder.
      const badFraming = r.result!.diagnostics.filter((d) => d.severity === 'error');
      if (r.frames.length === 0) expect(r.result!.diagnostics.length, where).toBeGreaterThan(0);
      else expect(badFraming, where).toEqual([]);
    }
  });
});

describe('agreement with tshark 4.0, frame by frame', () => {
  it('packet count, link types, timestamps, lengths and interface names', () => {
    let files = 0;
    let frames = 0;
    const failures: string[] = [];
    const seenDisagreements = new Set<string>();
    for (const r of reads) {
      if (!COMPARED_STATUSES.has(r.row.status)) continue;
      const key = `${r.row.corpus}/${r.row.file}`;
      const result = r.result!;
      const unreadable = KNOWN_UNREADABLE[key];
      if (unreadable) {
        expect(result.diagnostics.map((d) => d.code), key).toEqual([unreadable.code]);
        continue;
      }
      files++;
      const oracle = loadOracle(r.row.corpus, r.row.file);
      if (oracle.length !== r.frames.length + result.customBlocks) {
        failures.push(`${key}: tshark has ${oracle.length} frames, natpath ${r.frames.length} packets + ${result.customBlocks} custom blocks`);
        continue;
      }
      const linkTypes = result.interfaces.map((i) => i.linkType).join(';');
      if (linkTypes !== r.row.linkTypes) failures.push(`${key}: link types ${linkTypes}, index says ${r.row.linkTypes}`);

      const matched = new Set<number>();
      const known = KNOWN_DISAGREEMENTS[key];
      for (const f of r.frames) {
        const o = oracle[f.tsharkNumber - 1]!;
        matched.add(f.tsharkNumber);
        frames++;
        const ours = { time: f.time, len: f.len, cap: f.cap, name: tsharkInterfaceName(result, f.interfaceId) };
        const theirs = { time: o.timeEpoch, len: o.len, cap: o.capLen, name: o.interfaceName };
        for (const field of ['time', 'len', 'cap', 'name'] as const) {
          if (ours[field] === theirs[field]) continue;
          if (known && known.frames.includes(f.frameNumber) && (known.fields as string[]).includes(field)) {
            seenDisagreements.add(key);
            continue;
          }
          failures.push(`${key} frame ${f.tsharkNumber} ${field}: natpath ${ours[field]}, tshark ${theirs[field]}`);
        }
      }
      // The frames natpath does not produce must be the custom blocks tshark shows: no time, no interface.
      for (const o of oracle) {
        if (matched.has(o.number)) continue;
        if (o.timeEpoch !== '' || o.interfaceName !== '') failures.push(`${key} frame ${o.number}: tshark frame not read by natpath`);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(seenDisagreements).toEqual(new Set(Object.keys(KNOWN_DISAGREEMENTS)));
    expect(files).toBeGreaterThanOrEqual(1050);
    expect(frames).toBeGreaterThanOrEqual(23_000);
  });

  it('the pcapng test suite: block counts as its descriptions list them', () => {
    const names: Record<string, keyof CaptureReadResult['blockCounts']> = {
      SHB: 'sectionHeader',
      IDB: 'interfaceDescription',
      EPB: 'enhancedPacket',
      SPB: 'simplePacket',
      PB: 'obsoletePacket',
      ISB: 'interfaceStatistics',
      NRB: 'nameResolution',
      DSB: 'decryptionSecrets',
      CB: 'custom',
      DCB: 'custom',
    };
    let checked = 0;
    for (const r of reads) {
      if (r.row.corpus !== 'pcapng-suite' || !r.row.file.endsWith('.pcapng')) continue;
      const description = readFileSync(join(CORPUS_ROOT, 'pcapng-suite', r.row.file.replace(/\.pcapng$/, '.txt')), 'utf8');
      const expected: Record<string, number> = {};
      for (const m of description.matchAll(/^\t(\w+): (\d+)$/gm)) {
        const field = names[m[1]!];
        expect(field, `block kind ${m[1]} in ${r.row.file}`).toBeDefined();
        expected[field!] = (expected[field!] ?? 0) + Number(m[2]);
      }
      const counts = r.result!.blockCounts;
      for (const [field, n] of Object.entries(expected)) expect(counts[field as keyof typeof counts], `${r.row.file} ${field}`).toBe(n);
      expect(r.frames.length).toBe((expected.enhancedPacket ?? 0) + (expected.simplePacket ?? 0) + (expected.obsoletePacket ?? 0));
      expect(r.result!.diagnostics).toEqual([]);
      checked++;
    }
    expect(checked).toBe(48);
  });
});

describe('derived-truncated: captures cut mid-record or to 30 bytes', () => {
  it('keep every packet before the cut and report a truncated dump file at the cut record', () => {
    const byKey = new Map(reads.map((r) => [`${r.row.corpus}/${r.row.file}`, r]));
    const cut = reads.filter((r) => r.row.corpus === 'derived-truncated');
    expect(cut).toHaveLength(20);
    for (const r of cut) {
      const m = /^cut(?:7|30B)__([a-z-]+)_(.+)$/.exec(r.row.file)!;
      const original = byKey.get(`${m[1]}/${m[2]}`)!;
      const cutLength = readFileSync(join(CORPUS_ROOT, 'derived-truncated', r.row.file)).length;
      const expected = original.frames.filter((f) => f.fileOffset < cutLength);
      // The last of those may be the one that was cut.
      const truncated = r.result!.diagnostics.filter((d) => d.code === 'capture.truncated');
      expect(truncated, r.row.file).toHaveLength(1);
      const cutAt = truncated[0]!.place.offset!;
      expect(r.frames, r.row.file).toEqual(expected.filter((f) => f.fileOffset < cutAt));
      expect(cutAt).toBeLessThan(cutLength);
      expect(r.result!.complete).toBe(false);
      if (r.row.file.startsWith('cut7__')) expect(r.frames.length).toBe(r.row.capinfosPackets);
    }
  });
});
