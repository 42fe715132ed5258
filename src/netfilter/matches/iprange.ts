// `-m iprange --src-range|--dst-range A-B`: an address range of the rule's family.

import { parseIpAddress } from '../../net/address.js';
import { firstArg, type MatchModule } from '../match-module.js';
import type { IpAddress } from '../../net/address.js';
import { not, unknown, type MatchEvaluators } from '../match-eval.js';

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

function inRange(addr: IpAddress, from: IpAddress, to: IpAddress): boolean {
  if (addr.family === 'ipv4' && from.family === 'ipv4' && to.family === 'ipv4') return addr.value >= from.value && addr.value <= to.value;
  if (addr.family === 'ipv6' && from.family === 'ipv6' && to.family === 'ipv6') {
    const cmp = (a: Uint32Array, b: Uint32Array) => {
      for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
      return 0;
    };
    return cmp(addr.words, from.words) >= 0 && cmp(addr.words, to.words) <= 0;
  }
  return false;
}

export const IPRANGE_EVALUATORS = {
  iprange(m, { packet: p }) {
    const addr = m.side === 'source' ? p.src : p.dst;
    if (addr === null) return unknown('the source address is not known');
    return not(m.negated, inRange(addr, m.range.from, m.range.to));
  },
} satisfies Partial<MatchEvaluators>;
