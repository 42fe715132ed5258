// Hand-made inputs for every check of the reader, in libpcap read_block order, plus the edge cases
// of an empty, header-only or foreign file. Each bad input must keep the packets before the damage
// and say expected vs found with the byte offset.

import { describe, expect, it } from 'vitest';
import { CaptureParser } from '../../src/capture/capture-parser.js';
import { MAX_RECORD_BYTES } from '../../src/capture/capture-problems.js';
import { block, concat, epb, idb, option, payload, pb, pcapHeader, pcapRecord, shb, spb, Bytes } from './build-capture.js';
import { codes, parseBytes } from './helpers.js';

const one = (bytes: Uint8Array) => parseBytes(bytes);

describe('empty, short and foreign input', () => {
  it('reports a zero-length stream as an empty file', () => {
    const parser = new CaptureParser({ file: 'empty.pcap' });
    parser.finish();
    expect(parser.diagnostics()).toEqual([
      expect.objectContaining({ code: 'capture.empty', severity: 'error', place: { file: 'empty.pcap', offset: 0 }, count: 1 }),
    ]);
    expect(parser.hasErrors()).toBe(true);
  });

  it('reads a pcap header alone as a clean capture with no packets', () => {
    const r = one(pcapHeader());
    expect(r.packets).toHaveLength(0);
    expect(r.diagnostics).toEqual([]);
    expect(r.parser.interfaces).toHaveLength(1);
  });

  it('reads a pcapng Section Header Block alone as a clean capture with no packets', () => {
    const r = one(shb());
    expect(r.packets).toHaveLength(0);
    expect(r.diagnostics).toEqual([]);
    expect(r.parser.sections).toBe(1);
  });

  it('rejects garbage with the first bytes it found', () => {
    const r = one(new TextEncoder().encode('hello, this is not a capture\n'));
    expect(codes(r.diagnostics)).toEqual(['capture.unknown-format']);
    expect(r.diagnostics[0]!.message).toContain('0x68656c6c');
    expect(r.parser.stopped).toBe(true);
  });

  it('names compressions it cannot read instead of calling them garbage', () => {
    const zstd = one(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4));
    expect(codes(zstd.diagnostics)).toEqual(['capture.unsupported-compression']);
    expect(zstd.diagnostics[0]!.message).toMatch(/zstd/);
  });

  it('reports a file shorter than any magic number as truncated', () => {
    const r = one(Uint8Array.of(0xd4, 0xc3, 0xb2));
    expect(codes(r.diagnostics)).toEqual(['capture.truncated']);
    expect(r.diagnostics[0]!.message).toMatch(/needs 4 bytes, only 3/);
  });

  it('reports a cut pcap file header with what it needed and found', () => {
    const r = one(pcapHeader().subarray(0, 10));
    expect(codes(r.diagnostics)).toEqual(['capture.truncated']);
    expect(r.diagnostics[0]!.message).toMatch(/file header needs 24 bytes, only 10/);
    expect(r.diagnostics[0]!.place.offset).toBe(0);
  });
});

describe('pcap records', () => {
  it('reads both byte orders, µs and ns magics', () => {
    for (const order of ['le', 'be'] as const) {
      for (const [magic, units] of [
        [0xa1b2c3d4, 1e6],
        [0xa1b23c4d, 1e9],
      ] as const) {
        const r = one(concat(pcapHeader({ order, magic }), pcapRecord({ order, seconds: 1732488000, fraction: 123456 })));
        expect(r.diagnostics).toEqual([]);
        expect(r.parser.byteOrder).toBe(order);
        expect(r.packets[0]).toMatchObject({ tsSeconds: 1732488000, tsFraction: 123456, tsUnitsPerSecond: units, capLength: 20 });
        expect(r.packets[0]!.tsNanos).toBe(units === 1e6 ? 123456000 : 123456);
      }
    }
  });

  it('masks the link-type field to its low 16 bits (FCS bits: info; reserved bits: warning)', () => {
    const fcs = one(concat(pcapHeader({ linkType: 0x30000001 }), pcapRecord()));
    expect(fcs.packets[0]!.linkType).toBe(1);
    expect(fcs.diagnostics).toEqual([expect.objectContaining({ code: 'pcap.linktype-fcs-bits', severity: 'info', place: expect.objectContaining({ offset: 20 }) })]);
    const reserved = one(concat(pcapHeader({ linkType: 0x00300000 }), pcapRecord()));
    expect(reserved.packets[0]!.linkType).toBe(0);
    expect(reserved.diagnostics[0]).toMatchObject({ code: 'pcap.linktype-reserved-bits', severity: 'warning' });
  });

  it('reads the modified (Kuznetzov) format with its 24-byte record headers', () => {
    const r = one(concat(pcapHeader({ magic: 0xa1b2cd34 }), pcapRecord({ modified: true }), pcapRecord({ modified: true, data: payload(7) })));
    expect(r.packets.map((p) => p.capLength)).toEqual([20, 7]);
    expect(r.packets[1]!.dataHex).toBe(Buffer.from(payload(7)).toString('hex'));
    expect(codes(r.diagnostics)).toEqual(['pcap.modified-format']);
  });

  it('rejects pcap major versions other than 2 and reads later 2.x minors with a warning', () => {
    const v1 = one(concat(pcapHeader({ major: 1 }), pcapRecord()));
    expect(v1.packets).toHaveLength(0);
    expect(v1.diagnostics[0]).toMatchObject({ code: 'pcap.unsupported-version', place: expect.objectContaining({ offset: 4 }) });
    expect(v1.diagnostics[0]!.message).toContain('1.4');
    const v25 = one(concat(pcapHeader({ minor: 5 }), pcapRecord()));
    expect(v25.packets).toHaveLength(1);
    expect(codes(v25.diagnostics)).toEqual(['pcap.unexpected-version']);
  });

  it('swaps captured and original lengths in pre-2.3 files, like libpcap', () => {
    const r = one(concat(pcapHeader({ minor: 2 }), pcapRecord({ data: payload(10), capLength: 64, origLength: 10 })));
    expect(r.packets[0]).toMatchObject({ capLength: 10, origLength: 64 });
  });

  it('stops at an absurd captured length, keeping the packets before it', () => {
    const bad = new Bytes('le').u32(1).u32(0).u32(0xfffffff0).u32(60).bytes();
    const r = one(concat(pcapHeader(), pcapRecord(), bad, pcapRecord()));
    expect(r.packets).toHaveLength(1);
    expect(r.parser.stopped).toBe(true);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'pcap.record-too-long', place: expect.objectContaining({ offset: 24 + 36 }) })]);
    expect(r.diagnostics[0]!.message).toContain(`${0xfffffff0} captured bytes`);
    expect(r.diagnostics[0]!.message).toContain(String(MAX_RECORD_BYTES));
  });

  it('reports a record cut short as a truncated dump file at the record offset', () => {
    const whole = concat(pcapHeader(), pcapRecord(), pcapRecord());
    const r = one(whole.subarray(0, whole.length - 5));
    expect(r.packets).toHaveLength(1);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'capture.truncated', place: expect.objectContaining({ offset: 60 }) })]);
    expect(r.diagnostics[0]!.message).toMatch(/needs 36 bytes, only 31/);
  });

  it('folds a problem repeated on every packet into one diagnostic with a count', () => {
    const records = Array.from({ length: 50 }, () => pcapRecord({ data: payload(100) }));
    const r = one(concat(pcapHeader({ snaplen: 64 }), ...records));
    expect(r.packets).toHaveLength(50);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'capture.caplen-over-snaplen', count: 50, place: expect.objectContaining({ offset: 24 }) })]);
    expect(r.diagnostics[0]!.message).toMatch(/100 is bigger than .* 64/);
  });

  it('carries a microsecond field of 10^6 or more into the seconds, with a warning', () => {
    const r = one(concat(pcapHeader(), pcapRecord({ seconds: 100, fraction: 2_500_000 })));
    expect(r.packets[0]).toMatchObject({ tsSeconds: 102, tsFraction: 500_000 });
    expect(codes(r.diagnostics)).toEqual(['capture.timestamp-fraction-overflow']);
  });
});

describe('pcapng block checks, in libpcap read_block order', () => {
  const start = () => concat(shb(), idb({ name: 'eth0', snaplen: 0 }), epb());
  const startLength = start().length;

  it('block too short (< 12 bytes)', () => {
    const bad = new Bytes('le').u32(6).u32(8).bytes();
    const r = one(concat(start(), bad, epb()));
    expect(r.packets).toHaveLength(1);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'pcapng.block-too-short', place: expect.objectContaining({ offset: startLength }) })]);
    expect(r.diagnostics[0]!.message).toMatch(/total length 8: expected at least 12/);
  });

  it('block length not a multiple of 4', () => {
    const r = one(concat(start(), epb({ totalLength: 34 })));
    expect(r.packets).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'pcapng.block-misaligned', place: expect.objectContaining({ offset: startLength }) });
    expect(r.diagnostics[0]!.message).toMatch(/total length 34: expected a multiple of 4/);
  });

  it('absurd block length stops at once, without waiting for (or reporting a lack of) more data', () => {
    const r = one(concat(start(), new Bytes('le').u32(6).u32(0x7ffffff0).bytes()));
    expect(r.packets).toHaveLength(1);
    expect(r.parser.stopped).toBe(true);
    expect(codes(r.diagnostics)).toEqual(['pcapng.block-too-long']);
    expect(r.diagnostics[0]!.message).toContain(`expected at most ${MAX_RECORD_BYTES}`);
  });

  it('trailer length different from the header length', () => {
    const r = one(concat(start(), epb({ trailerLength: 40 }), epb()));
    expect(r.packets).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'pcapng.trailer-mismatch', place: expect.objectContaining({ offset: startLength }) });
    expect(r.diagnostics[0]!.message).toMatch(/header 52 and trailer 40/);
  });

  it('unknown interface id: the packet is skipped, later ones are read, repeats folded', () => {
    const r = one(concat(start(), epb({ interfaceId: 3 }), epb({ interfaceId: 7 }), epb()));
    expect(r.packets.map((p) => p.frameNumber)).toEqual([1, 2]);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'pcapng.unknown-interface', count: 2, place: expect.objectContaining({ offset: startLength }) })]);
    expect(r.diagnostics[0]!.message).toMatch(/interface 3, but section 0 has 1 Interface Description Block/);
  });

  it('captured length larger than the block: the packet is skipped', () => {
    const r = one(concat(start(), epb({ capLength: 100, origLength: 100 }), epb()));
    expect(r.packets).toHaveLength(2);
    expect(r.diagnostics[0]).toMatchObject({ code: 'pcapng.caplen-over-block', place: expect.objectContaining({ offset: startLength }) });
    expect(r.diagnostics[0]!.message).toMatch(/captured length 100: expected at most the 20 bytes/);
  });

  it('packet block too short for its fixed fields: skipped', () => {
    const r = one(concat(start(), block(6, new Uint8Array(8)), epb()));
    expect(r.packets).toHaveLength(2);
    expect(r.diagnostics[0]).toMatchObject({ code: 'pcapng.block-body-too-short' });
    expect(r.diagnostics[0]!.message).toMatch(/8-byte body: expected at least 20/);
  });

  it('a packet before any Interface Description Block refers to an unknown interface', () => {
    const r = one(concat(shb(), spb(), idb(), spb()));
    expect(r.packets).toHaveLength(1);
    expect(codes(r.diagnostics)).toEqual(['pcapng.unknown-interface']);
  });

  it('bad byte-order magic in a Section Header Block', () => {
    const bad = shb();
    bad[8] = 0x11;
    const r = one(concat(start(), bad, epb()));
    expect(r.packets).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'pcapng.bad-byte-order-magic', place: expect.objectContaining({ offset: startLength + 8 }) });
  });

  it('section versions other than 1.0 and 1.2 stop reading', () => {
    expect(codes(one(shb({ major: 2 })).diagnostics)).toEqual(['pcapng.unsupported-version']);
    expect(codes(one(concat(shb({ minor: 2 }), idb(), epb())).diagnostics)).toEqual([]);
  });

  it('an option longer than its block is reported; the interface is still usable', () => {
    const tooLong = new Bytes('le').u16(2).u16(200).raw(payload(8)).bytes();
    const r = one(concat(shb(), idb({ extraOptions: tooLong }), epb()));
    expect(r.packets).toHaveLength(1);
    expect(codes(r.diagnostics)).toEqual(['pcapng.bad-option']);
  });

  it('a block cut short at the end of the file is a truncated dump file', () => {
    const whole = concat(start(), epb());
    const r = one(whole.subarray(0, whole.length - 7));
    expect(r.packets).toHaveLength(1);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'capture.truncated', place: expect.objectContaining({ offset: startLength }) })]);
    expect(r.diagnostics[0]!.message).toMatch(/needs 52 bytes, only 45/);
  });
});

describe('pcapng blocks and sections', () => {
  it('reads EPB, SPB (interface 0, snaplen) and the obsolete PB; skips NRB, ISB and custom blocks', () => {
    const bytes = concat(
      shb(),
      idb({ name: 'eth0', description: 'uplink', snaplen: 16 }),
      idb({ name: 'lo', linkType: 0 }),
      block(4, new Uint8Array(8)), // NRB
      epb({ interfaceId: 1, data: payload(12) }),
      block(0xbad, payload(9)), // custom
      spb({ data: payload(16), origLength: 40 }),
      block(5, new Uint8Array(16)), // ISB
      pb({ interfaceId: 1, data: payload(5) }),
      block(0x12345, payload(4)), // unknown type
    );
    const r = one(bytes);
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.map((p) => [p.interfaceId, p.linkType, p.capLength, p.origLength, p.hasTimestamp, p.customBlocksBefore])).toEqual([
      [1, 0, 12, 12, true, 0],
      [0, 1, 16, 40, false, 1],
      [1, 0, 5, 5, true, 1],
    ]);
    expect(r.parser.interfaces.map((i) => [i.name, i.description, i.packets])).toEqual([
      ['eth0', 'uplink', 1],
      ['lo', null, 2],
    ]);
    expect(r.parser.blockCounts).toMatchObject({ nameResolution: 1, interfaceStatistics: 1, custom: 1, other: 1, obsoletePacket: 1 });
  });

  it('restarts interface ids with every section, in either byte order', () => {
    const bytes = concat(
      shb({ order: 'le' }),
      idb({ order: 'le', name: 'a0' }),
      idb({ order: 'le', name: 'a1', linkType: 113 }),
      epb({ order: 'le', interfaceId: 1 }),
      shb({ order: 'be' }),
      idb({ order: 'be', name: 'b0', linkType: 276 }),
      epb({ order: 'be', interfaceId: 0 }),
      epb({ order: 'be', interfaceId: 1 }), // no second interface in this section
    );
    const r = one(bytes);
    expect(r.parser.byteOrder).toBe('mixed');
    expect(r.parser.sections).toBe(2);
    expect(r.packets.map((p) => [p.sectionIndex, p.interfaceId, p.interfaceIndex, p.linkType])).toEqual([
      [0, 1, 1, 113],
      [1, 0, 2, 276],
    ]);
    expect(codes(r.diagnostics)).toEqual(['pcapng.unknown-interface']);
    expect(r.diagnostics[0]!.message).toMatch(/section 1 has 1 /);
  });
});

describe('pcapng timestamps keep full precision', () => {
  const read = (idbFields: Parameters<typeof idb>[0], timestamp: bigint) =>
    one(concat(shb(), idb(idbFields), epb({ timestamp })));

  it('nanoseconds beyond 2^53 are split exactly into seconds and fraction', () => {
    const r = read({ tsresol: 9 }, 1732488000123456789n);
    expect(r.packets[0]).toMatchObject({ tsSeconds: 1732488000, tsFraction: 123456789, tsUnitsPerSecond: 1e9, tsNanos: 123456789 });
  });

  it('the default resolution is microseconds', () => {
    const r = read({}, 1732488000123456n);
    expect(r.packets[0]).toMatchObject({ tsSeconds: 1732488000, tsFraction: 123456, tsUnitsPerSecond: 1e6, tsNanos: 123456000 });
  });

  it('power-of-two resolutions (high bit of if_tsresol)', () => {
    const r = read({ tsresol: 0x80 | 20 }, (1732488000n << 20n) + 524289n);
    expect(r.packets[0]).toMatchObject({ tsSeconds: 1732488000, tsFraction: 524289, tsUnitsPerSecond: 2 ** 20 });
    expect(r.packets[0]!.tsNanos).toBe(Number((524289n * 1_000_000_000n) >> 20n));
    expect(r.parser.interfaces[0]!.tsResolution.label).toBe('2^-20 s');
  });

  it('resolutions finer than ns are reduced to ns, once noted', () => {
    const r = read({ tsresol: 12 }, 1732488000123456789012n & 0xffffffffffffffffn);
    const ts = 1732488000123456789012n & 0xffffffffffffffffn;
    expect(r.packets[0]).toMatchObject({ tsSeconds: Number(ts / 10n ** 12n), tsNanos: Number((ts % 10n ** 12n) / 1000n) });
    expect(codes(r.diagnostics)).toEqual(['pcapng.tsresol-reduced']);
  });

  it('binary resolutions finer than 2^-32 are reduced to 2^-32', () => {
    // 2^-40 s units leave 24 bits for the seconds.
    const ts = (10_000_000n << 40n) + (1n << 39n) + 12345n;
    const r = read({ tsresol: 0x80 | 40 }, ts);
    expect(r.packets[0]).toMatchObject({ tsSeconds: 10_000_000, tsFraction: Number((ts & ((1n << 40n) - 1n)) >> 8n), tsUnitsPerSecond: 2 ** 32 });
    expect(r.packets[0]!.tsNanos).toBe(Number((((1n << 39n) + 12345n) * 1_000_000_000n) >> 40n)); // 500000011
  });

  it('if_tsoffset is added to the seconds, negative too', () => {
    expect(read({ tsresol: 9, tsoffset: 1000n }, 5_000_000_001n).packets[0]).toMatchObject({ tsSeconds: 1005, tsFraction: 1 });
    expect(read({ tsresol: 9, tsoffset: -10n }, 5_000_000_001n).packets[0]).toMatchObject({ tsSeconds: -5, tsFraction: 1 });
  });

  it('a resolution that does not fit 64 bits makes the interface timestamp-less, with a warning', () => {
    const r = read({ tsresol: 30 }, 123n);
    expect(r.packets[0]!.hasTimestamp).toBe(false);
    expect(codes(r.diagnostics)).toEqual(['pcapng.bad-tsresol']);
  });

  it('seconds beyond 2^53 are not represented: no timestamp, one folded warning', () => {
    const r = one(concat(shb(), idb({ tsresol: 0 }), epb({ timestamp: 1n << 60n }), epb({ timestamp: 1n << 61n }), epb({ timestamp: 5n })));
    expect(r.packets.map((p) => p.hasTimestamp)).toEqual([false, false, true]);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'capture.timestamp-out-of-range', count: 2 })]);
  });

  it('option values are decoded as UTF-8 with trailing NULs dropped', () => {
    const nameWithNul = option('le', 2, Uint8Array.from([...new TextEncoder().encode('ens5 ✓'), 0]));
    const r = one(concat(shb(), idb({ extraOptions: nameWithNul }), epb()));
    expect(r.parser.interfaces[0]!.name).toBe('ens5 ✓');
  });
});
