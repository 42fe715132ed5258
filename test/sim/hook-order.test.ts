// Base chains of equal priority at one hook: the kernel runs the one registered last first
// (nf_hook_entries_grow inserts a new hook before the first of equal or higher priority). On
// the lab's kube-proxy-nftables node, iptables-nft's tables (handles 4–6) were made before
// kube-proxy's (handle 7), and the kernel's own trace (test/fixtures/nft/
// clusterip-nft-node1-syn-trace.txt, `nft -a monitor trace` on that node) shows kube-proxy's
// filter-forward (priority 0) before iptables' filter FORWARD (0), and its nat-postrouting
// (srcnat, 100) before iptables' nat POSTROUTING. The walk's order must be the kernel's.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIptablesSave } from '../../src/netfilter/index.js';
import { parseNftText } from '../../src/nftables/parse-nft-text.js';
import { readNftJson } from '../../src/nftables/read-json.js';
import type { NftRuleset } from '../../src/nftables/model.js';
import { hookEntries, type HookEntry } from '../../src/sim/base-chains.js';
import { buildHostModel } from '../../src/sim/host-model.js';
import { PROJECT_ROOT, samplePath } from '../corpus.js';

const NODE1 = samplePath('clusterip-nft/node1');
const TRACE = join(PROJECT_ROOT, 'test', 'fixtures', 'nft', 'clusterip-nft-node1-syn-trace.txt');

const HOOK_OF: Record<string, 'PREROUTING' | 'FORWARD' | 'POSTROUTING'> = {
  PREROUTING: 'PREROUTING', 'filter-prerouting-pre-dnat': 'PREROUTING', 'nat-prerouting': 'PREROUTING',
  FORWARD: 'FORWARD', 'filter-forward': 'FORWARD',
  POSTROUTING: 'POSTROUTING', 'nat-postrouting': 'POSTROUTING',
};

/** The base chains the kernel's trace shows the packet entering, per hook, in order ("ip kube-proxy filter-forward"). */
function kernelOrder(): Map<string, string[]> {
  const byHook = new Map<string, string[]>();
  for (const line of readFileSync(TRACE, 'utf8').split('\n')) {
    const m = /^trace id \S+ (\S+) (\S+) (\S+) packet: /.exec(line);
    if (!m || m[2] === 'nplab-trace') continue;
    const hook = HOOK_OF[m[3]!];
    if (hook === undefined) throw new Error(`no hook known for ${m[3]}`);
    if (!byHook.has(hook)) byHook.set(hook, []);
    byHook.get(hook)!.push(`${m[1]} ${m[2]} ${m[3]}`);
  }
  return byHook;
}

const nameOf = (e: HookEntry, hook: string) => (e.kind === 'iptables' ? `ip ${e.table} ${hook}` : `${e.table.family} ${e.table.name} ${e.chain.name}`);

function node1(nft: NftRuleset) {
  const iptables = parseIptablesSave(readFileSync(join(NODE1, 'iptables-save.txt'), 'utf8'), 'iptables-save.txt').value;
  return buildHostModel({ name: 'node1', iptables: [iptables], routes: [], rules: [], interfaces: null, conntrack: null, extraAddresses: [], nftables: [nft] });
}

describe('base chains of equal priority run in the kernel\'s order', () => {
  it('the later-registered table first, as the kernel traced it (JSON and nft -a text dumps)', () => {
    const kernel = kernelOrder();
    expect([...kernel.keys()]).toEqual(['PREROUTING', 'FORWARD', 'POSTROUTING']);
    const jsonFile = join(NODE1, 'nft-ruleset.json');
    const textFile = join(NODE1, 'nft-ruleset.txt');
    for (const nft of [readNftJson(readFileSync(jsonFile, 'utf8'), jsonFile).value, parseNftText(readFileSync(textFile, 'utf8'), textFile).value]) {
      const host = node1(nft);
      for (const [hook, seen] of kernel) {
        const ours = hookEntries(host, 'ipv4', hook as 'FORWARD').map((e) => nameOf(e, hook));
        // The trace lists what the packet entered: a nat chain after the connection's NAT was bound is skipped.
        const common = ours.filter((n) => seen.includes(n));
        expect(common, hook).toEqual(seen.filter((n) => ours.includes(n)));
        expect(common.length, hook).toBeGreaterThanOrEqual(2);
      }
    }
    // The ties that matter here, spelled out.
    expect(kernel.get('FORWARD')).toEqual(['ip mangle FORWARD', 'ip kube-proxy filter-forward', 'ip filter FORWARD']);
    expect(kernel.get('POSTROUTING')).toEqual(['ip mangle POSTROUTING', 'ip kube-proxy nat-postrouting', 'ip nat POSTROUTING']);
  });

  it('without handles (nft list ruleset without -a) the registration order is not known: iptables\' table first', () => {
    const textFile = join(NODE1, 'nft-ruleset.txt');
    const withoutHandles = readFileSync(textFile, 'utf8').replace(/ # handle \d+/g, '');
    const host = node1(parseNftText(withoutHandles, textFile).value);
    expect(hookEntries(host, 'ipv4', 'FORWARD').map((e) => nameOf(e, 'FORWARD'))).toEqual(['ip mangle FORWARD', 'ip filter FORWARD', 'ip kube-proxy filter-forward', 'ip security FORWARD']);
  });
});
