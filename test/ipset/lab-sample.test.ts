// samples/pod-egress-calico-ipset (samples/lab/lab.sh, a real kernel): node1 masquerades by a
// Calico-style `-m set` rule. Its files are recognised (the `ipset save` among them), its truth
// names that rule with the packets the kernel counted, and the sets it names are in the dump.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recognizeBytes } from '../../src/case/recognize-file.js';
import { parseIpset } from '../../src/ipset/index.js';
import { parseIptablesSave } from '../../src/netfilter/index.js';
import { samplePath } from '../corpus.js';

const SAMPLE = samplePath('pod-egress-calico-ipset');

describe('the Calico-style ipset lab sample', () => {
  it('every file is recognised; node1 has an ipset save', () => {
    for (const host of ['node1', 'partner']) {
      for (const f of readdirSync(join(SAMPLE, host))) {
        const r = recognizeBytes(new Uint8Array(readFileSync(join(SAMPLE, host, f))), true, f);
        expect(r.kind, `${host}/${f}`).not.toBe('unrecognised');
        if (f === 'ipset-save.txt') expect(r.kind).toBe('ipset-save');
      }
    }
  });

  it('truth names the -m set rule; its counters and the dump agree, and the sets exist', () => {
    const truth = JSON.parse(readFileSync(join(SAMPLE, 'truth.json'), 'utf8')) as {
      flows: Array<{ translations: Array<{ host: string; rule: { table: string; chain: string; ruleNumber: number; text: string; packets: number; source: string } | null }> }>;
    };
    const rules = truth.flows.flatMap((f) => f.translations).filter((t) => t.host === 'node1').map((t) => t.rule);
    expect(rules.length).toBeGreaterThan(0);
    const dump = parseIptablesSave(readFileSync(join(SAMPLE, 'node1', 'iptables-save.txt'), 'utf8'), 'iptables-save.txt').value;
    const sets = parseIpset(readFileSync(join(SAMPLE, 'node1', 'ipset-save.txt'), 'utf8'), 'ipset-save.txt').value;
    for (const rule of rules) {
      expect(rule).not.toBeNull();
      const r = dump.tables.find((t) => t.name === rule!.table)!.chains.find((c) => c.name === rule!.chain)!.rules[rule!.ruleNumber - 1]!;
      expect(r.text).toBe(rule!.text);
      expect(r.counters?.packets).toBe(rule!.packets);
      expect(rule!.packets).toBeGreaterThan(0);
      const named = r.matches.filter((m) => m.kind === 'set').map((m) => (m.kind === 'set' ? m.setName : ''));
      expect(named).toEqual(['cali40masq-ipam-pools', 'cali40all-ipam-pools']);
      for (const name of named) expect(sets.setsByName.has(name)).toBe(true);
    }
  });
});
