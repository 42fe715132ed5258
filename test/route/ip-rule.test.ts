import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPrefix } from '../../src/net/address.js';
import { parseIpRule, parseIpRuleJson, type PolicyRule } from '../../src/route/index.js';
import { PROJECT_ROOT } from '../corpus.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'real-node');
const read = (f: string) => readFileSync(join(FIXTURES, f), 'utf8');

function shape(r: PolicyRule) {
  return {
    ...r,
    from: r.from === null ? null : formatPrefix(r.from),
    to: r.to === null ? null : formatPrefix(r.to),
    source: undefined,
  };
}

describe('ip rule (real kernel fixtures)', () => {
  it('reads every selector and action', () => {
    const r = parseIpRule(read('ip-rule.txt'), 'ip-rule.txt');
    expect(r.issues).toEqual([]);
    const rules = r.value.rules;
    expect(rules.map((x) => x.priority)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 710, 720, 800, 900, 32766, 32767]);
    const by = (p: number) => rules.find((x) => x.priority === p)!;
    expect(by(100).fwmark).toEqual({ value: 0x4000, mask: 0x4000 });
    expect(by(100).action).toEqual({ kind: 'lookup', table: 'kube' });
    expect(shape(by(200))).toMatchObject({ from: '10.244.0.0/16', to: '10.96.0.0/12' });
    expect(by(300)).toMatchObject({ not: true, iif: 'lo', action: { kind: 'lookup', table: '300' } });
    expect(by(400)).toMatchObject({ oif: 'eth0', uidRange: { min: 1000, max: 2000 } });
    expect(by(500)).toMatchObject({ ipProtocol: 'tcp', dport: { min: 8080, max: 8080 } });
    expect(by(600)).toMatchObject({ sport: { min: 1024, max: 65000 }, suppressPrefixLength: 0 });
    expect(by(700).action).toEqual({ kind: 'prohibit' });
    expect(by(710).action).toEqual({ kind: 'blackhole' });
    expect(by(720).action).toEqual({ kind: 'goto', priority: 900 });
    expect(by(800).tos).toBe('0x10');
    expect(rules.every((x) => x.family === 'ipv4')).toBe(true);
  });

  it('text and -j give the same rules, for both families', () => {
    for (const [txt, json, family] of [['ip-rule.txt', 'ip-rule.json', 'ipv4'], ['ip6-rule.txt', 'ip6-rule.json', 'ipv6']] as const) {
      const a = parseIpRule(read(txt), txt).value.rules;
      const b = parseIpRuleJson(read(json), json);
      expect(b.issues).toEqual([]);
      expect(b.value.rules.map(shape)).toEqual(a.map(shape));
      expect(a.every((x) => x.family === family)).toBe(true);
    }
  });

  it('a file with `ip rule` then `ip -6 rule` gives each list its family', () => {
    const r = parseIpRule(`${read('ip-rule.txt')}${read('ip6-rule.txt')}`.replace(/^.*fd00.*$/gm, ''), 'both');
    const families = r.value.rules.map((x) => x.family);
    expect(families.slice(0, 14).every((f) => f === 'ipv4')).toBe(true);
    expect(families.slice(14).every((f) => f === 'ipv6')).toBe(true);
  });

  it('reports a bad line with its number', () => {
    const r = parseIpRule('0:\tfrom all lookup local\nnonsense\n32766:\tfrom all lookup main\n', 'r');
    expect(r.value.rules).toHaveLength(2);
    expect(r.issues[0]).toMatchObject({ code: 'rule.bad-line', place: { line: 2 } });
  });
});
