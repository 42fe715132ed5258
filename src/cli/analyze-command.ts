// `natpath analyze <case...>`: follow each flow across the captures, locate and explain every
// translation, answer "what does the server see" — yargs only: checked options → runAnalyzeCommand (src/app/analyze.ts).

import type { CommandModule } from 'yargs';
import { EXIT_CODES_HELP } from '../app/exit-codes.js';
import { ANALYZE_FORMAT_NAMES, type AnalyzeFormat } from '../report/format-names.js';

interface AnalyzeArgs {
  paths?: string[];
  host?: string[];
  format: string;
  out?: string;
  color?: boolean;
  width?: number;
  verbose?: boolean;
  failOn?: string[];
  maxFlows: number;
}

export function analyzeCommand(setExit: (code: number) => void): CommandModule<object, AnalyzeArgs> {
  return {
    command: 'analyze [paths..]',
    describe: 'Follow each flow across the captures: its path, every address translation and the rule behind it, what the server sees',
    builder: (y) =>
      y
        .positional('paths', { type: 'string', array: true, describe: 'Case folders (one sub-folder per host), host folders or single files' })
        .option('host', { type: 'string', array: true, describe: 'NAME=PATH: files or a folder of one host (repeatable)' })
        .option('format', { choices: ANALYZE_FORMAT_NAMES, default: 'table', describe: 'Output format' })
        .option('out', { type: 'string', describe: 'Write the output to this file instead of stdout' })
        .option('max-flows', {
          type: 'number',
          default: 1000,
          describe: 'List at most this many flows in full (multi-point first; 0 = all); the answer and totals always cover every flow',
        })
        .option('verbose', { type: 'boolean', alias: 'v', describe: 'Tell everything: every path shape, client port and conntrack entry (default: a bounded summary)' })
        .option('fail-on', {
          type: 'string',
          array: true,
          choices: ['unexplained'],
          describe: 'Exit 3 when a translation is not explained by a rule (for scripted checks)',
        })
        .epilogue(EXIT_CODES_HELP) as never,
    handler: async (args) => {
      if (!Number.isInteger(args.maxFlows) || args.maxFlows < 0) {
        process.stderr.write(`natpath analyze: --max-flows expects a whole number ≥ 0 (0 lists all), got ${String(args.maxFlows)}\n`);
        setExit(2);
        return;
      }
      const { runAnalyzeCommand } = await import('../app/analyze.js');
      setExit(
        await runAnalyzeCommand({
          paths: args.paths,
          hostSpecs: args.host,
          format: args.format as AnalyzeFormat,
          out: args.out,
          color: args.color,
          failOnUnexplained: args.failOn?.includes('unexplained') === true,
          maxFlows: args.maxFlows,
          width: args.width,
          verbose: args.verbose,
        }),
      );
    },
  };
}
