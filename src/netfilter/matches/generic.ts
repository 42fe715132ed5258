// The conditions every rule can have without `-m`: -s, -d, -p, -i, -o, -f (read by parse-rule.ts),
// and what a rule natpath could not read evaluates to.

import { prefixContains } from '../../net/address.js';
import { not, unknown, type MatchEvaluators, type MatchResult } from '../match-eval.js';
import type { IfaceRef } from '../packet-state.js';

function ifaceMatches(ref: IfaceRef, name: string, wildcard: boolean, negated: boolean, what: string): MatchResult {
  if (ref.kind === 'none') return not(negated, false);
  // A branch that already took the interface not to be this one holds to it.
  if (ref.kind === 'unknown' && !wildcard && ref.not?.includes(name) === true) return not(negated, false);
  if (ref.kind === 'unknown') return unknown(`${what} interface is not known (rule tests ${negated ? '! ' : ''}${name}${wildcard ? '+' : ''})`);
  const hit = wildcard ? ref.name.startsWith(name) : ref.name === name;
  return not(negated, hit);
}

export const GENERIC_EVALUATORS = {
  source(m, { packet: p }) {
    if (p.src === null) return unknown('the source address is not known (after MASQUERADE without ip addr)');
    return not(m.negated, m.prefixes.some((x) => prefixContains(x, p.src!)));
  },
  destination: (m, { packet: p }) => not(m.negated, m.prefixes.some((x) => prefixContains(x, p.dst))),
  protocol(m, { packet: p }) {
    if (m.number === 0 || m.protocol === 'all') return not(m.negated, true);
    if (m.number !== null) return not(m.negated, m.number === p.protocolNumber);
    // A word natpath's protocol table lacks (another system's /etc/protocols): only its own name is sure.
    return m.protocol === p.protocol ? not(m.negated, true) : unknown(`-p ${m.protocol} is not a protocol natpath knows`);
  },
  'in-interface': (m, { packet: p }) => ifaceMatches(p.iif, m.name, m.wildcard, m.negated, 'the input'),
  'out-interface': (m, { packet: p }) => ifaceMatches(p.oif, m.name, m.wildcard, m.negated, 'the output'),
  // The walk's packets are whole datagrams (the first of a connection).
  fragment: (m) => not(m.negated, false),
  unknown: (m) => unknown(`"${m.text}" is not known to natpath`),
} satisfies Partial<MatchEvaluators>;
