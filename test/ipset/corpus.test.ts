// Every ipset and IPVS file of the shared corpus (../shared/corpus/ipset, ipvs) is recognised by
// content and read without a crash, with its damage named by line; the real node outputs are
// checked against what their sources say (entry counts, the counters of the paired rules).
// @module-tag corpus

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { recognizeBytes } from '../../src/case/recognize-file.js';
import { readSnapshotFacts } from '../../src/case/snapshot-facts.js';
import { isSnapshotKind } from '../../src/case/file-kind.js';
import { parseIpset, testMembership, type SetPacket } from '../../src/ipset/index.js';
import { parseIpAddress } from '../../src/net/address.js';
import { parseIptablesSave } from '../../src/netfilter/index.js';
import { buildHostModel } from '../../src/sim/host-model.js';
import { simulate } from '../../src/sim/simulate.js';
import { corpusPath } from '../corpus.js';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function recognize(path: string) {
  return recognizeBytes(new Uint8Array(readFileSync(path)), true, basename(path));
}

describe('the ipset corpus', () => {
  const root = corpusPath('ipset');
  let files: string[];
  beforeAll(() => {
    files = walk(root).filter((f) => !f.endsWith('README.md'));
  });

  it('recognises every ipset list/save file as such and reads it without a crash', () => {
    expect(files.length).toBeGreaterThan(120);
    const kinds = new Map<string, string[]>();
    for (const f of files) {
      const name = relative(root, f);
      const r = recognize(f);
      kinds.set(r.kind, [...(kinds.get(r.kind) ?? []), name]);
      if (!isSnapshotKind(r.kind)) continue;
      const { facts, diagnostics } = readSnapshotFacts(r.kind, readFileSync(f, 'utf8'), name);
      expect(facts, name).not.toBeNull();
      // Problems always carry their file, and a line when they are about one.
      for (const d of diagnostics) expect(d.place.file).toBe(name);
    }
    // What is not an ipset dump here: a restore script that only destroys sets, and two posted
    // iptables rules without their table (no dump natpath knows) …
    expect((kinds.get('unrecognised') ?? []).sort()).toEqual([
      'issue-k8s-54203-fasaxc/iptables-save-c.fragment.txt',
      'netfilter-ipset-tests/restore.t.destroy',
    ]);
    // … and the nft commands made by ipset-translate, which are an nft -f script.
    expect(kinds.get('nft-ruleset')).toEqual(['netfilter-ipset-tests/xlate_xlate.t.nft']);
    expect(kinds.get('iptables-save')).toEqual(['issue-weave-3452-thesis-test-node-0/iptables-save.cut.txt']);
    expect(kinds.get('ipset-list')!.length).toBeGreaterThan(90);
    expect(kinds.get('ipset-save')!.length).toBeGreaterThan(10);
  });

  it('names the damage of cut listings by line and keeps what comes before it', () => {
    const sealos = 'issue-sealos-2108/ipset-list.cut.txt';
    const r = parseIpset(readFileSync(join(root, sealos), 'utf8'), sealos);
    expect(r.value.sets.map((s) => [s.name, s.type, s.entries.length, s.declaredEntries])).toEqual([['KUBE-CLUSTER-IP', 'hash:ip,port', 50, 143]]);
    expect(r.issues.map((d) => `${d.code} ${d.place.line ?? '-'}`)).toEqual(['ipset.bad-element 59', 'ipset.count-mismatch 1', 'ipset.skipped-lines -']);

    const weave = 'issue-weave-3452-thesis-test-node-0/ipset-save.cut.txt';
    const w = parseIpset(readFileSync(join(root, weave), 'utf8'), weave);
    expect(w.value.sets).toHaveLength(11);
    expect(w.issues.filter((d) => d.severity === 'error').map((d) => d.place.line)).toEqual([22]);
  });

  it('reads the ipset 7.17 re-save of the Weave node exactly like its listing', () => {
    const dir = join(root, 'issue-weave-3452-thesis-test-node-0');
    const save = parseIpset(readFileSync(join(dir, 'derived.ipset-7.17-save.txt'), 'utf8'), 'save');
    const list = parseIpset(readFileSync(join(dir, 'derived.ipset-7.17-list.txt'), 'utf8'), 'list');
    expect(save.issues).toEqual([]);
    expect(list.issues).toEqual([]);
    const shape = (d: typeof save.value) => d.sets.map((s) => `${s.name} ${s.type} ${s.family} ${s.entries.map((e) => e.text.split(' ')[0]).sort().join(' ')}`).sort();
    expect(shape(list.value)).toEqual(shape(save.value));
  });

  it('Weave node: KUBE-LOOP-BACK (hash:ip,port,ip) and KUBE-CLUSTER-IP (hash:ip,port) as kube-proxy IPVS mode matches them', () => {
    const file = 'issue-weave-3452-thesis-test-node-0/derived.ipset-7.17-save.txt';
    const sets = parseIpset(readFileSync(join(root, file), 'utf8'), file).value;
    const packet = (src: string, dst: string, protocolNumber: number, dport: number): SetPacket => ({
      family: 'ipv4', protocolNumber, src: parseIpAddress(src), dst: parseIpAddress(dst)!, sport: 40000, dport, icmpType: null, icmpCode: null,
      mark: 0, iif: { kind: 'unknown' }, oif: { kind: 'unknown' }, physIn: null, physOut: null,
    });
    const test = (name: string, directions: string, p: SetPacket) => testMembership(sets, { name, directions: directions.split(','), returnNomatch: false }, p).kind;
    // A pod reaching itself through its service (hairpin) is masqueraded: dst,dst,src.
    expect(test('KUBE-LOOP-BACK', 'dst,dst,src', packet('10.32.0.2', '10.32.0.2', 6, 80))).toBe('yes');
    expect(test('KUBE-LOOP-BACK', 'dst,dst,src', packet('10.32.0.9', '10.32.0.2', 6, 80))).toBe('no');
    expect(test('KUBE-LOOP-BACK', 'dst,dst', packet('10.32.0.2', '10.32.0.2', 6, 80))).toBe('no');
    expect(test('KUBE-CLUSTER-IP', 'dst,dst', packet('10.32.0.5', '10.96.0.10', 17, 53))).toBe('yes');
    expect(test('KUBE-CLUSTER-IP', 'dst,dst', packet('10.32.0.5', '10.96.0.10', 17, 54))).toBe('no');
    expect(test('KUBE-CLUSTER-IP', 'dst,dst', packet('10.32.0.5', '10.96.0.1', 17, 443))).toBe('no');
    expect(test('KUBE-NODE-PORT-TCP', 'dst', packet('10.32.0.5', '10.96.0.1', 6, 30000))).toBe('no');
    expect(test('KUBE-NOT-THERE', 'dst', packet('10.32.0.5', '10.96.0.1', 6, 30000))).toBe('unknown');
  });

  it('kubernetes#54203: the rule with `dst` never matches a hash:ip,port set, `dst,dst` does — as the posted counters show', () => {
    const dir = join(root, 'issue-k8s-54203-fasaxc');
    const sets = parseIpset(readFileSync(join(dir, 'ipset-list.txt'), 'utf8'), 'ipset-list.txt');
    expect(sets.issues).toEqual([]);
    // The posted fragment is two rules of chain FOO: give them their table and a way in from OUTPUT.
    const fragment = readFileSync(join(dir, 'iptables-save-c.fragment.txt'), 'utf8');
    const rules = parseIptablesSave(`*filter\n:OUTPUT ACCEPT [0:0]\n:FOO - [0:0]\n-A OUTPUT -j FOO\n${fragment}COMMIT\n`, 'iptables-save-c.fragment.txt');
    expect(rules.issues.filter((d) => d.severity === 'error')).toEqual([]);
    const host = buildHostModel({
      name: 'node', iptables: [rules.value], routes: [], rules: [], interfaces: null, conntrack: null, ipsets: sets.value,
      extraAddresses: [parseIpAddress('192.0.2.10')!],
    });
    const result = simulate(host, {
      family: 'ipv4', protocol: 'udp', protocolNumber: 17, src: parseIpAddress('192.0.2.10'), dst: parseIpAddress('8.8.8.8')!, sport: 40000, dport: 53,
      icmpType: null, icmpCode: null, input: { kind: 'local' }, mark: 0, options: { recentHistory: 'unknown' },
    });
    const foo = rules.value.tables[0]!.chains.find((c) => c.name === 'FOO')!;
    const counted = foo.rules.filter((r) => (r.counters?.packets ?? 0) > 0).map((r) => r.text);
    expect(counted).toEqual(['-A FOO -m set --match-set test dst,dst -j LOG']);
    for (const o of result.outcomes) {
      expect(o.state.steps.filter((s) => s.chain === 'FOO').map((s) => s.text)).toEqual(counted);
    }
    expect(result.outcomes.map((o) => o.probability)).toEqual([1]);
  });
});

describe('the IPVS corpus', () => {
  const root = corpusPath('ipvs');
  let files: string[];
  beforeAll(() => {
    files = walk(root).filter((f) => !f.endsWith('README.md'));
  });

  it('recognises every ipvsadm -Ln listing and reads its services; the iptables -nL pages are sent back with the command to use', () => {
    for (const f of files) {
      const name = relative(root, f);
      const r = recognize(f);
      if (name.includes('ipvsadm')) {
        expect(r.kind, name).toBe('ipvsadm');
        const { facts, diagnostics } = readSnapshotFacts('ipvsadm', readFileSync(f, 'utf8'), name);
        expect(facts.type).toBe('ipvs');
        if (facts.type !== 'ipvs') continue;
        expect(facts.services, name).toBeGreaterThan(0);
        // Only the cut listings may have a damaged row, and it is their last.
        const errors = diagnostics.filter((d) => d.severity === 'error');
        if (!name.includes('cut')) expect(errors, name).toEqual([]);
        else expect(errors.length, name).toBeLessThanOrEqual(1);
      } else if (name.includes('iptables-t-nat-nL')) {
        expect(r.kind, name).toBe('unrecognised');
      }
    }
  });

  it('counts services and real servers of the kube-proxy README example', () => {
    const f = 'kubernetes-ipvs-README/ipvsadm-ln-debug.txt';
    const { facts } = readSnapshotFacts('ipvsadm', readFileSync(join(root, f), 'utf8'), f);
    expect(facts).toEqual({ type: 'ipvs', services: 3, realServers: 3, byProtocol: [{ protocol: 'TCP', services: 2 }, { protocol: 'UDP', services: 1 }], servicesWithoutRealServers: 0, persistentServices: 1 });
  });
});
