// Problems are data: every reader and parser collects them instead of throwing, so valid input
// before (and after) the damage is kept, and the report can count and cite what was skipped.

import type { ProblemCode, Severity } from './problem-codes.js';

export type { ProblemCode, Severity } from './problem-codes.js';

/** Where in an input file a problem was found. Text inputs cite a line (1-based), binary inputs a byte offset. */
export interface SourcePlace {
  file: string;
  line?: number;
  column?: number;
  offset?: number;
  /** JSON inputs (`nft -j list ruleset`): where in the document, e.g. `$.nftables[12].rule.expr[3]`. */
  jsonPath?: string;
}

export interface Diagnostic {
  /** Stable machine-readable kind, e.g. `capture.truncated`, `iptables.unknown-match`: a key of PROBLEM_CODES. */
  code: ProblemCode;
  severity: Severity;
  /** One sentence for a person: what was expected and what was found. */
  message: string;
  place: SourcePlace;
  /** How many occurrences this diagnostic stands for (repeated problems are folded into one). */
  count?: number;
}

export interface ParseResult<T> {
  value: T;
  issues: Diagnostic[];
}

/** `file:line: message` (or `file@offset`) — the form users paste into tickets and editors understand. */
export function formatDiagnostic(d: Diagnostic): string {
  const p = d.place;
  let where = p.file;
  if (p.line !== undefined) where += `:${p.line}${p.column !== undefined ? `:${p.column}` : ''}`;
  else if (p.offset !== undefined) where += ` (byte offset ${p.offset})`;
  if (p.jsonPath !== undefined) where += ` ${p.jsonPath}`;
  const times = d.count !== undefined && d.count > 1 ? ` (${d.count} times)` : '';
  return `${where}: ${d.severity}: ${d.message}${times}`;
}
