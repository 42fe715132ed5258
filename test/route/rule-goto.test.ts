// `ip rule goto N` against the kernel's own answer (`ip route get`, recorded with the dumps by
// test/fixtures/snapshots/rule-goto/make-rule-goto.sh): the goto lands on the rule of priority
// exactly N; with none, the kernel prints "[unresolved]" and goes on with the next rule.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTrace } from '../../src/app/trace.js';
import { parseIpAddress } from '../../src/net/address.js';
import { parseIpRule, parseIpRuleJson, parseIpRoute } from '../../src/route/index.js';
import { buildRoutingTables, lookupRoute, type RouteDecision } from '../../src/route/lookup.js';
import { PROJECT_ROOT } from '../corpus.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'rule-goto');
const read = (state: string, file: string) => readFileSync(join(FIXTURES, state, file), 'utf8');

/** The device of the kernel's answer: "198.51.100.7 via 10.20.0.2 dev d20 table 20 …". */
function kernelDevice(state: string): string {
  return /\bdev (\S+)/.exec(read(state, 'route-get.txt'))![1]!;
}

function deviceOf(d: RouteDecision): string | null {
  return d.kind === 'unicast' ? (d.hops[0]!.hop.dev ?? null) : null;
}

describe('ip rule goto (recorded from a kernel)', () => {
  for (const state of ['unresolved', 'resolved']) {
    for (const form of ['ip-rule.txt', 'ip-rule.json']) {
      it(`${state}, ${form}: the lookup ends where the kernel's did`, () => {
        const rules = form.endsWith('.json') ? parseIpRuleJson(read(state, form), form) : parseIpRule(read(state, form), form);
        expect(rules.issues).toEqual([]);
        const routes = parseIpRoute(read(state, 'ip-route.txt'), 'ip-route.txt');
        const rt = buildRoutingTables('ipv4', routes.value.routes, rules.value.rules, null);
        const notes: string[] = [];
        const d = lookupRoute(rt, { family: 'ipv4', dst: parseIpAddress('198.51.100.7')!, src: null, mark: 0, iif: 'lo', protocol: 'tcp', sport: 40000, dport: 80 }, notes);
        expect(deviceOf(d)).toBe(kernelDevice(state));
        if (state === 'unresolved') {
          expect(d.kind === 'unicast' && d.rule?.priority).toBe(120);
          expect(notes).toEqual([expect.stringMatching(/^ip rule 100 \(ip-rule\.(txt:2|json object #2)\) goes to 150, but no rule has that priority: the kernel leaves such a goto unresolved/)]);
        } else {
          expect(d.kind === 'unicast' && d.rule?.priority).toBe(150);
          expect(notes).toEqual([]);
        }
      });
    }
  }

  it('trace on the recorded host leaves by the kernel\'s device and says why', async () => {
    const run = await runTrace({ paths: [join(FIXTURES, 'unresolved')], hosts: [], proto: 'tcp', src: '10.10.0.1', dst: '198.51.100.7:80' });
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    expect(run.report.outcomes.map((o) => o.egress?.interface)).toEqual([kernelDevice('unresolved')]);
    expect(run.report.outcomes[0]!.unknowns.join('\n')).toMatch(/goes to 150, but no rule has that priority/);
  });
});
