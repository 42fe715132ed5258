// `natpath collect`: the shipped POSIX sh collector, printed (`--print-script > collect.sh`, to
// copy onto a node without Node.js) or run here with the same options. The script is the single
// source of the rules (mandatory limits, what is saved); this command only passes options on (run
// by src/app/collect.ts), as typed, so the script's own checks and messages apply.

import { defineCommand, type StringOption } from './command-spec.js';

/** A number the script checks itself (whole and > 0, or a process id), with its own message. */
const count = (meta: string, describe: string): StringOption => ({ type: 'string', meta, describe });

export const collectCommand = defineCommand({
  name: 'collect',
  describe: 'Collect a case on this Linux host or in one of its network namespaces (a POSIX sh script; --print-script to copy it to a node)',
  options: {
    'print-script': { type: 'boolean', default: false, describe: 'Print the collect script to stdout and exit (natpath collect --print-script > collect.sh)' },
    out: { type: 'string', meta: 'DIR', describe: 'Folder for <host>/ and <host>.tar.gz' },
    duration: count('SECONDS', 'Capture limit: seconds (required unless --no-capture)'),
    packets: count('N', 'Capture limit: packets (required unless --no-capture)'),
    size: count('MB', 'Capture limit: megabytes (required unless --no-capture)'),
    filter: { type: 'string', meta: 'BPF', describe: "BPF capture filter, e.g. 'host 198.51.100.10 or udp port 8472'" },
    snaplen: count('BYTES', 'Bytes kept per packet (default 262144)'),
    interface: { type: 'string', meta: 'IF', describe: 'Capture interface (default any)' },
    netns: { type: 'string', meta: 'NAME', describe: 'Collect inside this network namespace (ip netns)' },
    'netns-pid': count('PID', "Collect inside this process's network namespace (a pod's)"),
    host: { type: 'string', meta: 'NAME', describe: 'Host folder name (default: netns name, else hostname)' },
    capture: { type: 'boolean', default: true, describe: 'Capture packets (--no-capture: network state only)' },
    'keep-folder': { type: 'boolean', default: false, describe: 'Keep <host>/ beside <host>.tar.gz' },
  },
  examples: [
    ['natpath collect --out /tmp/case --duration 30 --packets 200000 --size 200', 'this host: state + a bounded tcpdump -i any → /tmp/case/<host>.tar.gz'],
    ["natpath collect --out /tmp/case --netns-pid 4242 --duration 30 --packets 100000 --size 100 --filter 'tcp port 443'", "inside a pod's network namespace"],
    ['natpath collect --print-script > collect.sh', 'the script alone, for a node without Node.js: sh collect.sh --help'],
  ],
  epilogue: 'Run as root. Exit codes: those of the script: 0 collected; 2 refused (missing limits, bad option, missing tool); 130/143 interrupted (capture stopped). Docs: docs/collect.md.',
  async run(args) {
    const { runCollectCommand } = await import('../app/collect.js');
    const passed: string[] = [];
    for (const name of ['out', 'duration', 'packets', 'size', 'filter', 'snaplen', 'interface', 'netns', 'netns-pid', 'host'] as const) {
      const value = args[name];
      if (value !== undefined) passed.push(`--${name}`, value);
    }
    if (!args.capture) passed.push('--no-capture');
    if (args['keep-folder']) passed.push('--keep-folder');
    return runCollectCommand({ printScript: args['print-script'], scriptArgs: passed });
  },
});
