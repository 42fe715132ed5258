// `natpath analyze`: the case the user named → runAnalyze (with a progress bar) → the asked format
// on stdout or --out, and the exit code. Options arrive checked.

import { basename } from 'node:path';
import { ANALYZE_FORMATS } from '../report/analyze-formats.js';
import type { AnalyzeFormat } from '../report/format-names.js';
import { createProgress, type Progress } from '../report/progress.js';
import { makeStyle, shouldUseColor } from '../report/terminal.js';
import { runAnalyze, type AnalyzeOptions } from './analyze-case.js';
import { caseRequestFromArgs } from './case-request.js';
import { writeOutput } from './write-output.js';
import { readPackageVersion } from './version.js';
import { shellLine } from '../report/provenance.js';
import type { CaseRequest } from '../case/load-case.js';
import { EXIT } from './exit-codes.js';
import { writeWhyUnusable } from './why-unusable.js';
import { problemWithOutPath } from './out-path.js';
import { outputWidth, problemWithWidth } from './output-width.js';
import { tell } from './tell.js';

/** Exit codes of `analyze` (the same as every command's: exit-codes.ts). */
export const ANALYZE_EXIT = { ok: EXIT.ok, inputErrors: EXIT.inputErrors, unusable: EXIT.noUsableInput, unexplained: EXIT.unexplained } as const;

export interface AnalyzeCommandOptions {
  paths: string[] | undefined;
  /** `--host NAME=PATH` as typed. */
  hostSpecs: string[] | undefined;
  format: AnalyzeFormat;
  out: string | undefined;
  color: boolean | undefined;
  failOnUnexplained: boolean;
  maxFlows: number;
  /** `--width`: columns of terminal text (0 = no limit); see output-width.ts. */
  width?: number | undefined;
  /** `-v`: every path shape, client port and conntrack entry, not a bounded summary. */
  verbose?: boolean | undefined;
  /** `--threads` / NATPATH_THREADS: threads that may read captures at once (undefined: the cores). */
  threads?: number | undefined;
}

export async function runAnalyzeCommand(options: AnalyzeCommandOptions): Promise<number> {
  const optionProblem = problemWithOutPath(options.out) ?? problemWithWidth(options.width);
  if (optionProblem !== null) {
    tell('analyze', optionProblem);
    return EXIT.usage;
  }
  const request = await caseRequestFromArgs('analyze', options.paths, options.hostSpecs);
  if (typeof request === 'number') return request;
  const progress = createProgress();
  const report = await runAnalyze(request, { maxFlows: options.maxFlows, threads: options.threads, ...progressHooks(progress) });
  if (report.hosts.every((h) => h.captures.length === 0)) {
    progress.finish();
    const problems = report.diagnostics.map((d) => `${d.file}${d.line !== undefined ? `:${d.line}` : d.offset !== undefined ? ` (byte offset ${d.offset})` : ''}: ${d.severity}: ${d.message}`);
    writeWhyUnusable('analyze', problems, 'no capture could be read in the inputs');
    return ANALYZE_EXIT.unusable;
  }
  const toFile = options.out !== undefined && options.out !== '-';
  progress.phase(`rendering the ${options.format} report`);
  const color = shouldUseColor(toFile ? {} : process.stdout, options.color, process.env);
  const text = ANALYZE_FORMATS[options.format](report, {
    style: makeStyle(color),
    width: outputWidth(options.width, toFile, process.stdout, process.env),
    verbose: options.verbose === true,
    provenance: {
      caseName: caseNameOf(request),
      commandLine: `natpath ${shellLine(process.argv.slice(2))}`,
      version: readPackageVersion(),
      madeAt: new Date().toISOString(),
    },
  });
  // On a terminal the report goes where the bar is: clear it first; into a file, say so.
  if (toFile) progress.phase(`writing ${options.out}`);
  else progress.finish();
  await writeOutput(text, options.out);
  progress.finish();
  if (options.failOnUnexplained && report.totals.unexplained > 0) {
    tell('analyze', `${report.totals.unexplained} translation(s) not explained by a rule`);
    return ANALYZE_EXIT.unexplained;
  }
  if (report.diagnostics.some((d) => d.severity === 'error')) return ANALYZE_EXIT.inputErrors;
  return ANALYZE_EXIT.ok;
}

/**
 * Every phase of runAnalyze says what it is doing on a terminal: reading (a bar per file),
 * matching, clocks, linking, explaining (a bar over the flows) and building the report; the
 * command adds rendering and writing.
 */
export function progressHooks(progress: Progress): Pick<AnalyzeOptions, 'onFile' | 'onBytes' | 'onPhase' | 'onStep'> {
  return {
    onFile: (file, bytes) => progress.phase(`reading ${file}`, bytes),
    onBytes: (offset) => progress.update(offset),
    onPhase: (_phase, label, total) => progress.phase(label, total),
    onStep: (done) => progress.update(done),
  };
}

/** The case as people name it: the folder or archive given (without .tar.gz), else the hosts named. */
function caseNameOf(request: CaseRequest): string {
  const names = request.paths.map((p) => basename(p.replace(/\/+$/, '')).replace(/\.(tar\.gz|tgz|tar)$/, ''));
  const all = [...names, ...request.hosts.map((h) => h.name)];
  return all.join(', ') || 'case';
}
