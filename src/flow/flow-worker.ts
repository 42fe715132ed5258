// Entry of the flow counting worker (started by FlowRingWriter, flow-ring.ts): takes the flow
// tuples out of the shared ring and posts the FlowTotal when the main thread is done.

import { parentPort, workerData } from 'node:worker_threads';
import { consumeFlowRing } from './flow-ring.js';

const total = consumeFlowRing(workerData as SharedArrayBuffer);
if (total !== null) parentPort!.postMessage(total);
