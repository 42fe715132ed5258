// Which flows evidence could not separate. Two flows are candidates of each other when some leg
// of one shared a print with some leg of the other that matching could not assign (CandidatePairs)
// and each is missing at the other's capture point — a connection crosses a point once, so a flow
// already seen at a point is not continued by another flow's leg there. Numbers only: flows are
// indexes of LinkedFlows.

import type { CandidatePairs } from './candidate-pairs.js';
import { type CaptureOnHost, outlineFlow } from './describe-flows.js';
import type { AmbiguousCandidate, Flow, FlowAmbiguity } from './flow-model.js';
import type { HostKnowledge } from './host-knowledge.js';
import type { LinkedFlows } from './link-legs.js';
import type { LegIds } from './match-packets.js';

/** Per flow index, the other flows it may be part of: list[start[i] .. start[i + 1]), in flow order. */
export interface FlowCandidates {
  start: Int32Array;
  list: Int32Array;
  /** Per flow index: 1 when some of its candidates shared an echo's print with it (CandidatePairs.echo). */
  echo: Uint8Array;
}

/** `point` is each leg's capture point (capture file, interface, encapsulation), as in LegFacts. */
export function findFlowCandidates(flows: LinkedFlows, candidates: CandidatePairs, point: Int32Array): FlowCandidates {
  const flowOf = new Int32Array(point.length).fill(-1);
  for (let f = 0; f < flows.count; f++) for (let k = flows.start[f]!; k < flows.start[f + 1]!; k++) flowOf[flows.legs[k]!] = f;
  const seenAt = (f: number, p: number): boolean => {
    for (let k = flows.start[f]!; k < flows.start[f + 1]!; k++) if (point[flows.legs[k]!] === p) return true;
    return false;
  };
  // Candidate relations as (flow, other) numbers, both ways, then sorted and deduplicated.
  const edges: number[] = [];
  const echo = new Uint8Array(flows.count);
  for (let e = 0; e < candidates.count; e++) {
    const a = candidates.a.data[e]!;
    const b = candidates.b.data[e]!;
    const fa = flowOf[a]!;
    const fb = flowOf[b]!;
    if (fa < 0 || fb < 0 || fa === fb) continue;
    if (seenAt(fa, point[b]!) || seenAt(fb, point[a]!)) continue;
    edges.push(fa * flows.count + fb, fb * flows.count + fa);
    if (candidates.echo.data[e] === 1) echo[fa] = echo[fb] = 1;
  }
  const sorted = Float64Array.from(edges).sort();
  const start = new Int32Array(flows.count + 1);
  const list: number[] = [];
  let previous = -1;
  for (const edge of sorted) {
    if (edge === previous) continue;
    previous = edge;
    const from = Math.floor(edge / flows.count);
    start[from + 1]!++;
    list.push(edge - from * flows.count);
  }
  for (let f = 0; f < flows.count; f++) start[f + 1]! += start[f]!;
  return { start, list: Int32Array.from(list), echo };
}

/** Candidates named per flow; the rest are counted (a replay of many copies makes many). */
export const MAX_LISTED_CANDIDATES = 8;

/**
 * The ambiguity of flow `index` (LinkedFlows numbering; flow ids are index + 1) for the report,
 * or null when it has no candidates. `own` is the flow as described, for the points it covers.
 */
export function describeAmbiguity(
  index: number,
  candidates: FlowCandidates,
  flows: LinkedFlows,
  ids: LegIds,
  captures: CaptureOnHost[],
  hosts: HostKnowledge[],
  own: Flow,
): FlowAmbiguity | null {
  const from = candidates.start[index]!;
  const to = candidates.start[index + 1]!;
  if (to === from) return null;
  const listed: AmbiguousCandidate[] = [];
  for (let k = from; k < Math.min(to, from + MAX_LISTED_CANDIDATES); k++) {
    const other = candidates.list[k]!;
    listed.push({ flow: other + 1, ...outlineFlow(flows.flow(other), ids, captures, hosts) });
  }
  const ownPoints = new Set(own.legs.flatMap((l) => l.hops.map((h) => `${l.host}:${h.interface}`)));
  const elsewhere = [...new Set(listed.flatMap((c) => c.capturePoints.filter((p) => !ownPoints.has(p))))];
  const n = to - from;
  const others = `${n} other flow${n === 1 ? '' : 's'} seen at ${elsewhere.join(', ')}`;
  const which = n === 1 ? 'flow, if any,' : 'one';
  const reason =
    candidates.echo[index] === 1
      ? `its packets and their replies carry the same bytes (an echo), a capture point holds only one of the two, and neither the ` +
        `directions the captures recorded (where they record any) nor the addresses tell which of them it shares with ${others}: ` +
        `which ${which} continues it is not known`
      : n === 1
        ? oneCandidateReason(candidates.list[from]!, rivalsFor(index, candidates), elsewhere)
        : `its packets repeat in ${others} (replayed or generated traffic, or a capture point that missed some copies), and neither ` +
          `their times nor their counts at each point tell which ${which} continues it`;
  return { candidates: listed, candidateCount: n, reason };
}

/**
 * The other flows that have flow `index`'s one candidate among theirs (flow indexes, ascending):
 * it crosses each capture point once, so it continues at most one of them.
 */
function rivalsFor(index: number, candidates: FlowCandidates): number[] {
  const only = candidates.list[candidates.start[index]!]!;
  const rivals: number[] = [];
  for (let k = candidates.start[only]!; k < candidates.start[only + 1]!; k++) {
    if (candidates.list[k] !== index) rivals.push(candidates.list[k]!);
  }
  return rivals;
}

/**
 * Why one candidate is not a link (docs/analyze.md §2, "Ambiguity"): a link needs packets paired,
 * and a candidate is what is left where they could not be. With rivals, the candidate continues
 * at most one of the flows that share it; without, the two are each other's only candidate, yet
 * two copies that each lost their continuation (a capture point that missed some) would look the same.
 */
function oneCandidateReason(candidate: number, rivals: number[], elsewhere: string[]): string {
  const head = `its packets repeat in 1 other flow, flow ${candidate + 1}, seen at ${elsewhere.join(', ')} (replayed or generated traffic, or a capture point that missed some copies)`;
  if (rivals.length > 0) {
    const shown = rivals.slice(0, MAX_LISTED_CANDIDATES).map((r) => r + 1);
    const more = rivals.length > shown.length ? ` and ${rivals.length - shown.length} more` : '';
    return (
      `${head}; flow ${candidate + 1} is also the candidate of flow${rivals.length === 1 ? '' : 's'} ${shown.join(', ')}${more}, ` +
      `and a connection crosses each capture point once, so it continues at most one of them: neither their times nor their ` +
      `counts at each point tell which, and this flow may be a copy whose own continuation was not captured`
    );
  }
  return (
    `${head}, whose only candidate is this flow; they are still not linked: no packet of theirs could be paired by time or count, ` +
    `and two copies that each lost their continuation at a capture point that missed them would look the same`
  );
}
