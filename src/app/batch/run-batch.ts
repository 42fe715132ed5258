// `natpath batch`: the cases run in parallel on worker threads (one case per worker at a time,
// as many workers as asked), each writing its reports; then the summary of every case. A worker
// that dies takes only its case with it: the case is recorded as failed and a new worker goes on.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BatchCase } from './find-cases.js';
import type { FromWorker, ToWorker } from './batch-worker.js';
import { measureCaseInputs } from './input-hash.js';
import type { CaseTask } from './run-case.js';
import type { Shard } from './shard.js';
import { emptyRow, parseSummaryNdjson, renderSummaryCsv, renderSummaryNdjson, type SummaryRow } from './summary.js';

export interface BatchOptions {
  outDir: string;
  formats: string[];
  jobs: number;
  /**
   * Heap limit of each worker (MB of old generation). A worker over it is stopped by Node and
   * its case recorded as failed; the process and the other cases go on.
   */
  workerHeapMb?: number;
  /** Seconds one case may take; past it its worker is stopped and the case fails alone ("time limit"). */
  caseTimeoutSeconds?: number;
  force: boolean;
  shard: Shard | null;
  version: string;
  /** The compiled worker module (dist/app/batch/batch-worker.js by default). */
  workerUrl?: URL;
  onEvent?: (event: BatchEvent) => void;
}

export type BatchEvent =
  | { type: 'start'; cases: number; bytes: number; workers: number }
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
  startedAt: string;
  finishedAt: string;
  seconds: number;
}

export const SUMMARY_FILES = { ndjson: 'summary.ndjson', csv: 'summary.csv', run: 'batch.json' } as const;

export async function runBatch(cases: readonly BatchCase[], options: BatchOptions): Promise<SummaryRow[]> {
  const startedAt = new Date();
  await mkdir(options.outDir, { recursive: true });
  const sizes = await Promise.all(cases.map((c) => measureCaseInputs(c).catch(() => 0)));
  const workerCount = Math.max(1, Math.min(options.jobs, cases.length));
  options.onEvent?.({ type: 'start', cases: cases.length, bytes: sizes.reduce((a, b) => a + b, 0), workers: workerCount });
  const shardText = options.shard === null ? null : `${options.shard.index}/${options.shard.count}`;
  const rows: (SummaryRow | undefined)[] = new Array(cases.length);
  const running = new Map<number, number>(); // case id → bytes read
  let bytesDone = 0;
  let done = 0;
  let nextCase = 0;
  const url = options.workerUrl ?? new URL('./batch-worker.js', import.meta.url);

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
  });

  await new Promise<void>((resolve) => {
    let live = 0;
    const startWorker = () => {
      if (nextCase >= cases.length) return;
      live++;
      const worker = new Worker(url, options.workerHeapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: options.workerHeapMb } });
      let current = -1;
      const sendNext = () => {
        if (nextCase >= cases.length) {
          current = -1;
          void worker.terminate();
          return;
        }
        current = nextCase++;
        running.set(current, 0);
        armTimer(current);
        worker.postMessage({ type: 'case', id: current, task: taskOf(current) } satisfies ToWorker);
      };
      // An endless or runaway case cannot hold the batch: past its time its worker is stopped
      // (the exit handler records the case and starts a new worker for the rest).
      let timer: NodeJS.Timeout | null = null;
      let timedOut = false;
      const armTimer = (id: number) => {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        if (options.caseTimeoutSeconds === undefined) return;
        timer = setTimeout(() => {
          if (current !== id) return;
          timedOut = true;
          void worker.terminate();
        }, options.caseTimeoutSeconds * 1000);
      };
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'progress') {
          running.set(message.id, message.bytes);
          reportProgress();
        } else {
          if (timer !== null) clearTimeout(timer);
          finishCase(message.id, message.row);
          sendNext();
        }
      });
      const onDeath = (why: string) => {
        if (current >= 0) {
          const row = emptyRow({ name: cases[current]!.name, input: cases[current]!.path }, shardText);
          row.error = `the worker analysing this case stopped: ${why}`;
          finishCase(current, row);
          current = -1;
        }
      };
      worker.on('error', (err) => onDeath(err.message));
      worker.on('exit', (code) => {
        if (timer !== null) clearTimeout(timer);
        if (current >= 0) onDeath(timedOut ? `time limit of ${options.caseTimeoutSeconds} s reached (--case-timeout)` : `exit code ${code}`);
        live--;
        // A worker that died mid-run is replaced so the remaining cases still get done.
        if (nextCase < cases.length) startWorker();
        if (live === 0 && nextCase >= cases.length) resolve();
      });
      sendNext();
    };
    if (cases.length === 0) resolve();
    for (let i = 0; i < workerCount; i++) startWorker();
  });

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
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
  };
  await writeFile(join(options.outDir, SUMMARY_FILES.run), `${JSON.stringify(run, null, 2)}\n`);
  return finished;
}

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
