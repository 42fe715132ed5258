// Why a flow left a host untranslated (a pod address leaking out, flannel's MASQUERADE missing):
// the same walk that explains translations, run on the flow's first packet as it entered the
// host, and then every SNAT/MASQUERADE rule of the host's nat table held against the packet as it
// left: the one that came nearest says which of its conditions excluded the packet — or no nat
// rule would ever have translated it.

import { formatPrefix } from '../net/address.js';
import { privateRangeOf } from '../net/address-scope.js';
import { parseIpAddress } from '../net/address.js';
import type { Match, Rule } from '../netfilter/model.js';
import { evaluateMatch } from '../netfilter/matches/index.js';
import { simulate } from '../sim/simulate.js';
import { addressOf } from './endpoint-text.js';
import { packetEntering } from './explain-translations.js';
import type { Flow, Hop, HostLeg, Untranslated } from './flow-model.js';
import type { HostKnowledge } from './host-knowledge.js';

/**
 * The hosts the flow crossed with a private source it kept (the leg and its last hop), when that
 * matters: a leak, or a source that must be translated again. Empty otherwise.
 */
export function legsLeftUntranslated(flow: Flow): { leg: HostLeg; last: Hop }[] {
  if (flow.leaks.length === 0 && flow.translatedBeyond !== 'certain' && flow.translatedBeyond !== 'likely') return [];
  const kept: { leg: HostLeg; last: Hop }[] = [];
  for (const leg of flow.legs) {
    const last = leg.hops[leg.hops.length - 1]!;
    const src = parseIpAddress(addressOf(last.src));
    if (leg.hops.length < 2 || src === null || privateRangeOf(src) === null) continue;
    if (addressOf(leg.src) !== addressOf(last.src) || flow.translations.some((t) => t.host === leg.host && t.kind === 'SNAT')) continue;
    kept.push({ leg, last });
  }
  return kept;
}

/**
 * Fills flow.untranslated for the hosts of legsLeftUntranslated, by the nat rules. Not for ICMP
 * errors: no nat rule sees one (related-errors.ts says why such a flow kept its source).
 */
export function explainNoTranslation(flow: Flow, hosts: HostKnowledge[]): void {
  if (flow.icmpError !== null) return;
  for (const { leg, last } of legsLeftUntranslated(flow)) {
    const src = parseIpAddress(addressOf(last.src))!;
    const model = hosts.find((h) => h.name === leg.host)?.model ?? null;
    const dump = model?.iptables.get(src.family);
    if (model === null || dump === undefined) continue;
    const request = packetEntering(flow, leg, model);
    if (request === null) continue;
    const outcome = simulate(model, request).outcomes.find((o) => o.verdict === 'ACCEPT' && o.state.translations.every((t) => t.kind !== 'SNAT'));
    if (outcome === undefined) continue;
    const state = { ...outcome.state, hook: 'POSTROUTING' as const };
    let best: { rule: Rule; failing: Match[] } | null = null;
    for (const chain of dump.dump.tables.find((t) => t.name === 'nat')?.chains ?? []) {
      for (const rule of chain.rules) {
        if (rule.target.kind !== 'SNAT' && rule.target.kind !== 'MASQUERADE') continue;
        const failing = rule.matches.filter((m) => evaluateMatch(m, { hook: 'POSTROUTING', packet: state.packet, conn: state.conn, host: model, options: request.options }).kind === 'no');
        if (best === null || failing.length < best.failing.length) best = { rule, failing };
      }
    }
    const at = `${leg.host} (left ${last.interface} as ${addressOf(last.src)})`;
    const entry: Untranslated = {
      host: leg.host, capturePoint: `${leg.host}:${last.interface}`, src: addressOf(last.src), rule: null, excludedBy: [], notReachedBecause: null, related: null, reason: '',
    };
    if (best === null) entry.reason = `${at}: no SNAT or MASQUERADE rule in its nat table would translate it`;
    else {
      const where = `nat/${best.rule.chain} rule ${best.rule.number} (${best.rule.source.file}:${best.rule.source.line}: ${best.rule.text})`;
      entry.rule = { table: 'nat', chain: best.rule.chain, ruleNumber: best.rule.number, text: best.rule.text, file: best.rule.source.file, line: best.rule.source.line };
      entry.excludedBy = best.failing.map(conditionText);
      if (best.failing.length === 0) entry.notReachedBecause = whyNotReached(outcome.state.steps, best.rule);
      entry.reason =
        best.failing.length > 0
          ? `${at}: the nearest rule that would have translated it, ${where}, is excluded by ${entry.excludedBy.join(' and ')}`
          : `${at}: ${where} would translate it, but the walk does not reach it: ${entry.notReachedBecause}`;
    }
    flow.untranslated.push(entry);
  }
}

function conditionText(m: Match): string {
  const not = 'negated' in m && m.negated ? '! ' : '';
  switch (m.kind) {
    case 'source': return `${not}-s ${m.prefixes.map(formatPrefix).join(',')}`;
    case 'destination': return `${not}-d ${m.prefixes.map(formatPrefix).join(',')}`;
    case 'out-interface': return `${not}-o ${m.name}${m.wildcard ? '+' : ''}`;
    case 'in-interface': return `${not}-i ${m.name}${m.wildcard ? '+' : ''}`;
    case 'mark': return `-m mark ${not}--mark 0x${m.mark.value.toString(16)}/0x${m.mark.mask.toString(16)}`;
    case 'protocol': return `${not}-p ${m.protocol}`;
    default: return `its -m ${m.kind} condition`;
  }
}

/** What kept the walk from a rule that would have matched: an earlier rule of its chain that fired (RETURN, a jump that decided), or no jump into its chain. */
function whyNotReached(steps: ReadonlyArray<{ table: string; chain: string; ruleNumber: number; target: string; text: string }>, rule: Rule): string {
  const earlier = steps.filter((s) => s.table === 'nat' && s.chain === rule.chain && s.ruleNumber < rule.number);
  const last = earlier[earlier.length - 1];
  if (last !== undefined) return `nat/${last.chain} rule ${last.ruleNumber} (${last.text}) fired first`;
  return `no rule the packet matched jumps to ${rule.chain}`;
}
