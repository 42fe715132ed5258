// The host's conntrack table is the kernel's own record of what it did to each connection. When
// it holds connections like the traced packet (same protocol, source, destination and port), each
// is evidence: did the kernel translate them the way the walk predicts?

import type { ConntrackEntry, ConntrackTable } from '../conntrack/model.js';
import { sameAddress } from '../net/address.js';
import type { SimOutcome, TraceRequest } from './simulate.js';

export interface ConntrackEvidence {
  entry: ConntrackEntry;
  /** Index of the first outcome whose final addresses (and destination port) are the entry's, or null. */
  agreesWith: number | null;
}

export function findConntrackEvidence(table: ConntrackTable | null, req: TraceRequest, sportGiven: boolean, outcomes: SimOutcome[]): ConntrackEvidence[] {
  if (table === null) return [];
  const out: ConntrackEvidence[] = [];
  for (const e of table.entries) {
    const o = e.original;
    if (e.protocol !== req.protocol || !sameAddress(o.dst, req.dst)) continue;
    if (req.src !== null && !sameAddress(o.src, req.src)) continue;
    if (req.dport !== null && o.dport !== req.dport) continue;
    if (sportGiven && req.sport !== null && o.sport !== req.sport) continue;
    const agrees = outcomes.findIndex((x) => {
      const p = x.state.packet;
      return p.src !== null && sameAddress(p.src, e.translatedSource.address) && sameAddress(p.dst, e.translatedDestination.address) && p.dport === e.translatedDestination.port;
    });
    out.push({ entry: e, agreesWith: agrees === -1 ? null : agrees });
  }
  return out;
}
