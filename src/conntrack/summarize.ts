// The summary of a conntrack dump (`natpath inspect` shows it): entries, how many were NAT'd, per protocol.

import type { ConntrackTable } from './model.js';

export interface ConntrackSummary {
  entries: number;
  natted: number;
  byProtocol: Array<{ protocol: string; entries: number }>;
}

export function summarizeConntrack(table: ConntrackTable): ConntrackSummary {
  const byProtocol = new Map<string, number>();
  let natted = 0;
  for (const e of table.entries) {
    byProtocol.set(e.protocol, (byProtocol.get(e.protocol) ?? 0) + 1);
    if (e.snat || e.dnat) natted++;
  }
  return {
    entries: table.entries.length,
    natted,
    byProtocol: [...byProtocol].map(([protocol, entries]) => ({ protocol, entries })),
  };
}
