// `-m addrtype --src-type|--dst-type TYPES [--limit-iface-in|--limit-iface-out]`: LOCAL,
// UNICAST, BROADCAST, MULTICAST, … of the packet's source or destination address.

import { firstArg, splitList, type MatchModule } from '../match-module.js';
import type { Match } from '../model.js';

export const ADDRTYPE: MatchModule = {
  name: 'addrtype',
  options: ['--src-type', '--dst-type', '--limit-iface-in', '--limit-iface-out'],
  flags: ['--limit-iface-in', '--limit-iface-out'],
  read(r) {
    let last: Extract<Match, { kind: 'addrtype' }> | null = null;
    for (const o of r.group.options) {
      if (o.name === '--src-type' || o.name === '--dst-type') {
        last = { kind: 'addrtype', side: o.name === '--src-type' ? 'source' : 'destination', negated: o.negated, types: splitList(firstArg(o)), limitIface: null };
        r.out.push(last);
      } else if (last !== null) {
        last.limitIface = o.name === '--limit-iface-in' ? 'in' : 'out';
      } else r.unknownOption(o);
    }
  },
};
