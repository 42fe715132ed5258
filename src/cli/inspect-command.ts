// `natpath inspect <path...>`: what is in a case — thin: options → loadCase → render.

import type { CommandModule } from 'yargs';
import { caseRequestFromArgs } from './case-request.js';
import { EXIT } from './exit-codes.js';
import { problemWithOutPath } from './out-path.js';
import { outputWidth, problemWithWidth } from './output-width.js';
import { writeOutput } from './write-output.js';
import { makeStyle, shouldUseColor } from './terminal.js';
import { INSPECT_FORMAT_NAMES, type InspectFormat } from '../report/format-names.js';

interface InspectArgs {
  paths?: string[];
  host?: string[];
  format: string;
  out?: string;
  color?: boolean;
  width?: number;
}

export function inspectCommand(setExit: (code: number) => void): CommandModule<object, InspectArgs> {
  return {
    command: 'inspect [paths..]',
    describe: 'List each host of a case: its captures and snapshots, their kind and basic facts',
    builder: (y) =>
      y
        .positional('paths', {
          type: 'string',
          array: true,
          describe: 'Case folders (one sub-folder per host), host folders or single files',
        })
        .option('host', {
          type: 'string',
          array: true,
          describe: 'NAME=PATH: files or a folder of one host (repeatable)',
        })
        .option('format', { choices: INSPECT_FORMAT_NAMES, default: 'table', describe: 'Output format' })
        .option('out', { type: 'string', describe: 'Write the output to this file instead of stdout' }) as never,
    handler: async (args) => {
      const { runInspect } = await import('../case/inspect-case.js');
      const { INSPECT_FORMATS } = await import('../report/inspect-formats.js');
      const outProblem = problemWithOutPath(args.out) ?? problemWithWidth(args.width);
      if (outProblem !== null) {
        process.stderr.write(`natpath inspect: ${outProblem}\n`);
        return setExit(EXIT.usage);
      }
      const request = await caseRequestFromArgs('inspect', args.paths, args.host);
      if (typeof request === 'number') return setExit(request);
      const report = await runInspect(request);
      const color = shouldUseColor(args.out ? {} : process.stdout, args.color, process.env);
      const text = INSPECT_FORMATS[args.format as InspectFormat](report, {
        style: makeStyle(color),
        width: outputWidth(args.width, args.out !== undefined && args.out !== '-', process.stdout, process.env),
      });
      await writeOutput(text, args.out);
      const usable = report.totals.captures + report.totals.snapshots;
      setExit(usable > 0 ? EXIT.ok : EXIT.noUsableInput);
      if (usable === 0) process.stderr.write('natpath inspect: no capture or snapshot could be used in the inputs\n');
    },
  };
}
