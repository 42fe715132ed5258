// One summary row per case, written as `summary.ndjson` (the contract, `natpath.batch/1`) and
// `summary.csv` (the same columns for spreadsheets). Rows are data the batch can read back:
// skipped cases carry their previous row, and `--merge` joins the rows of several shards.

import type { AnalyzeReport } from '../../report/analyze-model.js';
import { answerSummary } from '../../report/answer-text.js';
import { safeCsvRows } from '../../report/csv-cell.js';

/**
 * - `ok`: analysed, no input errors, no leak;
 * - `leaks`: analysed, no input errors, but cluster addresses left a host untranslated (`leaks`);
 * - `input-errors`: analysed, but some inputs had errors (analyze would exit 1);
 * - `unusable`: no capture could be read (analyze would exit 66);
 * - `failed`: natpath itself failed on the case (an internal error or a crashed worker).
 */
export type CaseStatus = 'ok' | 'leaks' | 'input-errors' | 'unusable' | 'failed';

export interface SummaryRow {
  schema: 'natpath.batch/1';
  case: string;
  /** The case folder or archive as given. */
  input: string;
  status: CaseStatus;
  /** True when the reports of an earlier run were kept (inputs unchanged); the numbers are theirs. */
  skipped: boolean;
  /** What failed (status `failed`), else null. */
  error: string | null;
  hosts: number;
  captures: number;
  packets: number;
  flows: number;
  translations: number;
  unexplained: number;
  leaks: number;
  /** Source addresses the servers saw, over every answer captured at its server's own host. */
  egress: string[];
  /** "tcp 198.51.100.10:80 sees 203.0.113.7", or where it was last seen when not at the server, one per answer. */
  answers: string[];
  /**
   * Sources last seen on the way to servers whose own host was not captured, with whether they are
   * translated again: "10.0.0.11 at node1:eth0 (translated beyond: certain)". Absent in rows
   * written before natpath said so.
   */
  notSeenAtServer?: string[];
  /** Flows evidence could not place (the report's totals.ambiguousFlows). Absent in rows written before natpath said so. */
  ambiguousFlows?: number;
  diagnostics: number;
  errors: number;
  /** Time the analysis took (of the earlier run when skipped). */
  seconds: number;
  inputHash: string | null;
  inputBytes: number;
  /** The case's report folder, relative to the folder of this summary. */
  reportDir: string;
  reports: string[];
  /** `I/N` when the batch ran as one shard of several, else null. */
  shard: string | null;
  finishedAt: string;
}

export function rowFromReport(report: AnalyzeReport): Pick<
  SummaryRow,
  'status' | 'hosts' | 'captures' | 'packets' | 'flows' | 'translations' | 'unexplained' | 'leaks' | 'egress' | 'answers' | 'notSeenAtServer' | 'ambiguousFlows' | 'diagnostics' | 'errors'
> {
  const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
  const captures = report.hosts.reduce((n, h) => n + h.captures.length, 0);
  const egress: string[] = [];
  const notSeenAtServer: string[] = [];
  for (const a of report.answers) {
    // A source not seen at the server is no address to whitelist: it is listed apart, with its doubt.
    if (a.seenAtServer) for (const s of a.sources) addOnce(egress, s);
    for (const s of a.lastSeen) addOnce(notSeenAtServer, `${s.src} at ${s.capturePoint} (translated beyond: ${s.translatedBeyond})`);
  }
  return {
    status: captures === 0 ? 'unusable' : errors > 0 ? 'input-errors' : report.totals.leaks > 0 ? 'leaks' : 'ok',
    hosts: report.hosts.length,
    captures,
    packets: report.totals.packets,
    flows: report.totals.flows,
    translations: report.totals.translations,
    unexplained: report.totals.unexplained,
    leaks: report.totals.leaks,
    egress,
    answers: report.answers.map(answerSummary),
    notSeenAtServer,
    ambiguousFlows: report.totals.ambiguousFlows,
    diagnostics: report.diagnostics.length,
    errors,
  };
}

export function emptyRow(c: { name: string; input: string }, shard: string | null): SummaryRow {
  return {
    schema: 'natpath.batch/1',
    case: c.name,
    input: c.input,
    status: 'failed',
    skipped: false,
    error: null,
    hosts: 0,
    captures: 0,
    packets: 0,
    flows: 0,
    translations: 0,
    unexplained: 0,
    leaks: 0,
    egress: [],
    answers: [],
    notSeenAtServer: [],
    ambiguousFlows: 0,
    diagnostics: 0,
    errors: 0,
    seconds: 0,
    inputHash: null,
    inputBytes: 0,
    reportDir: c.name,
    reports: [],
    shard,
    finishedAt: new Date().toISOString(),
  };
}

export function renderSummaryNdjson(rows: readonly SummaryRow[]): string {
  return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
}

const CSV_COLUMNS = [
  'case', 'status', 'skipped', 'error', 'hosts', 'captures', 'packets', 'flows', 'translations', 'unexplained', 'leaks',
  'egress', 'answers', 'diagnostics', 'errors', 'seconds', 'input', 'input_hash', 'input_bytes', 'report_dir', 'shard', 'finished_at',
  'not_seen_at_server', 'ambiguous_flows',
] as const;

export function renderSummaryCsv(rows: readonly SummaryRow[]): string {
  return safeCsvRows([
    CSV_COLUMNS,
    ...rows.map((r) => [
      r.case, r.status, r.skipped, r.error ?? '', r.hosts, r.captures, r.packets, r.flows, r.translations, r.unexplained, r.leaks,
      r.egress.join(' '), r.answers.join('; '), r.diagnostics, r.errors, r.seconds.toFixed(3), r.input, r.inputHash ?? '', r.inputBytes,
      r.reportDir, r.shard ?? '', r.finishedAt, (r.notSeenAtServer ?? []).join('; '), r.ambiguousFlows ?? '',
    ]),
  ]);
}

/** Rows of a summary.ndjson; a line that is not a row is reported with its number. */
export function parseSummaryNdjson(text: string, file: string): { rows: SummaryRow[]; problems: string[] } {
  const rows: SummaryRow[] = [];
  const problems: string[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      const row = JSON.parse(line) as SummaryRow;
      if (row.schema !== 'natpath.batch/1' || typeof row.case !== 'string') throw new Error('not a natpath.batch/1 row');
      rows.push(row);
    } catch (err) {
      problems.push(`${file}:${i + 1}: ${(err as Error).message}`);
    }
  }
  return { rows, problems };
}

function addOnce(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}

/** Analysed without trouble: a leak is a finding of the analysis, not a failure of it. */
export function isSuccess(row: Pick<SummaryRow, 'status'>): boolean {
  return row.status === 'ok' || row.status === 'leaks';
}
