// `-m physdev --physdev-in|--physdev-out PORT [--physdev-is-in|-out|-bridged]`: the bridge ports
// of a bridged packet (br_netfilter).

import { firstArg, type MatchModule } from '../match-module.js';
import type { Match } from '../model.js';

export const PHYSDEV: MatchModule = {
  name: 'physdev',
  options: ['--physdev-in', '--physdev-out', '--physdev-is-in', '--physdev-is-out', '--physdev-is-bridged'],
  flags: ['--physdev-is-in', '--physdev-is-out', '--physdev-is-bridged'],
  read(r) {
    const m: Extract<Match, { kind: 'physdev' }> = { kind: 'physdev', physdevIn: null, physdevOut: null, isIn: null, isOut: null, isBridged: null };
    for (const o of r.group.options) {
      const name = firstArg(o);
      const wildcard = name.endsWith('+');
      const dev = { negated: o.negated, name: wildcard ? name.slice(0, -1) : name, wildcard };
      if (o.name === '--physdev-in') m.physdevIn = dev;
      else if (o.name === '--physdev-out') m.physdevOut = dev;
      else if (o.name === '--physdev-is-in') m.isIn = !o.negated;
      else if (o.name === '--physdev-is-out') m.isOut = !o.negated;
      else if (o.name === '--physdev-is-bridged') m.isBridged = !o.negated;
    }
    r.out.push(m);
  },
};
