// `-m pkttype --pkt-type unicast|broadcast|multicast`: the link-layer packet type.

import { firstArg, type MatchModule } from '../match-module.js';

export const PKTTYPE: MatchModule = {
  name: 'pkttype',
  options: ['--pkt-type'],
  read(r) {
    for (const o of r.group.options) r.out.push({ kind: 'pkttype', negated: o.negated, type: firstArg(o) });
  },
};
