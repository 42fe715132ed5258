// The `natpath inspect` facts of a conntrack dump: entries, how many were NAT'd, per protocol.

import type { ConntrackFacts } from '../report/inspect-model.js';
import type { ConntrackTable } from './model.js';

export function summarizeConntrack(table: ConntrackTable): ConntrackFacts {
  const byProtocol = new Map<string, number>();
  let natted = 0;
  for (const e of table.entries) {
    byProtocol.set(e.protocol, (byProtocol.get(e.protocol) ?? 0) + 1);
    if (e.snat || e.dnat) natted++;
  }
  return {
    type: 'conntrack',
    entries: table.entries.length,
    natted,
    byProtocol: [...byProtocol].map(([protocol, entries]) => ({ protocol, entries })),
  };
}
