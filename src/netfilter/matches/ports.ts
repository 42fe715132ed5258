// `-m tcp|udp|udplite|sctp|dccp` (also implied by `-p PROTO`): --sport/--dport ranges, and for
// TCP --tcp-flags MASK SET and --syn.

import { firstArg, splitList, type MatchModule, type ModuleReader } from '../match-module.js';
import { parsePortRange } from '../parse-values.js';

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
