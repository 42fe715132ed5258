// `natpath decode` as a user runs it (the built CLI's main() in process, test/cli/run-cli-in-process.ts), on real corpus captures
// and, when the lab has made them, on samples/<scenario>/<host>/capture.pcap.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusPath, NEEDS_CORPUS } from '../corpus.js';
import { runCliInProcess } from '../cli/run-cli-in-process.js';
import { loadOracle } from '../capture/oracle.js';
import { recordedOutput } from '../tshark/recordings.js';
import { labCaptures, labSampleRun } from '../tshark/runs.js';

const tmp = mkdtempSync(join(tmpdir(), 'natpath-decode-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ndjson = (text: string): Array<Record<string, unknown>> =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('natpath decode: formats', NEEDS_CORPUS, () => {
  it('table: one line per packet after the header, --limit stops early', async () => {
    const r = await runCliInProcess(['decode', corpusPath('tcpdump/vxlan_port_8472.pcap'), '--limit', '4']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^frame\s+time \(UTC\)\s+if\s+dir\s+source/);
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/192\.168\.203\.3 .* icmp .*<vxlan 100>/);
  });

  it('ndjson: the documented record, innermost addresses, outer stack in encap', async () => {
    const r = await runCliInProcess(['decode', corpusPath('tcpdump/vxlan_port_8472.pcap'), '--format', 'ndjson']);
    expect(r.code).toBe(0);
    const recs = ndjson(r.stdout);
    expect(recs).toHaveLength(10);
    expect(Object.keys(recs[0]!)).toEqual(
      expect.arrayContaining(['frame', 'ts', 'interface', 'direction', 'linkType', 'length', 'capLength', 'src', 'dst', 'proto', 'sport', 'dport']),
    );
    expect(Object.keys(recs[0]!)).toEqual(expect.arrayContaining(['ipId', 'tcpSeq', 'tcpAck', 'tcpFlags', 'icmp', 'encap', 'tunnel', 'truncated', 'malformed']));
    expect(recs[0]).toMatchObject({
      frame: 1,
      ts: '1368908504.837063',
      src: '192.168.203.3',
      dst: '192.168.203.5',
      proto: 'icmp',
      icmp: { type: 8, code: 0, id: 1292, seq: 1 },
      encap: [{ type: 'vxlan', vni: 100, src: '192.168.203.1', dst: '192.168.202.1', dport: 8472 }],
      tunnel: { kind: 'vxlan', vni: 100 },
      truncated: false,
      malformed: null,
    });
    expect(recs.map((x) => x.frame)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('ndjson agrees with tshark frame by frame on a Linux cooked v2 capture (addresses, ports, interface index, direction)', async () => {
    const file = 'pcapplusplus/pcap__sll2.pcap';
    const recs = ndjson((await runCliInProcess(['decode', corpusPath(file), '--format', 'ndjson'])).stdout);
    const oracle = readFileSync(corpusPath(`oracle/${file}.csv`), 'utf8').trim().split('\n');
    const header = oracle.shift()!.split(',');
    const col = (name: string): number => header.indexOf(name);
    expect(recs).toHaveLength(oracle.length);
    recs.forEach((rec, i) => {
      const f = oracle[i]!.split(',');
      expect(rec.src ?? '').toBe(f[col('ip.src')] || f[col('ipv6.src')]);
      expect(String(rec.sport ?? '')).toBe(f[col('tcp.srcport')] || f[col('udp.srcport')]);
      expect(rec.ifIndex).toEqual(expect.any(Number));
      expect(['in', 'out']).toContain(rec.direction);
    });
  });

  it('json: one document with the schema, the packets and the summary', async () => {
    const r = await runCliInProcess(['decode', corpusPath('tcpdump/geneve.pcap'), '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { schema: string; packets: Array<Record<string, unknown>>; summary: { packets: number; tunnels: unknown[] } };
    expect(doc.schema).toBe('natpath.decode/1');
    expect(doc.packets.length).toBe(doc.summary.packets);
    expect(doc.summary.tunnels).toContainEqual({ kind: 'geneve', packets: expect.any(Number) });
    expect(doc.packets.some((p) => (p.encap as Array<{ type: string }>)[0]?.type === 'geneve')).toBe(true);
  });

  it('csv: header and one row per packet, quoted by csv-stringify', async () => {
    const r = await runCliInProcess(['decode', corpusPath('tcpdump/geneve.pcap'), '--format', 'csv', '--limit', '3']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]!.startsWith('frame,ts,interface,ifIndex,direction,linkType,length,capLength')).toBe(true);
    expect(lines).toHaveLength(4);
  });

  it('--summary: totals, per link type / interface / protocol / tunnel, speed', async () => {
    const r = await runCliInProcess(['decode', corpusPath('tcpdump/vxlan_port_8472.pcap'), '--summary', '--format', 'json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(s).toMatchObject({
      schema: 'natpath.decode-summary/1',
      packets: 10,
      linkTypes: [{ linkType: 1, name: 'EN10MB', packets: 10 }],
      tunnels: [{ kind: 'vxlan', packets: 10 }],
      status: { ok: 10, truncated: 0, malformed: 0, unsupported: 0 },
      complete: true,
    });
    expect(s.flows).toBe(3);
    expect(s.packetsPerSecond).toEqual(expect.any(Number));
    const text = (await runCliInProcess(['decode', corpusPath('tcpdump/vxlan_port_8472.pcap'), '--summary'])).stdout;
    expect(text).toMatch(/packets\s+10/);
    expect(text).toMatch(/packets\/s/);
  });

  it('--summary counts the same packets as tshark on a multi-interface pcapng with interface names', async () => {
    const file = 'tcpdump/bgp-orf.pcapng';
    const frames = loadOracle('tcpdump', 'bgp-orf.pcapng');
    const s = JSON.parse((await runCliInProcess(['decode', corpusPath(file), '--summary', '--format', 'json'])).stdout) as { packets: number };
    expect(s.packets).toBe(frames.length);
  });

  it('--out writes the file instead of stdout', async () => {
    const out = join(tmp, 'out.ndjson');
    const r = await runCliInProcess(['decode', corpusPath('tcpdump/geneve.pcap'), '--format', 'ndjson', '--out', out]);
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(ndjson(readFileSync(out, 'utf8')).length).toBeGreaterThan(0);
  });
});

describe('natpath decode: bad input', () => {
  it('a capture cut mid-record: packets before the cut are printed, the error names the file and offset, exit 1', NEEDS_CORPUS, async () => {
    const file = corpusPath('derived-truncated/cut7__tcpdump_geneve.pcap');
    const r = await runCliInProcess(['decode', file, '--format', 'ndjson']);
    expect(r.code).toBe(1);
    expect(ndjson(r.stdout).length).toBeGreaterThan(0);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/byte offset \d+/);
    expect(r.stderr).toMatch(/incomplete .*packet\(s\) before it were decoded/);
  });

  it('a text file, an empty file and a missing file: clear error, exit 66 (nothing usable; nothing on stdout when missing)', async () => {
    const text = join(tmp, 'notes.txt');
    writeFileSync(text, 'this is not a capture\n');
    const empty = join(tmp, 'empty.pcap');
    writeFileSync(empty, '');
    for (const f of [text, empty]) {
      const r = await runCliInProcess(['decode', f]);
      expect(r.code, f).toBe(66);
      expect(r.stderr).toContain(f);
      expect(r.stderr).toMatch(/not a readable capture/);
    }
    const missing = await runCliInProcess(['decode', join(tmp, 'nope.pcap')]);
    expect(missing.code).toBe(66);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/cannot read capture file .*nope\.pcap/);
  });

  it('usage errors exit 2', async () => {
    expect((await runCliInProcess(['decode'])).code).toBe(2);
    expect((await runCliInProcess(['decode', corpusPath('tcpdump/geneve.pcap'), '--limit', '0'])).code).toBe(2);
    expect((await runCliInProcess(['decode', corpusPath('tcpdump/geneve.pcap'), '--format', 'xml'])).code).toBe(2);
  });
});

// ---- lab samples (samples/<scenario>/<host>/capture.pcap), against tshark's recorded reading ----

const samples = labCaptures();

describe.skipIf(samples.length === 0)('natpath decode agrees with tshark on every lab sample', () => {
  it.each(samples)('%s', async (file) => {
    const recs = ndjson((await runCliInProcess(['decode', file, '--format', 'ndjson'])).stdout);
    // tshark's last occurrence of each field = the innermost header, like natpath's record.
    // Flannel's VXLAN port (8472) is not one tshark decodes by default; natpath does.
    const out = recordedOutput(labSampleRun(file));
    const rows = out.split('\n').filter((l) => l !== '');
    expect(recs.length).toBe(rows.length);
    const differ: string[] = [];
    rows.forEach((row, i) => {
      const [, s4, d4, s6, d6, tsp, tdp, usp, udp, seq, protocols] = row.split('\t');
      const rec = recs[i]!;
      // Fragments are reassembled by tshark (docs/decode.md, class ip-reassembly): not compared.
      if (protocols!.includes('data') && rec.sport === null) return;
      const theirs = [s4 || s6, d4 || d6, tsp || usp, tdp || udp, seq];
      const ours = [rec.src ?? '', rec.dst ?? '', String(rec.sport ?? ''), String(rec.dport ?? ''), String(rec.tcpSeq ?? '')];
      if (ours.join() !== theirs.join()) differ.push(`#${i + 1} tshark ${theirs.join(' ')} natpath ${ours.join(' ')} (${protocols})`);
    });
    expect(differ.slice(0, 10)).toEqual([]);
  });
});
