// Issue 11 §1/§3: which end of a flow seen only in part is its client. Real lab captures, cut
// without touching a packet (as a narrower capture would have written them): node1 of
// samples/udp6-echo-repeated captured `-Q out` (the pod's veth and cni0 then hold only the
// server's replies: their first sender is the server), and node1 of samples/pod-egress-natgw
// started mid-stream (no SYN, and each connection's first packet is the server's). Before, both
// were oriented by their first sender and answered the wrong way round ("[fd00:10:244:1::2]:50265
// sees 2001:db8:100::10"). Now a host's conntrack entry orients them; without one the orientation
// is a guess, said in every format, and no answer line says who sees whom on it. A conntrack entry
// that contradicts a captured handshake is said, and the packets win.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { rowFromReport } from '../../src/app/batch/summary.js';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import type { AnalyzeReport } from '../../src/report/analyze-model.js';
import { makeStyle } from '../../src/report/terminal.js';
import { PACKET_OUTGOING, type Sll2Record, readSll2Capture, writeSll2Capture } from './sll2-records.js';
import { SAMPLES, differences, endpointText, findFlow, labScenarios, readTruth } from './truth.js';

const ECHO = 'udp6-echo-repeated';
const NATGW = 'pod-egress-natgw';
const scenarios = labScenarios();
const scratch = mkdtempSync(join(tmpdir(), 'natpath-orientation-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A case holding node1 of `scenario` only, its capture cut to the records `keep` accepts; without its conntrack snapshot when `conntrack` is false. */
function node1Case(name: string, scenario: string, keep: (r: Sll2Record, i: number) => boolean, conntrack: boolean): string {
  const root = join(scratch, name);
  cpSync(join(SAMPLES, scenario, 'node1'), join(root, 'node1'), { recursive: true });
  const capture = readSll2Capture(join(SAMPLES, scenario, 'node1', 'capture.pcap'));
  const kept = new Set(capture.records.filter(keep));
  writeSll2Capture(join(root, 'node1', 'capture.pcap'), capture, (r) => kept.has(r));
  if (!conntrack) rmSync(join(root, 'node1', 'conntrack.txt'));
  return root;
}

/** Every answer line in every format and the batch summary: what a user pastes into a ticket. */
function everyFormat(report: AnalyzeReport): Record<string, string> {
  const text = ANALYZE_FORMATS.table(report, { style: makeStyle(false), width: 400 });
  return {
    table: text.slice(0, text.indexOf('\n\n')),
    markdown: ANALYZE_FORMATS.markdown(report),
    html: ANALYZE_FORMATS.html(report),
    summary: rowFromReport(report).answers.join('\n'),
  };
}

/** The TCP header of an IPv4 record behind the cooked v2 header: ports and flags, or null. */
function tcpOf(r: Sll2Record): { sport: number; dport: number; flags: number; src: number; dst: number } | null {
  const frame = r.bytes.subarray(16);
  if (frame.readUInt16BE(0) !== 0x0800) return null;
  const ip = frame.subarray(20);
  if (ip[9] !== 6) return null;
  const tcp = ip.subarray((ip[0]! & 0x0f) * 4);
  return { sport: tcp.readUInt16BE(0), dport: tcp.readUInt16BE(2), flags: tcp[13]!, src: ip.readUInt32BE(12), dst: ip.readUInt32BE(16) };
}

/**
 * A capture that started mid-stream: no SYN, and each connection's first packet is the server's
 * (port 80): the client's packets before it are cut, at every interface.
 */
function midStream(): (r: Sll2Record) => boolean {
  const started = new Set<string>();
  return (r) => {
    const t = tcpOf(r);
    if (t === null) return true;
    if ((t.flags & 0x02) !== 0) return false;
    const fromServer = t.sport === 80;
    // The client's endpoint as seen at this interface names the connection there.
    const key = fromServer ? `${r.ifIndex} ${t.dst}:${t.dport}` : `${r.ifIndex} ${t.src}:${t.sport}`;
    if (fromServer) started.add(key);
    return started.has(key);
  };
}

describe.runIf(scenarios.includes(ECHO))('a fragment that holds only replies (node1 captured `-Q out`)', () => {
  const outOnly = (r: Sll2Record) => r.pktType === PACKET_OUTGOING;

  it("with node1's conntrack snapshot: each flow is oriented by its entry, the pod is the client", async () => {
    const report = await runAnalyze({ paths: [node1Case('echo-out', ECHO, outOnly, true)], hosts: [] });
    for (const t of readTruth(ECHO).flows) {
      const flow = findFlow(report, t);
      expect(flow, `udp ${endpointText(t.client, t.proto)}`).toBeDefined();
      expect(flow!.orientation).toMatchObject({ basis: 'conntrack', guessed: false });
      expect(flow!.orientation.reason).toContain(`records ${endpointText(t.client, t.proto)} as the connection's original source`);
    }
    // No line names the pod as a server, nor says what the pod sees.
    for (const a of report.answers) expect(a.server.startsWith('[fd00:10:244:1::2]')).toBe(false);
    for (const [format, out] of Object.entries(everyFormat(report))) expect(out, format).not.toMatch(/fd00:10:244:1::2\]:\d+ sees/);
    expect(report.answers.map((a) => `${a.proto} ${a.server}`)).toContain('udp [2001:db8:100::10]:9000');
  });

  it('a snapshot whose entries disagree (the same endpoints recorded both ways round, bad input): no evidence, a guess, not a wrong answer', async () => {
    const root = node1Case('echo-out-both-ways', ECHO, outOnly, true);
    const file = join(root, 'node1', 'conntrack.txt');
    const reversed = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('udp '))
      .map((l) => l.replace(/src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+) src=\S+ dst=\S+ sport=\d+ dport=\d+/, 'src=$2 dst=$1 sport=$4 dport=$3 src=$1 dst=$2 sport=$3 dport=$4'));
    expect(reversed).toHaveLength(3);
    writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}\n${reversed.join('\n')}\n`);
    const report = await runAnalyze({ paths: [root], hosts: [] });
    for (const f of report.flows.filter((x) => x.proto === 'udp' && x.lastCapturePoint !== 'node1:eth0')) expect(f.orientation.guessed).toBe(true);
    for (const [format, out] of Object.entries(everyFormat(report))) expect(out, format).not.toMatch(/fd00:10:244:1::2\]:\d+ sees/);
  });

  it('without a conntrack snapshot: the orientation is a guess, said in every format, and no line says who sees whom', async () => {
    const report = await runAnalyze({ paths: [node1Case('echo-out-bare', ECHO, outOnly, false)], hosts: [] });
    const fragments = report.flows.filter((f) => f.lastCapturePoint !== 'node1:eth0');
    expect(fragments.length).toBeGreaterThanOrEqual(3);
    for (const f of fragments) {
      expect(f.orientation).toMatchObject({ basis: 'first-sender', guessed: true });
      expect(f.orientation.reason).toMatch(/^a guess: .* the captures hold its packets one way only/);
    }
    const guessed = report.answers.filter((a) => a.orientationGuessed !== null);
    expect(guessed.length).toBeGreaterThanOrEqual(3);
    for (const a of guessed) {
      expect(a.flows).toBe(0);
      expect(a.seenAtServer).toBe(false);
      expect(a.sources).toEqual([]);
      expect(a.orientationGuessed!.peers).toEqual(['2001:db8:100::10']);
      expect(a.orientationGuessed!.reason).toMatch(/which end is the client is a guess/);
    }
    const out = everyFormat(report);
    expect(out.table).not.toMatch(/ sees /);
    expect(out.table).toMatch(/⇄ 2001:db8:100::10 — client unknown: /);
    expect(out.markdown).toMatch(/^> udp \\?\[fd00:10:244:1::2\\?\]:\d+ ⇄ 2001:db8:100::10: client unknown/m);
    expect(out.markdown).toContain('**Client unknown:** a guess: ');
    expect(out.html).toContain('talked with (client unknown)');
    expect(out.html).toContain('data-orientation-guessed="true"');
    expect(out.summary).not.toMatch(/ sees /);
    const csv = ANALYZE_FORMATS.csv(report).trim().split('\n');
    for (const f of fragments) {
      const rows = csv.filter((r) => r.startsWith(`${f.id},`));
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.endsWith(',first-sender,true')).toBe(true);
    }
  });
});

describe.runIf(scenarios.includes(NATGW))('TCP captured mid-stream: no handshake, the server speaks first', () => {
  it("with node1's conntrack snapshot: oriented by its entries, the answer is where the pod's flows were last seen", async () => {
    const report = await runAnalyze({ paths: [node1Case('mid-stream', NATGW, midStream(), true)], hosts: [] });
    const tcp = readTruth(NATGW).flows.filter((t) => t.proto === 'tcp');
    expect(tcp.length).toBe(3);
    for (const t of tcp) {
      const flow = findFlow(report, t);
      expect(flow, endpointText(t.client, t.proto)).toBeDefined();
      expect(flow!.orientation).toMatchObject({ basis: 'conntrack', guessed: false });
      expect(flow!.lastSeen.src).toMatch(/^10\.0\.0\.11:/);
    }
    const answer = report.answers.find((a) => a.proto === 'tcp')!;
    expect(answer.server).toBe('198.51.100.10:80');
    expect(answer.lastSeen.map((s) => `${s.capturePoint} ${s.src}`)).toEqual(['node1:eth0 10.0.0.11']);
    for (const a of report.answers) expect(a.server.startsWith('10.')).toBe(false);
  });

  it('without a conntrack snapshot: a guess, never "10.244.1.2 sees 198.51.100.10"', async () => {
    const report = await runAnalyze({ paths: [node1Case('mid-stream-bare', NATGW, midStream(), false)], hosts: [] });
    const tcp = report.flows.filter((f) => f.proto === 'tcp');
    expect(tcp.length).toBeGreaterThanOrEqual(3);
    for (const f of tcp) {
      expect(f.orientation).toMatchObject({ basis: 'first-sender', guessed: true });
      expect(f.orientation.reason).toMatch(/the capture may have started after the connection did/);
      // The first sender is the server: node1's MASQUERADE explains only the pod (10.0.0.11 on eth0) as client; not flipped, said.
      expect(f.orientation.reason).toMatch(/; kept although only the other way round is explained: the rules of node1 would also translate it had 10\.0\.0\.11:\d+ sent the first packet, while the rules do not explain 198\.51\.100\.10:80's packets as the first ones/);
    }
    for (const a of report.answers.filter((x) => x.proto === 'tcp')) {
      expect(a.flows).toBe(0);
      expect(a.sources).toEqual([]);
      expect(a.orientationGuessed).not.toBeNull();
    }
    for (const [format, out] of Object.entries(everyFormat(report))) expect(out, format).not.toMatch(/tcp \S+ sees /);
  });
});

describe.runIf(scenarios.includes(NATGW))('a conntrack snapshot that contradicts the packets (bad input)', () => {
  /**
   * A copy of the sample with the partner's entry of one connection (the line holding `holds`)
   * recorded the other way round (`reversed`); the report on it, that line's number, and what was
   * said of it.
   */
  async function withPartnerEntry(name: string, holds: (line: string) => boolean, reversed: string) {
    const root = join(scratch, name);
    cpSync(join(SAMPLES, NATGW), root, { recursive: true });
    const file = join(root, 'partner', 'conntrack.txt');
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex(holds);
    expect(at).toBeGreaterThanOrEqual(0);
    lines[at] = reversed;
    writeFileSync(file, lines.join('\n'));
    const report = await runAnalyze({ paths: [root], hosts: [] });
    expect(differences(report, readTruth(NATGW))).toEqual([]);
    const said = report.diagnostics.filter((d) => d.code === 'analyze.conntrack-contradicts-packets');
    expect(said).toHaveLength(1);
    expect(said[0]!.severity).toBe('warning');
    expect(said[0]!.file).toMatch(/partner\/conntrack\.txt$/);
    expect(said[0]!.line).toBe(at + 1);
    return { report, message: said[0]!.message };
  }

  it('is said, with the entry, and the handshake wins', async () => {
    // The server as its original source.
    const { report, message } = await withPartnerEntry(
      'contradicted',
      (l) => l.includes('sport=48280 dport=80'),
      'tcp      6 118 TIME_WAIT src=198.51.100.10 dst=203.0.113.7 sport=80 dport=48280 src=203.0.113.7 dst=198.51.100.10 sport=48280 dport=80 [ASSURED] mark=0 use=1',
    );
    expect(message).toMatch(/^partner's conntrack entry names the other end as the client than the TCP handshake captured .* the packets are taken/);
    const flow = report.flows.find((f) => f.client === '10.244.1.2:55794')!;
    expect(flow.orientation.basis).toBe('tcp-handshake');
    expect(flow.orientation.reason).toContain('a conntrack entry says otherwise');
  });

  // No handshake (UDP): the hosts' entries decide, and one that disagrees with the others is named
  // as contradicting another entry — not "another host's", which it need not be.
  it("a UDP entry against the other hosts' entries: said as contradicting another conntrack entry", async () => {
    const { message } = await withPartnerEntry(
      'contradicted-udp',
      (l) => l.startsWith('udp') && l.includes('sport=52995 dport=9000'),
      'udp      17 29 src=198.51.100.10 dst=203.0.113.7 sport=9000 dport=52995 src=203.0.113.7 dst=198.51.100.10 sport=52995 dport=9000 mark=0 use=1',
    );
    expect(message).toMatch(/^partner's conntrack entry names the other end as the client than another conntrack entry \(flow \d+\): the packets are taken/);
  });
});
