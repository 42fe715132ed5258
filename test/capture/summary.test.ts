import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CAPTURE_DIAGNOSTIC_CODES } from '../../src/capture/capture-problems.js';
import { describeLinkType, linkTypeName } from '../../src/capture/link-types.js';
import { sniffCaptureMagic } from '../../src/capture/sniff.js';
import { summarizeCapture } from '../../src/capture/summarize-capture.js';
import { corpusPath, PROJECT_ROOT, NEEDS_CORPUS } from '../corpus.js';
import { concat, epb, idb, pcapHeader, pcapRecord, shb } from './build-capture.js';
import { loadOracle } from './oracle.js';

const tmp = mkdtempSync(join(tmpdir(), 'natpath-summary-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('summarizeCapture', () => {
  it('agrees with tshark on a nanosecond pcap (LINUX_SLL)', NEEDS_CORPUS, async () => {
    const s = await summarizeCapture(corpusPath('tcpdump/tcp-handshake-nano.pcap'));
    const oracle = loadOracle('tcpdump', 'tcp-handshake-nano.pcap');
    expect(s).toMatchObject({
      format: 'pcap',
      compression: null,
      byteOrder: 'le',
      version: '2.4',
      timestampPrecision: 'ns',
      sections: 1,
      packets: oracle.length,
      capturedBytes: oracle.reduce((n, f) => n + f.capLen, 0),
      wireBytes: oracle.reduce((n, f) => n + f.len, 0),
      truncatedPackets: oracle.filter((f) => f.capLen < f.len).length,
      firstTimestamp: oracle[0]!.timeEpoch,
      lastTimestamp: oracle.at(-1)!.timeEpoch,
      complete: true,
      diagnostics: [],
    });
    expect(s.linkTypes).toEqual([{ code: 113, name: 'LINUX_SLL', description: 'Linux cooked capture v1', packets: oracle.length }]);
    expect(s.durationSeconds).toBeCloseTo(Number(oracle.at(-1)!.timeEpoch) - Number(oracle[0]!.timeEpoch), 6);
  });

  it('writes microsecond files with 6 decimals, the precision they have', NEEDS_CORPUS, async () => {
    const s = await summarizeCapture(corpusPath('tcpdump/geneve.pcap'));
    const oracle = loadOracle('tcpdump', 'geneve.pcap');
    expect(s.timestampPrecision).toBe('us');
    expect(s.firstTimestamp).toBe(oracle[0]!.timeEpoch.replace(/000$/, ''));
    expect(s.firstTimestamp).toMatch(/^\d+\.\d{6}$/);
  });

  it('gives pcapng interfaces with their packet counts, link types, and custom blocks apart', NEEDS_CORPUS, async () => {
    const s = await summarizeCapture(corpusPath('pcapng-suite/le_advanced_test102.pcapng'));
    expect(s.format).toBe('pcapng');
    expect(s.interfaces.map((i) => [i.id, i.name, i.linkTypeName, i.packets])).toEqual([
      [0, 'eth0', 'EN10MB', 3],
      [1, 'null1', 'NULL', 1],
      [2, 'silly!\r\nethernet interface 2', 'EN10MB', 1],
    ]);
    expect(s.linkTypes.map((l) => [l.code, l.name, l.packets])).toEqual([
      [1, 'EN10MB', 4],
      [0, 'NULL', 1],
    ]);
    expect(s.packets).toBe(5);
    expect(s.packetsWithoutTimestamp).toBe(1);
    expect(s.customBlocks).toBe(3);
  });

  it('says gzip, and reads the same facts through it', NEEDS_CORPUS, async () => {
    const path = join(tmp, 'geneve.pcap.gz');
    writeFileSync(path, gzipSync(readFileSync(corpusPath('tcpdump/geneve.pcap'))));
    const gz = await summarizeCapture(path);
    const plain = await summarizeCapture(corpusPath('tcpdump/geneve.pcap'));
    expect(gz.compression).toBe('gzip');
    expect({ ...gz, file: '', compression: null }).toEqual({ ...plain, file: '' });
  });

  it('tells first/last (file order) from earliest/latest, and keeps 64-bit ns timestamps exact', async () => {
    const path = join(tmp, 'order.pcapng');
    writeFileSync(
      path,
      concat(
        shb(),
        idb({ tsresol: 9 }),
        epb({ timestamp: 1732488100_500000001n }),
        epb({ timestamp: 1732488050_250000000n }),
        epb({ timestamp: 1732488200_000000009n }),
        epb({ timestamp: 1732488150_000000000n }),
      ),
    );
    const s = await summarizeCapture(path);
    expect(s).toMatchObject({
      firstTimestamp: '1732488100.500000001',
      lastTimestamp: '1732488150.000000000',
      earliestTimestamp: '1732488050.250000000',
      latestTimestamp: '1732488200.000000009',
    });
    expect(s.durationSeconds).toBeCloseTo(149.750000009, 9);
    expect(s.firstTimestampSeconds).toBeCloseTo(1732488100.5, 6);
  });

  it('reports what stopped it and says the file was not read completely', async () => {
    const path = join(tmp, 'cut.pcap');
    const whole = concat(pcapHeader({ snaplen: 10 }), pcapRecord({ seconds: 7 }), pcapRecord());
    writeFileSync(path, whole.subarray(0, whole.length - 3));
    const s = await summarizeCapture(path);
    expect(s.packets).toBe(1);
    expect(s.complete).toBe(false);
    expect(s.diagnostics.map((d) => d.code)).toEqual(['capture.caplen-over-snaplen', 'capture.truncated']);
    expect(s.firstTimestamp).toBe('7.000000');
  });
});

describe('sniffCaptureMagic', () => {
  it('recognises pcap (both orders, µs, ns, modified) and pcapng (both orders)', () => {
    expect(sniffCaptureMagic(pcapHeader())).toEqual({ format: 'pcap', byteOrder: 'le', precision: 'us' });
    expect(sniffCaptureMagic(pcapHeader({ order: 'be', magic: 0xa1b23c4d }))).toEqual({ format: 'pcap', byteOrder: 'be', precision: 'ns' });
    expect(sniffCaptureMagic(pcapHeader({ magic: 0xa1b2cd34 }))).toMatchObject({ format: 'pcap' });
    expect(sniffCaptureMagic(shb())).toEqual({ format: 'pcapng', byteOrder: 'le', precision: 'per-interface' });
    expect(sniffCaptureMagic(shb({ order: 'be' }))).toMatchObject({ format: 'pcapng', byteOrder: 'be' });
  });

  it('returns null for anything else', () => {
    expect(sniffCaptureMagic(new Uint8Array(0))).toBeNull();
    expect(sniffCaptureMagic(Uint8Array.of(0xd4, 0xc3))).toBeNull();
    expect(sniffCaptureMagic(new TextEncoder().encode('*filter\n:INPUT ACCEPT'))).toBeNull();
    expect(sniffCaptureMagic(Uint8Array.of(0x1f, 0x8b, 8, 0))).toBeNull();
  });
});

describe('link-type names', () => {
  it('names the link types natpath decodes, and the common others', () => {
    expect([1, 113, 276, 101, 228, 229, 0, 108, 12].map(linkTypeName)).toEqual([
      'EN10MB',
      'LINUX_SLL',
      'LINUX_SLL2',
      'RAW',
      'IPV4',
      'IPV6',
      'NULL',
      'LOOP',
      'RAW',
    ]);
    expect(describeLinkType(1).description).toBe('Ethernet');
    expect(describeLinkType(9999)).toEqual({ code: 9999, name: 'LINKTYPE_9999', description: 'link type unknown to natpath' });
  });
});

describe('docs/capture.md', () => {
  it('lists every diagnostic code the reader emits', () => {
    const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'capture.md'), 'utf8');
    expect(CAPTURE_DIAGNOSTIC_CODES.length).toBeGreaterThan(25);
    for (const code of CAPTURE_DIAGNOSTIC_CODES) expect(doc, code).toContain('`' + code + '`');
  });
});
