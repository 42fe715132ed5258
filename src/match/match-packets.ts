// Finds the same packet at different capture points by its NAT-invariant fingerprint, and sums
// the evidence per pair of legs (PairEvidence): how many packets they share, in which relative
// orientation, and the time differences of the shared packets in each direction.

import type { CaptureLegs } from '../flow/collect-legs.js';
import { KEY_WORDS, type LegTable } from '../flow/leg-table.js';
import { CANDIDATE_NEIGHBOURS, type CandidatePairs, MAX_PAIRS_PER_COPY } from './candidate-pairs.js';
import { PairEvidence } from './pair-evidence.js';
import { type LegLanes, TupleHashes, legLanes } from './leg-lanes.js';
import { LinkDirection, isOneInterface, waysContradict } from '../flow/recorded-direction.js';
import { BUCKETS, SortBuffers, bucketStarts, fileInPlace, sortWithinBuckets, topBucket } from './radix-sort.js';
import { REPORT_EVERY, type ReportShare } from './report-share.js';

/** Every leg of the case numbered once across its captures: global id → (capture, leg in that capture). */
export class LegIds {
  readonly capture: Uint16Array;
  readonly leg: Uint32Array;
  /** Global id of each capture's first leg. */
  readonly firstId: number[] = [];

  constructor(captures: CaptureLegs[]) {
    const total = captures.reduce((n, c) => n + c.legs.count, 0);
    this.capture = new Uint16Array(total);
    this.leg = new Uint32Array(total);
    let id = 0;
    captures.forEach((c, capture) => {
      this.firstId.push(id);
      for (let leg = 0; leg < c.legs.count; leg++, id++) {
        this.capture[id] = capture;
        this.leg[id] = leg;
      }
    });
  }

  get count(): number {
    return this.leg.length;
  }
}

/**
 * At most this many copies of one packet in one occurrence (one packet crossing several capture
 * points within moments) are paired all with all: beyond it the work is quadratic and the copies
 * are not one packet's path (identical keep-alives, a broadcast storm).
 */
const MAX_COPIES = 24;

/**
 * Copies of a packet at one capture (one clock) closer than this are one occurrence of it: the
 * same packet crossing several interfaces of a host takes microseconds to milliseconds. Further
 * apart, the same print is the packet sent again: a replay, a load generator, a retransmission.
 */
const OCCURRENCE_GAP_SECONDS = 0.5;

/**
 * Two occurrences at different captures are one packet only when their time difference is this
 * close to the two captures' clock offset (and closer than half the spacing of the repeats).
 */
const OFFSET_TOLERANCE_SECONDS = 2;

/** echoVerdict: no copy of the leg can be it; the copies that can go both ways; they go one way and include it. */
const ECHO_NONE = 0;
const ECHO_UNDECIDED = 1;
const ECHO_PAIR = 2;

/** Where a row's flags hold its capture (SampleRows.flag). */
const CAPTURE_SHIFT = 11;

/** Time differences kept per capture pair to estimate its clock offset before pairing. */
const OFFSET_SAMPLES = 4096;

/**
 * The evidence for every pair of legs that share packets. Consumes the captures' sampled packets
 * (LegTable.dropSamples) as it copies them into its rows: nothing after matching reads them.
 * `candidates`, when given, receives the leg pairs that shared a print matching could not assign
 * (see CandidatePairs): no evidence, but the fragments' candidates. `report` hears how far the
 * passes are (their sweeps over the sampled packets).
 */
export function matchPackets(captures: CaptureLegs[], ids: LegIds, candidates?: CandidatePairs, hostOfCapture?: ArrayLike<number>, report?: ReportShare): PairEvidence {
  const pairs = addBothPasses(captures, ids, candidates, recordedWays(captures, ids, hostOfCapture), report);
  pairs.computeMedians();
  return pairs;
}

/**
 * What the recorded directions need per leg (global id): its host (one clock, one set of
 * interfaces), and whether its capture's directions can be believed there (see
 * flow/recorded-direction.ts: a connection recorded "outgoing" both ways at one interface
 * contradicts itself, and its directions are no evidence).
 */
interface RecordedWays {
  host: Int32Array;
  believed: Uint8Array;
}

/** Without hosts, each capture is taken for a host of its own. */
function recordedWays(captures: CaptureLegs[], ids: LegIds, hostOfCapture: ArrayLike<number> | undefined): RecordedWays {
  const host = new Int32Array(ids.count);
  const believed = new Uint8Array(ids.count);
  for (let g = 0; g < ids.count; g++) {
    const c = captures[ids.capture[g]!]!;
    const leg = ids.leg[g]!;
    host[g] = hostOfCapture === undefined ? ids.capture[g]! : hostOfCapture[ids.capture[g]!]!;
    const point = c.points[c.legs.keyWord(leg, 0)]!;
    believed[g] = isOneInterface(point) && waysContradict(c.legs, leg) ? 0 : 1;
  }
  return { host, believed };
}

/**
 * The sampled packets of a case, one row each, in the order of their prints: what a pass pairs.
 * A row is 24 bytes (the leg tables' samples are 22, released once filed here).
 */
interface SampleRows {
  count: number;
  print: Uint32Array;
  /** Global leg id. */
  leg: Uint32Array;
  ts: Float64Array;
  /**
   * Bit 0: sent from the leg's low endpoint; bits 1–2: recorded direction (LinkDirection); bits
   * 3–10: TTL; from bit CAPTURE_SHIFT: the capture (< 2^16, LegIds.capture), here because a group
   * is split by capture row by row and the leg's own entry is elsewhere in memory.
   */
  flag: Uint32Array;
  /** The print without TCP sequence numbers, for the second pass (empty once it is filed). */
  loosePrint: Uint32Array;
}

/**
 * Where a pass's sweeps stand in the whole match: each pass sweeps its rows twice (clock
 * offsets, then pairing), so the match is 2 × (rows of the exact pass + rows of the loose pass)
 * units; `base` is what the sweeps before this one did.
 */
interface SweepProgress {
  report: ReportShare;
  base: number;
  units: number;
}

function addBothPasses(captures: CaptureLegs[], ids: LegIds, candidates: CandidatePairs | undefined, ways: RecordedWays, report: ReportShare | undefined): PairEvidence {
  const scratch = new SortBuffers();
  const rows = fileExactRows(captures, ids, scratch);
  const joined = loosePrintsJoiningPrints(rows);
  // Presized for the samples (see PairEvidence), once they are filed and released.
  const pairs = new PairEvidence(ids.count, rows.count);
  const progress = report === undefined ? undefined : { report, base: 0, units: 2 * (rows.count + joined.rows) };
  const lanes = legLanes(captures, ids);
  const tuples = new TupleHashes(captures, ids);
  const offsets = addEvidence(captures, ids, rows, false, pairs, candidates, ways, lanes, tuples, progress);
  // Second pass without TCP sequence numbers, only for leg pairs the first found nothing for:
  // connections through a middlebox that shifted seq/ack by a constant. Only TCP samples whose
  // loose print joins what the first pass saw apart take part (loosePrintsJoiningPrints),
  // refiled in place in the first pass's rows; the clocks are the first pass's where it had them.
  addEvidence(captures, ids, toLooseRows(rows, joined.prints, scratch), true, pairs, candidates, ways, lanes, tuples, progress, offsets);
  report?.(1);
  return pairs;
}

/**
 * The loose prints (sorted) the second pass has anything to do with, and how many rows carry
 * them. A loose print that only one exact print's rows carry, all of them, groups the same rows
 * the first pass already paired by that exact print: a second pass over them can only find the
 * same pairs again (on replayed traffic that was half of matching). A loose print carried by
 * several exact prints is a packet whose sequence numbers changed between points (or a hash
 * collision): those are the second pass's. Per exact print, each run of rows with one loose
 * print is entered once when it is the whole group, twice otherwise (part of a group: the
 * first pass saw more rows than the second would), so that entered twice means joined.
 */
function loosePrintsJoiningPrints(rows: SampleRows): { prints: Uint32Array; rows: number } {
  const { count, print, loosePrint } = rows;
  // Two sweeps of the rows (count the entries, then write them), each a plain loop: the same
  // walk as a function visiting each run cost ~0.1 s at 3.5 M rows.
  let entered = new Uint32Array(0);
  let entries = 0;
  for (let sweep = 0; sweep < 2; sweep++) {
    if (sweep === 1) entered = new Uint32Array(entries);
    let at = 0;
    let groupStart = 0;
    for (let r = 0; r < count; ) {
      const exact = print[r]!;
      const relaxed = loosePrint[r]!;
      if (r > 0 && exact !== print[r - 1]) groupStart = r;
      let next = r + 1;
      while (next < count && print[next] === exact && loosePrint[next] === relaxed) next++;
      if (relaxed !== exact) {
        const whole = r === groupStart && (next === count || print[next] !== exact);
        if (sweep === 0) entries += whole ? 1 : 2;
        else {
          entered[at++] = relaxed;
          if (!whole) entered[at++] = relaxed;
        }
      }
      r = next;
    }
  }
  entered.sort();
  let joined = 0;
  for (let i = 1; i < entries; i++) if (entered[i] === entered[i - 1] && (joined === 0 || entered[joined - 1] !== entered[i])) entered[joined++] = entered[i]!;
  const prints = entered.slice(0, joined);
  let selected = 0;
  let last = -1;
  let lastJoined = false;
  for (let r = 0; r < count; r++) {
    const relaxed = loosePrint[r]!;
    if (relaxed === print[r]) continue;
    if (relaxed !== last) {
      last = relaxed;
      lastJoined = holds(prints, relaxed);
    }
    if (lastJoined) selected++;
  }
  return { prints, rows: selected };
}

/** Whether sorted `values` holds v. */
function holds(values: Uint32Array, v: number): boolean {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo < values.length && values[lo] === v;
}

/**
 * Every sample of the case filed by its print's top bits straight from the leg tables, then
 * sorted by print within each bucket (radix-sort.ts); each capture's samples dropped once filed.
 * Within a print, rows keep the order of capture, then of packets in the capture.
 */
function fileExactRows(captures: CaptureLegs[], ids: LegIds, scratch: SortBuffers): SampleRows {
  const chunk = new FilingChunk();
  const counts = new Uint32Array(BUCKETS);
  let count = 0;
  for (const c of captures) {
    for (let from = 0; from < c.legs.samples; from += FILING_CHUNK) {
      const n = chunk.readPrints(c.legs, from);
      const exact = chunk.print;
      for (let s = 0; s < n; s++) counts[topBucket(exact[s]!)]!++;
    }
    count += c.legs.samples;
  }
  const starts = bucketStarts(counts);
  const rows: SampleRows = {
    count,
    print: new Uint32Array(count),
    leg: new Uint32Array(count),
    ts: new Float64Array(count),
    flag: new Uint32Array(count),
    loosePrint: new Uint32Array(count),
  };
  const { print, leg, ts, flag, loosePrint } = rows;
  captures.forEach((c, ci) => {
    const firstId = ids.firstId[ci]!;
    const captureBits = ci << CAPTURE_SHIFT;
    for (let from = 0; from < c.legs.samples; from += FILING_CHUNK) {
      const n = chunk.read(c.legs, from);
      const { print: exact, loosePrint: relaxed, leg: legOf, ts: time, way, ttl } = chunk;
      for (let s = 0; s < n; s++) {
        const at = counts[topBucket(exact[s]!)]!++;
        print[at] = exact[s]!;
        leg[at] = firstId + legOf[s]!;
        ts[at] = time[s]!;
        flag[at] = way[s]! | (ttl[s]! << 3) | captureBits;
        loosePrint[at] = relaxed[s]!;
      }
    }
    c.legs.dropSamples();
  });
  sortWithinBuckets(starts, print, [leg, ts, flag, loosePrint], scratch);
  return rows;
}

/**
 * Sampled packets filed per step: the leg tables keep them in resizable buffers, which V8 reads
 * element by element at ~2.5× a plain array's cost; a block copy into plain arrays does not pay
 * it, and 16 384 rows of them stay in cache.
 */
const FILING_CHUNK = 1 << 14;

/** One step of a leg table's sampled packets, copied into plain arrays. */
class FilingChunk {
  readonly print = new Uint32Array(FILING_CHUNK);
  readonly loosePrint = new Uint32Array(FILING_CHUNK);
  readonly leg = new Int32Array(FILING_CHUNK);
  readonly ts = new Float64Array(FILING_CHUNK);
  readonly way = new Uint8Array(FILING_CHUNK);
  readonly ttl = new Uint8Array(FILING_CHUNK);

  /** Copies the prints of samples [from, from + FILING_CHUNK) (fewer at the end); returns how many. */
  readPrints(t: LegTable, from: number): number {
    const n = Math.min(FILING_CHUNK, t.samples - from);
    this.print.set(t.sampleFingerprint.data.subarray(from, from + n));
    return n;
  }

  /** Copies every column of those samples; returns how many. */
  read(t: LegTable, from: number): number {
    const n = this.readPrints(t, from);
    this.loosePrint.set(t.sampleLooseFingerprint.data.subarray(from, from + n));
    this.leg.set(t.sampleLeg.data.subarray(from, from + n));
    this.ts.set(t.sampleTs.data.subarray(from, from + n));
    this.way.set(t.sampleWay.data.subarray(from, from + n));
    this.ttl.set(t.sampleTtl.data.subarray(from, from + n));
    return n;
  }
}

/**
 * The rows whose loose print is one of `joined` (TCP rows the first pass saw apart: see
 * loosePrintsJoiningPrints), moved to the front with that print as their key and sorted by it, in place: the second pass needs no second copy of the samples. Within a
 * print, rows come in the first pass's order (exact print, capture, packet), which the pass
 * does not depend on: it orders each group by capture, time and leg (splitGroup).
 */
function toLooseRows(rows: SampleRows, joined: Uint32Array, scratch: SortBuffers): SampleRows {
  const { print, leg, ts, flag, loosePrint } = rows;
  let n = 0;
  let last = -1;
  let lastJoined = false;
  for (let r = 0; r < rows.count; r++) {
    const relaxed = loosePrint[r]!;
    if (relaxed === print[r]) continue;
    // Rows of one print come together: one search per run of them.
    if (relaxed !== last) {
      last = relaxed;
      lastJoined = holds(joined, relaxed);
    }
    if (!lastJoined) continue;
    print[n] = relaxed;
    leg[n] = leg[r]!;
    ts[n] = ts[r]!;
    flag[n] = flag[r]!;
    n++;
  }
  const loose: SampleRows = {
    count: n,
    print: print.subarray(0, n),
    leg: leg.subarray(0, n),
    ts: ts.subarray(0, n),
    flag: flag.subarray(0, n),
    loosePrint: new Uint32Array(0),
  };
  // The loose prints have moved into `print`: their own column holds the filing's destinations.
  const starts = fileInPlace(loose.print, loose.leg, loose.ts, loose.flag, loosePrint);
  sortWithinBuckets(starts, loose.print, [loose.leg, loose.ts, loose.flag], scratch);
  return loose;
}

/**
 * Adds one piece of evidence per pair of rows (sampled packets, sorted by print) that are the
 * same packet at two capture points. The `loose` pass leaves the pairs the exact pass found alone.
 *
 * A print can repeat: replayed or load-generated traffic repeats IP IDs, sequence numbers and
 * payloads in every connection. Equal prints are then told apart by time. Per capture, a print's
 * samples fall into occurrences (moments, see OCCURRENCE_GAP_SECONDS). Where every capture holds
 * one occurrence the samples are one packet, paired all with all. Where a capture holds several,
 * an occurrence is paired with the occurrence of the other capture whose time, on that
 * capture's clock, is nearest — when it is within the tolerance and no second one is as near;
 * otherwise the print is no evidence (ambiguous). Clock offsets between captures come first,
 * from the prints that occur once per capture, else from repeats seen equally often at both
 * captures (k-th to k-th).
 */
function addEvidence(
  captures: CaptureLegs[],
  ids: LegIds,
  rows: SampleRows,
  loose: boolean,
  pairs: PairEvidence,
  candidates: CandidatePairs | undefined,
  ways: RecordedWays,
  lanes: LegLanes,
  tupleHash: TupleHashes,
  progress: SweepProgress | undefined,
  knownOffsets?: Map<number, number>,
): Map<number, number> {
  const exactPairs = loose ? pairs.count : 0;
  const { count: total, print: sorted, leg, ts, flag } = rows;

  const captureCount = captures.length;
  const capture = ids.capture;
  const keysOf = captures.map((c) => c.legs.keys.data);
  const { lane: legPoint, oneInterface } = lanes;
  // Two reusable indexes from a tuple hash to the occurrence or copy holding it: repeats whose
  // times and counts cannot tell them apart are told apart by a tuple no NAT changed, in time
  // linear in the copies.
  const ownerHere = new Map<number, number>();
  const ownerThere = new Map<number, number>();
  const copyOwnerU = new Map<number, number>();
  const copyOwnerV = new Map<number, number>();
  // Occurrences of the current group: start and end (exclusive) in `order`, capture, first time.
  let order: Uint32Array = new Uint32Array(64);
  /** Per position of `order`: which copy of its leg's print it is (see sameCountPerLeg). */
  let rank: Int32Array = new Int32Array(64);
  /** Scratch: the positions of `order` a pairing step looks at. */
  let positions: Int32Array = new Int32Array(2 * MAX_COPIES);
  let occStart: Uint32Array = new Uint32Array(16);
  let occEnd: Uint32Array = new Uint32Array(16);
  let occCapture: Uint16Array = new Uint16Array(16);
  let occTime: Float64Array = new Float64Array(16);
  /** Per occurrence (describeOccurrences): 1 when crowded; how often each of its legs holds the print (-1: not all alike). */
  let occCrowded: Uint8Array = new Uint8Array(16);
  let occLegCount: Int32Array = new Int32Array(16);
  let occurrences = 0;
  /** Per leg (global id), scratch of markEchoPrint: bit 0 the print went high → low in it, bit 1 low → high. */
  const waysOfLeg = new Uint8Array(ids.count);
  /** Whether the current group's print was carried both ways by one connection (markEchoPrint). */
  let echoPrint = false;
  /** Per capture: its first occurrence and how many it has in the current group. */
  const firstOcc = new Int32Array(captureCount);
  const occCount = new Int32Array(captureCount);
  /** Per capture: spacing() in the current group, NaN until asked. */
  const spacingOf = new Float64Array(captureCount).fill(NaN);
  const touched: number[] = [];

  /** Splits group [start, end) into occurrences per capture (entries sorted by capture, then time). */
  function splitGroup(start: number, end: number): void {
    const n = end - start;
    if (order.length < n) {
      order = new Uint32Array(n * 2);
      rank = new Int32Array(n * 2);
    }
    if (splitInOrder(start, end)) return;
    for (let i = 0; i < n; i++) order[i] = start + i;
    // Entries come in capture order (samples were added capture by capture, the sort is stable)
    // and nearly in time order within one: insertion sort by (capture, time) is linear then.
    // Equal times keep the capture's packet order in the exact pass; the loose pass, whose rows
    // come in the exact pass's order, orders them by leg.
    for (let i = 1; i < n; i++) {
      const e = order[i]!;
      const c = flag[e]! >>> CAPTURE_SHIFT;
      const t = ts[e]!;
      let j = i;
      while (j > 0) {
        const p = order[j - 1]!;
        const pc = flag[p]! >>> CAPTURE_SHIFT;
        if (pc < c || (pc === c && (ts[p]! < t || (ts[p]! === t && (!loose || leg[p]! <= leg[e]!))))) break;
        order[j] = p;
        j--;
      }
      order[j] = e;
    }
    startOccurrences();
    for (let i = 0; i < n; i++) {
      const e = order[i]!;
      const c = flag[e]! >>> CAPTURE_SHIFT;
      const sameOccurrence = occurrences > 0 && occCapture[occurrences - 1] === c && ts[e]! - ts[order[i - 1]!]! <= OCCURRENCE_GAP_SECONDS;
      if (sameOccurrence) occEnd[occurrences - 1] = i + 1;
      else openOccurrence(i, c, ts[e]!);
    }
  }

  /**
   * splitGroup for a group whose rows already come in the order the sort would give them (the
   * rule above), as they nearly always do: one pass over the rows, read once each (the arrays
   * held in locals: the loop ran at ~60 ns a row reading them through the closure). False at
   * the first row out of order; splitGroup then starts over.
   */
  function splitInOrder(start: number, end: number): boolean {
    const positions = order;
    const legOf = leg;
    const time = ts;
    const flagOf = flag;
    const byLeg = loose;
    startOccurrences();
    let previousCapture = -1;
    let previousTime = 0;
    let previousLeg = 0;
    // The open occurrence's end, stored when the next one opens.
    let openEnd = 0;
    for (let e = start; e < end; e++) {
      const g = legOf[e]!;
      const c = flagOf[e]! >>> CAPTURE_SHIFT;
      const t = time[e]!;
      if (c === previousCapture) {
        if (t < previousTime || (t === previousTime && byLeg && previousLeg > g)) return false;
        if (t - previousTime > OCCURRENCE_GAP_SECONDS) {
          occEnd[occurrences - 1] = openEnd;
          openOccurrence(e - start, c, t);
        }
      } else {
        if (c < previousCapture) return false;
        if (occurrences > 0) occEnd[occurrences - 1] = openEnd;
        openOccurrence(e - start, c, t);
      }
      openEnd = e - start + 1;
      positions[e - start] = e;
      previousCapture = c;
      previousTime = t;
      previousLeg = g;
    }
    if (occurrences > 0) occEnd[occurrences - 1] = openEnd;
    return true;
  }

  function startOccurrences(): void {
    for (const c of touched) {
      occCount[c] = 0;
      spacingOf[c] = NaN;
    }
    touched.length = 0;
    occurrences = 0;
  }

  /** A new occurrence of capture c at position i of `order`, at time t. */
  function openOccurrence(i: number, c: number, t: number): void {
    if (occurrences === occStart.length) {
      occStart = doubled(occStart);
      occEnd = doubled(occEnd);
      occCapture = doubled(occCapture);
      occTime = doubled(occTime);
      occCrowded = doubled(occCrowded);
      occLegCount = doubled(occLegCount);
    }
    occStart[occurrences] = i;
    occEnd[occurrences] = i + 1;
    occCapture[occurrences] = c;
    occTime[occurrences] = t;
    if (occCount[c] === 0) {
      firstOcc[c] = occurrences;
      touched.push(c);
    }
    occCount[c]!++;
    occurrences++;
  }

  // 1. Clock offsets between captures, only as precise as pairing needs.
  const offsetKey = (c: number, d: number): number => c * captureCount + d;
  // Per capture pair (c < d): differences of prints seen once per capture, and of the k-th to
  // k-th occurrences of repeats seen equally often.
  // Kept per pair that has any (a case of many captures has few such pairs, not n²).
  const deltas = new Map<number, { once: number[]; ranked: number[] }>();
  /** Whether capture pair (c, d) has all the repeats' differences it keeps (sampleOffset would take no more). */
  function rankedFull(c: number, d: number): boolean {
    return (deltas.get(offsetKey(c, d))?.ranked.length ?? 0) >= OFFSET_SAMPLES;
  }
  function sampleOffset(c: number, d: number, delta: number, once: boolean): void {
    let pair = deltas.get(offsetKey(c, d));
    if (pair === undefined) deltas.set(offsetKey(c, d), (pair = { once: [], ranked: [] }));
    const list = once ? pair.once : pair.ranked;
    if (list.length < OFFSET_SAMPLES) {
      list.push(delta);
      if (!once && list.length === OFFSET_SAMPLES) fullRankedPairs++;
    }
  }
  /** Capture pairs whose repeats' differences are all kept (rankedFull): when every pair's are, a group of repeats adds nothing. */
  let fullRankedPairs = 0;
  const capturePairs = (captureCount * (captureCount - 1)) / 2;
  /**
   * Whether rows [start, end), in capture order, show two occurrences at one capture: two rows of
   * it in time order further apart than an occurrence. False also when the rows are out of order
   * (then only splitGroup can tell). Stops at the first such gap: in a group of repeats that is
   * within the first rows.
   */
  function repeatsAtOneCapture(start: number, end: number): boolean {
    for (let e = start + 1; e < end; e++) {
      const c = flag[e]! >>> CAPTURE_SHIFT;
      const previous = flag[e - 1]! >>> CAPTURE_SHIFT;
      if (c !== previous) {
        if (c < previous) return false;
        continue;
      }
      const gap = ts[e]! - ts[e - 1]!;
      if (gap < 0) return false;
      if (gap > OCCURRENCE_GAP_SECONDS) return true;
    }
    return false;
  }
  if (captureCount > 1) {
    forEachGroup((start, end) => {
      if (end - start === 2) {
        // Most groups: one packet at two points.
        const cx = flag[start]! >>> CAPTURE_SHIFT;
        const cy = flag[start + 1]! >>> CAPTURE_SHIFT;
        if (directionsRefute(start, start + 1)) return;
        if (cx < cy) sampleOffset(cx, cy, ts[start + 1]! - ts[start]!, true);
        else if (cy < cx) sampleOffset(cy, cx, ts[start]! - ts[start + 1]!, true);
        return;
      }
      // Repeats (not one occurrence per capture) add only to the repeats' differences; once
      // every capture pair has all it keeps, splitting the group would find nothing to add
      // (replayed traffic: ~80 ms of this sweep at 3.5 M rows).
      if (fullRankedPairs === capturePairs && repeatsAtOneCapture(start, end)) return;
      splitGroup(start, end);
      if (touched.length < 2) return;
      const once = occurrences === touched.length;
      for (const c of touched) {
        for (const d of touched) {
          if (d <= c) continue;
          if (once) sampleOffset(c, d, occTime[firstOcc[d]!]! - occTime[firstOcc[c]!]!, true);
          else if (occCount[c] === occCount[d] && occCount[c]! > 1 && !rankedFull(c, d) && rankedDeltasAgree(c, d)) {
            for (let k = 0; k < occCount[c]!; k++) sampleOffset(c, d, occTime[firstOcc[d]! + k]! - occTime[firstOcc[c]! + k]!, false);
          }
        }
      }
    });
  } else if (progress !== undefined) {
    progress.base += total; // no offsets sweep with one capture
  }
  /**
   * Whether the k-th occurrence at c and the k-th at d are one packet for every k: their time
   * differences agree within half the repeats' spacing. Equal counts can be a coincidence — one
   * capture missed a copy and the sample of 256 packets per leg then ends one copy later there —
   * and aligning them k-th to k-th would put one capture's clock a whole spacing off, linking
   * every connection to the next copy's.
   */
  function rankedDeltasAgree(c: number, d: number): boolean {
    let least = Infinity;
    let most = -Infinity;
    for (let k = 0; k < occCount[c]!; k++) {
      const delta = occTime[firstOcc[d]! + k]! - occTime[firstOcc[c]! + k]!;
      least = Math.min(least, delta);
      most = Math.max(most, delta);
    }
    return most - least <= Math.min(spacing(c), spacing(d)) / 2;
  }

  /** offsetKey(c, d) (c < d) → clock of d minus clock of c; absent when unknown. */
  const offset = new Map<number, number>();
  for (const [key, { once, ranked }] of deltas) offset.set(key, once.length >= 3 || ranked.length === 0 ? median(once) : median(ranked));
  // A clock offset is the clocks', whatever the prints it came from: the first pass's, from every
  // print, stands; the second pass's own samples only fill the capture pairs it had none for.
  knownOffsets?.forEach((known, key) => offset.set(key, known));

  // 2. Pairing.
  /** Candidate pairs the current copy of a print may still add (MAX_PAIRS_PER_COPY; see startCandidates). */
  let candidateBudget = 0;
  forEachGroup((start, end) => {
    if (end - start === 2) {
      const cx = flag[start]! >>> CAPTURE_SHIFT;
      const cy = flag[start + 1]! >>> CAPTURE_SHIFT;
      const delta = ts[start + 1]! - ts[start]!;
      const one = cx === cy ? Math.abs(delta) <= OCCURRENCE_GAP_SECONDS : nearOffset(cx, cy, delta, OFFSET_TOLERANCE_SECONDS);
      if (one) addPair(start, start + 1);
      return;
    }
    splitGroup(start, end);
    markEchoPrint(end - start);
    if (occurrences === touched.length) {
      // One occurrence per capture: one packet (unless the clocks say otherwise), or copies of
      // it from several connections within moments (crowded).
      describeOccurrences();
      let isCrowded = end - start > MAX_COPIES;
      let sameCount = occLegCount[0]!;
      for (let o = 0; o < occurrences; o++) {
        if (occCrowded[o] === 1) isCrowded = true;
        if (occLegCount[o] !== sameCount) sameCount = -1;
      }
      if (isCrowded) return alignByPoint(0, end - start, 0, 0);
      const byRank = sameCount > 1;
      if (!byRank && echoPrint) return pairEcho(0, end - start, 0, end - start);
      for (let x = 0; x < end - start; x++) {
        for (let y = x + 1; y < end - start; y++) {
          if (byRank && rank[x] !== rank[y]) continue;
          const ex = order[x]!;
          const ey = order[y]!;
          const cx = flag[ex]! >>> CAPTURE_SHIFT;
          const cy = flag[ey]! >>> CAPTURE_SHIFT;
          if (cx !== cy && !nearOffset(cx, cy, ts[ey]! - ts[ex]!, OFFSET_TOLERANCE_SECONDS)) continue;
          addPair(ex, ey);
        }
      }
      return;
    }
    // Repeats: within an occurrence all with all; across captures occurrence to nearest occurrence.
    describeOccurrences();
    for (let o = 0; o < occurrences; o++) pairWithin(o);
    for (const c of touched) {
      for (const d of touched) {
        if (d <= c) continue;
        const off = offset.get(offsetKey(c, d)) ?? NaN;
        if (Number.isNaN(off)) {
          // No clock offset between the two captures to tell the repeats apart: any occurrence may
          // be any, unless one alone carries the same addresses and ports (no NAT in between).
          indexOccurrenceTuples(ownerHere, c);
          indexOccurrenceTuples(ownerThere, d);
          for (let o = firstOcc[c]!; o < firstOcc[c]! + occCount[c]!; o++) {
            const p = onlyOccurrenceWithTuple(o, ownerThere);
            if (p >= 0 && onlyOccurrenceWithTuple(p, ownerHere) === o) {
              pairAcross(o, p);
              continue;
            }
            // Its candidates: the occurrences nearest in time (the clocks may be anything; a few
            // neighbours name the flows it may be, without pairing every copy with every copy).
            startCandidates();
            const near = nearestOccurrence(d, occTime[o]!);
            const from = Math.max(firstOcc[d]!, near - CANDIDATE_NEIGHBOURS);
            const to = Math.min(firstOcc[d]! + occCount[d]!, near + CANDIDATE_NEIGHBOURS + 1);
            for (let q = from; q < to; q++) recordCandidates(occStart[o]!, occEnd[o]!, occStart[q]!, occEnd[q]!);
          }
          continue;
        }
        const tolerance = Math.min(OFFSET_TOLERANCE_SECONDS, spacing(c) / 2, spacing(d) / 2);
        let indexed = false;
        // c's occurrences come in time order, so the first of d's at or after each only moves on.
        let bound = firstOcc[d]!;
        const lastOfD = firstOcc[d]! + occCount[d]! - 1;
        for (let o = firstOcc[c]!; o < firstOcc[c]! + occCount[c]!; o++) {
          const t = occTime[o]! + off;
          while (bound < lastOfD && occTime[bound]! < t) bound++;
          const p = nearerOf(d, t, bound);
          const gap = Math.abs(occTime[p]! - occTime[o]! - off);
          if (gap > tolerance) continue;
          // A second occurrence as near is no better: ambiguous, no evidence (both are candidates).
          const before = p > firstOcc[d]! && Math.abs(occTime[p - 1]! - occTime[o]! - off) <= gap + tolerance / 2;
          const after = p + 1 < firstOcc[d]! + occCount[d]! && Math.abs(occTime[p + 1]! - occTime[o]! - off) <= gap + tolerance / 2;
          if (before || after) {
            startCandidates();
            // As near as each other: the one alone with the same addresses and ports is the packet.
            if (!indexed) indexOccurrenceTuples(ownerThere, d);
            indexed = true;
            const only = onlyOccurrenceWithTuple(o, ownerThere);
            if (only >= p - (before ? 1 : 0) && only <= p + (after ? 1 : 0)) {
              pairAcross(o, only);
              continue;
            }
            recordCandidates(occStart[o]!, occEnd[o]!, occStart[p]!, occEnd[p]!);
            if (before) recordCandidates(occStart[o]!, occEnd[o]!, occStart[p - 1]!, occEnd[p - 1]!);
            if (after) recordCandidates(occStart[o]!, occEnd[o]!, occStart[p + 1]!, occEnd[p + 1]!);
            continue;
          }
          pairAcross(o, p);
        }
      }
    }
  });
  return offset;

  function forEachGroup(visit: (start: number, end: number) => void): void {
    let nextReport = 0;
    // In locals: read through the closure, finding the groups' ends took ~17 ns a row.
    const keys = sorted;
    const rowCount = total;
    for (let start = 0; start < rowCount; ) {
      if (progress !== undefined && start >= nextReport) {
        progress.report((progress.base + start) / progress.units);
        nextReport = start + REPORT_EVERY;
      }
      const key = keys[start]!;
      let end = start + 1;
      while (end < rowCount && keys[end] === key) end++;
      if (end - start > 1) visit(start, end);
      start = end;
    }
    if (progress !== undefined) progress.base += total;
  }

  function nearOffset(c: number, d: number, delta: number, tolerance: number): boolean {
    const off = c < d ? (offset.get(offsetKey(c, d)) ?? NaN) : -(offset.get(offsetKey(d, c)) ?? NaN);
    return Number.isNaN(off) || Math.abs(delta - off) <= tolerance;
  }

  /** The smallest time between consecutive occurrences at capture c (Infinity with one); once per capture and group (spacingOf). */
  function spacing(c: number): number {
    const known = spacingOf[c]!;
    if (!Number.isNaN(known)) return known;
    let least = Infinity;
    for (let o = firstOcc[c]! + 1; o < firstOcc[c]! + occCount[c]!; o++) least = Math.min(least, occTime[o]! - occTime[o - 1]!);
    spacingOf[c] = least;
    return least;
  }

  /** The occurrence of capture d whose time is nearest to t (they are in time order). */
  function nearestOccurrence(d: number, t: number): number {
    let lo = firstOcc[d]!;
    let hi = lo + occCount[d]! - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (occTime[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return nearerOf(d, t, lo);
  }

  /** Of d's occurrence `bound` (its first at or after t, else its last) and the one before it, the one nearer to t. */
  function nearerOf(d: number, t: number, bound: number): number {
    return bound > firstOcc[d]! && t - occTime[bound - 1]! < occTime[bound]! - t ? bound - 1 : bound;
  }

  function pairWithin(o: number): void {
    if (occCrowded[o] === 1) return alignByPoint(occStart[o]!, occEnd[o]!, 0, 0);
    const byRank = occLegCount[o]! > 1;
    if (!byRank && echoPrint) return pairEcho(occStart[o]!, occEnd[o]!, occStart[o]!, occEnd[o]!);
    for (let x = occStart[o]!; x < occEnd[o]!; x++) {
      for (let y = x + 1; y < occEnd[o]!; y++) if (!byRank || rank[x] === rank[y]) addPair(order[x]!, order[y]!);
    }
  }

  function pairAcross(o: number, p: number): void {
    // The occurrences are of two captures (other legs, other lanes): the pair is crowded when
    // either is, or when together they are too many.
    if (occCrowded[o] === 1 || occCrowded[p] === 1 || occEnd[o]! - occStart[o]! + occEnd[p]! - occStart[p]! > MAX_COPIES) {
      return alignByPoint(occStart[o]!, occEnd[o]!, occStart[p]!, occEnd[p]!);
    }
    const byRank = occLegCount[o]! > 1 && occLegCount[o] === occLegCount[p];
    if (!byRank && echoPrint) return pairEcho(occStart[o]!, occEnd[o]!, occStart[p]!, occEnd[p]!);
    for (let x = occStart[o]!; x < occEnd[o]!; x++) {
      for (let y = occStart[p]!; y < occEnd[p]!; y++) if (!byRank || rank[x] === rank[y]) addPair(order[x]!, order[y]!);
    }
  }

  /**
   * Whether the current group's print (its n positions in `order`) went both ways in one
   * connection: an echo whose reply carries its request's bytes (UDP or ICMPv6 echo over IPv6,
   * which has no IP ID). Then a copy of the print at another point may be either of them.
   */
  function markEchoPrint(n: number): void {
    echoPrint = false;
    for (let i = 0; i < n; i++) {
      const e = order[i]!;
      const g = leg[e]!;
      waysOfLeg[g] = waysOfLeg[g]! | (1 << (flag[e]! & 1));
      if (waysOfLeg[g] === 3) echoPrint = true;
    }
    for (let i = 0; i < n; i++) waysOfLeg[leg[order[i]!]!] = 0;
  }

  /**
   * An echo's print where counts cannot pair copies k-th to k-th (a point missed one way, or took
   * only one: `tcpdump -Q in`): a copy x is paired with leg Y's copies only when evidence says
   * which of the two packets it is (echoVerdict); otherwise Y's legs are x's candidates, never
   * a link that may turn the flow round. Positions [a, b) against [c, d) of `order`, or [a, b)
   * among themselves when c = a.
   */
  function pairEcho(a: number, b: number, c: number, d: number): void {
    const within = a === c;
    for (let x = a; x < b; x++) {
      const ex = order[x]!;
      startCandidates();
      for (let y = within ? x + 1 : c; y < d; y++) {
        const ey = order[y]!;
        if (leg[ex] === leg[ey] || !timesAgree(ex, ey)) continue;
        if (directionsRefute(ex, ey)) {
          countRefuted(ex);
          continue;
        }
        if (sameTuple(leg[ex]!, leg[ey]!) && (flag[ex]! & 1) !== (flag[ey]! & 1)) continue;
        const fromX = echoVerdict(ex, leg[ey]!, c, d);
        const fromY = echoVerdict(ey, leg[ex]!, a, b);
        if (fromX === ECHO_PAIR || fromY === ECHO_PAIR) addPair(ex, ey);
        else recordCandidate(ex, ey, true);
      }
    }
  }

  /**
   * Which of leg g's copies at positions [from, to) entry e is, for an echo's print. Copies the
   * recorded directions refute (directionsRefute), and, when both legs carry the same addresses
   * and ports (no NAT between them), copies going the other way, are not it. ECHO_PAIR when the
   * rest go one way and are known to include it: the leg holds both ways (it saw the request and
   * the reply, so e is one of them), or the tuple is the same; ECHO_UNDECIDED otherwise.
   */
  function echoVerdict(e: number, g: number, from: number, to: number): number {
    const tuple = sameTuple(leg[e]!, g);
    let sawSame = false;
    let sawOpposite = false;
    let same = 0;
    let opposite = 0;
    for (let z = from; z < to; z++) {
      const ez = order[z]!;
      if (leg[ez] !== g || !timesAgree(e, ez)) continue;
      const sameWay = (flag[e]! & 1) === (flag[ez]! & 1);
      if (sameWay) sawSame = true;
      else sawOpposite = true;
      if (directionsRefute(e, ez) || (tuple && !sameWay)) continue;
      if (sameWay) same++;
      else opposite++;
    }
    if (same > 0 && opposite > 0) return ECHO_UNDECIDED;
    if (same === 0 && opposite === 0) return ECHO_NONE;
    return (sawSame && sawOpposite) || tuple ? ECHO_PAIR : ECHO_UNDECIDED;
  }

  /**
   * Per occurrence of the current group: whether it is crowded — copies of the print from several
   * connections rather than one packet's path: more than MAX_COPIES of them, or two legs in one
   * lane of a single interface (one packet crosses an interface once per encapsulation) — and
   * whether every leg in it holds the print equally often (occLegCount, else -1), rank[]
   * numbering each position's copy within its leg. A leg can hold a print more than once in one
   * moment: an echo's reply carries its request's bytes (IPv6 has no IP ID to tell them apart),
   * a retransmission repeats a segment. Where every leg holds it equally often, the k-th copy of
   * one leg is the k-th of the others: a request and its reply pass every point in that order.
   */
  function describeOccurrences(): void {
    // The group's arrays in locals: this runs once per occurrence, tens of thousands per group of a replay.
    const positions = order;
    const legOf = leg;
    const laneOf = legPoint;
    const rankOf = rank;
    for (let o = 0; o < occurrences; o++) {
      const a = occStart[o]!;
      const b = occEnd[o]!;
      if (b - a === 1) {
        // One copy: alone in its lane, the first of its leg.
        rankOf[a] = 0;
        occCrowded[o] = 0;
        occLegCount[o] = 1;
        continue;
      }
      let crowdedHere = b - a > MAX_COPIES;
      let count = 0;
      for (let x = a; x < b && !crowdedHere; x++) {
        const lx = legOf[positions[x]!]!;
        const px = laneOf[lx]!;
        const single = oneInterface[px]!;
        let before = 0;
        let total = 0;
        for (let y = a; y < b; y++) {
          const ly = legOf[positions[y]!]!;
          if (ly === lx) {
            if (y < x) before++;
            total++;
          } else if (single && laneOf[ly] === px) {
            crowdedHere = true;
          }
        }
        rankOf[x] = before;
        if (x === a) count = total;
        else if (count !== total) count = -1;
      }
      occCrowded[o] = crowdedHere ? 1 : 0;
      occLegCount[o] = crowdedHere ? -1 : count;
    }
  }

  /**
   * Crowded copies: per lane (capture point and encapsulation), in time order, the k-th copy in
   * one lane is the k-th in another (the order in which packets pass is kept along a path) — when
   * both lanes hold the same number of copies and the pair's times agree (same capture: within moments; two
   * captures: near their clock offset). Points holding different numbers of copies cannot be
   * aligned: no evidence. With c < d only pairs across [a, b) and [c, d) are made.
   */
  function alignByPoint(a: number, b: number, c: number, d: number): void {
    const n = collectPositions(a, b, c, d);
    const sortedPositions = Array.from(positions.subarray(0, n)).sort((x, y) => {
      const px = legPoint[leg[order[x]!]!]!;
      const py = legPoint[leg[order[y]!]!]!;
      return px !== py ? px - py : ts[order[x]!]! - ts[order[y]!]!;
    });
    const bucketStart: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i === 0 || legPoint[leg[order[sortedPositions[i]!]!]!] !== legPoint[leg[order[sortedPositions[i - 1]!]!]!]) bucketStart.push(i);
    }
    bucketStart.push(n);
    const across = c < d;
    for (let u = 0; u + 1 < bucketStart.length; u++) {
      for (let v = u + 1; v + 1 < bucketStart.length; v++) {
        const size = bucketStart[u + 1]! - bucketStart[u]!;
        const firstU = sortedPositions[bucketStart[u]!]!;
        const firstV = sortedPositions[bucketStart[v]!]!;
        // Across two occurrences: only pairs with one side in each.
        if (across && firstU >= c === firstV >= c) continue;
        if (size !== bucketStart[v + 1]! - bucketStart[v]!) {
          // Different numbers of copies (a point missed some): which is which cannot be told by
          // order; a copy whose addresses and ports only one copy of the other lane shares (no NAT
          // in between) is that one. The rest are candidates.
          indexCopyTuples(copyOwnerU, sortedPositions, bucketStart[u]!, bucketStart[u + 1]!);
          indexCopyTuples(copyOwnerV, sortedPositions, bucketStart[v]!, bucketStart[v + 1]!);
          for (let x = bucketStart[u]!; x < bucketStart[u + 1]!; x++) {
            const ex = order[sortedPositions[x]!]!;
            const y = copyOwnerOf(copyOwnerV, leg[ex]!, sortedPositions);
            const ey = y < 0 ? -1 : order[sortedPositions[y]!]!;
            if (ey >= 0 && copyOwnerOf(copyOwnerU, leg[ey]!, sortedPositions) === x && timesAgree(ex, ey)) {
              addPair(ex, ey);
              continue;
            }
            // Its candidates: the copies around its own rank in the other lane (a missed copy shifts ranks by one).
            startCandidates();
            const rankHere = x - bucketStart[u]!;
            const from = Math.max(bucketStart[v]!, bucketStart[v]! + rankHere - CANDIDATE_NEIGHBOURS);
            const to = Math.min(bucketStart[v + 1]!, bucketStart[v]! + rankHere + CANDIDATE_NEIGHBOURS + 1);
            for (let z = from; z < to; z++) recordCandidate(ex, order[sortedPositions[z]!]!);
          }
          continue;
        }
        for (let k = 0; k < size; k++) {
          const x = order[sortedPositions[bucketStart[u]! + k]!]!;
          const y = order[sortedPositions[bucketStart[v]! + k]!]!;
          if (timesAgree(x, y)) addPair(x, y);
        }
      }
    }
  }

  /** Whether entries x and y can be one packet by their times (one capture: within moments; two: near their clock offset). */
  function timesAgree(x: number, y: number): boolean {
    const cx = flag[x]! >>> CAPTURE_SHIFT;
    const cy = flag[y]! >>> CAPTURE_SHIFT;
    const delta = ts[y]! - ts[x]!;
    return cx === cy ? Math.abs(delta) <= OCCURRENCE_GAP_SECONDS : nearOffset(cx, cy, delta, OFFSET_TOLERANCE_SECONDS);
  }

  /** Whether two legs (global ids) have the same addresses, ports, protocol and encapsulation. */
  function sameTuple(x: number, y: number): boolean {
    const kx = keysOf[capture[x]!]!;
    const ky = keysOf[capture[y]!]!;
    const ax = ids.leg[x]! * KEY_WORDS;
    const ay = ids.leg[y]! * KEY_WORDS;
    // Word 0 is the capture point; the rest is the tuple.
    for (let w = 1; w < KEY_WORDS; w++) if (kx[ax + w] !== ky[ay + w]) return false;
    return true;
  }

  /** Tuple hash → the one group (occurrence, or copy's index) holding legs with that tuple; -1 when several do. */
  function claim(owner: Map<number, number>, g: number, group: number): void {
    const h = tupleHash.of(g);
    const held = owner.get(h);
    owner.set(h, held === undefined || held === group ? group : -1);
  }

  /** The copy (index into `sorted`) holding leg g's tuple: -1 when none or several (or another tuple with the same hash). */
  function copyOwnerOf(owner: Map<number, number>, g: number, sorted: number[]): number {
    const y = owner.get(tupleHash.of(g));
    if (y === undefined || y < 0) return -1;
    return sameTuple(g, leg[order[sorted[y]!]!]!) ? y : -1;
  }

  function indexOccurrenceTuples(owner: Map<number, number>, c: number): void {
    owner.clear();
    for (let o = firstOcc[c]!; o < firstOcc[c]! + occCount[c]!; o++) for (let x = occStart[o]!; x < occEnd[o]!; x++) claim(owner, leg[order[x]!]!, o);
  }

  function indexCopyTuples(owner: Map<number, number>, sorted: number[], from: number, to: number): void {
    owner.clear();
    for (let y = from; y < to; y++) claim(owner, leg[order[sorted[y]!]!]!, y);
  }

  /**
   * The only occurrence holding the tuple of a leg of occurrence o (per `owner`, indexOccurrenceTuples);
   * -1 when none, or when o's legs point at several.
   */
  function onlyOccurrenceWithTuple(o: number, owner: Map<number, number>): number {
    let found = -1;
    for (let x = occStart[o]!; x < occEnd[o]!; x++) {
      const g = leg[order[x]!]!;
      const h = owner.get(tupleHash.of(g));
      if (h === undefined) continue;
      if (h < 0 || (found >= 0 && found !== h)) return -1;
      if (!occurrenceHasTuple(h, g)) return -1;
      found = h;
    }
    return found;
  }

  function occurrenceHasTuple(p: number, g: number): boolean {
    for (let y = occStart[p]!; y < occEnd[p]!; y++) if (sameTuple(g, leg[order[y]!]!)) return true;
    return false;
  }

  /** Every copy at positions [a, b) of `order` may be the same packet as every one at [c, d). */
  function recordCandidates(a: number, b: number, c: number, d: number): void {
    for (let x = a; x < b && candidateBudget > 0; x++) for (let y = c; y < d && candidateBudget > 0; y++) recordCandidate(order[x]!, order[y]!);
  }

  /** A copy of a print starts recording its candidates (each copy's are bounded, so all copies get some). */
  function startCandidates(): void {
    candidateBudget = candidates === undefined ? 0 : MAX_PAIRS_PER_COPY;
  }

  /** Samples x and y (entries of the sorted print list) may be one packet; their legs are candidates. */
  function recordCandidate(x: number, y: number, echo = false): void {
    if (candidateBudget === 0 || leg[x] === leg[y]) return;
    candidateBudget--;
    candidates!.add(leg[x]!, leg[y]!, echo);
  }

  /** Copies positions [a, b) then [c, d) into `positions` (grown as needed); returns how many. */
  function collectPositions(a: number, b: number, c: number, d: number): number {
    const n = b - a + (d - c);
    if (positions.length < n) positions = new Int32Array(n * 2);
    let i = 0;
    for (let x = a; x < b; x++) positions[i++] = x;
    for (let x = c; x < d; x++) positions[i++] = x;
    return n;
  }

  /**
   * Whether what the captures recorded says rows x and y are not one packet (docs/analyze.md §2,
   * "Recorded direction"). On one host (one clock) a packet enters once and leaves once: seen
   * "outgoing" at one point and later "incoming" at another, it came back, which only a router
   * does, lowering its hop limit; seen the same way at two points (a bridge port and its bridge,
   * a tunnel's underlay and the tunnel), it was neither forwarded nor routed in between, so its
   * hop limit is the same at both. A request and its reply carrying the same bytes break one or
   * the other. Rows without a recorded direction, or whose leg's directions contradict
   * themselves, and rows of two hosts, are no evidence either way.
   */
  function directionsRefute(x: number, y: number): boolean {
    // The rows' own directions first: most captures record none, and the legs' facts are
    // elsewhere in memory.
    const dx = (flag[x]! >>> 1) & 3;
    const dy = (flag[y]! >>> 1) & 3;
    if (dx === LinkDirection.NONE || dy === LinkDirection.NONE) return false;
    const gx = leg[x]!;
    const gy = leg[y]!;
    if (ways.host[gx] !== ways.host[gy] || ways.believed[gx] === 0 || ways.believed[gy] === 0) return false;
    const hopsX = (flag[x]! >>> 3) & 0xff;
    const hopsY = (flag[y]! >>> 3) & 0xff;
    if (dx === dy) return hopsX !== hopsY;
    // One outgoing, one incoming: a contradiction only when it left first and came back with its hop limit whole.
    return dx === LinkDirection.OUT ? ts[x]! < ts[y]! && hopsY >= hopsX : ts[y]! < ts[x]! && hopsX >= hopsY;
  }

  /** One pairing the directions at row x's host ruled out. */
  function countRefuted(x: number): void {
    const host = ways.host[leg[x]!]!;
    pairs.refutedByDirection[host] = (pairs.refutedByDirection[host] ?? 0) + 1;
  }

  function addPair(x: number, y: number): void {
    // The same leg twice is a retransmission or a duplicate copy, not a second capture point.
    if (leg[x] === leg[y]) return;
    if (directionsRefute(x, y)) {
      countRefuted(x);
      return;
    }
    // a is the lower global id.
    const i = leg[y]! < leg[x]! ? y : x;
    const j = i === x ? y : x;
    const a = leg[i]!;
    const b = leg[j]!;
    let pair = pairs.find(a, b);
    if (pair >= 0 && pair < exactPairs) return;
    if (pair < 0) pair = pairs.add(a, b, loose);
    const aFromLow = (flag[i]! & 1) === 1;
    pairs.addPacket(pair, aFromLow, aFromLow === ((flag[j]! & 1) === 1), ts[j]! - ts[i]!, Math.sign(((flag[i]! >>> 3) & 0xff) - ((flag[j]! >>> 3) & 0xff)));
  }
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

type GrowableArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/** A copy of `a` with twice the room (the occurrence columns of a group grow together). */
function doubled<T extends GrowableArray>(a: T): T {
  const b = new (a.constructor as new (length: number) => T)(a.length * 2);
  b.set(a as never);
  return b;
}
