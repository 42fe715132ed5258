// The CLI entry: yargs wiring only. Each command lives in its own module and loads its heavy code
// lazily, so `natpath --help` stays instant.

import yargs from 'yargs';
import { readPackageVersion } from '../app/version.js';
import { inspectCommand } from './inspect-command.js';
import { decodeCommand } from './decode-command.js';
import { analyzeCommand } from './analyze-command.js';
import { traceCommand } from './trace-command.js';
import { batchCommand } from './batch-command.js';
import { collectCommand } from './collect-command.js';
import { EXIT, EXIT_CODES_HELP } from '../app/exit-codes.js';
import { describeUsageFailure, listCommands } from './usage-message.js';
import { endQuietlyOnClosedPipe } from '../app/closed-pipe.js';

export { EXIT } from '../app/exit-codes.js';

/** demandCommand's message, recognised in the failure handler to list the commands instead. */
const NO_COMMAND = '\u0000no command';

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  endQuietlyOnClosedPipe(() => exitCode);
  const parser = yargs(argv)
    .scriptName('natpath')
    .usage(
      'natpath: which address does the server see, and which rule made it so?\n' +
        'Reads packet captures and Linux network-state dumps (iptables-save, ip route/rule/addr/link,\n' +
        'conntrack -L) from each host of a case, offline.\n\nUsage: $0 <command> [options]',
    )
    .command(inspectCommand((code) => (exitCode = code)))
    .command(decodeCommand((code) => (exitCode = code)))
    .command(analyzeCommand((code) => (exitCode = code)))
    .command(traceCommand((code) => (exitCode = code)))
    .command(batchCommand((code) => (exitCode = code)))
    .command(collectCommand((code) => (exitCode = code)))
    .demandCommand(1, NO_COMMAND)
    .strict()
    .recommendCommands()
    .option('color', { type: 'boolean', describe: 'Colour the output (default: when stdout is a terminal and NO_COLOR is unset)' })
    .option('width', {
      type: 'number',
      describe: "Columns terminal text may use (default: the terminal's width; COLUMNS in a pipe; no limit into a file). 0 = no limit",
    })
    .example('$0 analyze samples/pod-egress-natgw', 'which address the partner sees, hop by hop, and which rule did it')
    .example('$0 analyze samples/nodeport --format html --out report.html', 'a self-contained report for a ticket (also markdown, json, csv)')
    .example('$0 trace samples/pod-egress-natgw --host node1 --from 10.244.1.2 --to 198.51.100.10:80', 'what node1 would do to such a packet, rule by rule')
    .example('$0 decode samples/nodeport/node1/capture.pcapng --summary', 'totals per interface, protocol and tunnel')
    .example('$0 inspect --host node1=/tmp/node1 --host gw=gw.pcap', 'what is in a case whose hosts you name yourself')
    .example('$0 batch cases/*.tar.gz --out reports/', 'many cases in parallel, with summary.csv')
    .epilogue(`${EXIT_CODES_HELP}\nDocs: README.md, docs/. Set NO_COLOR=1 to disable colour.`)
    .version(readPackageVersion())
    .alias('h', 'help')
    .alias('V', 'version')
    // yargs renders the whole help after starting any command (to cache it): without wrapping that
    // costs little, so the width is set only when help is what the user asked for.
    .wrap(asksForHelp(argv) ? Math.min(110, process.stdout.columns ?? 100) : null)
    .fail((message, err) => {
      // Stop here: without a throw yargs would still run the command's handler.
      throw err ?? new UsageError(message);
    });
  try {
    await parser.parseAsync();
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(err.message === NO_COMMAND ? listCommands() : describeUsageFailure(err.message, argv));
      return EXIT.usage;
    }
    throw err;
  }
  return exitCode;
}

class UsageError extends Error {}

function asksForHelp(argv: readonly string[]): boolean {
  return argv.length === 0 || argv.some((a) => a === '--help' || a === '-h' || a === 'help');
}
