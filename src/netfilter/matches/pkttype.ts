// `-m pkttype --pkt-type unicast|broadcast|multicast`: the link-layer packet type.

import { firstArg, type MatchModule } from '../match-module.js';
import { addressTypes, not, type MatchEvaluators } from '../match-eval.js';

export const PKTTYPE: MatchModule = {
  name: 'pkttype',
  options: ['--pkt-type'],
  read(r) {
    for (const o of r.group.options) r.out.push({ kind: 'pkttype', negated: o.negated, type: firstArg(o) });
  },
};

export const PKTTYPE_EVALUATORS = {
  pkttype(m, { packet, host }) {
    const types = addressTypes(host, packet.dst);
    const kind = types?.includes('BROADCAST') ? 'broadcast' : types?.includes('MULTICAST') ? 'multicast' : 'unicast';
    return not(m.negated, kind === m.type);
  },
} satisfies Partial<MatchEvaluators>;
