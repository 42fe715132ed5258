// analyze on a host whose NAT is nftables (test/fixtures/nft/router: the router's own `tcpdump -i
// any` capture and dumps, recorded from a real kernel by make-nft-fixture.sh): every translation
// seen between r-in and r-out is explained by the nft rule that made it — family, table, chain,
// handle, text, JSON path — and agrees with the kernel's conntrack entry; the iptables-nft rule is
// named from iptables-save, once.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { PROJECT_ROOT } from '../corpus.js';

const DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'nft', 'router');

describe('analyze names the nft rule of each translation', () => {
  it('explains every translation on the nftables router with its rule and the kernel\'s conntrack entry', async () => {
    const report = await runAnalyze({ paths: [DIR], hosts: [] });
    const translations = report.flows.flatMap((f) => f.translations.map((t) => ({ flow: f, t })));
    const seen = translations.map(({ flow, t }) => `${flow.server} ${t.kind} ${t.rule === null ? 'none' : t.rule.nft === null ? `${t.rule.table}/${t.rule.chain} rule ${t.rule.ruleNumber}` : `${t.rule.nft.family} ${t.rule.table}/${t.rule.chain} handle ${t.rule.nft.handle}`}`);
    expect(seen.sort()).toEqual([
      '10.9.1.1:8080 DNAT inet natpath/prerouting-nat handle 11',
      '10.9.1.1:8080 SNAT inet natpath/postrouting-nat handle 19',
      '10.9.1.1:8081 DNAT inet natpath/prerouting-nat handle 13',
      '10.9.1.1:8081 SNAT inet natpath/postrouting-nat handle 19',
      '10.9.2.2:6000 SNAT nat/POSTROUTING rule 1',
      '10.9.2.2:9000 SNAT inet natpath/postrouting-nat handle 18',
      '[fd09:1::1]:8443 DNAT inet natpath/prerouting-nat handle 14',
      '[fd09:1::1]:8443 SNAT inet natpath/postrouting-nat handle 20',
      '[fd09:2::2]:5000 SNAT inet natpath/postrouting-nat handle 20',
    ].sort());
    for (const { t } of translations) {
      expect(t.explained).toBe(true);
      expect(t.conntrack).not.toBeNull();
      if (t.rule!.nft !== null) expect(t.rule!.jsonPath).toMatch(/^\$\.nftables\[\d+\]\.rule$/);
    }
  });
});
