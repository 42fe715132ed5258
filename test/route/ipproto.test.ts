// `ip rule … ipproto P` as iproute2 prints it (recorded: test/fixtures/snapshots/ip-protocols):
// getprotobynumber()'s name (`ipv6-icmp` where natpath says icmpv6, `gre`), or `ipproto-N` for a
// number without one. A rule must select the packets of its protocol, whatever either side calls it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIpAddress, type Family } from '../../src/net/address.js';
import { parseIpRoute, parseIpRule } from '../../src/route/index.js';
import { buildRoutingTables, lookupRoute } from '../../src/route/lookup.js';
import { PROJECT_ROOT } from '../corpus.js';

const RECORDED = join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'ip-protocols');

/** Table 100 holds one default route; which rule sent the packet there is the question. */
function ruleChosen(family: Family, ruleText: string, file: string, protocol: string, dport: number | null): number | null {
  const rules = parseIpRule(ruleText, file, { family });
  expect(rules.issues).toEqual([]);
  const dst = parseIpAddress(family === 'ipv4' ? '198.51.100.7' : '2001:db8::7')!;
  const routes = parseIpRoute('default dev dev100 table 100\ndefault dev devmain\n', 'ip-route.txt', { family }).value.routes;
  const rt = buildRoutingTables(family, routes, rules.value.rules, null);
  const d = lookupRoute(rt, { family, dst, src: null, mark: 0, iif: 'lo', protocol, sport: 40000, dport }, []);
  return d.kind === 'unicast' ? (d.rule?.priority ?? null) : null;
}

describe('ip rule ipproto as recorded', () => {
  const v4 = readFileSync(join(RECORDED, 'ip-rule.txt'), 'utf8');
  const v6 = readFileSync(join(RECORDED, 'ip6-rule.txt'), 'utf8');

  it('ipv6-icmp selects natpath\'s icmpv6 packets; gre and tcp packets pass it by', () => {
    expect(v6).toMatch(/ipproto ipv6-icmp/);
    expect(ruleChosen('ipv6', v6, 'ip6-rule.txt', 'icmpv6', null)).toBe(100);
    expect(ruleChosen('ipv6', v6, 'ip6-rule.txt', 'tcp', 80)).toBe(32766);
  });

  it('tcp with dport 8080 takes rule 120; ipencap and ipproto-253 select no tcp packet', () => {
    expect(v4).toMatch(/ipproto ipproto-253/);
    expect(ruleChosen('ipv4', v4, 'ip-rule.txt', 'tcp', 8080)).toBe(120);
    expect(ruleChosen('ipv4', v4, 'ip-rule.txt', 'tcp', 80)).toBe(32766);
    expect(ruleChosen('ipv4', v4, 'ip-rule.txt', 'udp', 8080)).toBe(32766);
  });

  it('an ipproto word that is no protocol is reported with its line, and the rule is named as not evaluated', () => {
    const text = '0:\tfrom all lookup local\n100:\tfrom all ipproto frobnicate lookup 100\n32766:\tfrom all lookup main\n';
    const rules = parseIpRule(text, 'bad.txt', { family: 'ipv4' });
    expect(rules.issues.map((i) => `${i.code} ${i.place.file}:${i.place.line} ${i.message}`)).toEqual([
      'rule.bad-value bad.txt:2 ipproto "frobnicate" is not an IP protocol name or number; rules using it are marked unknown',
    ]);
    expect(rules.value.rules).toHaveLength(3);
    const routes = parseIpRoute('default dev dev100 table 100\ndefault dev devmain\n', 'ip-route.txt', { family: 'ipv4' }).value.routes;
    const notes: string[] = [];
    const d = lookupRoute(buildRoutingTables('ipv4', routes, rules.value.rules, null), { family: 'ipv4', dst: parseIpAddress('198.51.100.7')!, src: null, mark: 0, iif: 'lo', protocol: 'tcp', sport: 40000, dport: 80 }, notes);
    expect(d.kind === 'unicast' && d.rule?.priority).toBe(32766);
    expect(notes).toEqual([expect.stringMatching(/^ip rule 100 has a selector natpath cannot evaluate \(ipproto frobnicate\)/)]);
  });
});
