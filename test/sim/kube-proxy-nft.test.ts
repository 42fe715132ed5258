// kube-proxy's nftables mode against the corpus' reference cases (../shared/corpus/kube-proxy-nft,
// TestOverallNFTablesRules): every case traced from the `nft -j list ruleset` form and from the
// `nft list ruleset` text form must give the endpoints, drop/reject and masquerade the case says.
// @module-tag corpus

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatIpAddress, parseIpAddress } from '../../src/net/address.js';
import type { NftRuleset } from '../../src/nftables/model.js';
import { parseNftText } from '../../src/nftables/parse-nft-text.js';
import { readNftJson } from '../../src/nftables/read-json.js';
import { buildHostModel, type HostModel } from '../../src/sim/host-model.js';
import { simulate, type SimResult } from '../../src/sim/simulate.js';
import { corpusPath } from '../corpus.js';

interface NftCase {
  name: string;
  sourceIP: string;
  destIP: string;
  destPort: number;
  protocol?: string;
  expectedOutput: string;
  masq: boolean;
}

const dir = corpusPath('kube-proxy-nft/TestOverallNFTablesRules');
// Read in beforeAll, not at module level: without the corpus this file is skipped, not failed.
let meta: { localIPs: string[] };
let cases: NftCase[];
let affinity: NftCase[];
beforeAll(() => {
  meta = JSON.parse(readFileSync(`${dir}/meta.json`, 'utf8')) as { localIPs: string[] };
  cases = JSON.parse(readFileSync(`${dir}/cases.json`, 'utf8')) as NftCase[];
  affinity = JSON.parse(readFileSync(`${dir}/cases-affinity.json`, 'utf8')) as NftCase[];
});

function hostOf(ruleset: NftRuleset): HostModel {
  return buildHostModel({
    name: 'node',
    iptables: [],
    routes: [],
    rules: [],
    interfaces: null,
    conntrack: null,
    extraAddresses: meta.localIPs.map((a) => parseIpAddress(a)!).filter((a) => a.family === 'ipv4'),
    nftables: [ruleset],
  });
}

function trace(host: HostModel, c: NftCase): SimResult {
  const protocol = c.protocol ?? 'tcp';
  return simulate(host, {
    family: 'ipv4',
    protocol,
    protocolNumber: protocol === 'udp' ? 17 : 6,
    src: parseIpAddress(c.sourceIP),
    dst: parseIpAddress(c.destIP)!,
    sport: 40000,
    dport: c.destPort,
    icmpType: null,
    icmpCode: null,
    input: { kind: 'auto' },
    mark: 0,
    options: { recentHistory: 'empty' },
  });
}

/** natpath's answer in the reference's words: DNAT endpoints in rule order, else a common drop/reject verdict, else "". */
function referenceView(r: SimResult): { output: string; masq: boolean } {
  const endpoints: string[] = [];
  for (const o of r.outcomes) {
    for (const t of o.state.translations) {
      if (t.kind !== 'DNAT') continue;
      const e = `${formatIpAddress(t.after.dst)}:${t.after.dport}`;
      if (!endpoints.includes(e)) endpoints.push(e);
    }
  }
  const masq = r.outcomes.some((o) => o.state.steps.some((s) => s.target === 'jump mark-for-masquerade'));
  if (endpoints.length > 0) return { output: endpoints.join(', '), masq };
  const verdicts = new Set(r.outcomes.map((o) => o.verdict));
  if (verdicts.size === 1 && !verdicts.has('ACCEPT')) return { output: [...verdicts][0]!, masq };
  return { output: '', masq };
}

const forms: Array<[string, () => NftRuleset]> = [
  ['nft -j list ruleset', () => readNftJson(readFileSync(`${dir}/ruleset.json`, 'utf8'), `${dir}/ruleset.json`).value],
  ['nft list ruleset', () => parseNftText(readFileSync(`${dir}/ruleset.txt`, 'utf8'), `${dir}/ruleset.txt`).value],
];

describe.each(forms)('kube-proxy nftables mode from %s', (_form, read) => {
  let host: HostModel;
  beforeAll(() => {
    host = hostOf(read());
  });

  it('agrees with every reference case (endpoints, drop/reject, masquerade)', () => {
    expect(cases.length).toBe(34);
    const got = cases.map((c) => ({ name: c.name, ...referenceView(trace(host, c)) }));
    expect(got).toEqual(cases.map((c) => ({ name: c.name, output: c.expectedOutput, masq: c.masq })));
  });

  it('agrees with the session-affinity cases for a new client', () => {
    const got = affinity.map((c) => ({ name: c.name, ...referenceView(trace(host, c)) }));
    expect(got).toEqual(affinity.map((c) => ({ name: c.name, output: c.expectedOutput, masq: c.masq })));
  });

  it('names the nft rule of each translation: family, table, chain, handle or position, text, source', () => {
    const r = trace(host, cases[0]!);
    const dnat = r.outcomes[0]!.state.translations[0]!;
    expect(dnat.kind).toBe('DNAT');
    expect(dnat.rule.nft?.family).toBe('ip');
    expect(dnat.rule.table).toBe('kube-proxy');
    expect(dnat.rule.chain).toBe('endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80');
    expect(dnat.rule.text).toBe('meta l4proto tcp dnat to 10.180.0.1:80');
    expect(dnat.rule.source.jsonPath ?? dnat.rule.source.line).toBeDefined();
  });
});
