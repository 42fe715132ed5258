// ICMP errors are translated by conntrack as RELATED to the flow they quote, never by a nat rule
// of their own (nf_nat_ipv4_fn hands RELATED ICMP to nf_nat_icmp_reply_translation before the
// nat chains run). samples/pod-egress-replay: the partner echoes each replayed datagram to the
// pod, whose socket is long closed, and the pod's kernel answers with port unreachables; node1's
// MASQUERADE and the gateway's SNAT rewrite them (and their quotes) from each replay's UDP entry.
// Bad input, from the same real captures: the quoted flow's packets left out, and the errors cut
// short inside their quote (as a small tcpdump -s would).

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import type { AnalyzeReport, Flow } from '../../src/report/analyze-model.js';
import { renderAnalyzeText } from '../../src/report/render-analyze-text.js';
import { renderAnalyzeMarkdown } from '../../src/report/render-analyze-markdown.js';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import { makeStyle } from '../../src/report/terminal.js';
import { samplePath } from '../corpus.js';
import { readRecords } from './merge-pcaps.js';
import { endpointText, readTruth } from './truth.js';

const SAMPLE = samplePath('pod-egress-replay');
const HOSTS = ['node1', 'natgw', 'partner'];
const scratch = mkdtempSync(join(tmpdir(), 'natpath-icmp-related-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The lab's link types: node1 and natgw record SLL2 (`-i any`), the partner Ethernet. */
const SLL2 = 20;
const ETHERNET = 14;
const linkHeader = (linkType: number): number => (linkType === 276 ? SLL2 : ETHERNET);
/** The record's IP protocol when it holds IPv4, or -1. */
function ipProto(record: Buffer, link: number): number {
  const data = record.subarray(16);
  const ethertype = data.readUInt16BE(link === SLL2 ? 0 : 12);
  return ethertype === 0x0800 && data.length > link + 9 ? data[link + 9]! : -1;
}

/** A copy of the sample whose captures pass each record through `edit` (null drops it). */
function editedCase(name: string, edit: (record: Buffer, link: number) => Buffer | null): string {
  const dir = join(scratch, name);
  cpSync(SAMPLE, dir, { recursive: true });
  for (const host of HOSTS) {
    const file = join(SAMPLE, host, 'capture.pcap');
    const bytes = readFileSync(file);
    const link = linkHeader(bytes.readUInt32LE(20));
    const kept = readRecords(file, bytes)
      .map((r) => edit(r.bytes, link))
      .filter((r): r is Buffer => r !== null);
    writeFileSync(join(dir, host, 'capture.pcap'), Buffer.concat([bytes.subarray(0, 24), ...kept]));
  }
  return dir;
}

/** An ICMP record cut `quoteBytes` into its quote (caplen lowered, wire length kept). */
function cut(record: Buffer, link: number, quoteBytes: number): Buffer {
  if (ipProto(record, link) !== 1) return record;
  const keep = link + 20 + 8 + quoteBytes;
  const copy = Buffer.from(record.subarray(0, 16 + keep));
  copy.writeUInt32LE(keep, 8);
  return copy;
}

const errorFlows = (r: AnalyzeReport): Flow[] => r.flows.filter((f) => f.icmpError !== null);
const onHost = (f: Flow) => f.translations.filter((t) => t.where === 'on-host' || t.where === 'host');

describe.runIf(existsSync(join(SAMPLE, 'truth.json')))('ICMP errors: translated as RELATED to the flow they quote', async () => {
  const truth = readTruth('pod-egress-replay');
  const report = await runAnalyze({ paths: [SAMPLE], hosts: [] });

  it('names the quoted UDP flows (one per replay), not a nat rule matching the errors', () => {
    const [errors, ...others] = errorFlows(report);
    expect(others).toEqual([]);
    expect(errors!.proto).toBe('icmp');
    expect(errors!.icmpError).toMatchObject({ type: 3, code: 3, name: 'port unreachable', quoted: { proto: 'udp', src: '198.51.100.10:9000', dst: '10.244.1.2:51623', complete: true } });
    // Each replay's errors quote that replay's datagram: its own masquerade port past node1, so
    // its own flow. The truth's UDP connections are the ones the partner saw.
    const related = errors!.icmpError!.relatedFlows.map((id) => report.flows.find((f) => f.id === id)!);
    expect(related.map((f) => f.proto)).toEqual(['udp', 'udp', 'udp', 'udp']);
    expect(new Set(related.map((f) => f.seenByServer!.src))).toEqual(new Set(truth.flows.filter((t) => t.proto === 'udp').map((t) => endpointText(t.serverSees, 'udp'))));
    const translations = onHost(errors!);
    expect(translations.map((t) => `${t.kind} ${t.before.src} ⇒ ${t.after.src} on ${t.host}`)).toEqual(['SNAT 10.244.1.2 ⇒ 10.0.0.11 on node1', 'SNAT 10.0.0.11 ⇒ 203.0.113.7 on natgw']);
    for (const t of translations) {
      expect(t.rule).toBeNull();
      expect(t.explained).toBe(true);
      expect(t.related?.flows).toEqual(errors!.icmpError!.relatedFlows);
      // The rule named is the one that made the quoted flow's mapping on that host.
      const mapping = related[0]!.translations.find((x) => x.host === t.host && x.kind === t.kind)!.rule;
      expect(mapping).not.toBeNull();
      expect(t.related?.mappingRule).toEqual(mapping);
      // Every replay's flow was mapped by that same rule (its own entry, its own port): one mapping.
      expect(t.related?.mappings).toEqual([{ flows: errors!.icmpError!.relatedFlows, translated: true, rule: mapping }]);
      expect(t.note).toContain('as RELATED to flow');
    }
  });

  it('says so in every format, the answer line included', () => {
    const text = renderAnalyzeText(report, { style: makeStyle(false), width: 200, verbose: false });
    const icmpAnswer = text.split('\n').filter((l) => l.includes('· SNAT') && l.includes('RELATED'));
    expect(icmpAnswer).toHaveLength(2);
    expect(icmpAnswer[0]).toContain('by conntrack as RELATED to the udp flow it quotes, mapped by nat/FLANNEL-POSTRTG rule 5 (MASQUERADE)');
    expect(text).toMatch(/related +conntrack entries of flow 4 \(udp 10\.244\.1\.2:51623 → 198\.51\.100\.10:9000\) and 3 more/);
    expect(text).toMatch(/mapped by nat\/FLANNEL-POSTRTG rule 5 \(samples\/pod-egress-replay\/node1\/iptables-save\.txt:78\)/);
    const md = renderAnalyzeMarkdown(report, {});
    expect(md).toContain('   - related: conntrack entries of flow 4');
    expect(md).toContain('   - mapped by `nat/FLANNEL-POSTRTG rule 5`');
    const csv = ANALYZE_FORMATS.csv(report).split('\n');
    const head = csv[0]!.split(',');
    const errorId = String(errorFlows(report)[0]!.id);
    const rows = csv.slice(1).filter((l) => l.startsWith(`${errorId},`));
    expect(rows.length).toBeGreaterThan(0);
    expect(head.slice(head.indexOf('rule_ref') + 1, head.indexOf('rule_ref') + 4)).toEqual(['icmp_error', 'related_flows', 'related_mapping_rule']);
    expect(rows.some((r) => r.includes('port unreachable') && r.includes(errorFlows(report)[0]!.icmpError!.relatedFlows.join(' ')) && r.includes('nat/FLANNEL-POSTRTG rule 5'))).toBe(true);
  });

  it('an error quoting a flow absent from the case: no rule, no flow named, said plainly', async () => {
    const dir = editedCase('no-udp', (r, link) => (ipProto(r, link) === 17 ? null : r));
    const r = await runAnalyze({ paths: [dir], hosts: [] });
    expect(r.flows.filter((f) => f.proto === 'udp')).toEqual([]);
    const errors = errorFlows(r);
    expect(errors.length).toBeGreaterThan(0);
    for (const f of errors) {
      expect(f.icmpError!.relatedFlows).toEqual([]);
      expect(f.icmpError!.reason).toContain('the flow it belongs to was not captured');
      for (const t of onHost(f)) {
        expect([t.rule, t.explained, t.related?.flows]).toEqual([null, false, []]);
        expect(t.note).toContain('never by a nat rule');
      }
    }
    expect(r.totals.unexplained).toBeGreaterThan(0);
  });

  it('errors cut short inside their quote: before its ports, and before its IP header ends', async () => {
    // The quote's IPv4 header (20 bytes): addresses, no ports.
    const noPorts = await runAnalyze({ paths: [editedCase('cut-ports', (rec, link) => cut(rec, link, 20))], hosts: [] });
    const cutPorts = errorFlows(noPorts);
    expect(cutPorts.length).toBeGreaterThan(0);
    for (const f of cutPorts) {
      expect(f.icmpError!.quoted).toMatchObject({ proto: 'udp', complete: false });
      expect(f.icmpError!.relatedFlows).toEqual([]);
      expect(f.icmpError!.reason).toContain('cut short before the ports');
      for (const t of onHost(f)) expect([t.rule, t.explained]).toEqual([null, false]);
    }
    // 10 bytes of the quote: not even its addresses.
    const noHeader = await runAnalyze({ paths: [editedCase('cut-header', (rec, link) => cut(rec, link, 10))], hosts: [] });
    const cutHeader = errorFlows(noHeader);
    expect(cutHeader.length).toBeGreaterThan(0);
    for (const f of cutHeader) {
      expect(f.icmpError!.quoted).toBeNull();
      expect(f.icmpError!.reason).toBe("the errors' quotes were cut short inside their IP header, at every capture point: they name no connection");
      for (const t of onHost(f)) expect([t.rule, t.explained, t.note]).toEqual([null, false, expect.stringContaining('cut short inside their IP header')]);
    }
  });
});
