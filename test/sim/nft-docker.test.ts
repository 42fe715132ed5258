// Docker's nftables firewall backend (corpus: moby-nftabler golden for a NAT'd bridge publishing
// 8080 → 192.168.0.2:80; loaded into nft 1.0.6 and dumped with nft -j): a client outside reaches
// the container through the DNAT and the per-bridge forward chain; direct access to the
// container's address from outside is dropped in raw; an unpublished port is not translated.
// @module-tag corpus

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatIpAddress, parseIpAddress } from '../../src/net/address.js';
import { readNftJson } from '../../src/nftables/read-json.js';
import { buildHostModel, type HostModel } from '../../src/sim/host-model.js';
import { simulate } from '../../src/sim/simulate.js';
import { corpusPath } from '../corpus.js';

const file = corpusPath('nftables/moby-nftabler/hairpin=false+internal=false+icc=false+masq=false+snat=false+gwm=nat+bindlh=false__ip.json');
// Built in beforeAll, not at module level: without the corpus this file is skipped, not failed.
let host: HostModel;
beforeAll(() => {
  host = buildHostModel({
    name: 'docker-host', iptables: [], routes: [], rules: [], interfaces: null, conntrack: null,
    extraAddresses: [parseIpAddress('10.0.0.1')!],
    nftables: [readNftJson(readFileSync(file, 'utf8'), file).value],
  });
});

function syn(dst: string, dport: number) {
  return simulate(host, {
    family: 'ipv4', protocol: 'tcp', protocolNumber: 6, src: parseIpAddress('198.51.100.7'), dst: parseIpAddress(dst)!, sport: 50000, dport,
    icmpType: null, icmpCode: null, input: { kind: 'interface', name: 'eth0' }, mark: 0, options: { recentHistory: 'unknown' },
  });
}

describe('Docker nftables backend (moby golden from the corpus)', () => {
  it('publishes 10.0.0.1:8080 to 192.168.0.2:80 and the bridge chain accepts it', () => {
    const r = syn('10.0.0.1', 8080);
    // No ip route here: the egress interface is unknown, so `oifname vmap` splits; every branch is DNAT'd.
    expect([...new Set(r.outcomes.map((o) => `${formatIpAddress(o.state.packet.dst)}:${o.state.packet.dport}`))]).toEqual(['192.168.0.2:80']);
    expect(r.outcomes[0]!.state.translations[0]!.rule.text).toBe('iifname != "br-dummy" tcp dport 8080 counter dnat to 192.168.0.2:80 comment "DNAT"');
    const accepted = r.outcomes.filter((o) => o.state.steps.some((s) => s.chain === 'filter-forward-in__br-dummy' && s.target === 'accept'));
    expect(accepted.length).toBeGreaterThan(0);
  });

  it('drops direct access to the container address from outside (raw DROP DIRECT ACCESS)', () => {
    const r = syn('192.168.0.2', 80);
    expect(r.outcomes.map((o) => [o.verdict, o.state.verdictBy])).toEqual([
      ['DROP', 'ip docker-bridges raw-PREROUTING handle ' + String(r.outcomes[0]!.state.steps[0]!.nft!.handle) + ' (ip daddr 192.168.0.2 iifname != "br-dummy" counter drop comment "DROP DIRECT ACCESS")'],
    ]);
  });

  it('does not translate an unpublished port', () => {
    const r = syn('10.0.0.1', 8081);
    expect(r.outcomes.every((o) => o.state.translations.length === 0)).toBe(true);
  });
});
