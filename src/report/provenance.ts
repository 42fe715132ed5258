// What a ticket needs to know about a report besides its findings: which case, made by which
// natpath, when, with which command line. Given by the runner; renderers only print it.

import type { AnalyzeReport } from './analyze-model.js';

export interface Provenance {
  /** The case's name: the folder or archive named, or the hosts' names. */
  caseName: string;
  /** The command line as typed (argv joined with shell quoting where needed). */
  commandLine: string;
  version: string;
  /** When the report was made, UTC ISO 8601. */
  madeAt: string;
}

/** argv as a pasteable shell line: words with spaces or quotes single-quoted. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** First and last packet time of the listed flows' capture points (each host's own clock), UTC ISO 8601. */
export function captureWindow(report: AnalyzeReport): { first: string; last: string } | null {
  let first = Infinity;
  let last = -Infinity;
  for (const f of report.flows) {
    for (const leg of f.legs) {
      for (const h of leg.hops) {
        const a = Number(h.firstSeen);
        const b = Number(h.lastSeen);
        if (Number.isFinite(a)) first = Math.min(first, a);
        if (Number.isFinite(b)) last = Math.max(last, b);
      }
    }
  }
  if (!Number.isFinite(first) || !Number.isFinite(last)) return null;
  return { first: isoSeconds(first), last: isoSeconds(last) };
}

/** Epoch seconds → "2026-11-25T02:20:41.773Z" (milliseconds, UTC). */
export function isoSeconds(epochSeconds: number): string {
  return new Date(Math.round(epochSeconds * 1000)).toISOString();
}
