// `natpath inspect <path...>`: what is in a case — the option table only: options → runInspectCommand (src/app/inspect.ts).

import { INSPECT_FORMAT_NAMES, type InspectFormat } from '../report/format-names.js';
import { defineCommand } from './command-spec.js';
import { CASE_PATHS, HOST_FILES_OPTION, OUT_FILE_OPTION } from './shared-options.js';

export const inspectCommand = defineCommand({
  name: 'inspect',
  describe: 'List each host of a case: its captures and snapshots, their kind and basic facts',
  positional: CASE_PATHS,
  options: {
    host: HOST_FILES_OPTION,
    format: { type: 'string', choices: INSPECT_FORMAT_NAMES, default: 'table', meta: 'FORMAT', describe: 'Output format' },
    out: OUT_FILE_OPTION,
  },
  examples: [
    ['natpath inspect case/', 'every host, file, kind and fact of a case'],
    ['natpath inspect --host node1=/tmp/node1 --host gw=gw.pcap', 'what is in a case whose hosts you name yourself'],
  ],
  async run(args, paths) {
    const { runInspectCommand } = await import('../app/inspect.js');
    return runInspectCommand({ paths, hostSpecs: args.host, format: args.format as InspectFormat, out: args.out, color: args.color, width: args.width });
  },
});
