// A child process that runs a batch's cases one at a time, each held to its limits: the
// process's resident memory (Buffers and typed arrays included, which live outside the
// JavaScript heap) is read every MEMORY_POLL_MS and the process is killed past --worker-memory;
// its JavaScript heap gets the same cap through --max-old-space-size; a case past
// --case-timeout is killed too. `run` always resolves with the case's row — the child's, or a
// failed row saying why the process stopped — and a stopped process is not used again.

import { fork, type ChildProcess } from 'node:child_process';
import type { FromChild, ToChild } from './case-child.js';
import { ResidentMemoryProbe } from './resident-memory.js';
import type { CaseTask } from './run-case.js';
import { emptyRow, type SummaryRow } from './summary.js';

/**
 * How often the resident memory is read. Reading /proc/PID/status costs a few µs; a case that
 * allocates fast passed a 128 MB cap by 1 MB before it was killed (docs/decisions.md).
 */
const MEMORY_POLL_MS = 20;
/** Last bytes of the child's stderr kept to tell why it died (V8 prints "heap out of memory"). */
const STDERR_TAIL_BYTES = 4096;
/** How long a stopped process may take to end by itself (its heap's teardown) before it is killed. */
const STOP_GRACE_MS = 10_000;

const MIB = 1024 * 1024;

interface RunningCase {
  task: CaseTask;
  started: bigint;
  onBytes: ((bytes: number) => void) | undefined;
  timer: NodeJS.Timeout | null;
  killedFor: string | null;
  resolve: (row: SummaryRow) => void;
}

export class CaseProcess {
  private readonly child: ChildProcess;
  private readonly probe: ResidentMemoryProbe | null;
  private readonly poll: NodeJS.Timeout | null = null;
  private current: RunningCase | null = null;
  private stderrTail = '';
  private exited = false;
  /** Resolved when the process has exited (or could not be started). */
  private readonly ended: Promise<void>;
  private markEnded: () => void = () => {};

  /**
   * `memoryCapMb`: resident MB the process may hold, and its heap limit; none when undefined.
   * `watchResident`: false where resident memory cannot be read (no /proc): the heap limit alone.
   */
  constructor(childModule: string, memoryCapMb: number | undefined, watchResident = true) {
    const cap = memoryCapMb;
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
    this.child = fork(childModule, [], {
      // Not the parent's execArgv (a test runner's loaders, inspector flags): the child needs none.
      execArgv: ['--expose-gc', ...(cap === undefined ? [] : [`--max-old-space-size=${cap}`])],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_BYTES);
    });
    this.child.on('message', (message: FromChild) => this.onMessage(message));
    // Could not start or signal the process: 'exit' may never come, so the case ends here.
    this.child.on('error', (err) => {
      if (this.child.pid === undefined) this.markEnded();
      this.end(this.failedRow(err.message));
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      this.markEnded();
      if (this.poll !== null) clearInterval(this.poll);
      this.probe?.close();
      this.end(this.failedRow(this.current?.killedFor ?? exitReason(code, signal, this.stderrTail, cap)));
    });
    this.probe = this.child.pid === undefined || !watchResident ? null : ResidentMemoryProbe.open(this.child.pid);
    if (cap !== undefined && this.probe !== null) {
      const limit = cap * MIB;
      this.poll = setInterval(() => {
        const resident = this.probe?.residentBytes() ?? null;
        if (resident !== null && resident > limit) {
          this.kill(`memory limit of ${cap} MB reached (--worker-memory): ${Math.round(resident / MIB)} MB resident`);
        }
      }, MEMORY_POLL_MS);
    }
  }

  /** False once the process has exited or was killed: the pool starts another. */
  get usable(): boolean {
    return !this.exited && this.child.connected;
  }

  /** Bytes resident now, or null (gone, or no /proc). */
  residentBytes(): number | null {
    return this.probe?.residentBytes() ?? null;
  }

  run(task: CaseTask, options: { caseTimeoutSeconds?: number | undefined; onBytes?: (bytes: number) => void }): Promise<SummaryRow> {
    return new Promise((resolve) => {
      const running: RunningCase = { task, started: process.hrtime.bigint(), onBytes: options.onBytes, timer: null, killedFor: null, resolve };
      this.current = running;
      if (!this.usable) {
        this.end(this.failedRow('the process for it could not be started'));
        return;
      }
      const seconds = options.caseTimeoutSeconds;
      if (seconds !== undefined) running.timer = setTimeout(() => this.kill(`time limit of ${seconds} s reached (--case-timeout)`), seconds * 1000);
      this.child.send({ type: 'case', task } satisfies ToChild);
    });
  }

  /**
   * Lets an idle process end by itself (it exits once its channel to the pool is closed) and
   * resolves once it has: a batch that returned before its last process ended left it running
   * without a parent, and its CPU uncounted by the parent's resource usage (`time natpath batch`
   * showed 0.1 s of CPU for 13 s of four cases). Killed if it has not ended in STOP_GRACE_MS.
   */
  stop(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    if (this.exited) return Promise.resolve();
    const grace = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    return this.ended.then(() => clearTimeout(grace));
  }

  private onMessage(message: FromChild): void {
    if (this.current === null) return;
    if (message.type === 'progress') this.current.onBytes?.(message.bytes);
    else if (message.type === 'done') this.end(message.row);
  }

  private kill(why: string): void {
    if (this.current !== null && this.current.killedFor === null) this.current.killedFor = why;
    this.child.kill('SIGKILL');
  }

  private end(row: SummaryRow): void {
    const running = this.current;
    if (running === null) return;
    this.current = null;
    if (running.timer !== null) clearTimeout(running.timer);
    running.resolve(row);
  }

  private failedRow(why: string): SummaryRow {
    const running = this.current;
    const failed = emptyRow({ name: running?.task.case.name ?? '', input: running?.task.case.path ?? '' }, running?.task.shard ?? null);
    failed.error = `the worker analysing this case stopped: ${why}`;
    if (running !== null) failed.seconds = Number(process.hrtime.bigint() - running.started) / 1e9;
    return failed;
  }
}

/** Why a child ended without its row, from its exit and the end of its stderr. */
function exitReason(code: number | null, signal: NodeJS.Signals | null, stderrTail: string, capMb: number | undefined): string {
  if (/heap out of memory|Reached heap limit/.test(stderrTail)) {
    return capMb === undefined ? 'out of memory (JavaScript heap)' : `out of memory (JavaScript heap over --worker-memory ${capMb} MB)`;
  }
  if (/Array buffer allocation failed|Cannot allocate memory|ENOMEM/.test(stderrTail)) return 'out of memory';
  return signal !== null ? `killed by ${signal}` : `exit code ${code}`;
}
