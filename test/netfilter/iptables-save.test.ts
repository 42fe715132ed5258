import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatIpAddress, formatPrefix } from '../../src/net/address.js';
import { parseIptablesSave, type Match, type Rule, type Target } from '../../src/netfilter/index.js';
import { tokenizeRule } from '../../src/netfilter/tokenize.js';
import { corpusPath, PROJECT_ROOT, NEEDS_CORPUS } from '../corpus.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'real-node');

function allRules(text: string, file = 'x.txt'): { rules: Rule[]; issues: ReturnType<typeof parseIptablesSave>['issues'] } {
  const r = parseIptablesSave(text, file);
  return { rules: r.value.tables.flatMap((t) => t.chains.flatMap((c) => c.rules)), issues: r.issues };
}

/** An independent count: lines that append a rule, with or without a `[p:b]` counters prefix. */
function countAppendLines(text: string): number {
  return text.split('\n').filter((l) => /^(\[\d+:\d+\] )?-A /.test(l)).length;
}

function corpusDumps(): string[] {
  const files: string[] = [];
  const golden = corpusPath('iptables/moby-iptabler-golden');
  for (const f of readdirSync(golden)) if (f.endsWith('.golden')) files.push(join(golden, f));
  const kp = corpusPath('kube-proxy');
  for (const d of readdirSync(kp, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of ['iptables-save.txt', 'iptables-save.full.txt']) {
      const p = join(kp, d.name, f);
      try {
        readFileSync(p);
        files.push(p);
      } catch {
        // only some tests have a .full.txt
      }
    }
  }
  return files;
}

describe('iptables-save corpus', NEEDS_CORPUS, () => {
  let files: string[];
  beforeAll(() => {
    files = corpusDumps();
  });
  it('finds the 284 moby goldens and the kube-proxy dumps', () => {
    expect(files.filter((f) => f.endsWith('.golden')).length).toBe(284);
    expect(files.length).toBeGreaterThan(300);
  });
  it('parses every dump with no error and the same rule count as its -A lines, text kept', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const { rules, issues } = allRules(text, file);
      expect(issues.filter((d) => d.severity === 'error'), file).toEqual([]);
      expect(rules.length, file).toBe(countAppendLines(text));
      const lines = text.split('\n');
      for (const r of rules) expect(lines[r.source.line - 1]!.endsWith(r.text), `${file}:${r.source.line}`).toBe(true);
    }
  });
  it('knows every match and target in the moby goldens (nothing unknown)', () => {
    for (const file of files.filter((f) => f.endsWith('.golden'))) {
      const { rules } = allRules(readFileSync(file, 'utf8'), file);
      expect(rules.filter((r) => r.unknown).map((r) => r.text), file).toEqual([]);
    }
  });
  it('reports the unknown -m nfacct of no dump, but folds the unquoted comments of TestTracePacket into one warning', () => {
    const text = readFileSync(corpusPath('kube-proxy/TestTracePacket/iptables-save.txt'), 'utf8');
    const { rules, issues } = allRules(text);
    const unquoted = issues.filter((d) => d.code === 'iptables.unquoted-comment');
    expect(unquoted).toHaveLength(1);
    expect(unquoted[0]!.count).toBeGreaterThan(1);
    const r = rules.find((x) => x.chain === 'INPUT' && x.table === 'filter')!;
    expect(r.comment).toBe('kubernetes health check service ports');
    expect(r.target).toEqual({ kind: 'jump', chain: 'KUBE-NODEPORTS' });
  });
});

describe('iptables-save real-kernel fixtures', () => {
  it('reads iptables-save -c: policies, chain counters, rule counters, rule numbers', () => {
    const text = readFileSync(join(FIXTURES, 'iptables-save-c.txt'), 'utf8');
    const r = parseIptablesSave(text, 'iptables-save-c.txt');
    expect(r.issues.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(r.value.family).toBe('ipv4');
    expect(r.value.tables.map((t) => t.name)).toEqual(['mangle', 'raw', 'filter', 'nat']);
    const filter = r.value.tables.find((t) => t.name === 'filter')!;
    const forward = filter.chainsByName.get('FORWARD')!;
    expect(forward.policy).toBe('DROP');
    expect(forward.builtin).toBe(true);
    expect(filter.chainsByName.get('KUBE-FORWARD')!.policy).toBeNull();
    const input = filter.chainsByName.get('INPUT')!;
    expect(input.rules[0]!.counters).not.toBeNull();
    expect(input.rules.map((x) => x.number)).toEqual(input.rules.map((_, i) => i + 1));
    const all = r.value.tables.flatMap((t) => t.chains.flatMap((c) => c.rules));
    expect(all.length).toBe(countAppendLines(text));
    expect(all.filter((x) => x.unknown)).toEqual([]);
  });

  it('types every match and target of the fixture', () => {
    const { rules } = allRules(readFileSync(join(FIXTURES, 'iptables-save.txt'), 'utf8'));
    const find = (s: string) => rules.find((r) => r.text.includes(s))!;
    const m = (s: string, kind: Match['kind']) => find(s).matches.find((x) => x.kind === kind);
    expect(m('--dports 22,80', 'port')).toEqual({ kind: 'port', direction: 'destination', negated: false, ranges: [{ min: 22, max: 22 }, { min: 80, max: 80 }, { min: 443, max: 443 }, { min: 30000, max: 32767 }] });
    expect(find('--dports 22,80').comment).toBe('ssh, web and node ports');
    expect(m('--tcp-flags FIN,SYN,RST,ACK SYN -m state', 'ctstate')).toEqual({ kind: 'ctstate', negated: false, states: ['NEW'] });
    expect(m('-m recent', 'recent')).toMatchObject({ kind: 'recent', action: 'set', name: 'SYNS', side: 'source' });
    expect(m('--dst-type LOCAL --limit-iface-in', 'addrtype')).toEqual({ kind: 'addrtype', side: 'destination', negated: false, types: ['LOCAL'], limitIface: 'in' });
    const range = m('--src-range', 'iprange');
    expect(range?.kind === 'iprange' && formatIpAddress(range.range.to)).toBe('192.168.50.200');
    expect(m('--length 0:40', 'length')).toEqual({ kind: 'length', negated: false, min: 0, max: 40 });
    expect(m('--physdev-in vethpod0', 'physdev')).toMatchObject({ physdevIn: { name: 'vethpod0', negated: false, wildcard: false }, isBridged: true });
    const fwd = find('! -i cni+ -o cni0');
    expect(fwd.matches.find((x) => x.kind === 'in-interface')).toEqual({ kind: 'in-interface', negated: true, name: 'cni', wildcard: true });
    expect(fwd.matches.find((x) => x.kind === 'ct-port')).toMatchObject({ tuple: 'origdst', range: { min: 53, max: 53 } });
    expect(fwd.matches.find((x) => x.kind === 'ctdir')).toEqual({ kind: 'ctdir', direction: 'ORIGINAL' });
    expect(m('--uid-owner 0', 'mark')).toEqual({ kind: 'mark', negated: true, mark: { value: 0x4000, mask: 0x4000 } });
    expect(m('--icmp-type 8', 'icmp-type')).toMatchObject({ type: 8, family: 'ipv4' });
    const fw = find('-A KUBE-FIREWALL');
    expect(fw.matches.find((x) => x.kind === 'ctstate')).toEqual({ kind: 'ctstate', negated: true, states: ['RELATED', 'ESTABLISHED', 'DNAT'] });
    expect(fw.matches.find((x) => x.kind === 'source')).toMatchObject({ negated: true });

    const t = (s: string): Target => find(s).target;
    expect(t('-j CONNMARK --restore-mark')).toEqual({ kind: 'CONNMARK-restore', nfmask: 0xffff, ctmask: 0xffff });
    expect(t('--set-xmark 0x10/0xff')).toEqual({ kind: 'MARK', value: 0x10, mask: 0xff });
    expect(t('-j CT --notrack')).toMatchObject({ kind: 'CT', notrack: true });
    expect(t('-j NOTRACK')).toEqual({ kind: 'NOTRACK' });
    expect(t('-j TRACE')).toMatchObject({ kind: 'continue', name: 'TRACE' });
    expect(t('-j LOG')).toMatchObject({ kind: 'continue', name: 'LOG' });
    expect(t('--reject-with tcp-reset')).toEqual({ kind: 'REJECT', rejectWith: 'tcp-reset' });
    expect(find('-A FLANNEL-FWD -s 10.244.0.0/16\n'.trim() + '').target).toBeDefined();
    expect(rules.find((r) => r.text === '-A FLANNEL-FWD -s 10.244.0.0/16')!.target).toEqual({ kind: 'none' });
    const snat = t('--to-source 192.168.50.10-192.168.50.11');
    expect(snat.kind).toBe('SNAT');
    if (snat.kind === 'SNAT') {
      expect(formatIpAddress(snat.ranges[0]!.maxAddress!)).toBe('192.168.50.11');
      expect(snat.ranges[0]!.ports).toEqual({ min: 1024, max: 65535 });
      expect(snat.flags.persistent).toBe(true);
    }
    expect(t('-o ifb0')).toEqual({ kind: 'MASQUERADE', ports: { min: 20000, max: 30000 }, flags: { random: true, randomFully: false, persistent: false } });
    const netmap = t('-j NETMAP');
    expect(netmap.kind === 'NETMAP' && formatPrefix(netmap.prefix)).toBe('10.61.0.0/16');
    expect(t('-j REDIRECT')).toMatchObject({ kind: 'REDIRECT', ports: { min: 8080, max: 8080 } });
    expect(t('-g KUBE-MARK-MASQ')).toEqual({ kind: 'goto', chain: 'KUBE-MARK-MASQ' });
    expect(find('--mode random').matches.find((x) => x.kind === 'statistic-random')).toEqual({ kind: 'statistic-random', negated: false, probability: 0.5 });
    expect(find('--mode nth').matches.find((x) => x.kind === 'statistic-nth')).toEqual({ kind: 'statistic-nth', negated: false, every: 2, packet: 0 });
    expect(t('--set-xmark 0x4000/0x0')).toEqual({ kind: 'MARK', value: 0x4000, mask: 0 });
  });

  it('reads ip6tables-save -c with [v6]:port DNAT and v6 SNAT ranges', () => {
    const { rules, issues } = allRules(readFileSync(join(FIXTURES, 'ip6tables-save-c.txt'), 'utf8'));
    expect(issues.filter((d) => d.severity !== 'info')).toEqual([]);
    const dnat = rules.find((r) => r.target.kind === 'DNAT')!.target;
    expect(dnat.kind === 'DNAT' && formatIpAddress(dnat.ranges[0]!.minAddress!)).toBe('fd00:244::5');
    expect(dnat.kind === 'DNAT' && dnat.ranges[0]!.ports).toEqual({ min: 53, max: 53 });
    const snat = rules.find((r) => r.target.kind === 'SNAT')!.target;
    expect(snat.kind === 'SNAT' && formatIpAddress(snat.ranges[0]!.maxAddress!)).toBe('fd00:50::11');
    expect(rules.find((r) => r.text.includes('icmpv6-type'))!.matches.find((m) => m.kind === 'icmp-type')).toMatchObject({ family: 'ipv6', type: 128 });
  });
});

describe('iptables-save damage', () => {
  const good = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', '-A INPUT -s 10.0.0.0/8 -j ACCEPT'];
  it('reports a garbage line with its number and keeps the rules around it', () => {
    const text = [...good, 'this is not iptables', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', 'COMMIT'].join('\n');
    const { rules, issues } = allRules(text, 'bad.txt');
    expect(rules.map((r) => r.number)).toEqual([1, 2]);
    const err = issues.find((d) => d.code === 'iptables.unrecognised-line')!;
    expect(err.place).toEqual({ file: 'bad.txt', line: 5 });
    expect(issues.find((d) => d.code === 'iptables.skipped-lines')?.count).toBe(1);
  });
  it('keeps the tables of a truncated file and says it is truncated', () => {
    const text = [...good, '-A INPUT -p udp -m udp --dport 53 -j ACC'].join('\n');
    const r = parseIptablesSave(text, 'cut.txt');
    expect(r.value.tables[0]!.committed).toBe(false);
    expect(r.value.tables[0]!.chainsByName.get('INPUT')!.rules).toHaveLength(2);
    expect(r.issues.find((d) => d.code === 'iptables.missing-commit')?.place.line).toBe(5);
  });
  it('keeps an unknown match, marks the rule unknown, reports it once with a count', () => {
    const text = [...good, '-A INPUT -m hashlimit --hashlimit-upto 5/sec --hashlimit-name x -j ACCEPT', '-A INPUT -m hashlimit --hashlimit-upto 9/sec -j DROP', '-A INPUT -j FOOBAR --foo 1', 'COMMIT'].join('\n');
    const { rules, issues } = allRules(text);
    expect(rules.filter((r) => r.unknown).map((r) => r.number)).toEqual([2, 3, 4]);
    expect(rules[1]!.matches[0]).toEqual({ kind: 'unknown', module: 'hashlimit', text: '-m hashlimit --hashlimit-upto 5/sec --hashlimit-name x' });
    const unknownMatch = issues.filter((d) => d.code === 'iptables.unknown-match');
    expect(unknownMatch).toHaveLength(1);
    expect(unknownMatch[0]).toMatchObject({ count: 2, severity: 'warning', place: { line: 5 } });
    expect(rules[3]!.target).toEqual({ kind: 'unknown', name: 'FOOBAR', options: ['--foo', '1'] });
    expect(issues.filter((d) => d.severity === 'error')).toEqual([]);
  });
  it('a jump to an undeclared chain is an unknown target, a bad address an error on a kept rule', () => {
    const text = [...good, '-A INPUT -j NOPE', '-A INPUT -s 300.1.1.1 -j DROP', 'COMMIT'].join('\n');
    const { rules, issues } = allRules(text);
    expect(rules[1]!.target).toEqual({ kind: 'unknown', name: 'NOPE', options: [] });
    expect(rules[2]!.unknown).toBe(true);
    expect(issues.find((d) => d.code === 'iptables.bad-address')?.place.line).toBe(6);
  });
  it('accepts negation after the option name and old-style options', () => {
    const text = ['*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -p tcp -m tcp --dport ! 22 -s ! 10.0.0.1 -j DROP', 'COMMIT'].join('\n');
    const { rules } = allRules(text);
    expect(rules[0]!.matches).toContainEqual({ kind: 'port', direction: 'destination', negated: true, ranges: [{ min: 22, max: 22 }] });
    expect(rules[0]!.matches.find((m) => m.kind === 'source')).toMatchObject({ negated: true });
  });
  it('MARK forms are normalised to xmark', () => {
    const text = ['*mangle', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -j MARK --set-mark 0x1/0xf0', '-A PREROUTING -j MARK --and-mark 0xff', '-A PREROUTING -j MARK --or-mark 0x4000', '-A PREROUTING -j MARK --xor-mark 0x4000', 'COMMIT'].join('\n');
    expect(allRules(text).rules.map((r) => r.target)).toEqual([
      { kind: 'MARK', value: 1, mask: 0xf1 },
      { kind: 'MARK', value: 0, mask: 0xffffff00 },
      { kind: 'MARK', value: 0x4000, mask: 0x4000 },
      { kind: 'MARK', value: 0x4000, mask: 0 },
    ]);
  });
  it('never throws and keeps line numbers on arbitrary damage', () => {
    const base = readFileSync(join(FIXTURES, 'iptables-save.txt'), 'utf8').split('\n');
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.string({ maxLength: 40 }), (at, junk) => {
        const lines = [...base];
        lines.splice(at, 0, junk);
        const r = parseIptablesSave(lines.join('\n'), 'f');
        for (const d of r.issues) if (d.place.line !== undefined) expect(d.place.line).toBeLessThanOrEqual(lines.length);
        const rules = r.value.tables.flatMap((t) => t.chains.flatMap((c) => c.rules));
        for (const rule of rules) expect(lines[rule.source.line - 1]!.trim().endsWith(rule.text)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('tokenizeRule', () => {
  it('keeps quoted words with spaces and escaped quotes', () => {
    expect(tokenizeRule('-A X -m comment --comment "a b \\"c\\"" -j ACCEPT').words).toEqual(['-A', 'X', '-m', 'comment', '--comment', 'a b "c"', '-j', 'ACCEPT']);
    expect(tokenizeRule('--comment "open').unterminatedQuoteAt).toBe(11);
  });
  it('round-trips words without spaces or quotes', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Za-z0-9_:./,!-]{1,10}$/), { maxLength: 12 }), (ws) => {
        expect(tokenizeRule(ws.join(' ')).words).toEqual(ws);
      }),
    );
  });
});

// Parse time is measured by `npm run bench` (bench/rules.mjs), not by this test.
describe('a large dump', () => {
  it('parses all 50 000 rules of one chain', () => {
    const lines = ['*nat', ':PREROUTING ACCEPT [0:0]', ':KUBE-SERVICES - [0:0]'];
    for (let i = 0; i < 50_000; i++) {
      lines.push(`-A KUBE-SERVICES -d 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32 -p tcp -m comment --comment "ns/svc${i}:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-${i}`);
    }
    for (let i = 0; i < 50_000; i++) lines.push(`:KUBE-SVC-${i} - [0:0]`);
    lines.push('COMMIT');
    const text = lines.join('\n');
    const r = parseIptablesSave(text, 'big.txt');
    expect(r.value.tables[0]!.chainsByName.get('KUBE-SERVICES')!.rules).toHaveLength(50_000);
    expect(r.issues).toEqual([]);
  });
});
