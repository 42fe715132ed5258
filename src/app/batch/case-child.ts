// The child process of `natpath batch` that runs cases: the pool forks it, sends one case at a
// time, receives progress (bytes read) and the case's summary row. A process, not a thread: its
// whole memory (Buffers and typed arrays included, which a worker thread's heap limit does not
// see) can be watched and capped, and killing it frees all of it (case-process.ts).

import { runCase, type CaseTask } from './run-case.js';
import type { SummaryRow } from './summary.js';

export type ToChild = { type: 'case'; task: CaseTask };
export type FromChild = { type: 'progress'; bytes: number } | { type: 'done'; row: SummaryRow };

const send = process.send?.bind(process);
if (send === undefined) throw new Error('case-child.js runs as a child process of natpath batch (child_process.fork)');
// Started with --expose-gc: after each case the garbage is collected before the row is sent, so
// the pool sees what the process really keeps when it decides whether to reuse it.
const collectGarbage = (globalThis as { gc?: () => void }).gc;

process.on('message', (message: ToChild) => {
  if (message.type !== 'case') return;
  let last = 0;
  void runCase(message.task, (bytes) => {
    // At most ~10 messages a second: the pool only draws a progress bar with them.
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    send({ type: 'progress', bytes } satisfies FromChild);
  }).then((row) => {
    collectGarbage?.();
    send({ type: 'done', row } satisfies FromChild);
  });
});
// The pool disconnects an idle child it no longer needs: with the channel gone nothing is left
// to wait for and the process ends by itself.
