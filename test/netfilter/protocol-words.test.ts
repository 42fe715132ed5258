// `-p` and `--ctproto` as iptables-save prints them, recorded from the tools
// (test/fixtures/snapshots/ip-protocols/make-ip-protocols.sh): each rule's comment says which
// protocol it was given, so the number natpath reads must be that one. And words that are none.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIptablesSave, type Match, type Rule } from '../../src/netfilter/index.js';
import { evaluateMatch } from '../../src/netfilter/matches/index.js';
import type { MatchContext } from '../../src/netfilter/match-eval.js';
import { PROJECT_ROOT } from '../corpus.js';

const RECORDED = join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'ip-protocols');

function rulesOf(text: string, file: string): { rules: Rule[]; issues: ReturnType<typeof parseIptablesSave>['issues'] } {
  const r = parseIptablesSave(text, file);
  return { rules: r.value.tables.flatMap((t) => t.chains.flatMap((c) => c.rules)), issues: r.issues };
}

/** Only what the protocol and ctproto evaluators read. */
function packetOf(protocol: string, protocolNumber: number): MatchContext {
  return { packet: { protocol, protocolNumber } } as unknown as MatchContext;
}

function protocolMatch(rule: Rule): Extract<Match, { kind: 'protocol' }> | undefined {
  return rule.matches.find((m): m is Extract<Match, { kind: 'protocol' }> => m.kind === 'protocol');
}

describe('iptables -p as recorded', () => {
  for (const file of ['iptables-save.txt', 'ip6tables-save.txt']) {
    it(`${file}: every -p reads as the number the rule was given`, () => {
      const { rules, issues } = rulesOf(readFileSync(join(RECORDED, file), 'utf8'), file);
      expect(issues).toEqual([]);
      const given = rules.flatMap((r) => {
        const comment = r.matches.find((x): x is Extract<Match, { kind: 'comment' }> => x.kind === 'comment');
        const m = /^given \S+ = (\d+)$/.exec(comment?.text ?? '');
        return m === null ? [] : [{ rule: r, number: Number(m[1]) }];
      });
      expect(given.length).toBeGreaterThanOrEqual(5);
      for (const { rule, number } of given) {
        // `-p all` is saved as no -p at all.
        expect(protocolMatch(rule)?.number ?? 0, rule.text).toBe(number);
      }
    });
  }

  it('-p ipip is 94 (getprotobyname), not 4: the kernel rule iptables made from it is printed "ipip" by nft too', () => {
    const { rules } = rulesOf(readFileSync(join(RECORDED, 'iptables-save.txt'), 'utf8'), 'iptables-save.txt');
    const ipip = rules.find((r) => protocolMatch(r)?.protocol === 'ipip')!;
    expect(protocolMatch(ipip)!.number).toBe(94);
    expect(readFileSync(join(RECORDED, 'nft-ruleset.txt'), 'utf8')).toMatch(/meta l4proto ipip .*given ipip = 94/);
  });

  it('--ctproto, saved as a number, matches the connection\'s protocol whatever it is called', () => {
    const { rules } = rulesOf(readFileSync(join(RECORDED, 'iptables-save.txt'), 'utf8'), 'iptables-save.txt');
    const ct = rules.flatMap((r) => r.matches.filter((m) => m.kind === 'ctproto'));
    expect(ct.map((m) => (m.kind === 'ctproto' ? m.protocol : ''))).toEqual(['17', '47']);
    expect(evaluateMatch(ct[0]!, packetOf('udp', 17)).kind).toBe('yes');
    expect(evaluateMatch(ct[0]!, packetOf('tcp', 6)).kind).toBe('no');
    const named = rulesOf('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m conntrack --ctproto ipv6-icmp -j ACCEPT\nCOMMIT\n', 'x').rules[0]!.matches[0]!;
    expect(evaluateMatch(named, packetOf('icmpv6', 58)).kind).toBe('yes');
  });

  it('-p 6 loads the tcp module as -p tcp does: its --dport is read', () => {
    const { rules, issues } = rulesOf('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p 6 --dport 80 -j ACCEPT\nCOMMIT\n', 'x');
    expect(issues).toEqual([]);
    expect(rules[0]!.matches.map((m) => m.kind)).toEqual(['protocol', 'port']);
  });
});

describe('iptables -p with no protocol', () => {
  const text = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p 300 -j ACCEPT\n-A INPUT -p frobnicate -j DROP\n-A INPUT -p tcp -j ACCEPT\nCOMMIT\n';

  it('reports each with file and line, keeps the rules, and leaves them unknown for other packets', () => {
    const { rules, issues } = rulesOf(text, 'bad.txt');
    expect(rules).toHaveLength(3);
    expect(issues.map((i) => `${i.code} ${i.place.file}:${i.place.line}`)).toEqual(['iptables.bad-option bad.txt:3', 'iptables.bad-option bad.txt:4']);
    expect(issues[0]!.message).toMatch(/-p "300" is not an IP protocol name or number/);
    expect(protocolMatch(rules[0]!)!.number).toBeNull();
    expect(evaluateMatch(protocolMatch(rules[1]!)!, packetOf('tcp', 6)).kind).toBe('unknown');
    expect(evaluateMatch(protocolMatch(rules[2]!)!, packetOf('tcp', 6)).kind).toBe('yes');
  });
});
