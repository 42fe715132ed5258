// Sorting a few numbers in a typed array in exactly the order Array.prototype.sort gives them,
// without the plain array, the closure and the engine's work array a call of it costs: linking
// sorts a handful of items per flow (a leg's edges, the flow's hosts and legs), hundreds of
// thousands of times, and some of its comparisons are not consistent (host votes that go round in a
// circle, NaN times), where the order depends on the algorithm itself. Below 64 items V8's
// TimSort is one run made by CountAndMakeRun and finished by BinaryInsertionSort
// (v8/third_party/v8/builtins/array-sort.tq); this is that, comparison for comparison, with a
// comparison's NaN taken as 0 as the language requires (SortCompare). Longer slices go through
// Array.prototype.sort itself. test/match/array-sort-order.test.ts holds the two to the same order.

/** Below this many items V8 sorts a single run by binary insertion (its minimum run length is the length). */
const ONE_RUN_BELOW = 64;

/** Reused for the rare long slice. */
const spill: number[] = [];

/** Sorts items[from, to) as Array.prototype.sort with `compare` would sort the same numbers in a plain array. */
export function sortLikeArraySort(items: Int32Array, from: number, to: number, compare: (x: number, y: number) => number): void {
  const n = to - from;
  if (n < 2) return;
  if (n >= ONE_RUN_BELOW) {
    spill.length = n;
    for (let i = 0; i < n; i++) spill[i] = items[from + i]!;
    spill.sort(compare);
    for (let i = 0; i < n; i++) items[from + i] = spill[i]!;
    spill.length = 0;
    return;
  }
  const run = countAndMakeRun(items, from, to, compare);
  if (run < n) binaryInsertionSort(items, from, from + run, to, compare);
}

/** The comparison's sign as SortCompare reads it: NaN counts as 0. */
function order(compare: (x: number, y: number) => number, x: number, y: number): number {
  const v = compare(x, y);
  return v !== v ? 0 : v;
}

/** The ascending (or strictly descending, then reversed) run that starts at `low`; returns its length. */
function countAndMakeRun(items: Int32Array, low: number, high: number, compare: (x: number, y: number) => number): number {
  if (low + 1 === high) return 1;
  let runLength = 2;
  const descending = order(compare, items[low + 1]!, items[low]!) < 0;
  let previous = items[low + 1]!;
  for (let i = low + 2; i < high; i++) {
    const current = items[i]!;
    const o = order(compare, current, previous);
    if (descending ? o >= 0 : o < 0) break;
    previous = current;
    runLength++;
  }
  if (descending) {
    for (let i = low, j = low + runLength - 1; i < j; i++, j--) {
      const x = items[i]!;
      items[i] = items[j]!;
      items[j] = x;
    }
  }
  return runLength;
}

/** Inserts items[start, high) one by one into the sorted items[low, start), each after its equals. */
function binaryInsertionSort(items: Int32Array, low: number, start: number, high: number, compare: (x: number, y: number) => number): void {
  for (let s = start === low ? low + 1 : start; s < high; s++) {
    const pivot = items[s]!;
    let left = low;
    let right = s;
    while (left < right) {
      const mid = left + ((right - left) >> 1);
      if (order(compare, pivot, items[mid]!) < 0) right = mid;
      else left = mid + 1;
    }
    for (let p = s; p > left; p--) items[p] = items[p - 1]!;
    items[left] = pivot;
  }
}
