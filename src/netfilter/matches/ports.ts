// `-m tcp|udp|udplite|sctp|dccp` (also implied by `-p PROTO`): --sport/--dport ranges, and for
// TCP --tcp-flags MASK SET and --syn.

import { firstArg, splitList, type MatchModule, type ModuleReader } from '../match-module.js';
import { parsePortRange } from '../parse-values.js';
import { NO, not, type MatchEvaluators } from '../match-eval.js';

const PORT_OPTIONS = ['--sport', '--source-port', '--dport', '--destination-port'];

function readPorts(r: ModuleReader): void {
  for (const o of r.group.options) {
    if (PORT_OPTIONS.includes(o.name)) {
      const range = parsePortRange(firstArg(o));
      if (range === null) r.bad(o, 'not a port or port range');
      else r.out.push({ kind: 'port', direction: o.name.startsWith('--s') ? 'source' : 'destination', negated: o.negated, ranges: [range] });
    } else if (o.name === '--tcp-flags') {
      r.out.push({ kind: 'tcp-flags', negated: o.negated, mask: splitList(firstArg(o)), set: splitList(o.args[1] ?? '') });
    } else if (o.name === '--syn') {
      r.out.push({ kind: 'tcp-flags', negated: o.negated, mask: ['FIN', 'SYN', 'RST', 'ACK'], set: ['SYN'] });
    } else r.unknownOption(o);
  }
}

export const TCP: MatchModule = {
  name: 'tcp',
  options: [...PORT_OPTIONS, '--tcp-flags', '--syn', '--tcp-option'],
  flags: ['--syn'],
  twoValues: ['--tcp-flags'],
  read: readPorts,
};
export const UDP: MatchModule = { name: 'udp', options: PORT_OPTIONS, read: readPorts };
export const UDPLITE: MatchModule = { name: 'udplite', options: PORT_OPTIONS, read: readPorts };
export const SCTP: MatchModule = { name: 'sctp', options: [...PORT_OPTIONS, '--chunk-types'], read: readPorts };
export const DCCP: MatchModule = { name: 'dccp', options: PORT_OPTIONS, read: readPorts };

const ALL_TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'];

export const PORT_EVALUATORS = {
  port(m, { packet: p }) {
    const test = (port: number | null) => port !== null && m.ranges.some((r) => port >= r.min && port <= r.max);
    const hit = m.direction === 'source' ? test(p.sport) : m.direction === 'destination' ? test(p.dport) : test(p.sport) || test(p.dport);
    if (p.sport === null && p.dport === null) return NO;
    return not(m.negated, hit);
  },
  'tcp-flags'(m, { packet: p }) {
    if (p.protocol !== 'tcp') return NO;
    // The first packet of a TCP connection carries SYN alone.
    const expand = (flags: string[]) => flags.flatMap((f) => (f === 'ALL' ? ALL_TCP_FLAGS : f === 'NONE' ? [] : [f]));
    const set = new Set(expand(m.set));
    return not(m.negated, expand(m.mask).every((f) => (f === 'SYN') === set.has(f)));
  },
} satisfies Partial<MatchEvaluators>;
