// Worker-thread entry for collect-parallel.ts: collects the legs of one capture and hands them
// back to the main thread without copying (the leg table's buffers are transferred).

import { parentPort, workerData } from 'node:worker_threads';
import { collectLegs } from './collect-legs.js';
import type { CollectTask, FromCollectWorker } from './collect-parallel.js';
import { LegTable } from './leg-table.js';

const task = workerData as CollectTask;
const port = parentPort!;
try {
  const result = await collectLegs(task.path, task.displayPath, (offset) => port.postMessage({ type: 'bytes', offset } satisfies FromCollectWorker), undefined, task.tunnelPorts);
  const state = result.legs.toState();
  port.postMessage({ type: 'done', capture: { ...result, legs: state } } satisfies FromCollectWorker, LegTable.buffersOf(state));
} catch (err) {
  port.postMessage({ type: 'failed', message: (err as Error).message } satisfies FromCollectWorker);
}
