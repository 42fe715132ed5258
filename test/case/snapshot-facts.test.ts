import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshotFacts } from '../../src/case/snapshot-facts.js';
import type { SnapshotKind } from '../../src/case/file-kind.js';
import { PROJECT_ROOT } from '../corpus.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'real-node');

describe('readSnapshotFacts', () => {
  const cases: Array<[string, SnapshotKind, string]> = [
    ['iptables-save-c.txt', 'iptables-save', 'iptables'],
    ['ip6tables-save-c.txt', 'ip6tables-save', 'iptables'],
    ['ip-route-table-all.txt', 'ip-route', 'routes'],
    ['ip-route-table-all.json', 'ip-route-json', 'routes'],
    ['ip-rule.txt', 'ip-rule', 'rules'],
    ['ip6-rule.json', 'ip-rule-json', 'rules'],
    ['ip-addr.txt', 'ip-addr', 'interfaces'],
    ['ip-d-link.json', 'ip-link-json', 'interfaces'],
    ['conntrack-L.txt', 'conntrack', 'conntrack'],
  ];
  it.each(cases)('%s → %s facts', (file, kind, type) => {
    const r = readSnapshotFacts(kind, readFileSync(join(FIXTURES, file), 'utf8'), file);
    expect(r.facts.type).toBe(type);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
  it('counts what it found', () => {
    const ipt = readSnapshotFacts('iptables-save', readFileSync(join(FIXTURES, 'iptables-save-c.txt'), 'utf8'), 'f').facts;
    expect(ipt).toMatchObject({ type: 'iptables', family: 'ipv4', rules: 58 });
    const ctText = readFileSync(join(FIXTURES, 'conntrack-L.txt'), 'utf8');
    const ct = readSnapshotFacts('conntrack', ctText, 'f').facts;
    // The count conntrack itself printed (the fixtures can be regenerated; the number then changes).
    const shown = Number(/(\d+) flow entries have been shown/.exec(ctText)![1]);
    expect(ct).toMatchObject({ type: 'conntrack', entries: shown });
    expect(ct.type === 'conntrack' && ct.natted).toBeGreaterThanOrEqual(5);
    const rules = readSnapshotFacts('ip-rule', '0:\tfrom all lookup local\n', 'f').facts;
    expect(rules).toEqual({ type: 'rules', rules: 1, families: ['ipv4'], tables: ['local'] });
  });
});
