// Worker-thread entry of collect-parallel.ts: collects the legs of the captures it is sent, one at
// a time, and hands each leg table back without copying (its buffers are transferred). It says
// when it is ready, so that until then the main thread may take the captures itself.

import { parentPort } from 'node:worker_threads';
import { collectLegs } from './collect-legs.js';
import type { FromCollectWorker, ToCollectWorker } from './collect-parallel.js';
import { LegTable } from './leg-table.js';

const port = parentPort!;

async function collect({ index, task }: ToCollectWorker): Promise<void> {
  try {
    const onBytes = (offset: number) => port.postMessage({ type: 'bytes', index, offset } satisfies FromCollectWorker);
    const result = await collectLegs(task.path, task.displayPath, onBytes, undefined, task.tunnelPorts, task.size);
    const legs = result.legs.toState();
    port.postMessage({ type: 'done', index, capture: { ...result, legs } } satisfies FromCollectWorker, LegTable.buffersOf(legs));
  } catch (err) {
    port.postMessage({ type: 'failed', index, message: err instanceof Error ? err.message : String(err) } satisfies FromCollectWorker);
  }
}

port.on('message', (message: ToCollectWorker) => void collect(message));
port.postMessage({ type: 'ready' } satisfies FromCollectWorker);
