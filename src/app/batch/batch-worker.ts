// A worker thread of `natpath batch`: runs the cases the pool sends, one at a time, and answers
// with progress (bytes read) and the case's summary row.

import { parentPort } from 'node:worker_threads';
import { runCase, type CaseTask } from './run-case.js';
import type { SummaryRow } from './summary.js';

export type ToWorker = { type: 'case'; id: number; task: CaseTask };
export type FromWorker = { type: 'progress'; id: number; bytes: number } | { type: 'done'; id: number; row: SummaryRow };

const port = parentPort;
if (port === null) throw new Error('batch-worker.js runs as a worker thread of natpath batch');

port.on('message', (message: ToWorker) => {
  if (message.type !== 'case') return;
  let last = 0;
  void runCase(message.task, (bytes) => {
    // At most ~10 messages a second: the pool only draws a progress bar with them.
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    port.postMessage({ type: 'progress', id: message.id, bytes } satisfies FromWorker);
  }).then((row) => port.postMessage({ type: 'done', id: message.id, row } satisfies FromWorker));
});
