// Flow counting on a second thread: the main thread (reading and decoding) writes each packet's
// canonical flow tuple into a ring in a SharedArrayBuffer; a worker (flow-worker.ts) takes them out
// and adds them to its FlowTable. The table's memory waits then happen on the other core, off the
// main thread's path. Why, when and what it buys: docs/decisions.md ("decode --summary: flow
// counting in a worker").
//
// The ring fills before any worker exists, so the caller can decide after the first packets
// whether a worker pays (startWorker) or not (countHere: the tuples so far go into a table on this
// thread, and the later ones straight into it).
//
// Protocol, all through Atomics on the control words:
// - the writer publishes every BATCH tuples: WRITE = tuples written;
// - the worker adds tuples up to WRITE and stores READ = tuples taken; when the ring is empty it
//   sleeps POLL_MS and looks again. No notify per batch: Atomics.notify to a sleeping thread cost
//   the writer ~150 µs a call here under load (1 843 calls: 0.27–0.33 s of a 2 s run), polling
//   costs it nothing;
// - the writer sleeps on READ when the ring is full, with WRITER_WAITING set so that the worker
//   notifies it (rare: the worker is the faster of the two);
// - at the end the writer sets DONE (after the last WRITE), bumps SIGNAL and notifies once; the
//   worker posts its FlowTotal;
// - STATE: the worker moves STARTING → RUNNING before it takes anything. A writer whose worker
//   failed to start, or stayed silent for WORKER_SILENCE_MS, moves STARTING → ABANDONED instead
//   and counts on its own thread from the ring's start (nothing was taken yet): the count stays exact.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { FlowTable, type FlowTotal } from './flow-table.js';

/** Tuples per ring (16 bytes each: 8 MiB). ~60 ms of main-thread work, more than a worker's start. */
const RING_TUPLES = 1 << 19;
const RING_MASK = RING_TUPLES - 1;
/** Tuples per publication (one atomic store per 4 096, not per tuple). */
const BATCH = 4096;
/** How long the worker sleeps on an empty ring before it looks again. */
const POLL_MS = 1;
/** How long the writer waits for a silent worker before it counts on its own (or gives up). */
const WORKER_SILENCE_MS = 3000;

// Control words (Int32Array indexes); the writer's and the worker's on different cache lines.
const WRITE = 0;
const SIGNAL = 1;
const DONE = 2;
const WRITER_WAITING = 3;
const READ = 16;
const STATE = 32;
const CONTROL_INTS = 48;

const STARTING = 0;
const RUNNING = 1;
const FAILED = 2;
const ABANDONED = 3;

/** The main thread's end of the ring. Tuples as in FlowTable.addTuple. */
/**
 * node:worker_threads, loaded when a worker is started: most runs (small captures) never start one,
 * and importing it costs every run ~4 ms CPU (docs/performance.md). Synchronous, as startWorker is
 * called from the packet loop.
 */
function loadWorkerThreads(): typeof import('node:worker_threads') {
  return createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
}

export class FlowRingWriter {
  private readonly buffer = new SharedArrayBuffer(CONTROL_INTS * 4 + RING_TUPLES * 16);
  private readonly control = new Int32Array(this.buffer, 0, CONTROL_INTS);
  private readonly data = new Int32Array(this.buffer, CONTROL_INTS * 4); // signed: see FlowCounter.add
  private written = 0;
  private published = 0;
  /** `written` may grow up to this index without looking at READ again. */
  private roomUntil = RING_TUPLES;
  private worker: Worker | null = null;
  private result: Promise<FlowTotal> | null = null;
  /** The table on this thread, once it counts here. */
  private fallback: FlowTable | null = null;
  private closed = false;

  /**
   * Hands the tuples, those written so far included, to a worker running `workerUrl`; counts on
   * this thread instead if none can be started.
   */
  startWorker(workerUrl: URL = new URL('./flow-worker.js', import.meta.url)): void {
    if (this.worker !== null || this.fallback !== null) return;
    let worker: Worker;
    try {
      if (workerUrl.protocol === 'file:' && !existsSync(fileURLToPath(workerUrl))) throw new Error('no worker script');
      worker = new (loadWorkerThreads().Worker)(workerUrl, { workerData: this.buffer });
    } catch {
      this.countHere();
      return;
    }
    this.worker = worker;
    // A worker left running (a bug) must not keep the process alive.
    worker.unref();
    this.result = new Promise<FlowTotal>((resolve, reject) => {
      worker.once('message', (total: FlowTotal) => resolve(total));
      const lost = (why: string): void => {
        if (this.countHere()) resolve(this.fallback!.total());
        else reject(new Error(`the flow counting worker stopped: ${why}`));
      };
      worker.once('error', (err) => lost(err.message));
      worker.once('exit', (code) => lost(`exit code ${code}`));
    });
    this.result.catch(() => undefined); // read by finish(); unobserved if the run fails first
    this.publish();
  }

  /** The table on this thread, once it counts here (countHere). */
  get tableHere(): FlowTable | null {
    return this.fallback;
  }

  /**
   * True once the worker has taken over (moved STARTING → RUNNING): from then on it counts every
   * tuple and this thread can no longer take the count back.
   */
  get workerRunning(): boolean {
    return this.worker !== null && Atomics.load(this.control, STATE) === RUNNING;
  }

  /** True while a worker does (or is about to do) the counting. */
  get usesWorker(): boolean {
    return this.worker !== null && this.fallback === null;
  }

  addTuple(lo: number, hi: number, ports: number, proto: number): void {
    if (this.written === this.roomUntil) this.makeRoom(); // may switch to counting here
    if (this.fallback !== null) {
      this.fallback.addTuple(lo, hi, ports, proto);
      return;
    }
    const w = this.written;
    const at = (w & RING_MASK) * 4;
    const data = this.data;
    data[at] = lo;
    data[at + 1] = hi;
    data[at + 2] = ports;
    data[at + 3] = proto;
    this.written = (w + 1) | 0;
    if (((this.written - this.published) | 0) === BATCH && this.worker !== null) this.publish();
  }

  /** All flows added: the worker's total once it has taken every tuple, or this thread's. */
  async finish(): Promise<FlowTotal> {
    if (this.worker === null) this.countHere();
    if (this.fallback !== null) return this.fallback.total();
    this.publish();
    Atomics.store(this.control, DONE, 1);
    this.wakeWorker();
    return this.result!;
  }

  /** Stops the worker, if any (after finish, or when the run ends with an error). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.worker !== null) void this.worker.terminate();
  }

  /**
   * Counts on this thread from now on, if no worker has started taking tuples (then none ever
   * will): the ring still holds every tuple written, which go into a table here. False if too late.
   */
  countHere(): boolean {
    if (this.fallback !== null) return true;
    if (Atomics.compareExchange(this.control, STATE, STARTING, ABANDONED) !== STARTING) return false;
    this.close();
    const table = new FlowTable();
    const data = this.data;
    for (let i = 0; i !== this.written; i++) {
      const at = (i & RING_MASK) * 4;
      table.addTuple(data[at]!, data[at + 1]!, data[at + 2]!, data[at + 3]!);
    }
    this.fallback = table;
    return true;
  }

  private publish(): void {
    if (this.published === this.written) return;
    Atomics.store(this.control, WRITE, this.written);
    this.published = this.written;
  }

  private wakeWorker(): void {
    Atomics.add(this.control, SIGNAL, 1);
    Atomics.notify(this.control, SIGNAL, 1);
  }

  /** Blocks until the worker has freed room in the ring; counts here if there is no worker that could. */
  private makeRoom(): void {
    if (this.fallback !== null) return;
    if (this.worker === null) {
      this.countHere(); // the ring is full and nobody decided on a worker: there will be none
      return;
    }
    this.publish();
    Atomics.store(this.control, WRITER_WAITING, 1);
    try {
      this.waitForRoom();
    } finally {
      Atomics.store(this.control, WRITER_WAITING, 0);
    }
  }

  private waitForRoom(): void {
    const control = this.control;
    let quietSince = performance.now();
    let lastRead = Atomics.load(control, READ);
    for (;;) {
      const read = Atomics.load(control, READ);
      if (((this.written - read) | 0) < RING_TUPLES) {
        this.roomUntil = (read + RING_TUPLES) | 0;
        return;
      }
      if (Atomics.load(control, STATE) === FAILED) throw new Error('the flow counting worker failed');
      if (read !== lastRead) {
        lastRead = read;
        quietSince = performance.now();
      } else if (performance.now() - quietSince > WORKER_SILENCE_MS) {
        if (this.countHere()) return;
        throw new Error(`the flow counting worker stopped responding for ${WORKER_SILENCE_MS} ms`);
      }
      Atomics.wait(control, READ, read, 50);
    }
  }
}

/**
 * The worker's end: takes tuples until the writer is done and returns their total, or null if the
 * writer counted them itself (the worker started too late).
 */
export function consumeFlowRing(buffer: SharedArrayBuffer): FlowTotal | null {
  const control = new Int32Array(buffer, 0, CONTROL_INTS);
  const data = new Int32Array(buffer, CONTROL_INTS * 4);
  if (Atomics.compareExchange(control, STATE, STARTING, RUNNING) !== STARTING) return null;
  const table = new FlowTable();
  let read = 0;
  try {
    for (;;) {
      const signal = Atomics.load(control, SIGNAL);
      // DONE before WRITE: DONE is set after the last WRITE, so a WRITE read after it is final.
      const done = Atomics.load(control, DONE) === 1;
      const written = Atomics.load(control, WRITE);
      if (written === read) {
        if (done) return table.total();
        Atomics.wait(control, SIGNAL, signal, POLL_MS);
        continue;
      }
      while (read !== written) {
        const at = (read & RING_MASK) * 4;
        table.addTuple(data[at]!, data[at + 1]!, data[at + 2]!, data[at + 3]!);
        read = (read + 1) | 0;
        if ((read & (BATCH - 1)) === 0) markRead(control, read);
      }
      markRead(control, read);
    }
  } catch (err) {
    Atomics.store(control, STATE, FAILED);
    Atomics.notify(control, READ, 1);
    throw err;
  }
}

/** Frees ring room up to `read`; wakes the writer only if it waits for room. */
function markRead(control: Int32Array, read: number): void {
  Atomics.store(control, READ, read);
  if (Atomics.load(control, WRITER_WAITING) === 1) Atomics.notify(control, READ, 1);
}
