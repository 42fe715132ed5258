// `natpath analyze <case...>`: follow each flow across the captures, locate and explain every
// translation, answer "what does the server see" — thin: options → runAnalyze → render.

import type { CommandModule } from 'yargs';
import { caseRequestFromArgs } from './case-request.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { problemWithOutPath } from './out-path.js';
import { outputWidth, problemWithWidth } from './output-width.js';
import { writeOutput } from './write-output.js';
import { makeStyle, shouldUseColor } from './terminal.js';
import { createProgress } from './progress.js';
import { threadsAsked, withThreadsOption } from './threads-option.js';
import { ANALYZE_FORMAT_NAMES, type AnalyzeFormat } from '../report/format-names.js';

interface AnalyzeArgs {
  paths?: string[];
  host?: string[];
  format: string;
  out?: string;
  color?: boolean;
  width?: number;
  failOn?: string[];
  maxFlows: number;
  threads?: number;
}


export function analyzeCommand(setExit: (code: number) => void): CommandModule<object, AnalyzeArgs> {
  return {
    command: 'analyze [paths..]',
    describe: 'Follow each flow across the captures: its path, every address translation and the rule behind it, what the server sees',
    builder: (y) =>
      withThreadsOption(y, 'Captures read at once on worker threads (cases under 64 MB of captures: one by one)', '1')
        .positional('paths', { type: 'string', array: true, describe: 'Case folders (one sub-folder per host), host folders or single files' })
        .option('host', { type: 'string', array: true, describe: 'NAME=PATH: files or a folder of one host (repeatable)' })
        .option('format', { choices: ANALYZE_FORMAT_NAMES, default: 'table', describe: 'Output format' })
        .option('out', { type: 'string', describe: 'Write the output to this file instead of stdout' })
        .option('max-flows', {
          type: 'number',
          default: 1000,
          describe: 'List at most this many flows in full (multi-point first; 0 = all); the answer and totals always cover every flow',
        })
        .option('fail-on', {
          type: 'string',
          array: true,
          choices: ['unexplained'],
          describe: 'Exit 3 when a translation is not explained by a rule (for scripted checks)',
        })
        .epilogue(EXIT_CODES_HELP) as never,
    handler: async (args) => {
      const { runAnalyze } = await import('../match/analyze-case.js');
      const { ANALYZE_FORMATS } = await import('../report/analyze-formats.js');
      if (!Number.isInteger(args.maxFlows) || args.maxFlows < 0) {
        process.stderr.write(`natpath analyze: --max-flows expects a whole number ≥ 0 (0 lists all), got ${String(args.maxFlows)}\n`);
        setExit(EXIT.usage);
        return;
      }
      const threads = threadsAsked(args.threads, process.env);
      if (typeof threads === 'object') {
        process.stderr.write(`natpath analyze: ${threads.error}\n`);
        setExit(EXIT.usage);
        return;
      }
      const outProblem = problemWithOutPath(args.out) ?? problemWithWidth(args.width);
      if (outProblem !== null) {
        process.stderr.write(`natpath analyze: ${outProblem}\n`);
        return setExit(EXIT.usage);
      }
      const request = await caseRequestFromArgs('analyze', args.paths, args.host);
      if (typeof request === 'number') return setExit(request);
      const progress = createProgress();
      const report = await runAnalyze(request, { maxFlows: args.maxFlows, threads, onFile: (file, bytes) => progress.start(file, bytes), onBytes: (offset) => progress.update(offset) });
      progress.finish();
      const color = shouldUseColor(args.out ? {} : process.stdout, args.color, process.env);
      const text = ANALYZE_FORMATS[args.format as AnalyzeFormat](report, { style: makeStyle(color), width: outputWidth(args.width, args.out !== undefined && args.out !== '-', process.stdout, process.env) });
      await writeOutput(text, args.out);
      if (report.hosts.every((h) => h.captures.length === 0)) {
        process.stderr.write('natpath analyze: no capture could be read in the inputs\n');
        setExit(EXIT.noUsableInput);
      } else if (args.failOn?.includes('unexplained') && report.totals.unexplained > 0) {
        process.stderr.write(`natpath analyze: ${report.totals.unexplained} translation(s) not explained by a rule\n`);
        setExit(EXIT.unexplained);
      } else if (report.diagnostics.some((d) => d.severity === 'error')) {
        setExit(EXIT.inputErrors);
      }
    },
  };
}
