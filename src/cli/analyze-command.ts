// `natpath analyze <case...>`: follow each flow across the captures, locate and explain every
// translation, answer "what does the server see" — the option table only: checked options →
// runAnalyzeCommand (src/app/analyze.ts).

import { EXIT_CODES_HELP } from '../app/exit-codes.js';
import { ANALYZE_FORMAT_NAMES, type AnalyzeFormat } from '../report/format-names.js';
import { tell } from '../app/tell.js';
import { defineCommand } from './command-spec.js';
import { CASE_PATHS, HOST_FILES_OPTION, OUT_FILE_OPTION } from './shared-options.js';
import { threadsAsked, threadsOption } from './threads-option.js';

export const analyzeCommand = defineCommand({
  name: 'analyze',
  describe: 'Follow each flow across the captures: its path, every address translation and the rule behind it, what the server sees',
  positional: CASE_PATHS,
  options: {
    host: HOST_FILES_OPTION,
    format: { type: 'string', choices: ANALYZE_FORMAT_NAMES, default: 'table', meta: 'FORMAT', describe: 'Output format' },
    out: OUT_FILE_OPTION,
    'max-flows': {
      type: 'number',
      integer: true,
      min: 0,
      default: 1000,
      meta: 'N',
      expects: 'a whole number ≥ 0 (0 lists all)',
      describe: 'List at most this many flows in full (multi-point first; 0 = all); the answer and totals always cover every flow',
    },
    verbose: { type: 'boolean', short: 'v', describe: 'Tell everything: every path shape, client port and conntrack entry (default: a bounded summary)' },
    'fail-on': { type: 'string', repeat: true, choices: ['unexplained'], meta: 'WHAT', describe: 'Exit 3 when a translation is not explained by a rule (for scripted checks)' },
    threads: threadsOption("A large case's captures are read at once on up to this many threads", 'the cores, when the captures are large enough to pay'),
  },
  examples: [
    ['natpath analyze samples/pod-egress-natgw', 'which address the partner sees, hop by hop, and which rule did it'],
    ['natpath analyze case/ --format markdown --out ticket.md', 'a report to paste into a ticket'],
    ['natpath analyze --host node1=/tmp/n1 --host gw=gw.pcap.gz', 'hosts named on the command line'],
  ],
  epilogue: EXIT_CODES_HELP,
  async run(args, paths) {
    const threads = threadsAsked(args.threads, process.env);
    if (typeof threads === 'object') {
      tell('analyze', threads.error);
      return 2;
    }
    const { runAnalyzeCommand } = await import('../app/analyze.js');
    return runAnalyzeCommand({
      paths,
      hostSpecs: args.host,
      format: args.format as AnalyzeFormat,
      out: args.out,
      color: args.color,
      failOnUnexplained: args['fail-on'].includes('unexplained'),
      maxFlows: args['max-flows'],
      width: args.width,
      verbose: args.verbose,
      threads,
    });
  },
});
