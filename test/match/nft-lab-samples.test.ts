// The nftables lab samples (samples/lab/lab.sh, a real kernel with `nft` in the namespaces):
// clusterip-nft and nodeport-nft (kube-proxy's nftables mode, no iptables service rules) and
// docker-nft (Docker's nftables backend: port publishing and container egress masquerade).
// Their truth.json names the nft rule of each translation as the kernel's `nft monitor trace`
// showed it (family, table, chain, handle) with the text `nft -a list ruleset` lists. analyze
// must name the same rule from the JSON dump (preferred over the text one) and say so in every
// format. The generic comparison (path, answer, steps, conntrack) is analyze-truth.test.ts's.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import { makeStyle } from '../../src/report/terminal.js';
import { SAMPLES, endpointText, findFlow, labScenarios, ourKind, readTruth, ruleIdentity, type TruthFlow } from './truth.js';

const NFT_SAMPLES = ['clusterip-nft', 'nodeport-nft', 'docker-nft'].filter((s) => labScenarios().includes(s));

interface NftTruthRule {
  family: string;
  table: string;
  chain: string;
  handle: number;
  text: string;
  source: string;
  trace: string;
  packets?: number;
}

/** The translations truth names an nft rule for, on hosts in the case. */
function nftTranslations(flows: TruthFlow[]) {
  return flows.flatMap((flow) =>
    flow.translations
      .filter((x) => x.beyondCapturedHosts !== true && x.rule !== null && x.rule.handle !== undefined)
      .map((x) => ({ flow, x, rule: x.rule as unknown as NftTruthRule })),
  );
}

interface TruthEndpointLike {
  address: string;
  port?: number;
}

const withoutCounters = (text: string) => text.replace(/\bcounter packets \d+ bytes \d+/g, 'counter');

describe.runIf(NFT_SAMPLES.length > 0)('the nftables lab samples', () => {
  it.each(NFT_SAMPLES)('%s: truth names nft rules the kernel listed, by handle, in the JSON dump too', (scenario) => {
    const truth = readTruth(scenario);
    const named = nftTranslations(truth.flows);
    expect(named.length).toBeGreaterThan(0);
    for (const { rule } of named) {
      const [host] = rule.source.split('/');
      const json = JSON.parse(readFileSync(join(SAMPLES, scenario, host!, 'nft-ruleset.json'), 'utf8')) as { nftables: Array<{ rule?: { family: string; table: string; chain: string; handle: number } }> };
      const listed = json.nftables.filter((o) => o.rule && o.rule.family === rule.family && o.rule.table === rule.table && o.rule.chain === rule.chain && o.rule.handle === rule.handle);
      expect(listed, `${rule.family} ${rule.table} ${rule.chain} handle ${rule.handle}`).toHaveLength(1);
      const textLine = readFileSync(join(SAMPLES, scenario, host!, 'nft-ruleset.txt'), 'utf8').split('\n')[Number(rule.source.split(':')[1]) - 1]!;
      expect(textLine.trim()).toBe(`${rule.text} # handle ${rule.handle}`);
    }
  });

  it.each(NFT_SAMPLES)('%s: analyze names each nft rule (family, table, chain, handle, text) from nft-ruleset.json', async (scenario) => {
    const truth = readTruth(scenario);
    const report = await runAnalyze({ paths: [join(SAMPLES, scenario)], hosts: [] });
    for (const { flow, x, rule } of nftTranslations(truth.flows)) {
      const ours = findFlow(report, flow)!.translations.find((y) => y.kind === ourKind(x.kind) && y.between.join() === x.between.join());
      expect(ours?.explained, `${scenario} ${x.kind} ${x.between.join()}`).toBe(true);
      const r = ours!.rule!;
      expect({ family: r.nft?.family, table: r.table, chain: r.chain, handle: r.nft?.handle, text: r.text }).toEqual({
        family: rule.family,
        table: rule.table,
        chain: rule.chain,
        handle: rule.handle,
        text: withoutCounters(rule.text),
      });
      expect(r.file?.endsWith(`${scenario}/${x.host}/nft-ruleset.json`), r.file ?? 'no file').toBe(true);
      expect(r.jsonPath).toMatch(/^\$\.nftables\[\d+\]\.rule$/);
      // kube-proxy's endpoint pick is nft's numgen (three endpoints), not iptables' -m statistic.
      if (scenario !== 'docker-nft' && ours!.kind === 'DNAT') expect(ours!.note).toBe('This choice has probability 0.333 (numgen random).');
    }
    // Both forms were given: the text one is set aside, and said so.
    const notUsed = report.diagnostics.filter((d) => d.code === 'case.nft-text-not-used').map((d) => d.file);
    const nftHosts = [...new Set(nftTranslations(truth.flows).map(({ x }) => x.host!))];
    for (const host of nftHosts) expect(notUsed.some((f) => f?.endsWith(`${scenario}/${host}/nft-ruleset.txt`)), host).toBe(true);
  });

  it.each(NFT_SAMPLES)('%s: text, Markdown and HTML name the nft rule and its handle', async (scenario) => {
    const truth = readTruth(scenario);
    const report = await runAnalyze({ paths: [join(SAMPLES, scenario)], hosts: [] });
    const text = ANALYZE_FORMATS.table(report, { style: makeStyle(false), width: 400 });
    const markdown = ANALYZE_FORMATS.markdown(report);
    const html = ANALYZE_FORMATS.html(report);
    for (const { rule } of nftTranslations(truth.flows)) {
      const name = `${rule.family} ${rule.table}/${rule.chain} handle ${rule.handle}`;
      expect(text).toContain(name);
      expect(text).toContain(withoutCounters(rule.text));
      // Markdown escapes the underscores of kube-proxy's endpoint chain names.
      expect(markdown).toContain(name.replace(/_/g, '\\_'));
      expect(html).toContain(name);
      expect(html).toContain(`<code class="rule-text">${withoutCounters(rule.text).replace(/"/g, '&quot;')}</code>`);
    }
  });

  it.each(NFT_SAMPLES)('%s: the answer is what the server saw', async (scenario) => {
    const report = await runAnalyze({ paths: [join(SAMPLES, scenario)], hosts: [] });
    expect([...new Set(report.answers.flatMap((a) => a.sources))].sort()).toEqual([...readTruth(scenario).partnerSees].sort());
  });

  it('the kernel did what each scenario is for', () => {
    const sees = (scenario: string) => [...readTruth(scenario).partnerSees].sort();
    const servedBy = (scenario: string) => [...new Set(readTruth(scenario).flows.map((f) => endpointText((f as TruthFlow & { servedBy: TruthEndpointLike }).servedBy, 'tcp')))].sort();
    if (NFT_SAMPLES.includes('clusterip-nft')) {
      // The pod address is kept; numgen picked endpoints on both nodes.
      expect(sees('clusterip-nft')).toEqual(['10.244.1.2']);
      expect(servedBy('clusterip-nft')).toEqual(['10.244.1.3:8080', '10.244.2.2:8080', '10.244.2.3:8080']);
    }
    if (NFT_SAMPLES.includes('nodeport-nft')) {
      // Masqueraded to node1's address on the way out: flannel.1 across VXLAN, cni0 to the local endpoint.
      expect(sees('nodeport-nft')).toEqual(['10.244.1.0', '10.244.1.1']);
      expect(servedBy('nodeport-nft')).toEqual(['10.244.1.3:8080', '10.244.2.2:8080', '10.244.2.3:8080']);
    }
    if (NFT_SAMPLES.includes('docker-nft')) {
      // The container sees the client (published port, no masquerade); the partner sees the gateway.
      expect(sees('docker-nft')).toEqual(['10.0.0.50', '203.0.113.7']);
    }
  });

  it('ruleIdentity names nft rules by handle and iptables rules by position', () => {
    expect(ruleIdentity({ family: 'ip', table: 'kube-proxy', chain: 'masquerading', handle: 38, text: 'masquerade fully-random' })).toBe('ip kube-proxy/masquerading handle 38');
    expect(ruleIdentity({ table: 'nat', chain: 'POSTROUTING', ruleNumber: 1, text: '-A POSTROUTING -j MASQUERADE' })).toBe('nat/POSTROUTING #1');
  });
});
