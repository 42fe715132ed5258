// What evaluating one match gives: its own file so that each match's evaluator (set-match.ts, …)
// and the dispatcher (evaluate-match.ts) share it without importing each other.

export type MatchResult =
  /** `assumed`: true on what the dump showed, which may have changed by the packet's time (an ipset timeout). */
  | { kind: 'yes'; assumed?: string }
  | { kind: 'no' }
  | { kind: 'unknown'; why: string }
  | { kind: 'chance'; probability: number; why: string };
