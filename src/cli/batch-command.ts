// `natpath batch <case...> --out DIR`: analyse many cases in parallel, one report set per case and
// a summary of all; `--merge DIR...` joins the summaries of shards. Thin: options → src/batch.

import { availableParallelism } from 'node:os';
import type { CommandModule } from 'yargs';
import { ANALYZE_FORMAT_NAMES } from '../report/format-names.js';
import { createBatchProgress } from './batch-progress.js';
import { readPackageVersion } from './version.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';

interface BatchArgs {
  cases?: string[];
  out: string;
  jobs?: number;
  workerMemory?: number;
  formats: string;
  force: boolean;
  shard?: string;
  shards?: number;
  merge: boolean;
}

/** Exit codes of `batch` (also in --help). */
export const BATCH_EXIT = { ok: EXIT.ok, notAllSucceeded: EXIT.inputErrors, usage: EXIT.usage, noCase: EXIT.noUsableInput } as const;

const DEFAULT_FORMATS = ANALYZE_FORMAT_NAMES.includes('html' as never) ? 'json,markdown,html' : 'json,markdown';

export function batchCommand(setExit: (code: number) => void): CommandModule<object, BatchArgs> {
  return {
    command: 'batch [cases..]',
    describe: 'Analyse many cases in parallel: one report set per case in --out, plus summary.ndjson and summary.csv',
    builder: (y) =>
      y
        .positional('cases', { type: 'string', array: true, describe: "Case folders, .tar.gz/.tgz case archives, or globs of them ('cases/*'); with --merge: batch output folders" })
        .option('out', { type: 'string', demandOption: true, describe: 'Output folder: <case>/report.*, summary.ndjson, summary.csv' })
        .option('jobs', { type: 'number', describe: `Cases analysed at once, each on its own worker thread (default: number of cores, ${availableParallelism()})` })
        .option('worker-memory', {
          type: 'number',
          describe: "MB of JavaScript heap each worker may use; a case that needs more fails alone (default: Node's limit)",
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
        .epilogue(`batch: 0 when every case is ok; 1 when some case had input errors, nothing usable, or failed (see summary.ndjson), or --merge found a problem; 66 when no case was found.\n${EXIT_CODES_HELP}\nDocs: docs/batch.md, docs/kubernetes-batch.md.`) as never,
    handler: async (args) => {
      const fail = (message: string) => {
        process.stderr.write(`natpath batch: ${message}\n`);
        setExit(BATCH_EXIT.usage);
      };
      const inputs = args.cases ?? [];
      if (args.merge) {
        if (inputs.length === 0) return fail('--merge needs the batch output folders to join');
        const { mergeSummaries } = await import('../batch/merge-summaries.js');
        const { writeSummary } = await import('../batch/run-batch.js');
        const { isSuccess } = await import('../batch/summary.js');
        const merged = await mergeSummaries(inputs, args.out);
        await writeSummary(args.out, merged.rows);
        for (const p of merged.problems) process.stderr.write(`natpath batch --merge: ${p}\n`);
        const bad = merged.rows.filter((r) => !isSuccess(r)).length;
        process.stderr.write(`${merged.rows.length} case(s) from ${inputs.length} folder(s), ${bad} not ok → ${args.out}/summary.ndjson\n`);
        setExit(bad > 0 || merged.problems.length > 0 ? BATCH_EXIT.notAllSucceeded : BATCH_EXIT.ok);
        return;
      }
      if (inputs.length === 0) return fail("name case folders, archives or a glob ('cases/*')");
      const formats = args.formats.split(',').map((f) => f.trim()).filter((f) => f !== '');
      const unknown = formats.filter((f) => !(ANALYZE_FORMAT_NAMES as readonly string[]).includes(f));
      if (formats.length === 0 || unknown.length > 0) return fail(`--formats: unknown format(s) ${unknown.join(', ')}; choose from ${ANALYZE_FORMAT_NAMES.join(', ')}`);
      if (args.jobs !== undefined && (!Number.isInteger(args.jobs) || args.jobs < 1)) return fail('--jobs expects a whole number ≥ 1');
      if (args.workerMemory !== undefined && (!Number.isInteger(args.workerMemory) || args.workerMemory < 16)) {
        return fail('--worker-memory expects a whole number of MB ≥ 16');
      }
      const { parseShard, shardFromJobIndex, inShard } = await import('../batch/shard.js');
      let shard = null;
      if (args.shard !== undefined) {
        shard = parseShard(args.shard);
        if (shard === null) return fail(`--shard expects I/N with 1 ≤ I ≤ N, got "${args.shard}"`);
      } else if (args.shards !== undefined) {
        if (!Number.isInteger(args.shards) || args.shards < 1) return fail('--shards expects a whole number ≥ 1');
        const s = shardFromJobIndex(args.shards, process.env);
        if (typeof s === 'string') return fail(s);
        shard = s;
      }
      const { findCases } = await import('../batch/find-cases.js');
      const { runBatch } = await import('../batch/run-batch.js');
      const { isSuccess } = await import('../batch/summary.js');
      const found = await findCases(inputs);
      for (const p of found.problems) process.stderr.write(`natpath batch: ${p.argument} ${p.message}\n`);
      for (const s of found.skipped) process.stderr.write(`natpath batch: note: ${s.argument} ${s.message}\n`);
      if (found.cases.length === 0) {
        process.stderr.write('natpath batch: no case to analyse\n');
        return setExit(BATCH_EXIT.noCase);
      }
      const cases = inShard(found.cases, shard);
      if (shard !== null) process.stderr.write(`shard ${shard.index}/${shard.count}: ${cases.length} of ${found.cases.length} case(s)\n`);
      const progress = createBatchProgress();
      const rows = await runBatch(cases, {
        outDir: args.out,
        formats,
        jobs: args.jobs ?? availableParallelism(),
        workerHeapMb: args.workerMemory,
        force: args.force,
        shard,
        version: readPackageVersion(),
        onEvent: progress.onEvent,
      });
      progress.finish(rows);
      const allOk = rows.every(isSuccess) && found.problems.length === 0;
      setExit(allOk ? BATCH_EXIT.ok : BATCH_EXIT.notAllSucceeded);
    },
  };
}
