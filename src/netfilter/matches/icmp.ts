// `-m icmp --icmp-type TYPE[/CODE]|NAME` and `-m icmp6 --icmpv6-type …` (also implied by `-p icmp`).

import { firstArg, type MatchModule, type ModuleReader } from '../match-module.js';
import { NO, not, unknown, type MatchEvaluators } from '../match-eval.js';

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

const ICMP_NAMES: Record<string, [number, number | null]> = {
  'echo-request': [8, null], 'echo-reply': [0, null], 'destination-unreachable': [3, null], 'time-exceeded': [11, null],
  'port-unreachable': [3, 3], 'fragmentation-needed': [3, 4], any: [-1, null],
  'echo-request-v6': [128, null], 'echo-reply-v6': [129, null],
};

export const ICMP_EVALUATORS = {
  'icmp-type'(m, { packet: p }) {
    if (p.icmpType === null) return NO;
    if (m.type !== null) return not(m.negated, m.type === p.icmpType && (m.code === null || m.code === p.icmpCode));
    const named = ICMP_NAMES[m.name];
    if (named === undefined) return unknown(`icmp type "${m.name}" is not known to natpath`);
    if (named[0] === -1) return not(m.negated, true);
    return not(m.negated, named[0] === p.icmpType && (named[1] === null || named[1] === p.icmpCode));
  },
} satisfies Partial<MatchEvaluators>;
