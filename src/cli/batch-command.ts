// `natpath batch <case...> --out DIR`: analyse many cases in parallel, one report set per case and
// a summary of all; `--merge DIR...` joins the summaries of shards. The option table only: options
// → runBatchCommand (src/app/batch.ts), which checks what depends on each other (--shard I/N, --formats).

import { availableParallelism } from 'node:os';
import { EXIT_CODES_HELP } from '../app/exit-codes.js';
import { ANALYZE_FORMAT_NAMES } from '../report/format-names.js';
import { tell } from '../app/tell.js';
import { defineCommand } from './command-spec.js';
import { threadsAsked } from './threads-option.js';

const DEFAULT_FORMATS = ANALYZE_FORMAT_NAMES.includes('html' as never) ? 'json,markdown,html' : 'json,markdown';

export const batchCommand = defineCommand({
  name: 'batch',
  describe: 'Analyse many cases in parallel: one report set per case in --out, plus summary.ndjson and summary.csv',
  positional: { name: 'cases', arity: 'many', describe: "Case folders, .tar.gz/.tgz case archives, or globs of them ('cases/*'); with --merge: batch output folders" },
  options: {
    out: { type: 'string', required: true, meta: 'DIR', describe: 'Output folder: <case>/report.*, summary.ndjson, summary.csv' },
    jobs: { type: 'number', integer: true, min: 1, meta: 'N', expects: 'a whole number ≥ 1', describe: `Cases analysed at once, each in a child process of its own (default: number of cores, ${availableParallelism()})` },
    'worker-memory': {
      type: 'number',
      meta: 'MB',
      expects: 'a whole number of MB ≥ 64',
      describe: "MB of memory a case's process may hold resident (JavaScript heap and buffers, Node itself included; ≥ 64); past it the case is killed and fails alone (default: no cap)",
    },
    'case-timeout': { type: 'number', meta: 'SECONDS', expects: 'seconds > 0', describe: 'Seconds one case may take; past it the case is stopped and marked failed, the others go on (default: 3600)' },
    formats: { type: 'string', default: DEFAULT_FORMATS, meta: 'LIST', describe: `Report formats per case, comma-separated (${ANALYZE_FORMAT_NAMES.join(', ')})` },
    force: { type: 'boolean', default: false, describe: 'Analyse every case again, even when its inputs have not changed since its report' },
    shard: { type: 'string', meta: 'I/N', describe: 'Only the cases of shard I of N (1 ≤ I ≤ N), chosen by a hash of the case name' },
    shards: { type: 'number', meta: 'N', expects: 'a whole number ≥ 1', describe: 'N shards, this one numbered by JOB_COMPLETION_INDEX (0-based; a Kubernetes Indexed Job sets it)' },
    merge: { type: 'boolean', default: false, describe: 'Join the summaries of the batch output folders given as arguments into --out' },
  },
  conflicts: [['shard', 'shards']],
  examples: [
    ["natpath batch 'incidents/*' --out reports", 'every case folder/archive in incidents/, reports in reports/<case>/'],
    ['natpath batch cases/*.tgz --out r --shard 2/4', 'the second quarter of the cases (run the other 3 elsewhere)'],
    ['natpath batch --merge r1 r2 r3 r4 --out all', 'one summary of four shards'],
  ],
  epilogue: `batch: 0 when every case is ok (or only leaks); 1 when some case had input errors, nothing usable, or failed (see summary.ndjson), or --merge found a problem; 66 when no case was found.\n${EXIT_CODES_HELP}\nDocs: docs/batch.md, docs/kubernetes-batch.md.`,
  async run(args, cases) {
    // No flag: the variable caps the threads of the whole batch (cases at once × each one's).
    const threads = threadsAsked(undefined, process.env);
    if (typeof threads === 'object') {
      tell('batch', threads.error);
      return 2;
    }
    const { runBatchCommand } = await import('../app/batch.js');
    return runBatchCommand({
      inputs: cases,
      out: args.out,
      merge: args.merge,
      formats: args.formats,
      jobs: args.jobs,
      threads,
      workerMemory: args['worker-memory'],
      caseTimeout: args['case-timeout'],
      force: args.force,
      shard: args.shard,
      shards: args.shards,
    });
  },
});
