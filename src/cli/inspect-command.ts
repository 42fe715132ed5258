// `natpath inspect <path...>`: what is in a case — yargs only: options → runInspectCommand (src/app/inspect.ts).

import type { CommandModule } from 'yargs';
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
      const { runInspectCommand } = await import('../app/inspect.js');
      setExit(
        await runInspectCommand({ paths: args.paths, hostSpecs: args.host, format: args.format as InspectFormat, out: args.out, color: args.color, width: args.width }),
      );
    },
  };
}
