// Collects a dump parser's diagnostics: errors at their line, repeated warnings folded into one
// with a count, and at the end one diagnostic saying how many lines (or JSON objects) were skipped.

import type { Diagnostic, Severity } from './diagnostic.js';

export class IssueCollector {
  private readonly issues: Diagnostic[] = [];
  private readonly folded = new Map<string, Diagnostic>();
  private skippedLines = 0;
  private skippedObjects = 0;

  constructor(
    readonly file: string,
    /** Code prefix, e.g. `route`, `conntrack`. */
    readonly prefix: string,
  ) {}

  error(line: number, code: string, message: string): void {
    this.add(line, code, 'error', message);
  }

  warn(line: number, code: string, message: string): void {
    this.add(line, code, 'warning', message);
  }

  info(line: number, code: string, message: string): void {
    this.add(line, code, 'info', message);
  }

  /** A line that could not be read at all: an error, and counted. */
  skip(line: number, code: string, message: string): void {
    this.skippedLines++;
    this.add(line, code, 'error', message);
  }

  /** A problem with a JSON array element that was still read (JSON has no useful line numbers). */
  warnObject(code: string, message: string): void {
    this.issues.push({ code, severity: 'warning', message, place: { file: this.file } });
  }

  /** A JSON array element that could not be read (JSON has no useful line numbers). */
  skipObject(index: number, code: string, message: string): void {
    this.skippedObjects++;
    this.issues.push({ code, severity: 'error', message, place: { file: this.file } });
    void index;
  }

  /** One warning per key, with a count of how often it happened. */
  fold(key: string, line: number, code: string, message: string, severity: Severity = 'warning'): void {
    const seen = this.folded.get(key);
    if (seen !== undefined) {
      seen.count = (seen.count ?? 1) + 1;
      return;
    }
    const d: Diagnostic = { code, severity, message, place: { file: this.file, line }, count: 1 };
    this.folded.set(key, d);
    this.issues.push(d);
  }

  get skipped(): number {
    return this.skippedLines + this.skippedObjects;
  }

  finish(): Diagnostic[] {
    if (this.skippedLines > 0) {
      this.issues.push({
        code: `${this.prefix}.skipped-lines`,
        severity: 'warning',
        message: `${this.skippedLines} line(s) could not be read and were skipped`,
        place: { file: this.file },
        count: this.skippedLines,
      });
    }
    if (this.skippedObjects > 0) {
      this.issues.push({
        code: `${this.prefix}.skipped-objects`,
        severity: 'warning',
        message: `${this.skippedObjects} JSON object(s) could not be read and were skipped`,
        place: { file: this.file },
        count: this.skippedObjects,
      });
    }
    return this.issues;
  }

  private add(line: number, code: string, severity: Severity, message: string): void {
    this.issues.push({ code, severity, message, place: { file: this.file, line } });
  }
}
