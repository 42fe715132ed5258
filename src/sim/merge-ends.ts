// Branches that leave a chain in the same state go on identically, so they are merged into one
// (probabilities added) instead of being walked again: a ruleset whose chains split (unknown
// conditions, chance) at every level would otherwise double the work per level. Merging hides
// which assumptions each path made, so it starts only when one chain ends in more than
// MERGE_ABOVE branches — never in an ordinary walk, where each path is listed with its own
// assumptions. The branch kept is the first in rule order, with its steps; it says how many
// others it stands for.

import type { SimState } from './state.js';

export interface MergeableEnd {
  state: SimState;
  verdict: string | null;
}

/** More ends than this from one chain are merged by state. */
export const MERGE_ABOVE = 16;

/** Merges ends with the same verdict and the same packet, connection and translations. Keeps order. */
export function mergeEnds<E extends MergeableEnd>(ends: E[], where: string): E[] {
  if (ends.length <= MERGE_ABOVE) return ends;
  const byKey = new Map<string, { end: E; merged: number }>();
  const out: E[] = [];
  for (const e of ends) {
    const key = stateKey(e);
    const first = byKey.get(key);
    if (first === undefined) {
      byKey.set(key, { end: e, merged: 0 });
      out.push(e);
      continue;
    }
    first.end.state.probability += e.state.probability;
    first.merged++;
  }
  if (out.length === ends.length) return ends;
  for (const { end, merged } of byKey.values()) {
    if (merged > 0) end.state.unknowns.push(`${merged} other path${merged === 1 ? '' : 's'} through ${where} reached the same state; merged into this one (probabilities added)`);
  }
  return out;
}

function stateKey(e: MergeableEnd): string {
  const s = e.state;
  const p = s.packet;
  const c = s.conn;
  const parts: unknown[] = [
    e.verdict, s.verdictBy, s.hook,
    p.src, p.dst, p.sport, p.dport, p.mark, p.iif, p.oif, p.physIn, p.physOut, p.bridged, p.nexthop,
    c.untracked, c.origSrc, c.origDst, c.origSport, c.origDport, c.dnat, c.snat, c.mark,
    s.translations.map((t) => [t.kind, t.after, t.range, t.rule.source]),
    s.routes.length,
  ];
  return JSON.stringify(parts);
}
