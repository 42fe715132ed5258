// A flow's reply-only fragments (conntrack-joins.ts) in words for the report: which capture points
// held only replies, the conntrack entry that joined them to the requests — quoted with its file
// and line — or why none did, with the entries and flows that were candidates.

import type { ConntrackEntry, ConntrackTuple } from '../conntrack/index.js';
import { formatIpAddress } from '../net/address.js';
import type { ConntrackJoin } from './flow-model.js';
import { endpointWithPort } from './endpoint-text.js';
import type { HostKnowledge } from './host-knowledge.js';
import type { FlowJoin } from './link-legs.js';

/** At most this many entries are quoted per fragment (the count says how many there are). */
const MAX_QUOTED = 8;

/** `pointOf(leg)` names a leg's capture point ("host:interface"); `flowId(index)` a flow's id; `path` is the flow's legs in path order. */
export function describeJoins(joins: FlowJoin[], hosts: HostKnowledge[], pointOf: (leg: number) => string, flowId: (flow: number) => number, path: readonly number[]): ConntrackJoin[] {
  return joins.map((j) => {
    const capturePoints = [...new Set(path.filter((g) => j.legs.includes(g)).map(pointOf))];
    const entries = j.entries.slice(0, MAX_QUOTED).map(({ host, entry }) => ({ host: hosts[host]!.name, ...quote(entry, hosts[host]!) }));
    const candidateFlows = j.outcome === 'several-flows' ? j.otherFlows.map(flowId) : [];
    return { outcome: j.outcome, capturePoints, entries, entryCount: j.entries.length, candidateFlows, reason: reasonOf(j, capturePoints, entries, hosts, candidateFlows) };
  });
}

function reasonOf(j: FlowJoin, points: string[], entries: ConntrackJoin['entries'], hosts: HostKnowledge[], candidates: number[]): string {
  const at = `${points.join(', ')} captured only its replies, and no captured packet links them to its requests`;
  const cited = entries.map((e) => `${e.file}:${e.line}`).join(', ') + (j.entries.length > entries.length ? `, … ${j.entries.length - entries.length} more` : '');
  const first = j.entries[0];
  switch (j.outcome) {
    case 'joined': {
      const e = first!.entry;
      return `${at}; ${hosts[first!.host]!.name}'s conntrack entry (${cited}) records the connection as ${tupleText(e, e.original)} and its replies as ${tupleText(e, e.reply)}: both tuples are one connection, so the replies are joined to the requests`;
    }
    case 'no-snapshot':
      return `${at}; not joined to the requests: ${hostsOf(points)} has no conntrack snapshot to join them by`;
    case 'no-entry':
      return `${at}; not joined to the requests: no entry of ${hostsOf(points)}'s conntrack snapshot holds its endpoints (the snapshot is one moment after the capture: the entry may have expired)`;
    case 'several-entries':
      return `${at}; not joined to the requests: ${j.entries.length} conntrack entries of ${hosts[first!.host]!.name} hold its endpoints (${cited}), while a table holds a tuple once, so the snapshot does not say which is this connection's`;
    case 'not-captured': {
      const e = first!.entry;
      // The requests on the other side of the host's NAT: the original tuple, or the reply tuple turned round.
      const other = first!.tuple === 'original' ? tupleText(e, e.reply, true) : tupleText(e, e.original);
      return `${at}; not joined: ${hosts[first!.host]!.name}'s conntrack entry (${cited}) records its requests on the host's other side as ${other}, which no capture point of that host holds`;
    }
    case 'several-flows':
      return `${at}; not joined: the conntrack entry (${cited}) records the connection's other side as held by flows ${candidates.join(', ')}, and which of them is this connection cannot be told`;
  }
}

/** The hosts of capture points ("host:interface"), as words. */
function hostsOf(points: string[]): string {
  return [...new Set(points.map((p) => p.slice(0, p.lastIndexOf(':'))))].join(' and ');
}

/** "src:sport → dst:dport" of one of the entry's tuples (`turned`: dst → src, a reply tuple as the request it answers). */
function tupleText(e: ConntrackEntry, t: ConntrackTuple, turned = false): string {
  const ports = e.original.sport !== null;
  const src = endpointWithPort(formatIpAddress(t.src), ports ? t.sport : null);
  const dst = endpointWithPort(formatIpAddress(t.dst), ports ? t.dport : null);
  return turned ? `${dst} → ${src}` : `${src} → ${dst}`;
}

function quote(e: ConntrackEntry, host: HostKnowledge): { file: string; line: number; entry: string } {
  const text = host.conntrack.lines.get(e.source.file)?.[e.source.line - 1] ?? '';
  return { file: e.source.file, line: e.source.line, entry: text.trim() };
}
