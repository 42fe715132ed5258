// A conntrack entry whose reply tuple is not the mirror of its original tuple is the kernel's own
// record of a translation. Finding the entry that matches an observed translation corroborates
// it (and names the host's connection state) independently of the iptables rules.

import type { ConntrackEntry } from '../conntrack/index.js';
import { formatIpAddress, type IpAddress } from '../net/address.js';
import type { ConntrackEvidence, Translation } from './flow-model.js';
import { endpointWithPort } from './endpoint-text.js';

export interface ConntrackSource {
  entries: ConntrackEntry[];
  /** The dump's lines by file, to quote the entry. */
  lines: Map<string, string[]>;
}

/** The entry of a connection the host translated by `kind`, from `change.before` to `change.after` (all of the host's translations of it). */
export function findConntrackEvidence(kind: Translation['kind'], change: Pick<Translation, 'before' | 'after'>, proto: string, source: ConntrackSource): ConntrackEvidence | null {
  const t = { kind, ...change };
  const ports = proto === 'tcp' || proto === 'udp' || proto === 'sctp';
  for (const e of source.entries) {
    if (e.protocol !== proto || !(t.kind === 'SNAT' ? e.snat : e.dnat)) continue;
    const origSrc = endpoint(e.original.src, ports ? e.original.sport : null);
    const origDst = endpoint(e.original.dst, ports ? e.original.dport : null);
    const seenSrc = endpoint(e.translatedSource.address, ports ? e.translatedSource.port : null);
    const seenDst = endpoint(e.translatedDestination.address, ports ? e.translatedDestination.port : null);
    if (origSrc !== t.before.src || origDst !== t.before.dst) continue;
    if (seenSrc !== t.after.src || seenDst !== t.after.dst) continue;
    const text = source.lines.get(e.source.file)?.[e.source.line - 1] ?? '';
    return { file: e.source.file, line: e.source.line, entry: text.trim() };
  }
  return null;
}

function endpoint(address: IpAddress, port: number | null): string {
  return endpointWithPort(formatIpAddress(address), port);
}
