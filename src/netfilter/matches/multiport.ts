// `-m multiport --sports|--dports|--ports LIST`: up to 15 ports or ranges, comma-separated.

import { firstArg, type MatchModule } from '../match-module.js';
import type { PortRange } from '../model.js';
import { parsePortRange } from '../parse-values.js';

function parsePortList(text: string): PortRange[] | null {
  const out: PortRange[] = [];
  for (const part of text.split(',')) {
    const r = parsePortRange(part);
    if (r === null) return null;
    out.push(r);
  }
  return out;
}

export const MULTIPORT: MatchModule = {
  name: 'multiport',
  options: ['--sports', '--source-ports', '--dports', '--destination-ports', '--ports'],
  read(r) {
    for (const o of r.group.options) {
      const ranges = parsePortList(firstArg(o));
      if (ranges === null) {
        r.bad(o, 'not a comma-separated list of ports or ranges');
        continue;
      }
      const direction = o.name === '--ports' ? 'either' : o.name.startsWith('--s') ? 'source' : 'destination';
      r.out.push({ kind: 'port', direction, negated: o.negated, ranges });
    }
  },
};
