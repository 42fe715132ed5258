// Without a route snapshot (or an arrival interface) the walk does not know the packet's output
// (input) interface, and every `-o`/`-i` test is undecidable. A branch that takes such a rule as
// matching or not matching has made an assumption about the interface; it must hold to it for the
// rest of the walk: one outcome never takes `! -o docker0` as false and an identical next rule as
// true, nor `-o docker0` and `-o virbr0` both as true. After a split on a rule, the taken branch
// pins what the rule's interface tests say; the other branch can only learn from a rule whose one
// undecidable condition was the interface test.

import type { Rule } from '../netfilter/model.js';
import type { IfaceRef, SimState } from './state.js';

type InterfaceTest = { kind: 'in-interface' | 'out-interface'; negated: boolean; name: string; wildcard: boolean };

function tests(rule: Rule, s: SimState): Array<{ test: InterfaceTest; side: 'iif' | 'oif' }> {
  const out: Array<{ test: InterfaceTest; side: 'iif' | 'oif' }> = [];
  for (const m of rule.matches) {
    if (m.kind !== 'in-interface' && m.kind !== 'out-interface') continue;
    const side = m.kind === 'in-interface' ? 'iif' : 'oif';
    const ref = s.packet[side];
    // Only exact names can be held to; `veth+` says too little.
    if (ref.kind !== 'unknown' || m.wildcard || ref.not?.includes(m.name) === true) continue;
    out.push({ test: m, side });
  }
  return out;
}

function assume(s: SimState, side: 'iif' | 'oif', name: string, is: boolean): void {
  const ref = s.packet[side];
  if (ref.kind !== 'unknown') return;
  const next: IfaceRef = is ? { kind: 'name', name } : { kind: 'unknown', not: [...(ref.not ?? []), name] };
  s.packet[side] = next;
}

/**
 * Records on the two branches of a split on `rule` what they assumed about the interfaces.
 * `undecided` is how many of the rule's conditions were undecidable (chance excluded).
 */
export function holdInterfaceAssumptions(rule: Rule, taken: SimState, skipped: SimState, undecided: number): void {
  const open = tests(rule, taken);
  // Taken as matching: every condition held, so each interface test did.
  for (const { test, side } of open) assume(taken, side, test.name, !test.negated);
  // Taken as not matching: known only when the interface test was the one thing undecided.
  if (open.length === 1 && undecided === 1) {
    const { test, side } = open[0]!;
    assume(skipped, side, test.name, test.negated);
  }
}
