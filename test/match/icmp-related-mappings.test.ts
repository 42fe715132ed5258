// ICMP errors quoting flows that different rules mapped, and errors that left a host untranslated,
// from a real kernel (samples/icmp-errors-two-rules, lab.sh): flannel runs without its MASQUERADE
// and the NAT gateway translates the pod range by destination — the partner's feed port 9101 by
// MASQUERADE, 9102 by SNAT, its second address by another SNAT. The partner's port unreachables
// for both feed ports are one error flow RELATED to two flows whose entries two rules made; the
// pod's own port unreachables (to a late echo) leave node1 with the pod address, which no nat rule
// could have changed: conntrack rewrites an error by the entry of the flow it quotes, and node1
// made no mapping for that flow.

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import type { AnalyzeReport, Flow } from '../../src/report/analyze-model.js';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import { renderAnalyzeMarkdown } from '../../src/report/render-analyze-markdown.js';
import { renderAnalyzeText } from '../../src/report/render-analyze-text.js';
import { makeStyle } from '../../src/report/terminal.js';
import { samplePath } from '../corpus.js';
import { readRecords } from './merge-pcaps.js';
import { endpointText, findFlow, readTruth, ruleIdentity } from './truth.js';

const SCENARIO = 'icmp-errors-two-rules';
const SAMPLE = samplePath(SCENARIO);
const scratch = mkdtempSync(join(tmpdir(), 'natpath-icmp-mappings-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const errorFrom = (r: AnalyzeReport, client: string): Flow => r.flows.find((f) => f.icmpError !== null && f.client === client)!;

describe.runIf(existsSync(join(SAMPLE, 'truth.json')))('ICMP errors RELATED to flows that different rules mapped', async () => {
  const truth = readTruth(SCENARIO);
  const report = await runAnalyze({ paths: [SAMPLE], hosts: [] });
  const udp = (port: number) => truth.flows.find((f) => f.proto === 'udp' && f.server.port === port)!;
  // The truth's rule for each flow at the gateway, read back from the kernel's counters.
  const truthRule = (port: number): string => ruleIdentity(udp(port).translations.find((t) => t.host === 'natgw')!.rule!);

  it("names each quoted flow's own mapping, and no one rule for them all", () => {
    const feedA = findFlow(report, udp(9101))!;
    const feedB = findFlow(report, udp(9102))!;
    expect([truthRule(9101), truthRule(9102)]).toEqual(['nat/POSTROUTING #1', 'nat/POSTROUTING #2']);
    const errors = errorFrom(report, '198.51.100.10');
    expect(errors.icmpError).toMatchObject({ name: 'port unreachable', relatedFlows: [feedA.id, feedB.id] });
    const [t, ...others] = errors.translations.filter((x) => x.where === 'on-host' || x.where === 'host');
    expect(others).toEqual([]);
    expect([t!.kind, t!.host, t!.rule, t!.explained]).toEqual(['DNAT', 'natgw', null, true]);
    expect(t!.related!.mappingRule).toBeNull();
    expect(t!.related!.mappings.map((m) => ({ flows: m.flows, translated: m.translated, rule: ruleIdentity(m.rule!) }))).toEqual([
      { flows: [feedA.id], translated: true, rule: truthRule(9101) },
      { flows: [feedB.id], translated: true, rule: truthRule(9102) },
    ]);
    // The very rule objects the quoted flows' own translations name.
    expect(t!.related!.mappings.map((m) => m.rule)).toEqual([feedA, feedB].map((f) => f.translations.find((x) => x.host === 'natgw')!.rule));
    expect(t!.note).toContain(`whose mappings on natgw differ: flow ${feedA.id} by nat/POSTROUTING rule 1 (MASQUERADE), flow ${feedB.id} by nat/POSTROUTING rule 2 (SNAT)`);
  });

  it('one quoted flow: its rule is the mapping rule, as before', () => {
    const late = findFlow(report, udp(9000))!;
    const errors = errorFrom(report, '10.244.1.2');
    expect(errors.icmpError!.relatedFlows).toEqual([late.id]);
    const t = errors.translations.find((x) => x.host === 'natgw')!;
    expect(ruleIdentity(t.related!.mappingRule!)).toBe(truthRule(9000));
    expect(t.related!.mappings).toEqual([{ flows: [late.id], translated: true, rule: t.related!.mappingRule }]);
  });

  it('an error that left node1 with the pod address is explained by the flow it quotes, not by a walk of the nat rules', () => {
    const late = findFlow(report, udp(9000))!;
    const errors = errorFrom(report, '10.244.1.2');
    // The partner saw the errors from the gateway's address: node1 sent them on with the pod's own.
    expect(errors.seenByServer?.src).toBe(endpointText(udp(9000).serverSees, 'icmp'));
    expect(errors.untranslated).toEqual([
      {
        host: 'node1',
        capturePoint: 'node1:eth0',
        src: '10.244.1.2',
        rule: null,
        excludedBy: [],
        notReachedBecause: null,
        related: { flows: [late.id], translatedHere: [] },
        reason: `node1 (left eth0 as 10.244.1.2): an ICMP error meets no nat rule (conntrack rewrites it by the entry of the flow it quotes, as RELATED), and node1 did not translate flow ${late.id}, which it quotes, either: its entry there holds no mapping to rewrite the error with`,
      },
    ]);
    // The flow it quotes is explained by the walk, as every other flow is.
    expect(late.untranslated.map((u) => [u.host, u.rule?.chain, u.related])).toEqual([['node1', 'KUBE-POSTROUTING', null]]);
    const line = report.answers.find((a) => a.proto === 'icmp' && a.server === '198.51.100.11')!;
    expect(line.untranslated).toEqual([`left node1:eth0 untranslated as 10.244.1.2: an ICMP error meets no nat rule (conntrack RELATED), and node1's entry of the flow it quotes holds no mapping that rewrites it`]);
  });

  it('says so in every format', () => {
    const text = renderAnalyzeText(report, { style: makeStyle(false), width: 400, verbose: false });
    expect(text).toContain('by conntrack as RELATED to the udp flows it quotes, whose mappings differ: nat/POSTROUTING rule 1 (MASQUERADE), nat/POSTROUTING rule 2 (SNAT)');
    expect(text).toMatch(/mapped by nat\/POSTROUTING rule 1 \(samples\/icmp-errors-two-rules\/natgw\/iptables-save\.txt:18\), for flow 1\n/);
    expect(text).toMatch(/mapped by nat\/POSTROUTING rule 2 \(samples\/icmp-errors-two-rules\/natgw\/iptables-save\.txt:19\), for flow 3\n/);
    expect(text).toContain('why       not translated on node1 (left eth0 as 10.244.1.2): an ICMP error meets no nat rule');
    const md = renderAnalyzeMarkdown(report, {});
    expect(md).toContain('   - mapped by `nat/POSTROUTING rule 1` (`samples/icmp-errors-two-rules/natgw/iptables-save.txt:18`), for flow 1:');
    expect(md).toContain('   - mapped by `nat/POSTROUTING rule 2` (`samples/icmp-errors-two-rules/natgw/iptables-save.txt:19`), for flow 3:');
    const csv = ANALYZE_FORMATS.csv(report).split('\n');
    const column = csv[0]!.split(',').indexOf('related_mapping_rule');
    expect(column).toBeGreaterThan(0);
    const errorId = String(errorFrom(report, '198.51.100.10').id);
    expect(csv.filter((l) => l.startsWith(`${errorId},`)).some((l) => l.includes('nat/POSTROUTING rule 1 (samples/icmp-errors-two-rules/natgw/iptables-save.txt:18) for flow 1; nat/POSTROUTING rule 2 (samples/icmp-errors-two-rules/natgw/iptables-save.txt:19) for flow 3'))).toBe(true);
    const html = ANALYZE_FORMATS.html(report);
    expect(html).toContain('RELATED to flow 1, mapped by nat/POSTROUTING rule 1');
    expect(html).toContain('RELATED to flow 3, mapped by nat/POSTROUTING rule 2');
    expect(html).toContain('2 mappings, by different rules');
  });

  it('the quoted flows left out of the captures: whether node1 translated them cannot be told', async () => {
    const dir = join(scratch, 'no-udp');
    cpSync(SAMPLE, dir, { recursive: true });
    for (const host of ['node1', 'natgw', 'partner']) {
      const file = join(SAMPLE, host, 'capture.pcap');
      const bytes = readFileSync(file);
      const link = bytes.readUInt32LE(20) === 276 ? 20 : 14;
      const kept = readRecords(file, bytes).filter((r) => !isUdp(r.bytes, link));
      writeFileSync(join(dir, host, 'capture.pcap'), Buffer.concat([bytes.subarray(0, 24), ...kept.map((r) => r.bytes)]));
    }
    const r = await runAnalyze({ paths: [dir], hosts: [] });
    expect(r.flows.filter((f) => f.proto === 'udp')).toEqual([]);
    const errors = errorFrom(r, '10.244.1.2');
    expect(errors.icmpError!.relatedFlows).toEqual([]);
    expect(errors.untranslated).toHaveLength(1);
    const [u] = errors.untranslated;
    expect([u!.rule, u!.related]).toEqual([null, { flows: [], translatedHere: [] }]);
    expect(u!.reason).toContain('the flow it belongs to was not captured; whether node1 translated the connection it quotes cannot be told');
    for (const t of errorFrom(r, '198.51.100.10').translations) expect(t.related?.mappings ?? []).toEqual([]);
  });
});

/** An IPv4 UDP record (SLL2 or Ethernet, as the lab records them). */
function isUdp(record: Buffer, link: number): boolean {
  const data = record.subarray(16);
  const ethertype = data.readUInt16BE(link === 20 ? 0 : 12);
  return ethertype === 0x0800 && data.length > link + 9 && data[link + 9] === 17;
}
