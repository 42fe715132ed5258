// The NAT targets: SNAT --to-source, DNAT --to-destination (address[-address][:port[-port]],
// repeatable), MASQUERADE and REDIRECT [--to-ports], NETMAP --to PREFIX.

import { parsePrefix } from '../../net/address.js';
import type { NatRange } from '../model.js';
import { natFlags, type TargetModule } from '../target-module.js';
import { parseNatRange, parsePortRange } from '../parse-values.js';

export const SNAT_DNAT: TargetModule = {
  names: ['SNAT', 'DNAT'],
  read(t) {
    const ranges: NatRange[] = [];
    for (const o of t.options) {
      if (o.name !== '--to-source' && o.name !== '--to-destination') continue;
      const r = parseNatRange(o.args[0] ?? '', t.family);
      if (r === null) return { bad: `${o.name} ${o.args[0] ?? ''} is not an address[-address][:port[-port]]` };
      ranges.push(r);
    }
    if (ranges.length === 0 && t.name === 'SNAT') return { bad: 'no --to-source' };
    return { kind: t.name as 'SNAT' | 'DNAT', ranges, flags: natFlags(t) };
  },
};

export const MASQUERADE_REDIRECT: TargetModule = {
  names: ['MASQUERADE', 'REDIRECT'],
  read(t) {
    const to = t.opt('--to-ports', '--to-port')?.args[0];
    const ports = to === undefined ? null : parsePortRange(to, true);
    if (to !== undefined && ports === null) return { bad: `--to-ports ${to} is not a port or port range` };
    return { kind: t.name as 'MASQUERADE' | 'REDIRECT', ports, flags: natFlags(t) };
  },
};

export const NETMAP: TargetModule = {
  names: ['NETMAP'],
  read(t) {
    const to = t.opt('--to')?.args[0] ?? '';
    const prefix = parsePrefix(to);
    if (prefix === null || prefix.address.family !== t.family) return { bad: `--to ${to} is not a prefix` };
    return { kind: 'NETMAP', prefix };
  },
};
