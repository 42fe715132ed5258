// Collects the legs of a case's captures, several at once on worker threads when asked
// (`--threads N`): captures are independent until matching, and reading them is most of a large
// case's time. One by one is the default: on two cores the workers' start and JIT warm-up ate
// the gain (docs/decisions.md). Small cases and archive entries (streams) stay on the calling
// thread; a worker that cannot start falls back to it too. The result is the same either way
// (tested), in the order of the tasks.

import { Worker } from 'node:worker_threads';
import type { TunnelPorts } from '../decode/index.js';
import { type CaptureLegs, collectLegs } from './collect-legs.js';
import { LegTable, type LegTableState } from './leg-table.js';

export interface CollectTask {
  path: string;
  displayPath: string;
  size: number;
  /** Set for a capture that is not a file on disk (an entry of a case archive): read in-process. */
  openStream?: () => AsyncIterable<Uint8Array>;
  /** The capturing host's tunnel ports beyond the defaults (from its `ip -d link`). */
  tunnelPorts?: TunnelPorts;
}

export type FromCollectWorker =
  | { type: 'bytes'; offset: number }
  | { type: 'done'; capture: Omit<CaptureLegs, 'legs'> & { legs: LegTableState } }
  | { type: 'failed'; message: string };

export interface CollectOptions {
  /** Captures read at once (default 1: one by one on this thread; see docs/decisions.md for why). */
  threads?: number;
  /** Below this many bytes in all, threads are not worth their start-up (~40 ms each). */
  parallelFromBytes?: number;
  /** The worker's script (tests point at the built one). */
  workerUrl?: URL;
  /** Called with a label and the total bytes once, then with the bytes read so far. */
  onStart?: (label: string, bytes: number) => void;
  onBytes?: (done: number) => void;
  /** Told when a worker could not run and the capture was read on this thread instead. */
  onWorkerFailure?: (task: CollectTask, why: string) => void;
}

export const PARALLEL_FROM_BYTES = 64 << 20;

/** One result per task, in order: the capture's legs, or the error that made it unreadable. */
export async function collectAllLegs(tasks: CollectTask[], options: CollectOptions = {}): Promise<Array<CaptureLegs | Error>> {
  const threads = Math.max(1, Math.min(options.threads ?? 1, tasks.length));
  const totalBytes = tasks.reduce((n, t) => n + t.size, 0);
  const results: Array<CaptureLegs | Error> = new Array(tasks.length);
  if (threads === 1 || totalBytes < (options.parallelFromBytes ?? PARALLEL_FROM_BYTES)) {
    for (const [i, task] of tasks.entries()) {
      options.onStart?.(task.displayPath, task.size);
      results[i] = await collectHere(task, options.onBytes);
    }
    return results;
  }
  options.onStart?.(`${tasks.length} captures`, totalBytes);
  const offsets = new Array<number>(tasks.length).fill(0);
  const report = () => options.onBytes?.(offsets.reduce((n, o) => n + o, 0));
  let next = 0;
  const runner = async () => {
    while (next < tasks.length) {
      const i = next++;
      const task = tasks[i]!;
      const onBytes = (offset: number) => {
        offsets[i] = offset;
        report();
      };
      results[i] = task.openStream !== undefined ? await collectHere(task, onBytes) : await collectInWorker(task, options, onBytes);
      offsets[i] = task.size;
      report();
    }
  };
  await Promise.all(Array.from({ length: threads }, runner));
  return results;
}

async function collectHere(task: CollectTask, onBytes?: (offset: number) => void): Promise<CaptureLegs | Error> {
  try {
    return await collectLegs(task.path, task.displayPath, onBytes, task.openStream, task.tunnelPorts);
  } catch (err) {
    return err as Error;
  }
}

function collectInWorker(task: CollectTask, options: CollectOptions, onBytes: (offset: number) => void): Promise<CaptureLegs | Error> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: CaptureLegs | Error | string) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (typeof result !== 'string') {
        resolve(result);
        return;
      }
      // A worker that could not run at all: read the capture here instead.
      options.onWorkerFailure?.(task, result);
      void collectHere(task, onBytes).then(resolve);
    };
    const { openStream: _stream, ...data } = task;
    const worker = new Worker(options.workerUrl ?? new URL('./collect-worker.js', import.meta.url), { workerData: data });
    worker.on('message', (message: FromCollectWorker) => {
      if (message.type === 'bytes') onBytes(message.offset);
      else if (message.type === 'failed') settle(new Error(message.message));
      else settle({ ...message.capture, legs: LegTable.fromState(message.capture.legs) });
    });
    worker.on('error', (err) => settle(err.message));
    worker.on('exit', (code) => settle(`the worker exited (${code}) without a result`));
  });
}
