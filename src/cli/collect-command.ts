// `natpath collect`: the shipped POSIX sh collector, printed (`--print-script > collect.sh`, to
// copy onto a node without Node.js) or run here with the same options. The script is the single
// source of the rules (mandatory limits, what is saved); this command only passes options on (run by src/app/collect.ts).

import type { CommandModule } from 'yargs';

interface CollectArgs {
  printScript: boolean;
  out?: string;
  duration?: number;
  packets?: number;
  size?: number;
  filter?: string;
  snaplen?: number;
  interface?: string;
  netns?: string;
  netnsPid?: number;
  host?: string;
  capture: boolean;
  keepFolder: boolean;
}

/** The script's value options, in its spelling, from the parsed arguments. */
const PASSED: [keyof CollectArgs, string][] = [
  ['out', '--out'],
  ['duration', '--duration'],
  ['packets', '--packets'],
  ['size', '--size'],
  ['filter', '--filter'],
  ['snaplen', '--snaplen'],
  ['interface', '--interface'],
  ['netns', '--netns'],
  ['netnsPid', '--netns-pid'],
  ['host', '--host'],
];

export function collectCommand(setExit: (code: number) => void): CommandModule<object, CollectArgs> {
  return {
    command: 'collect',
    describe: "Collect a case on this Linux host or in one of its network namespaces (a POSIX sh script; --print-script to copy it to a node)",
    builder: (y) =>
      y
        .option('print-script', { type: 'boolean', default: false, describe: 'Print the collect script to stdout and exit (natpath collect --print-script > collect.sh)' })
        .option('out', { type: 'string', describe: 'Folder for <host>/ and <host>.tar.gz' })
        .option('duration', { type: 'number', describe: 'Capture limit: seconds (required unless --no-capture)' })
        .option('packets', { type: 'number', describe: 'Capture limit: packets (required unless --no-capture)' })
        .option('size', { type: 'number', describe: 'Capture limit: megabytes (required unless --no-capture)' })
        .option('filter', { type: 'string', describe: "BPF capture filter, e.g. 'host 198.51.100.10 or udp port 8472'" })
        .option('snaplen', { type: 'number', describe: 'Bytes kept per packet (default 262144)' })
        .option('interface', { type: 'string', describe: 'Capture interface (default any)' })
        .option('netns', { type: 'string', describe: 'Collect inside this network namespace (ip netns)' })
        .option('netns-pid', { type: 'number', describe: "Collect inside this process's network namespace (a pod's)" })
        .option('host', { type: 'string', describe: 'Host folder name (default: netns name, else hostname)' })
        .option('capture', { type: 'boolean', default: true, describe: 'Capture packets (--no-capture: network state only)' })
        .option('keep-folder', { type: 'boolean', default: false, describe: 'Keep <host>/ beside <host>.tar.gz' })
        .example('$0 collect --out /tmp/case --duration 30 --packets 200000 --size 200', 'this host: state + a bounded tcpdump -i any → /tmp/case/<host>.tar.gz')
        .example("$0 collect --out /tmp/case --netns-pid 4242 --duration 30 --packets 100000 --size 100 --filter 'tcp port 443'", "inside a pod's network namespace")
        .example('$0 collect --print-script > collect.sh', 'the script alone, for a node without Node.js: sh collect.sh --help')
        .epilogue('Run as root. Exit codes: those of the script: 0 collected; 2 refused (missing limits, bad option, missing tool); 130/143 interrupted (capture stopped). Docs: docs/collect.md.') as never,
    handler: async (args) => {
      const { runCollectCommand } = await import('../app/collect.js');
      const passed: string[] = [];
      for (const [key, flag] of PASSED) {
        const value = args[key];
        if (value !== undefined) passed.push(flag, String(value));
      }
      if (!args.capture) passed.push('--no-capture');
      if (args.keepFolder) passed.push('--keep-folder');
      setExit(await runCollectCommand({ printScript: args.printScript, scriptArgs: passed }));
    },
  };
}
