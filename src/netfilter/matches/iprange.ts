// `-m iprange --src-range|--dst-range A-B`: an address range of the rule's family.

import { parseIpAddress } from '../../net/address.js';
import { firstArg, type MatchModule } from '../match-module.js';

export const IPRANGE: MatchModule = {
  name: 'iprange',
  options: ['--src-range', '--dst-range'],
  read(r) {
    for (const o of r.group.options) {
      const [fromText, toText] = firstArg(o).split('-');
      const from = fromText === undefined ? null : parseIpAddress(fromText);
      const to = toText === undefined ? from : parseIpAddress(toText);
      if (from === null || to === null || from.family !== r.family || to.family !== r.family) r.bad(o, 'not an address range A-B');
      else r.out.push({ kind: 'iprange', side: o.name === '--src-range' ? 'source' : 'destination', negated: o.negated, range: { from, to } });
    }
  },
};
