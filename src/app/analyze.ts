// `natpath analyze`: the case the user named → runAnalyze (with a progress bar) → the asked format
// on stdout or --out, and the exit code. Options arrive checked.

import { ANALYZE_FORMATS } from '../report/analyze-formats.js';
import type { AnalyzeFormat } from '../report/format-names.js';
import { createProgress } from '../report/progress.js';
import { makeStyle, shouldUseColor } from '../report/terminal.js';
import { runAnalyze } from './analyze-case.js';
import { caseRequestFromArgs } from './case-request.js';
import { writeOutput } from './write-output.js';

/** Exit codes of `analyze` (also in --help). */
export const ANALYZE_EXIT = { ok: 0, inputErrors: 1, unusable: 2, unexplained: 3 } as const;

export interface AnalyzeCommandOptions {
  paths: string[] | undefined;
  /** `--host NAME=PATH` as typed. */
  hostSpecs: string[] | undefined;
  format: AnalyzeFormat;
  out: string | undefined;
  color: boolean | undefined;
  failOnUnexplained: boolean;
  maxFlows: number;
}

export async function runAnalyzeCommand(options: AnalyzeCommandOptions): Promise<number> {
  const request = await caseRequestFromArgs('analyze', options.paths, options.hostSpecs);
  if (request === null) return ANALYZE_EXIT.unusable;
  const progress = createProgress();
  const report = await runAnalyze(request, {
    maxFlows: options.maxFlows,
    onFile: (file, bytes) => progress.start(file, bytes),
    onBytes: (offset) => progress.update(offset),
  });
  progress.finish();
  const color = shouldUseColor(options.out ? {} : process.stdout, options.color, process.env);
  const text = ANALYZE_FORMATS[options.format](report, { style: makeStyle(color), width: process.stdout.columns ?? 120 });
  await writeOutput(text, options.out);
  if (report.hosts.every((h) => h.captures.length === 0)) {
    process.stderr.write('natpath analyze: no capture could be read in the inputs\n');
    return ANALYZE_EXIT.unusable;
  }
  if (options.failOnUnexplained && report.totals.unexplained > 0) {
    process.stderr.write(`natpath analyze: ${report.totals.unexplained} translation(s) not explained by a rule\n`);
    return ANALYZE_EXIT.unexplained;
  }
  if (report.diagnostics.some((d) => d.severity === 'error')) return ANALYZE_EXIT.inputErrors;
  return ANALYZE_EXIT.ok;
}
