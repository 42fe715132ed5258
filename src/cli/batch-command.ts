// `natpath batch <case...> --out DIR`: analyse many cases in parallel, one report set per case and
// a summary of all; `--merge DIR...` joins the summaries of shards. Yargs only: options → runBatchCommand (src/app/batch.ts).

import { availableParallelism } from 'node:os';
import type { CommandModule } from 'yargs';
import { EXIT_CODES_HELP } from '../app/exit-codes.js';
import { ANALYZE_FORMAT_NAMES } from '../report/format-names.js';

interface BatchArgs {
  cases?: string[];
  out: string;
  jobs?: number;
  workerMemory?: number;
  caseTimeout?: number;
  formats: string;
  force: boolean;
  shard?: string;
  shards?: number;
  merge: boolean;
}

const DEFAULT_FORMATS = ANALYZE_FORMAT_NAMES.includes('html' as never) ? 'json,markdown,html' : 'json,markdown';

export function batchCommand(setExit: (code: number) => void): CommandModule<object, BatchArgs> {
  return {
    command: 'batch [cases..]',
    describe: 'Analyse many cases in parallel: one report set per case in --out, plus summary.ndjson and summary.csv',
    builder: (y) =>
      y
        .positional('cases', { type: 'string', array: true, describe: "Case folders, .tar.gz/.tgz case archives, or globs of them ('cases/*'); with --merge: batch output folders" })
        .option('out', { type: 'string', demandOption: true, describe: 'Output folder: <case>/report.*, summary.ndjson, summary.csv' })
        .option('jobs', { type: 'number', describe: `Cases analysed at once, each in a child process of its own (default: number of cores, ${availableParallelism()})` })
        .option('worker-memory', {
          type: 'number',
          describe: "MB of memory a case's process may hold resident (JavaScript heap and buffers, Node itself included; ≥ 64); past it the case is killed and fails alone (default: no cap)",
        })
        .option('case-timeout', {
          type: 'number',
          describe: 'Seconds one case may take; past it the case is stopped and marked failed, the others go on (default: 3600)',
        })
        .option('formats', { type: 'string', default: DEFAULT_FORMATS, describe: `Report formats per case, comma-separated (${ANALYZE_FORMAT_NAMES.join(', ')})` })
        .option('force', { type: 'boolean', default: false, describe: 'Analyse every case again, even when its inputs have not changed since its report' })
        .option('shard', { type: 'string', describe: 'I/N: only the cases of shard I of N (1 ≤ I ≤ N), chosen by a hash of the case name' })
        .option('shards', { type: 'number', describe: 'N shards, this one numbered by JOB_COMPLETION_INDEX (0-based; a Kubernetes Indexed Job sets it)' })
        .option('merge', { type: 'boolean', default: false, describe: 'Join the summaries of the batch output folders given as arguments into --out' })
        .conflicts('shard', 'shards')
        .example("$0 batch 'incidents/*' --out reports", 'every case folder/archive in incidents/, reports in reports/<case>/')
        .example('$0 batch cases/*.tgz --out r --shard 2/4', 'the second quarter of the cases (run the other 3 elsewhere)')
        .example('$0 batch --merge r1 r2 r3 r4 --out all', 'one summary of four shards')
        .epilogue(`batch: 0 when every case is ok (or only leaks); 1 when some case had input errors, nothing usable, or failed (see summary.ndjson), or --merge found a problem; 66 when no case was found.\n${EXIT_CODES_HELP}\nDocs: docs/batch.md, docs/kubernetes-batch.md.`) as never,
    handler: async (args) => {
      const { runBatchCommand } = await import('../app/batch.js');
      setExit(
        await runBatchCommand({
          inputs: args.cases ?? [],
          out: args.out,
          merge: args.merge,
          formats: args.formats,
          jobs: args.jobs,
          workerMemory: args.workerMemory,
          caseTimeout: args.caseTimeout,
          force: args.force,
          shard: args.shard,
          shards: args.shards,
        }),
      );
    },
  };
}
