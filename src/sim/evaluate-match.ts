// Evaluates one rule's conditions against a branch, in three values — yes, no, unknown — plus
// "chance" for `-m statistic`. The packet is the first of a new connection: ctstate NEW (or
// UNTRACKED), a TCP first packet is a bare SYN, no socket history. What the dumps cannot tell
// (a client's `-m recent` history, owners, lengths) is "unknown", never guessed. Each kind of
// match is evaluated by its module (src/netfilter/matches/, found through their registry); this
// file combines a rule's answers into the walk's yes / no / split.

import type { Rule } from '../netfilter/model.js';
import type { EvalOptions, MatchContext } from '../netfilter/match-eval.js';
import { evaluateMatch } from '../netfilter/matches/index.js';
import type { HostModel } from './host-model.js';
import type { SimState } from './state.js';

export type { EvalOptions } from '../netfilter/match-eval.js';

/** The rule as a whole: no (some condition fails), yes, or a split with the probability of "yes". */
export type RuleMatch =
  | { kind: 'no' }
  | { kind: 'yes'; assumed?: string[] }
  | { kind: 'split'; probability: number; notes: string[]; assumed?: string[] };

export function evaluateRule(rule: Rule, s: SimState, host: HostModel, opts: EvalOptions): RuleMatch {
  let probability = 1;
  const notes: string[] = [];
  let unknownCount = 0;
  let assumed: string[] | undefined;
  const ctx: MatchContext = { hook: s.hook, packet: s.packet, conn: s.conn, host, options: opts };
  for (const m of rule.matches) {
    const r = evaluateMatch(m, ctx);
    if (r.kind === 'no') return { kind: 'no' };
    if (r.kind === 'yes' && r.assumed !== undefined) (assumed ??= []).push(r.assumed);
    if (r.kind === 'chance') {
      probability *= r.probability;
      notes.push(r.why);
    } else if (r.kind === 'unknown') {
      unknownCount++;
      notes.push(r.why);
    }
  }
  if (rule.target.kind === 'unknown') {
    unknownCount++;
    notes.push(`target ${rule.target.name} is not known to natpath`);
  }
  if (notes.length === 0) return assumed === undefined ? { kind: 'yes' } : { kind: 'yes', assumed };
  // An undecidable condition splits the walk in two equal halves, marked unknown.
  const split = { kind: 'split' as const, probability: probability * 0.5 ** unknownCount, notes };
  return assumed === undefined ? split : { ...split, assumed };
}
