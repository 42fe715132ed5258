// The one problem collector every reader uses (captures, iptables, nftables text and JSON, ipset,
// ipvs, routes, rules, links, conntrack, the case, the simulator). It does what each reader used
// to do on its own: diagnostics at their place, repeated problems folded into one with a count,
// the count of skipped lines or JSON objects at the end, and a bound on how many are listed so a
// file of a million bad lines cannot grow the report without bound.

import type { Diagnostic, SourcePlace } from './diagnostic.js';
import { PROBLEM_CODES, type JsonReaderPrefix, type LineReaderPrefix, type ProblemCode, type Severity } from './problem-codes.js';

/** A line number in the collector's file, or a SourcePlace (its file defaults to the collector's). */
export type ProblemPlace = number | Partial<SourcePlace>;

export interface ProblemOptions {
  /** Overrides the registry's default severity for this occurrence. */
  severity?: Severity;
  /** How many occurrences this one diagnostic stands for (a reader that counted them itself). */
  count?: number;
}

/** One diagnostic outside any reader (a file that cannot be opened, a note on a whole host), at the registry's severity. */
export function problemAt(code: ProblemCode, message: string, place: SourcePlace, options: ProblemOptions = {}): Diagnostic {
  const d: Diagnostic = { code, severity: options.severity ?? PROBLEM_CODES[code].severity, message, place };
  if (options.count !== undefined) d.count = options.count;
  return d;
}

/** Problems listed per file before the rest are only counted (docs/limits.md). */
export const MAX_LISTED_PROBLEMS = 1000;

export class ProblemCollector<P extends LineReaderPrefix | null = null> {
  private readonly problems: Diagnostic[] = [];
  private readonly folded = new Map<string, Diagnostic>();
  private readonly once = new Set<string>();
  private readonly closing: Diagnostic[] = [];
  private skippedLines = 0;
  private skippedObjects = 0;
  private notListed = 0;

  constructor(
    readonly file: string,
    /** The reader's code prefix (`route`, `iptables` …): names its `<prefix>.skipped-lines` code. */
    readonly prefix: P = null as P,
    readonly maxListed = MAX_LISTED_PROBLEMS,
  ) {}

  /** A problem with the registry's severity for its code, unless `options.severity` says otherwise. */
  report(code: ProblemCode, message: string, place: ProblemPlace = {}, options: ProblemOptions = {}): void {
    this.push(this.make(code, message, place, options));
  }

  error(line: number, code: ProblemCode, message: string): void {
    this.report(code, message, line, { severity: 'error' });
  }

  warn(line: number, code: ProblemCode, message: string): void {
    this.report(code, message, line, { severity: 'warning' });
  }

  info(line: number, code: ProblemCode, message: string): void {
    this.report(code, message, line, { severity: 'info' });
  }

  /** A line that could not be read at all: an error at the line, and counted in `<prefix>.skipped-lines`. */
  skip(this: ProblemCollector<LineReaderPrefix>, line: number, code: ProblemCode, message: string): void {
    this.skippedLines++;
    this.report(code, message, line, { severity: 'error' });
  }

  /** A problem with a JSON array element that was still read (iproute2's JSON has no useful line numbers). */
  warnObject(code: ProblemCode, message: string): void {
    this.report(code, message, {}, { severity: 'warning' });
  }

  /** A JSON array element that could not be read: an error, counted in `<prefix>.skipped-objects`. */
  skipObject(this: ProblemCollector<JsonReaderPrefix>, code: ProblemCode, message: string): void {
    this.skippedObjects++;
    this.report(code, message, {}, { severity: 'error' });
  }

  /** One diagnostic per key, at the first occurrence, with a count of every occurrence. */
  fold(key: string, code: ProblemCode, message: string, place: ProblemPlace = {}, options: ProblemOptions = {}): void {
    const seen = this.folded.get(key);
    if (seen !== undefined) {
      seen.count = (seen.count ?? 1) + (options.count ?? 1);
      return;
    }
    const d = this.make(code, message, place, { ...options, count: options.count ?? 1 });
    if (this.push(d)) this.folded.set(key, d);
  }

  /** One diagnostic per key, the first; later ones are dropped, not counted (the same finding reached again). */
  reportOnce(key: string, code: ProblemCode, message: string, place: ProblemPlace = {}, options: ProblemOptions = {}): void {
    if (this.once.has(key)) return;
    if (this.push(this.make(code, message, place, options))) this.once.add(key);
  }

  hasOnce(key: string): boolean {
    return this.once.has(key);
  }

  /** A count the reader kept itself (e.g. statements skipped), listed at the end and never bounded. */
  summarize(code: ProblemCode, message: string, count: number, place: ProblemPlace = {}, options: ProblemOptions = {}): void {
    this.closing.push(this.make(code, message, place, { ...options, count }));
  }

  /** Diagnostics made elsewhere (a nested reader's), under the same bound. */
  addAll(diagnostics: readonly Diagnostic[]): void {
    for (const d of diagnostics) this.push(d);
  }

  get skipped(): number {
    return this.skippedLines + this.skippedObjects;
  }

  hasErrors(): boolean {
    return this.problems.some((d) => d.severity === 'error');
  }

  /** The diagnostics so far, in the order they were found, without the closing counts. */
  list(): readonly Diagnostic[] {
    return this.problems;
  }

  /** The diagnostics, then the reader's own counts, the skipped lines and objects, and the problems not listed. */
  finish(): Diagnostic[] {
    const out = [...this.problems, ...this.closing];
    const prefix = this.prefix;
    if (this.skippedLines > 0 && prefix !== null) {
      out.push(this.closingCount(`${prefix}.skipped-lines`, `${this.skippedLines} line(s) could not be read and were skipped`, this.skippedLines));
    }
    if (this.skippedObjects > 0 && prefix !== null) {
      out.push(this.closingCount(`${prefix as JsonReaderPrefix}.skipped-objects`, `${this.skippedObjects} JSON object(s) could not be read and were skipped`, this.skippedObjects));
    }
    if (this.notListed > 0) {
      out.push(this.closingCount('text.problems-not-listed', `${this.notListed} more problem(s) in this file are not listed (the first ${this.maxListed} are)`, this.notListed));
    }
    return out;
  }

  private closingCount(code: ProblemCode, message: string, count: number): Diagnostic {
    return { code, severity: PROBLEM_CODES[code].severity, message, place: { file: this.file }, count };
  }

  private make(code: ProblemCode, message: string, place: ProblemPlace, options: ProblemOptions): Diagnostic {
    return problemAt(code, message, typeof place === 'number' ? { file: this.file, line: place } : { file: this.file, ...place }, options);
  }

  /** Lists the diagnostic unless the bound is reached; then it is only counted. */
  private push(d: Diagnostic): boolean {
    if (this.problems.length >= this.maxListed) {
      this.notListed += d.count ?? 1;
      return false;
    }
    this.problems.push(d);
    return true;
  }
}
