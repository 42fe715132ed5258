// `-m state --state` and `-m conntrack --ctstate/--ctstatus/--ctorig*/--ctrepl*/--ctdir/--ctproto`:
// the connection's state and tuples.

import { parsePrefix } from '../../net/address.js';
import { firstArg, splitList, type MatchModule, type ModuleReader, type RawOption } from '../match-module.js';
import { parsePortRange } from '../parse-values.js';

function readConntrackOption(o: RawOption, r: ModuleReader): void {
  const a = firstArg(o);
  switch (o.name) {
    case '--state': case '--ctstate':
      r.out.push({ kind: 'ctstate', negated: o.negated, states: splitList(a) });
      return;
    case '--ctstatus':
      r.out.push({ kind: 'ctstatus', negated: o.negated, statuses: splitList(a) });
      return;
    case '--ctorigsrc': case '--ctorigdst': case '--ctreplsrc': case '--ctrepldst': {
      const prefix = parsePrefix(a);
      if (prefix === null || prefix.address.family !== r.family) r.bad(o, 'not an address or prefix');
      else r.out.push({ kind: 'ct-address', tuple: o.name.slice(4) as 'origsrc', negated: o.negated, prefix });
      return;
    }
    case '--ctorigsrcport': case '--ctorigdstport': case '--ctreplsrcport': case '--ctrepldstport': {
      const range = parsePortRange(a);
      if (range === null) r.bad(o, 'not a port or port range');
      else r.out.push({ kind: 'ct-port', tuple: o.name.slice(4, -4) as 'origsrc', negated: o.negated, range });
      return;
    }
    case '--ctdir':
      if (a === 'ORIGINAL' || a === 'REPLY') r.out.push({ kind: 'ctdir', direction: a });
      else r.bad(o, 'expected ORIGINAL or REPLY');
      return;
    case '--ctproto':
      r.out.push({ kind: 'ctproto', negated: o.negated, protocol: a.toLowerCase() });
      return;
    default:
      r.unknownOption(o);
  }
}

function readConntrack(r: ModuleReader): void {
  for (const o of r.group.options) readConntrackOption(o, r);
}

export const STATE: MatchModule = { name: 'state', options: ['--state'], read: readConntrack };
export const CONNTRACK: MatchModule = {
  name: 'conntrack',
  options: [
    '--ctstate', '--ctstatus', '--ctorigsrc', '--ctorigdst', '--ctreplsrc', '--ctrepldst', '--ctorigsrcport',
    '--ctorigdstport', '--ctreplsrcport', '--ctrepldstport', '--ctdir', '--ctproto', '--ctexpire',
  ],
  read: readConntrack,
};
