// Matching ends by dropping its sorted rows and filing buffers (~80 MB of ArrayBuffers at 64 000
// repeated connections). V8 frees them at its next full collection, which came only after the
// clock phase had allocated its own arrays: that overlap was analyze's peak RSS. One full
// collection asked for at the boundary frees them first (docs/performance.md, "Peak after
// matching": 355-363 → 336-343 MB at 16 000 copies, the report the same).

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Below this many matched pairs the rows are a few MB: not worth a full collection (~10-80 ms). */
const WORTH_IT_PAIRS = 100_000;

let collect: (() => void) | undefined;

export function freeMatchingGarbage(pairs: number): void {
  if (pairs < WORTH_IT_PAIRS) return;
  if (collect === undefined) {
    // `gc` exists only in contexts made after --expose-gc is set; this one is made for it.
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}
