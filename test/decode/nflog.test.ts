// NFLOG captures (link type 239, `tcpdump -i nflog:N`): the packets they carry are decoded, the
// rule's prefix is kept as the capture point's label. The real capture is
// test/fixtures/nflog/node/nflog.pcap (make-nflog-capture.sh: INPUT rule prefix `in-from-peer`,
// OUTPUT rule prefix `out-udp`, group 5); the values below are what tshark 4.0 shows for it
// (nflog.prefix, ip.src, ip.dst, ip.proto, nflog.ifindex_indev/outdev). The corpus's two NFLOG
// captures are checked against their tshark oracle frame by frame.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { readCaptureFile } from '../../src/capture/index.js';
import { decodePacket, DecodeStatus, PacketView } from '../../src/decode/index.js';
import { formatIpv4 } from '../../src/net/ipv4.js';
import { CORPUS_ROOT, PROJECT_ROOT, corpusPath, NEEDS_CORPUS } from '../corpus.js';
import { decodeBytes } from './decode-helpers.js';

const FIXTURE = join(PROJECT_ROOT, 'test', 'fixtures', 'nflog', 'node');

interface Row { prefix: string | null; src: string; dst: string; proto: number; sport: number; dport: number; ifIndex: number; bytes: Uint8Array }

async function rows(file: string): Promise<Row[]> {
  const view = new PacketView();
  const out: Row[] = [];
  await readCaptureFile(file, (r) => {
    decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
    const d = view.flowDepth;
    out.push({
      prefix: view.nflogPrefixOff < 0 ? null : new TextDecoder().decode(view.buf.subarray(view.nflogPrefixOff, view.nflogPrefixOff + view.nflogPrefixLen)),
      src: d < 0 ? '' : formatIpv4(view.src4[d]!), dst: d < 0 ? '' : formatIpv4(view.dst4[d]!), proto: d < 0 ? -1 : view.l4Proto[d]!,
      sport: d < 0 ? -1 : view.srcPort[d]!, dport: d < 0 ? -1 : view.dstPort[d]!, ifIndex: view.ifIndex,
      bytes: r.data.slice(r.dataOffset, r.dataOffset + r.capLength),
    });
  });
  return out;
}

describe('NFLOG captures', () => {
  it('decodes the packets of a real `tcpdump -i nflog:5` capture, with each rule\'s prefix', async () => {
    const got = await rows(join(FIXTURE, 'nflog.pcap'));
    const peer = '192.168.88.2';
    const node = '192.168.88.1';
    expect(got.map((r) => `${r.prefix} ${r.src}>${r.dst} ${r.proto} if${r.ifIndex}`)).toEqual([
      `in-from-peer ${peer}>${node} 17 if2`, `in-from-peer ${peer}>${node} 17 if2`, `in-from-peer ${peer}>${node} 17 if2`,
      `in-from-peer ${peer}>${node} 1 if2`, `in-from-peer ${peer}>${node} 1 if2`,
      `out-udp ${node}>${peer} 17 if2`, `in-from-peer ${peer}>${node} 1 if2`,
      `out-udp ${node}>${peer} 17 if2`, `in-from-peer ${peer}>${node} 1 if2`,
    ]);
    expect(got.slice(0, 3).map((r) => r.dport)).toEqual([5353, 5353, 5353]);
  });

  it('agrees with tshark on the corpus NFLOG captures, frame by frame', NEEDS_CORPUS, async () => {
    for (const [corpus, file] of [['tcpdump', 'nflog.pcap'], ['pcapplusplus', 'packet__nflogPacket.pcap']] as const) {
      const got = await rows(corpusPath(`${corpus}/${file}`));
      const csv = readFileSync(join(CORPUS_ROOT, 'oracle', corpus, `${file}.csv`), 'utf8').trim().split('\n');
      const head = csv[0]!.split(',');
      const col = (row: string[], name: string) => row[head.indexOf(name)] ?? '';
      const oracle = csv.slice(1).map((l) => l.split(','));
      expect(got.length, file).toBe(oracle.length);
      oracle.forEach((o, i) => {
        const g = got[i]!;
        expect(`${g.src}>${g.dst} ${g.proto}`, `${file} frame ${i + 1}`).toBe(`${col(o, 'ip.src')}>${col(o, 'ip.dst')} ${col(o, 'ip.proto')}`);
        if (col(o, 'udp.srcport') !== '') expect(`${g.sport}>${g.dport}`).toBe(`${col(o, 'udp.srcport')}>${col(o, 'udp.dstport')}`);
      });
    }
  });

  it('cut at every length: never Ok, never a throw or a read past the capture (decodeBytes guards every index)', async () => {
    const frame = (await rows(join(FIXTURE, 'nflog.pcap')))[0]!.bytes;
    for (let len = 0; len < frame.length; len++) {
      const view = decodeBytes(239, frame, new PacketView(), len, frame.length);
      expect(view.status, `cut at ${len}`).not.toBe(DecodeStatus.Ok);
    }
    // A TLV claiming fewer bytes than its own header is malformed, named at its offset.
    const bad = frame.slice(0, 12);
    bad[4] = 2;
    bad[5] = 0;
    const view = decodeBytes(239, bad);
    expect(view.status).toBe(DecodeStatus.Malformed);
    expect(view.reasonOffset - view.start).toBe(4);
  });

  it('analyze labels each capture point with its NFLOG prefix', async () => {
    const report = await runAnalyze({ paths: [FIXTURE], hosts: [] });
    expect(report.hosts[0]!.captures[0]!.interfaces).toEqual(['in-from-peer', 'out-udp']);
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
