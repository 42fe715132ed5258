// explain-translations reuses one simulated walk for connections that differ only in their client
// port unless some rule may read a source port (sourcePortMatters). nft rules count too: a host
// whose nft ruleset matches `tcp sport` must not share one explanation across client ports.
// @module-tag corpus

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sourcePortMatters } from '../../src/match/explain-translations.js';
import { parseNftText } from '../../src/nftables/parse-nft-text.js';
import { readNftJson } from '../../src/nftables/read-json.js';
import type { NftRuleset } from '../../src/nftables/model.js';
import { buildHostModel } from '../../src/sim/host-model.js';
import { corpusPath } from '../corpus.js';

function hostWith(ruleset: NftRuleset) {
  return buildHostModel({ name: 'h', iptables: [], routes: [], rules: [], interfaces: null, conntrack: null, extraAddresses: [], nftables: [ruleset] });
}

const json = (path: string) => readNftJson(readFileSync(path, 'utf8'), path).value;

describe('sourcePortMatters reads nft rules', () => {
  it('OpenWrt fw4 matching `ip saddr . tcp sport @set`: JSON and text dumps alike', () => {
    expect(sourcePortMatters(hostWith(json(corpusPath('nftables/openwrt-fw4/05_ipsets_02_usage.json'))))).toBe(true);
    const text = corpusPath('nftables/openwrt-fw4/05_ipsets_02_usage.nft');
    expect(sourcePortMatters(hostWith(parseNftText(readFileSync(text, 'utf8'), text).value))).toBe(true);
  });

  it('kube-proxy in nftables mode (a lab sample) and Docker\'s nft backend read no source port', () => {
    expect(sourcePortMatters(hostWith(json('samples/clusterip-nft/node1/nft-ruleset.json')))).toBe(false);
    const moby = corpusPath('nftables/moby-nftabler/hairpin=false+internal=false+icc=false+masq=false+snat=false+gwm=nat+bindlh=false__ip.json');
    expect(sourcePortMatters(hostWith(json(moby)))).toBe(false);
  });
});
