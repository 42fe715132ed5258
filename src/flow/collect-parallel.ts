// Collects the legs of a case's captures, several at once when the case is large enough to pay
// for it: captures are independent until matching, and reading them is a third of a large case's
// time. This thread collects too; worker threads (collect-worker.ts) take the other captures and
// hand their leg tables back by transferring the buffers (no copy). Each free thread takes the
// largest capture left; a worker still starting when every capture is known is given its first
// then, queued until it runs, not when this thread next hears from it (this thread, reading,
// hears seldom: ~0.1 s late on a large case). Archive entries (streams from a case archive, which
// only this thread can read) stay here. Small cases start no worker: below `minWorkerBytes` of
// captures for a worker, its start costs more than it saves (docs/decisions.md). The result is the
// same either way (tested), one per task in the order of the tasks.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { TunnelPorts } from '../decode/index.js';
import { type CaptureLegs, collectLegs } from './collect-legs.js';
import { LegTable, type LegTableState } from './leg-table.js';

export interface CollectTask {
  path: string;
  displayPath: string;
  size: number;
  /** Set for a capture that is not a file on disk (an entry of a case archive): read on this thread. */
  openStream?: () => AsyncIterable<Uint8Array>;
  /** The capturing host's own tunnel ports. */
  tunnelPorts?: TunnelPorts;
}

/** A capture's legs, or the error that made it unreadable (its message is the diagnostic). */
export type CollectResult = CaptureLegs | Error;

/** What a worker is sent: a capture to collect (a file on disk, never a stream). */
export interface ToCollectWorker {
  index: number;
  task: Omit<CollectTask, 'openStream'>;
}

export type FromCollectWorker =
  | { type: 'ready' }
  | { type: 'bytes'; index: number; offset: number }
  | { type: 'done'; index: number; capture: Omit<CaptureLegs, 'legs'> & { legs: LegTableState } }
  | { type: 'failed'; index: number; message: string };

/**
 * Bytes of captures a worker must have to be worth its cost: its start (~70 ms CPU) and its own
 * JIT warm-up of the collector (~0.2 s), ~0.28 s of CPU in all, what this thread spends reading
 * ~40 MB once warm. Below, the worker would spend more CPU than the wall time it can save
 * (measured in docs/decisions.md).
 */
export const MIN_WORKER_BYTES = 40 << 20;

export interface CollectOptions {
  /** Called with a capture's display path and bytes before it is read when one by one; once with every capture's bytes when at once… */
  onFile?: (label: string, bytes: number) => void;
  /** …and with the bytes read so far (of that capture, or of all). */
  onBytes?: (offset: number) => void;
  /** The worker's script (tests point at the built one). */
  workerUrl?: URL;
  /** Tests: this thread reads only streams and what no live worker can take (every file goes through a worker). */
  workersOnly?: boolean;
}

/**
 * How many workers pay for captures of these sizes with `threads` threads: the most whose share,
 * each free thread taking the largest capture left (streams on this thread), is at least
 * `minBytes` for every worker.
 */
export function workersFor(captures: Array<{ size: number; stream: boolean }>, threads: number, minBytes: number): number {
  const files = captures.filter((c) => !c.stream).length;
  // This thread takes a file too unless it has streams to read.
  const most = Math.min(threads - 1, captures.some((c) => c.stream) ? files : files - 1);
  for (let workers = most; workers > 0; workers--) {
    const load = new Array<number>(workers + 1).fill(0);
    for (const c of captures) if (c.stream) load[0]! += c.size;
    for (const c of captures.filter((x) => !x.stream).sort((a, b) => b.size - a.size)) {
      let least = 0;
      for (let t = 1; t <= workers; t++) if (load[t]! < load[least]!) least = t;
      load[least]! += c.size;
    }
    if (load.slice(1).every((bytes) => bytes >= minBytes)) return workers;
  }
  return 0;
}

/**
 * node:worker_threads, loaded only when a worker is started (most cases are small and start
 * none; importing it costs every run ~4 ms CPU, as flow-ring.ts found).
 */
function loadWorkerThreads(): typeof import('node:worker_threads') {
  return createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
}

interface CollectWorker {
  worker: Worker;
  /** Until it says so it has begun nothing; it is given one capture at most meanwhile (handOutFirst). */
  ready: boolean;
  /** The task it collects, or -1. */
  busyWith: number;
  gone: boolean;
  /** Why it stopped, from its 'error' event; the 'exit' that follows acts on it. */
  failure: string | null;
}

/**
 * Tasks are submitted as they become known (a host's tunnel ports come from its snapshots, learnt
 * meanwhile on this thread); `finish` collects here what the workers have not taken and returns
 * every result.
 */
export class LegCollector {
  private readonly tasks: CollectTask[] = [];
  private readonly results: Array<CollectResult | undefined> = [];
  /** Submitted and not yet taken, by index. */
  private readonly waiting = new Set<number>();
  private readonly workers: CollectWorker[] = [];
  /** Bytes read so far per task (at once: their sum is the progress). */
  private readonly offsets: number[] = [];
  private handedBack = 0;
  /** Wakes `finish` when a worker ends a task or goes away. */
  private wake: (() => void) | null = null;

  constructor(
    private readonly workerCount: number,
    private readonly options: CollectOptions,
  ) {
    for (let i = 0; i < workerCount; i++) this.startWorker();
  }

  /** Captures the workers have handed back so far. */
  get fromWorkers(): number {
    return this.handedBack;
  }

  /** True when captures are read at once (progress is then one bar over every capture). */
  get parallel(): boolean {
    return this.workerCount > 0;
  }

  submit(task: CollectTask): void {
    const index = this.tasks.length;
    this.tasks.push(task);
    this.offsets.push(0);
    this.waiting.add(index);
    this.dispatch();
  }

  /** Collects what is left on this thread and waits for the workers: one result per task, in order. */
  async finish(): Promise<CollectResult[]> {
    if (this.parallel) {
      this.options.onFile?.(`${this.tasks.length} captures`, this.tasks.reduce((n, t) => n + t.size, 0));
      this.handOutFirst();
    }
    for (;;) {
      // Whatever no worker took: the largest first on this thread too (one by one: in order).
      const index = this.parallel ? this.largestWaiting(this.filesHere(), true) : this.firstWaiting();
      if (index >= 0) {
        this.waiting.delete(index);
        const task = this.tasks[index]!;
        if (!this.parallel) this.options.onFile?.(task.displayPath, task.size);
        this.results[index] = await this.collectHere(index, task);
        continue;
      }
      // Left: files waiting for a worker to be ready (workersOnly), or being read by one.
      if (this.waiting.size === 0 && !this.workers.some((w) => w.busyWith >= 0)) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    for (const w of this.workers) if (!w.gone) void w.worker.terminate();
    return this.results as CollectResult[];
  }

  /** Whether this thread reads files (not only streams): unless told otherwise while a worker lives. */
  private filesHere(): boolean {
    return this.options.workersOnly !== true || !this.workers.some((w) => !w.gone);
  }

  /**
   * Every capture is known: each worker still starting gets the largest left after the one this
   * thread takes first, posted now and read as soon as it runs.
   */
  private handOutFirst(): void {
    const mine = this.largestWaiting(this.filesHere(), true);
    if (mine >= 0) this.waiting.delete(mine);
    this.dispatch(true);
    if (mine >= 0) this.waiting.add(mine);
  }

  private async collectHere(index: number, task: CollectTask): Promise<CollectResult> {
    try {
      return await collectLegs(task.path, task.displayPath, (offset) => this.progress(index, offset), task.openStream, task.tunnelPorts, task.size);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    } finally {
      this.progress(index, task.size);
    }
  }

  private progress(index: number, offset: number): void {
    if (!this.parallel) {
      this.options.onBytes?.(offset);
      return;
    }
    this.offsets[index] = offset;
    this.options.onBytes?.(this.offsets.reduce((n, o) => n + o, 0));
  }

  private firstWaiting(): number {
    for (const index of this.waiting) return index;
    return -1;
  }

  private largestWaiting(files: boolean, streams: boolean): number {
    let best = -1;
    for (const index of this.waiting) {
      const task = this.tasks[index]!;
      if (!(task.openStream === undefined ? files : streams)) continue;
      if (best < 0 || task.size > this.tasks[best]!.size) best = index;
    }
    return best;
  }

  /** Gives each idle worker that is ready (or, `starting`, not yet) the largest file waiting. */
  private dispatch(starting = false): void {
    for (const w of this.workers) {
      if ((!w.ready && !starting) || w.gone || w.busyWith >= 0) continue;
      const index = this.largestWaiting(true, false);
      if (index < 0) return;
      this.waiting.delete(index);
      w.busyWith = index;
      const { openStream: _stream, ...task } = this.tasks[index]!;
      w.worker.postMessage({ index, task } satisfies ToCollectWorker);
    }
  }

  private startWorker(): void {
    const url = this.options.workerUrl ?? new URL('./collect-worker.js', import.meta.url);
    let worker: Worker;
    try {
      // Run from the sources (tests), there is no script: this thread reads everything.
      if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) return;
      worker = new (loadWorkerThreads().Worker)(url);
    } catch {
      return;
    }
    // A worker left running (a bug) must not keep the process alive.
    worker.unref();
    const w: CollectWorker = { worker, ready: false, busyWith: -1, gone: false, failure: null };
    this.workers.push(w);
    worker.on('message', (message: FromCollectWorker) => this.onMessage(w, message));
    // Acted on at 'exit', which Node emits after every message the worker sent (its 'ready' too).
    worker.on('error', (err) => (w.failure ??= err.message));
    worker.on('exit', (code) => this.lose(w, w.failure ?? `it exited with code ${code}`));
  }

  private onMessage(w: CollectWorker, message: FromCollectWorker): void {
    if (message.type === 'ready') {
      w.ready = true;
      this.dispatch();
      this.wakeUp();
      return;
    }
    if (message.type === 'bytes') {
      this.progress(message.index, message.offset);
      return;
    }
    this.results[message.index] = message.type === 'failed' ? new Error(message.message) : { ...message.capture, legs: LegTable.fromState(message.capture.legs) };
    this.handedBack++;
    this.progress(message.index, this.tasks[message.index]!.size);
    w.busyWith = -1;
    this.dispatch();
    this.wakeUp();
  }

  /**
   * A worker that dies: the capture it was reading becomes unreadable with the reason (reading it
   * again here could die the same way); what it had not taken stays for this thread, and so does
   * a capture given to it before it said it was ready (it had not begun it).
   */
  private lose(w: CollectWorker, why: string): void {
    if (w.gone) return;
    w.gone = true;
    if (w.busyWith >= 0 && !w.ready) {
      this.waiting.add(w.busyWith);
      w.busyWith = -1;
    }
    if (w.busyWith >= 0) {
      this.results[w.busyWith] = new Error(`the worker thread reading it stopped (${why}); its packets are not in the analysis`);
      w.busyWith = -1;
    }
    // A capture handed back goes to a live worker that is free, or to this thread.
    this.dispatch();
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
