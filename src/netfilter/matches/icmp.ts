// `-m icmp --icmp-type TYPE[/CODE]|NAME` and `-m icmp6 --icmpv6-type …` (also implied by `-p icmp`).

import { firstArg, type MatchModule, type ModuleReader } from '../match-module.js';

function readIcmp(family: 'ipv4' | 'ipv6'): (r: ModuleReader) => void {
  return (r) => {
    for (const o of r.group.options) {
      const name = firstArg(o);
      const [t, c] = name.split('/');
      const type = t !== undefined && /^\d+$/.test(t) ? Number(t) : null;
      const code = c !== undefined && /^\d+$/.test(c) ? Number(c) : null;
      r.out.push({ kind: 'icmp-type', negated: o.negated, family, type, code, name });
    }
  };
}

export const ICMP: MatchModule = { name: 'icmp', options: ['--icmp-type'], read: readIcmp('ipv4') };
export const ICMP6: MatchModule = { name: 'icmp6', options: ['--icmpv6-type'], read: readIcmp('ipv6') };
