// `natpath batch`: the cases named (folders, archives, globs) → the shard's share → runBatch with a
// progress line → exit code; `--merge`: the summaries of several output folders joined as one.
// Options arrive as typed; checking them is part of the run (usage errors exit 2).

import { availableParallelism } from 'node:os';
import { ANALYZE_FORMAT_NAMES } from '../report/format-names.js';
import { findCases } from './batch/find-cases.js';
import { mergeSummaries } from './batch/merge-summaries.js';
import { createBatchProgress } from './batch/progress.js';
import { runBatch, writeSummary } from './batch/run-batch.js';
import { inShard, parseShard, shardFromJobIndex } from './batch/shard.js';
import { isSuccess } from './batch/summary.js';
import { readPackageVersion } from './version.js';
import { EXIT } from './exit-codes.js';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tell } from './tell.js';
import { shown } from '../text/shown.js';

/** A case analysed for longer than this is stopped and marked failed: generous, a real case takes seconds to minutes. */
export const DEFAULT_CASE_TIMEOUT_SECONDS = 3600;

/** Below this a case's process could not even load natpath (Node and its modules: ~60 MB resident). */
const MIN_WORKER_MEMORY_MB = 64;

/** Exit codes of `batch` (also in --help). */
export const BATCH_EXIT = { ok: EXIT.ok, notAllSucceeded: EXIT.inputErrors, usage: EXIT.usage, noCase: EXIT.noUsableInput } as const;

export interface BatchCommandOptions {
  /** Cases (folders, archives, globs), or with `merge` the batch output folders to join. */
  inputs: string[];
  out: string;
  merge: boolean;
  /** Comma-separated report formats. */
  formats: string;
  jobs: number | undefined;
  /** NATPATH_THREADS: threads for the whole batch, shared by the cases running at once (undefined: the cores). */
  threads?: number | undefined;
  workerMemory: number | undefined;
  /** Seconds per case before it is stopped (DEFAULT_CASE_TIMEOUT_SECONDS when not given). */
  caseTimeout?: number | undefined;
  force: boolean;
  shard: string | undefined;
  shards: number | undefined;
}

export async function runBatchCommand(options: BatchCommandOptions): Promise<number> {
  const fail = (message: string): number => {
    tell('batch', message);
    return BATCH_EXIT.usage;
  };
  const { inputs } = options;
  if (options.merge) {
    if (inputs.length === 0) return fail('--merge needs the batch output folders to join');
    const merged = await mergeSummaries(inputs, options.out);
    await writeSummary(options.out, merged.rows);
    for (const p of merged.problems) tell('batch --merge', p);
    const bad = merged.rows.filter((r) => !isSuccess(r)).length;
    process.stderr.write(shown(`${merged.rows.length} case(s) from ${inputs.length} folder(s), ${bad} not ok → ${options.out}/summary.ndjson\n`, true));
    return bad > 0 || merged.problems.length > 0 ? BATCH_EXIT.notAllSucceeded : BATCH_EXIT.ok;
  }
  if (inputs.length === 0) return fail("name case folders, archives or a glob ('cases/*')");
  const formats = options.formats.split(',').map((f) => f.trim()).filter((f) => f !== '');
  const unknown = formats.filter((f) => !(ANALYZE_FORMAT_NAMES as readonly string[]).includes(f));
  if (formats.length === 0 || unknown.length > 0) return fail(`--formats: unknown format(s) ${unknown.join(', ')}; choose from ${ANALYZE_FORMAT_NAMES.join(', ')}`);
  if (options.jobs !== undefined && (!Number.isInteger(options.jobs) || options.jobs < 1)) return fail('--jobs expects a whole number ≥ 1');
  if (options.workerMemory !== undefined && (!Number.isInteger(options.workerMemory) || options.workerMemory < MIN_WORKER_MEMORY_MB)) {
    return fail(`--worker-memory expects a whole number of MB ≥ ${MIN_WORKER_MEMORY_MB} (it caps each case's whole process; Node alone holds ~60 MB)`);
  }
  const caseTimeout = options.caseTimeout ?? DEFAULT_CASE_TIMEOUT_SECONDS;
  if (!Number.isFinite(caseTimeout) || caseTimeout <= 0) return fail('--case-timeout expects seconds > 0');
  let shard = null;
  if (options.shard !== undefined) {
    shard = parseShard(options.shard);
    if (shard === null) return fail(`--shard expects I/N with 1 ≤ I ≤ N, got "${options.shard}"`);
  } else if (options.shards !== undefined) {
    if (!Number.isInteger(options.shards) || options.shards < 1) return fail('--shards expects a whole number ≥ 1');
    const s = shardFromJobIndex(options.shards, process.env);
    if (typeof s === 'string') return fail(s);
    shard = s;
  }
  const unwritable = await cannotWrite(options.out);
  if (unwritable !== null) return fail(unwritable);
  const found = await findCases(inputs);
  for (const p of found.problems) tell('batch', `${p.argument} ${p.message}`);
  for (const s of found.skipped) tell('batch', `note: ${s.argument} ${s.message}`);
  if (found.cases.length === 0) {
    tell('batch', 'no case to analyse');
    return BATCH_EXIT.noCase;
  }
  const cases = inShard(found.cases, shard);
  if (shard !== null) process.stderr.write(`shard ${shard.index}/${shard.count}: ${cases.length} of ${found.cases.length} case(s)\n`);
  const progress = createBatchProgress();
  const rows = await runBatch(cases, {
    outDir: options.out,
    formats,
    jobs: options.jobs ?? availableParallelism(),
    threads: options.threads ?? availableParallelism(),
    workerMemoryMb: options.workerMemory,
    caseTimeoutSeconds: caseTimeout,
    force: options.force,
    shard,
    version: readPackageVersion(),
    onEvent: progress.onEvent,
  });
  progress.finish(rows);
  const allOk = rows.every(isSuccess) && found.problems.length === 0;
  return allOk ? BATCH_EXIT.ok : BATCH_EXIT.notAllSucceeded;
}

/**
 * Why the output folder cannot be written (a read-only place, a file where a folder should be),
 * or null: found before any case runs, so the user gets one clear usage error naming the path.
 */
async function cannotWrite(outDir: string): Promise<string | null> {
  const probe = join(outDir, `.natpath-write-test-${process.pid}`);
  try {
    await mkdir(outDir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
    return null;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EEXIST' || e.code === 'ENOTDIR' ? 'a file is in the way of a folder' : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'EROFS' ? 'read-only file system' : (e.code ?? e.message);
    return `--out ${outDir}: cannot be written (${why})`;
  }
}
