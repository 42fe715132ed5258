// `-m addrtype --src-type|--dst-type TYPES [--limit-iface-in|--limit-iface-out]`: LOCAL,
// UNICAST, BROADCAST, MULTICAST, … of the packet's source or destination address.

import { firstArg, splitList, type MatchModule } from '../match-module.js';
import type { Match } from '../model.js';
import { formatIpAddress } from '../../net/address.js';
import { addressTypes, not, unknown, type MatchEvaluators } from '../match-eval.js';

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

export const ADDRTYPE_EVALUATORS = {
  addrtype(m, { packet: p, host }) {
    const addr = m.side === 'source' ? p.src : p.dst;
    if (m.limitIface !== null) {
      const ref = m.limitIface === 'in' ? p.iif : p.oif;
      if (ref.kind === 'unknown') return unknown(`addrtype --limit-iface-${m.limitIface}: the interface is not known`);
      if (ref.kind === 'name' && addr !== null) {
        const itf = host.interfacesByName.get(ref.name);
        if (itf !== undefined && m.types.includes('LOCAL')) {
          const onIface = itf.addresses.some((a) => formatIpAddress(a.address) === formatIpAddress(addr));
          return not(m.negated, onIface);
        }
      }
    }
    const types = addressTypes(host, addr);
    if (types === null) return unknown(`addrtype ${m.types.join(',')} of ${addr === null ? 'an unknown address' : formatIpAddress(addr)}: the host's addresses are not known (give ip addr or --host-addrs)`);
    return not(m.negated, m.types.some((t) => types.includes(t)));
  },
} satisfies Partial<MatchEvaluators>;
