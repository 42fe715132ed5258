// `natpath inspect <path...>`: what is in a case — the option table only: options → runInspectCommand (src/app/inspect.ts).

import { INSPECT_FORMAT_NAMES, type InspectFormat } from '../report/format-names.js';
import { defineCommand } from './command-spec.js';

export const inspectCommand = defineCommand({
  name: 'inspect',
  describe: 'List each host of a case: its captures and snapshots, their kind and basic facts',
  positional: { name: 'paths', arity: 'many', describe: 'Case folders (one sub-folder per host), host folders or single files' },
  options: {
    host: { type: 'string', repeat: true, meta: 'NAME=PATH', describe: 'Files or a folder of one host' },
    format: { type: 'string', choices: INSPECT_FORMAT_NAMES, default: 'table', meta: 'FORMAT', describe: 'Output format' },
    out: { type: 'string', meta: 'FILE', describe: 'Write the output to this file instead of stdout' },
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
