// `natpath batch`: the cases run in parallel, each in a child process of its own (as many at once
// as --jobs), each writing its reports; then the summary of every case. A process that dies or
// is killed at its memory or time limit takes only its case with it (case-process.ts).

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaseProcess } from './case-process.js';
import { canReadResidentMemory } from './resident-memory.js';
import type { BatchCase } from './find-cases.js';
import { measureCaseInputs } from './input-hash.js';
import type { CaseTask } from './run-case.js';
import type { Shard } from './shard.js';
import { emptyRow, parseSummaryNdjson, renderSummaryCsv, renderSummaryNdjson, type SummaryRow } from './summary.js';

export interface BatchOptions {
  outDir: string;
  formats: string[];
  jobs: number;
  /** Threads for the whole batch: each case may read its captures on its share (at least 1), so that cases at once do not oversubscribe the cores. */
  threads?: number;
  /**
   * MB each case's process may hold resident (and its JavaScript heap at most): past it the
   * process is killed and the case recorded as failed; the other cases go on.
   */
  workerMemoryMb?: number;
  /** Seconds one case may take; past it its process is killed and the case fails alone ("time limit"). */
  caseTimeoutSeconds?: number;
  force: boolean;
  shard: Shard | null;
  version: string;
  /** The compiled child module (dist/app/batch/case-child.js by default). */
  childModule?: string;
  /** Whether processes' resident memory can be read here (canReadResidentMemory by default; tests simulate a system without /proc). */
  residentMemoryReadable?: () => boolean;
  onEvent?: (event: BatchEvent) => void;
}

export type BatchEvent =
  | { type: 'start'; cases: number; bytes: number; workers: number }
  /** Something the user must know about how the run is held to its options (said at the start and with the totals). */
  | { type: 'warning'; message: string }
  /** Bytes of input done so far, over all cases (finished ones whole, running ones as read). */
  | { type: 'progress'; bytes: number }
  | { type: 'case'; row: SummaryRow; done: number; total: number };

/** Written beside the summary: which run made it (`--merge` checks that no shard is missing). */
export interface BatchRunRecord {
  schema: 'natpath.batch-run/1';
  version: string;
  shard: Shard | null;
  cases: number;
  formats: string[];
  workers: number;
  /** --worker-memory and how it was enforced: the process's resident memory and its heap, or (no /proc) the heap alone. */
  memoryCap: { mb: number; enforced: 'resident-and-heap' | 'heap-only' } | null;
  /** The warnings the run printed (the memory cap's, where it could only cap the heap). */
  warnings: string[];
  startedAt: string;
  finishedAt: string;
  seconds: number;
}

export const SUMMARY_FILES = { ndjson: 'summary.ndjson', csv: 'summary.csv', run: 'batch.json' } as const;

/** Threads one case may read its captures on: its share of the batch's, at least 1 (cases at once never oversubscribe the cores). */
export function caseThreads(batchThreads: number, casesAtOnce: number): number {
  return Math.max(1, Math.floor(batchThreads / casesAtOnce));
}

export async function runBatch(cases: readonly BatchCase[], options: BatchOptions): Promise<SummaryRow[]> {
  const startedAt = new Date();
  await mkdir(options.outDir, { recursive: true });
  const sizes = await Promise.all(cases.map((c) => measureCaseInputs(c).catch(() => 0)));
  const workerCount = Math.max(1, Math.min(options.jobs, cases.length));
  options.onEvent?.({ type: 'start', cases: cases.length, bytes: sizes.reduce((a, b) => a + b, 0), workers: workerCount });
  const capMb = options.workerMemoryMb;
  const watchResident = capMb !== undefined && (options.residentMemoryReadable ?? canReadResidentMemory)();
  const warnings: string[] = [];
  if (capMb !== undefined && !watchResident) {
    warnings.push(
      `--worker-memory ${capMb}: this system has no /proc/PID/status to read a process's resident memory from, so only each case's JavaScript heap is capped (--max-old-space-size=${capMb}); capture buffers and typed arrays outside the heap are not counted, and a case may hold more than ${capMb} MB (docs/limits.md)`,
    );
  }
  for (const message of warnings) options.onEvent?.({ type: 'warning', message });
  const shardText = options.shard === null ? null : `${options.shard.index}/${options.shard.count}`;
  const rows: (SummaryRow | undefined)[] = new Array(cases.length);
  const running = new Map<number, number>(); // case id → bytes read
  let bytesDone = 0;
  let done = 0;
  let nextCase = 0;
  const childModule = options.childModule ?? fileURLToPath(new URL('./case-child.js', import.meta.url));

  const reportProgress = () => {
    let bytes = bytesDone;
    for (const [id, b] of running) bytes += Math.min(b, sizes[id]!);
    options.onEvent?.({ type: 'progress', bytes });
  };
  const finishCase = (id: number, row: SummaryRow) => {
    rows[id] = row;
    running.delete(id);
    bytesDone += sizes[id]!;
    done++;
    options.onEvent?.({ type: 'case', row, done, total: cases.length });
  };
  const taskOf = (id: number): CaseTask => ({
    case: cases[id]!,
    outDir: options.outDir,
    formats: options.formats,
    force: options.force,
    version: options.version,
    shard: shardText,
    threads: caseThreads(options.threads ?? 1, workerCount),
  });

  // Every process's end, waited for before the batch returns (CaseProcess.stop).
  const stopped: Array<Promise<void>> = [];
  const slots = Array.from({ length: workerCount }, async () => {
    let child: CaseProcess | null = null;
    while (nextCase < cases.length) {
      const id = nextCase++;
      running.set(id, 0);
      if (child === null) child = new CaseProcess(childModule, capMb, watchResident);
      const row = await child.run(taskOf(id), {
        caseTimeoutSeconds: options.caseTimeoutSeconds,
        onBytes: (bytes) => {
          running.set(id, bytes);
          reportProgress();
        },
      });
      finishCase(id, row);
      if (!child.usable || keepsTooMuch(child, options.workerMemoryMb)) {
        stopped.push(child.stop());
        child = null;
      }
    }
    if (child !== null) stopped.push(child.stop());
  });
  await Promise.all(slots);
  await Promise.all(stopped);

  const finished = rows.map((r, i) => r ?? emptyRow({ name: cases[i]!.name, input: cases[i]!.path }, shardText));
  await writeSummary(options.outDir, await withEarlierRows(options.outDir, finished));
  const finishedAt = new Date();
  const run: BatchRunRecord = {
    schema: 'natpath.batch-run/1',
    version: options.version,
    shard: options.shard,
    cases: cases.length,
    formats: options.formats,
    workers: workerCount,
    memoryCap: capMb === undefined ? null : { mb: capMb, enforced: watchResident ? 'resident-and-heap' : 'heap-only' },
    warnings,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
  };
  await writeFile(join(options.outDir, SUMMARY_FILES.run), `${JSON.stringify(run, null, 2)}\n`);
  return finished;
}

/**
 * Whether a process that finished a case keeps too much of it to run the next under the same
 * cap: the cap counts the whole process, so a case may start in one holding at most
 * REUSE_SHARE_OF_CAP of it (after the child's garbage collection); past that a fresh process
 * (~60 MB, 0.2 s of CPU to start) takes the next case.
 */
function keepsTooMuch(child: CaseProcess, capMb: number | undefined): boolean {
  if (capMb === undefined) return false;
  const resident = child.residentBytes();
  return resident === null || resident > capMb * 1024 * 1024 * REUSE_SHARE_OF_CAP;
}

const REUSE_SHARE_OF_CAP = 0.5;

/**
 * This run's rows plus the rows an earlier run into the same folder wrote for cases not run
 * now (a re-run with a narrower glob keeps the others), in case-name order. A summary that
 * cannot be read contributes nothing: this run's rows are written whatever it holds.
 */
async function withEarlierRows(outDir: string, rows: readonly SummaryRow[]): Promise<SummaryRow[]> {
  let text: string;
  try {
    text = await readFile(join(outDir, SUMMARY_FILES.ndjson), 'utf8');
  } catch {
    return [...rows];
  }
  const now = new Set(rows.map((r) => r.case));
  const earlier = parseSummaryNdjson(text, SUMMARY_FILES.ndjson).rows.filter((r) => !now.has(r.case));
  if (earlier.length === 0) return [...rows];
  return [...rows, ...earlier].sort((a, b) => (a.case < b.case ? -1 : a.case > b.case ? 1 : 0));
}

export async function writeSummary(outDir: string, rows: readonly SummaryRow[]): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, SUMMARY_FILES.ndjson), renderSummaryNdjson(rows));
  await writeFile(join(outDir, SUMMARY_FILES.csv), renderSummaryCsv(rows));
}
