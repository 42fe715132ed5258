// Tables the walk does not simulate are listed, never silently dropped: a netdev table (corpus:
// moby's nftables library golden with a netdev ingress chain) is set aside with its reason.
// @module-tag corpus

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNftJson } from '../../src/nftables/read-json.js';
import { buildHostModel } from '../../src/sim/host-model.js';
import { corpusPath } from '../corpus.js';

describe('nft tables set aside', () => {
  it('lists a netdev table with the reason it is not simulated', () => {
    const file = corpusPath('nftables/moby-nftables-lib/TestNetdevChain_created.json');
    const host = buildHostModel({ name: 'h', iptables: [], routes: [], rules: [], interfaces: null, conntrack: null, extraAddresses: [], nftables: [readNftJson(readFileSync(file, 'utf8'), file).value] });
    expect(host.nft.baseChains).toEqual([]);
    expect(host.nft.setAside.map((a) => a.message)).toEqual([
      'table netdev testtable is not simulated: netdev tables see frames before or beside IP routing (bridged traffic, ARP, ingress) — a drop or mark there would change what reaches the IP hooks',
    ]);
    expect(host.nft.setAside[0]!.file).toBe(file);
  });
});
