// Streaming behaviour: chunk boundaries anywhere, every prefix of a real capture, gzip as a
// stream, constant memory, and I/O errors that are errors (not diagnostics).

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureParser } from '../../src/capture/capture-parser.js';
import { PacketRecord } from '../../src/capture/packet-record.js';
import { CaptureFileError, readCaptureFile } from '../../src/capture/read-capture-file.js';
import { corpusPath, NEEDS_CORPUS } from '../corpus.js';
import { concat, payload, pcapHeader, pcapRecord } from './build-capture.js';
import { parseBytes, snapshot, type SeenPacket } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'natpath-capture-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SMALL = [
  'tcpdump/tcp-handshake-nano.pcap', // pcap, ns, LINUX_SLL
  'pcapplusplus/pcap__sll2.pcap', // pcap, LINUX_SLL2
  'pcapng-suite/le_advanced_test102.pcapng', // every block type, little-endian
  'pcapng-suite/be_difficult_test202.pcapng', // several sections, big-endian
];
const LARGER = ['tcpdump/geneve.pcap', 'tcpdump/afs.pcap', 'tcpdump/of13_ericsson.pcapng'];

async function readFile(path: string, chunkSize?: number) {
  const packets: SeenPacket[] = [];
  const result = await readCaptureFile(path, (r) => packets.push(snapshot(r)), chunkSize === undefined ? {} : { chunkSize });
  return { packets, result };
}

describe('records straddling chunk boundaries', () => {
  for (const file of [...SMALL, ...LARGER]) {
    it(`gives identical records for chunks of 1, 7 and 4096 bytes: ${file}`, NEEDS_CORPUS, () => {
      const bytes = new Uint8Array(readFileSync(corpusPath(file)));
      const whole = parseBytes(bytes);
      expect(whole.packets.length).toBeGreaterThan(0);
      const sizes = bytes.length > 20_000 ? [7, 4096] : [1, 7, 4096];
      for (const size of sizes) {
        const chunked = parseBytes(bytes, size);
        expect(chunked.packets, `chunk size ${size}`).toEqual(whole.packets);
        expect(chunked.diagnostics).toEqual(whole.diagnostics);
        expect(chunked.parser.interfaces).toEqual(whole.parser.interfaces);
      }
    });
  }

  it('gives identical records through the file driver with tiny reads', NEEDS_CORPUS, async () => {
    for (const file of SMALL) {
      const whole = await readFile(corpusPath(file));
      for (const size of [1, 7, 4096]) expect((await readFile(corpusPath(file), size)).packets).toEqual(whole.packets);
    }
  });

  it('keeps the carried-over buffer at its initial size: only partial records are carried', () => {
    const records = Array.from({ length: 1000 }, (_, i) => pcapRecord({ seconds: i, data: payload(1000, i) }));
    const round = concat(...records); // 1,016,000 bytes, ends at a record boundary
    const parser = new CaptureParser();
    const record = new PacketRecord();
    parser.append(pcapHeader());
    let packets = 0;
    let bytes = 0;
    for (let repeat = 0; repeat < 50; repeat++) {
      for (let at = 0; at < round.length; at += 65_536) {
        parser.append(round.subarray(at, Math.min(at + 65_536, round.length)));
        while (parser.next(record)) {
          packets++;
          bytes += record.capLength;
        }
      }
    }
    parser.finish();
    expect(packets).toBe(50_000);
    expect(bytes).toBe(50_000_000);
    expect(parser.diagnostics()).toEqual([]);
    expect(parser.carryCapacity).toBe(64 * 1024);
  });
});

/** Offsets where a record (pcap) or block (pcapng) starts or the file ends, found independently. */
function recordBoundaries(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [0];
  if (view.getUint32(0, false) === 0x0a0d0d0a) {
    let le = true;
    for (let at = 0; at < bytes.length; ) {
      if (view.getUint32(at, false) === 0x0a0d0d0a) le = view.getUint32(at + 8, true) === 0x1a2b3c4d;
      at += view.getUint32(at + 4, le);
      out.push(at);
    }
  } else {
    const le = view.getUint32(0, true) === 0xa1b2c3d4 || view.getUint32(0, true) === 0xa1b23c4d;
    for (let at = 24; at <= bytes.length; at += 16 + view.getUint32(at + 8, le)) {
      out.push(at);
      if (at === bytes.length) break;
    }
  }
  return out;
}

describe('cut at every length', () => {
  for (const file of SMALL) {
    it(`every prefix of ${file} keeps a prefix of the packets and reports a cut record`, NEEDS_CORPUS, () => {
      const bytes = new Uint8Array(readFileSync(corpusPath(file)));
      const full = parseBytes(bytes).packets;
      const boundaries = new Set(recordBoundaries(bytes));
      expect(boundaries.has(bytes.length)).toBe(true);
      for (let length = 0; length <= bytes.length; length++) {
        const r = parseBytes(bytes.subarray(0, length));
        expect(r.packets.length).toBeLessThanOrEqual(full.length);
        expect(r.packets).toEqual(full.slice(0, r.packets.length));
        if (length === 0) {
          expect(r.diagnostics.map((d) => d.code)).toEqual(['capture.empty']);
        } else if (boundaries.has(length)) {
          expect(r.diagnostics, `clean cut at ${length}`).toEqual([]);
        } else {
          const last = [...boundaries].filter((b) => b < length).pop()!;
          expect(r.diagnostics, `cut at ${length}`).toEqual([
            expect.objectContaining({ code: 'capture.truncated', place: { file: 'test.cap', offset: length < 4 ? 0 : last } }),
          ]);
        }
      }
    });
  }
});

describe('gzip', NEEDS_CORPUS, () => {
  it('reads a gzipped capture as a stream, identically to the plain file', async () => {
    for (const file of [...SMALL, 'tcpdump/afs.pcap']) {
      const plainPath = corpusPath(file);
      const gzPath = join(tmp, file.replace('/', '_') + '.gz');
      writeFileSync(gzPath, gzipSync(readFileSync(plainPath)));
      const plain = await readFile(plainPath);
      const gz = await readFile(gzPath, 4096);
      expect(gz.result.compression).toBe('gzip');
      expect(plain.result.compression).toBeNull();
      expect(gz.packets).toEqual(plain.packets);
      expect({ ...gz.result, file: '', compression: null }).toEqual({ ...plain.result, file: '' });
    }
  });

  it('says that offsets count the decompressed stream', async () => {
    const bytes = readFileSync(corpusPath('tcpdump/geneve.pcap'));
    const gzPath = join(tmp, 'cut.pcap.gz');
    writeFileSync(gzPath, gzipSync(bytes.subarray(0, bytes.length - 7)));
    const { packets, result } = await readFile(gzPath);
    expect(packets.length).toBeGreaterThan(0);
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'capture.truncated' })]);
    expect(result.diagnostics[0]!.message).toContain('decompressed');
  });

  it('keeps the packets before damaged or cut gzip data and reports it', async () => {
    const bytes = readFileSync(corpusPath('tcpdump/afs.pcap'));
    const full = await readFile(corpusPath('tcpdump/afs.pcap'));
    const gz = gzipSync(bytes);
    const cutPath = join(tmp, 'cut-gzip.pcap.gz');
    writeFileSync(cutPath, gz.subarray(0, Math.floor(gz.length / 2)));
    const cut = await readFile(cutPath);
    expect(cut.packets.length).toBeGreaterThan(0);
    expect(cut.packets).toEqual(full.packets.slice(0, cut.packets.length));
    expect(cut.result.diagnostics.map((d) => d.code)).toContain('capture.gzip-error');
    expect(cut.result.complete).toBe(false);

    const corrupt = Buffer.from(gz);
    corrupt.fill(0x55, 2000, 2100);
    const corruptPath = join(tmp, 'corrupt.pcap.gz');
    writeFileSync(corruptPath, corrupt);
    const bad = await readFile(corruptPath);
    // Deflate output is right up to the damaged input; what follows may be garbage until zlib notices.
    const beforeDamage = full.packets.filter((p) => p.fileOffset + 16 + p.capLength < 2000);
    expect(beforeDamage.length).toBeGreaterThan(0);
    expect(bad.packets.slice(0, beforeDamage.length)).toEqual(beforeDamage);
    // Either zlib notices first, or the garbage it produced fails a record check first.
    expect(bad.result.complete).toBe(false);
    expect(bad.result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });
});

/** File descriptors this process has open (Linux), to see that a reader closed its file. */
function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}
const HAS_PROC_FD = process.platform === 'linux';

describe('reading in chunks into one buffer, on this thread', NEEDS_CORPUS, () => {
  // 3.8 MB, 4 631 records of up to 1 514 B (823 B on average).
  const LARGE_RECORDS = 'pcapplusplus/pcap__example.pcap';
  // 173 kB, 2 282 records of 76 B on average. Same pcap header as LARGE_RECORDS.
  const SMALL_RECORDS = 'tcpdump/arp-oobr.pcap';
  const PCAP_HEADER_BYTES = 24;

  it('refills the buffer only once it is parsed: every record intact at any chunk size', async () => {
    for (const file of [LARGE_RECORDS, SMALL_RECORDS]) {
      const path = corpusPath(file);
      const inMemory = parseBytes(new Uint8Array(readFileSync(path))).packets;
      expect(inMemory.length).toBe(file === LARGE_RECORDS ? 4631 : 2282);
      for (const size of [4096, 65_537, undefined]) {
        const { packets, result } = await readFile(path, size);
        expect(packets, `${file}, chunk size ${size ?? 'default'}`).toEqual(inMemory);
        expect(result.complete).toBe(true);
      }
    }
  });

  it('keeps records intact as they change size, small, large and small again', async () => {
    // The real records of both files in one pcap: small ones, large ones, then small ones again.
    const small = readFileSync(corpusPath(SMALL_RECORDS));
    const large = readFileSync(corpusPath(LARGE_RECORDS));
    const smallRecords = small.subarray(PCAP_HEADER_BYTES);
    const bytes = concat(small, large.subarray(PCAP_HEADER_BYTES), smallRecords, smallRecords, smallRecords);
    const path = join(tmp, 'small-large-small.pcap');
    writeFileSync(path, bytes);
    const inMemory = parseBytes(bytes).packets;
    expect(inMemory.length).toBe(4 * 2282 + 4631);
    for (const size of [4096, 65_537, undefined]) {
      const { packets, result } = await readFile(path, size);
      expect(packets, `chunk size ${size ?? 'default'}`).toEqual(inMemory);
      expect(result.complete).toBe(true);
    }
  });

  it('reads a FIFO in order', async () => {
    const fifo = join(tmp, 'capture.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const file of [LARGE_RECORDS, SMALL_RECORDS]) {
      const path = corpusPath(file);
      const plain = await readFile(path);
      for (const size of [4096, undefined]) {
        const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', path, fifo], { stdio: 'ignore' });
        const exited = new Promise((resolve) => writer.on('exit', resolve));
        const viaFifo = await readFile(fifo, size);
        expect(await exited).toBe(0);
        expect(viaFifo.packets, `${file}, chunk size ${size ?? 'default'}`).toEqual(plain.packets);
        expect({ ...viaFifo.result, file: '' }).toEqual({ ...plain.result, file: '' });
      }
    }
  });

  it('stop(): the file closed', async () => {
    const before = HAS_PROC_FD ? openFds() : 0;
    let packets = 0;
    const result = await readCaptureFile(
      corpusPath(LARGE_RECORDS),
      (_r, control) => {
        if (++packets === 3000) control.stop();
      },
      { chunkSize: 4096 },
    );
    expect(packets).toBe(3000);
    expect(result.stoppedEarly).toBe(true);
    if (HAS_PROC_FD) expect(openFds()).toBe(before);
  });

  it('a callback that throws on a later chunk: that error, no unhandled rejection, the file closed', async () => {
    for (const file of [LARGE_RECORDS, SMALL_RECORDS]) {
      const before = HAS_PROC_FD ? openFds() : 0;
      const boom = new Error('boom');
      let packets = 0;
      await expect(
        readCaptureFile(
          corpusPath(file),
          () => {
            if (++packets === 2000) throw boom;
          },
          { chunkSize: 8192 },
        ),
      ).rejects.toBe(boom);
      if (HAS_PROC_FD) expect(openFds()).toBe(before);
    }
  });

  it('gives the event loop a turn every few chunks', async () => {
    let packets = 0;
    let packetsWhenImmediateRan = -1;
    await readCaptureFile(
      corpusPath(LARGE_RECORDS),
      () => {
        if (++packets === 1) setImmediate(() => (packetsWhenImmediateRan = packets));
      },
      { chunkSize: 65_536 },
    );
    expect(packetsWhenImmediateRan).toBeGreaterThan(0);
    expect(packetsWhenImmediateRan).toBeLessThan(packets / 10);
  });
});

describe('I/O errors are thrown, clearly', () => {
  it('a missing file', async () => {
    const err = await readCaptureFile(join(tmp, 'nope.pcap'), () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureFileError);
    expect((err as CaptureFileError).code).toBe('ENOENT');
    expect((err as Error).message).toMatch(/cannot read capture file .*nope\.pcap/);
  });

  it('a directory', async () => {
    const err = await readCaptureFile(tmp, () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureFileError);
    expect((err as CaptureFileError).code).toBe('EISDIR');
  });

  it('an error thrown by the callback reaches the caller unchanged', NEEDS_CORPUS, async () => {
    const boom = new Error('boom');
    await expect(
      readCaptureFile(corpusPath('tcpdump/geneve.pcap'), () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });

  it('a large file streams through with 1 MiB reads', async () => {
    const path = join(tmp, 'large.pcap');
    const records = Array.from({ length: 2000 }, (_, i) => pcapRecord({ seconds: i, data: payload(1400, i) }));
    const round = concat(...records);
    const parts = [pcapHeader()];
    for (let i = 0; i < 8; i++) parts.push(round);
    writeFileSync(path, concat(...parts)); // ≈ 23 MB
    let packets = 0;
    let lastSeconds = -1;
    const result = await readCaptureFile(path, (r) => {
      packets++;
      lastSeconds = r.tsSeconds;
    });
    expect(packets).toBe(16_000);
    expect(lastSeconds).toBe(1999);
    expect(result.complete).toBe(true);
  });
});
