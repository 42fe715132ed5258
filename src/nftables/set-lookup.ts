// Set and map look-ups for one value: named sets (`@name`) and anonymous ones (`{ … }`), with
// intervals, prefixes and concatenated keys. kube-proxy's service maps hold one element per service
// port (10 000 in a big cluster), so a set is indexed once per value shape: exact keys in a hash
// map (IPv4 addresses and integers as numbers, no text made), single-field IPv4 and integer
// intervals (prefixes, ranges) as sorted disjoint ranges searched by halving; what is left
// (IPv6 and concatenated intervals, interface wildcards, overlapping intervals) is scanned in
// set order. Named sets whose type says the shape are indexed when the host is loaded
// (`prepareSetIndex`), so a trace does not pay for it; others on first use.

import { formatIpAddress, parseIpAddress } from '../net/address.js';
import { parseIpv4 } from '../net/ipv4.js';
import type { NftExpr } from './model.js';
import { constantMatches, intOf, type NftValue } from './values.js';

/** One element: its key and, for maps, its data (a verdict, an address, `addr . port` …). */
export interface SetElement {
  key: NftExpr;
  data: NftExpr | null;
}

export type LookupResult = { kind: 'hit'; element: SetElement; position: number } | { kind: 'miss' } | { kind: 'unknown'; why: string };

type Key = string | number;

interface Index {
  exact: Map<Key, number>;
  /** Single-field IPv4/integer intervals, sorted by start and disjoint: start, end, position in the set. */
  rangeLo: Float64Array;
  rangeHi: Float64Array;
  rangePos: Int32Array;
  scan: number[];
}

interface Prepared {
  elements: SetElement[];
  byShape: Map<string, Index>;
}

const prepared = new WeakMap<readonly NftExpr[], Prepared>();

/** Sets this small are scanned as fast as they are indexed: left to their first use. */
const EAGER_INDEX_MIN_ELEMENTS = 16;

/** A set's or map's elements as key/data pairs (map elements are `[key, data]`). */
export function elementsOf(list: readonly NftExpr[]): SetElement[] {
  return list.map((e) => (Array.isArray(e) && e.length === 2 ? { key: e[0]!, data: e[1]! } : { key: e, data: null }));
}

/** Looks `value` up in `list`; the first element (in set order) whose key holds it wins. */
export function lookup(list: readonly NftExpr[], value: NftValue): LookupResult {
  const p = preparedFor(list);
  const elements = p.elements;
  const index = indexFor(p, value);
  const key = valueKey(value);
  let best = key === null ? undefined : index.exact.get(key);
  const inRange = rangePosition(index, value);
  if (inRange >= 0 && (best === undefined || inRange < best)) best = inRange;
  let unknownWhy: string | null = null;
  for (const pos of index.scan) {
    if (best !== undefined && pos > best) break;
    const m = constantMatches(value, elements[pos]!.key);
    if (m === true) {
      best = pos;
      break;
    }
    if (m === null) unknownWhy ??= 'an element of the set cannot be compared with the packet\'s value';
  }
  if (best !== undefined) return { kind: 'hit', element: elements[best]!, position: best };
  return unknownWhy === null ? { kind: 'miss' } : { kind: 'unknown', why: unknownWhy };
}

/**
 * Indexes a named set or map for the values its declared key type gives (`ipv4_addr . inet_proto
 * . inet_service` → address, number, number), ahead of any look-up. A type this does not know is
 * left to the first look-up, which indexes by the packet value's own shape.
 */
export function prepareSetIndex(list: readonly NftExpr[], type: string | readonly string[]): void {
  if (list.length < EAGER_INDEX_MIN_ELEMENTS) return;
  const like = typeof type === 'string' ? valueOfType(type) : concatOfTypes(type);
  if (like !== null) indexFor(preparedFor(list), like);
}

function preparedFor(list: readonly NftExpr[]): Prepared {
  let p = prepared.get(list);
  if (p === undefined) {
    p = { elements: elementsOf(list), byShape: new Map() };
    prepared.set(list, p);
  }
  return p;
}

/** A stand-in value of the kind a key type yields (only its kind is read); null for types not known here. */
function valueOfType(type: string): NftValue | null {
  switch (type) {
    case 'ipv4_addr':
    case 'ipv6_addr':
      return { t: 'addr', a: { family: 'ipv4', value: 0 } };
    case 'inet_proto':
    case 'inet_service':
    case 'mark':
    case 'integer':
      return { t: 'int', n: 0 };
    case 'ifname':
      return { t: 'name', s: '' };
    default:
      return null;
  }
}

function concatOfTypes(types: readonly string[]): NftValue | null {
  if (types.length === 1) return valueOfType(types[0]!);
  const parts: NftValue[] = [];
  for (const t of types) {
    const v = valueOfType(t);
    if (v === null) return null;
    parts.push(v);
  }
  return { t: 'concat', parts };
}

/** Position of the interval holding `value`, or -1. Intervals are disjoint, so at most one does. */
function rangePosition(index: Index, value: NftValue): number {
  const n = index.rangeLo.length;
  if (n === 0) return -1;
  const x = value.t === 'int' ? value.n : value.t === 'addr' && value.a.family === 'ipv4' ? value.a.value : null;
  if (x === null) return -1;
  // The last interval starting at or below x.
  let lo = 0;
  let hi = n - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (index.rangeLo[mid]! <= x) {
      at = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return at >= 0 && index.rangeHi[at]! >= x ? index.rangePos[at]! : -1;
}

function shapeOf(v: NftValue): string {
  return v.t === 'concat' ? v.parts.map(shapeOf).join(',') : v.t;
}

function indexFor(p: Prepared, value: NftValue): Index {
  const { elements, byShape } = p;
  const shape = shapeOf(value);
  let index = byShape.get(shape);
  if (index === undefined) {
    const exact = new Map<Key, number>();
    const ranges: Array<{ lo: number; hi: number; pos: number }> = [];
    const scan: number[] = [];
    for (let i = 0; i < elements.length; i++) {
      const raw = elements[i]!.key;
      const k = constantKey(value, raw);
      if (k !== null) {
        if (!exact.has(k)) exact.set(k, i);
        continue;
      }
      const r = value.t === 'addr' || value.t === 'int' ? intervalOf(value.t, raw) : null;
      if (r !== null) ranges.push({ lo: r[0], hi: r[1], pos: i });
      else scan.push(i);
    }
    ranges.sort((a, b) => a.lo - b.lo);
    let disjoint = true;
    for (let i = 1; i < ranges.length && disjoint; i++) disjoint = ranges[i - 1]!.hi < ranges[i]!.lo;
    if (!disjoint) {
      // Overlapping intervals (hand-written sets): set order decides, so they are scanned.
      for (const r of ranges) scan.push(r.pos);
      scan.sort((a, b) => a - b);
      ranges.length = 0;
    }
    index = {
      exact,
      rangeLo: Float64Array.from(ranges, (r) => r.lo),
      rangeHi: Float64Array.from(ranges, (r) => r.hi),
      rangePos: Int32Array.from(ranges, (r) => r.pos),
      scan,
    };
    byShape.set(shape, index);
  }
  return index;
}

/** An IPv4 prefix or range, or an integer range, as [first, last]; null for anything else. */
function intervalOf(kind: 'addr' | 'int', raw: NftExpr): [number, number] | null {
  const c = unwrapElem(raw);
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return null;
  if (kind === 'addr' && 'prefix' in c) {
    const a = typeof c.prefix.addr === 'string' ? parseIpv4(c.prefix.addr) : null;
    const len = c.prefix.len;
    if (a === null || !Number.isInteger(len) || len < 0 || len > 32) return null;
    const size = 2 ** (32 - len);
    const first = a - (a % size);
    return [first, first + size - 1];
  }
  if ('range' in c) {
    const [lo, hi] = c.range;
    const a = kind === 'addr' ? (typeof lo === 'string' ? parseIpv4(lo) : null) : intOf(lo!);
    const b = kind === 'addr' ? (typeof hi === 'string' ? parseIpv4(hi) : null) : intOf(hi!);
    return a === null || b === null || a > b ? null : [a, b];
  }
  return null;
}

function unwrapElem(raw: NftExpr): NftExpr {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'elem' in raw ? raw.elem.val : raw;
}

/** The key of a value, equal to `constantKey` of an equal exact constant: IPv4 addresses and integers as numbers, the rest as text. */
function valueKey(v: NftValue): Key | null {
  switch (v.t) {
    case 'addr':
      return v.a.family === 'ipv4' ? v.a.value : formatIpAddress(v.a);
    case 'int':
      return v.n;
    case 'name': case 'sym':
      return v.s;
    case 'concat': {
      let text = '';
      for (let i = 0; i < v.parts.length; i++) {
        const k = valueKey(v.parts[i]!);
        if (k === null) return null;
        text += i === 0 ? keyText(k) : `\u0000${keyText(k)}`;
      }
      return text;
    }
    default:
      return null;
  }
}

/** Inside a concatenation numbers and text must not collide ("6" the symbol vs 6 the number): numbers get a prefix. */
function keyText(k: Key): string {
  return typeof k === 'number' ? `#${k}` : k;
}

/** The key of an exact constant read as the value's kind; null for intervals, wildcards and what cannot be read (scanned or searched instead). */
function constantKey(like: NftValue, raw: NftExpr): Key | null {
  const c = unwrapElem(raw);
  switch (like.t) {
    case 'addr': {
      if (typeof c !== 'string') return null;
      const v4 = parseIpv4(c);
      if (v4 !== null) return v4;
      const a = c.includes(':') ? parseIpAddress(c) : null;
      return a === null ? null : formatIpAddress(a);
    }
    case 'int':
      return intOf(c);
    case 'name':
      return typeof c === 'string' && !c.endsWith('*') && !c.includes('\\') ? c : null;
    case 'sym':
      return typeof c === 'string' ? c : null;
    case 'concat': {
      if (typeof c !== 'object' || c === null || Array.isArray(c) || !('concat' in c) || c.concat.length !== like.parts.length) return null;
      let text = '';
      for (let i = 0; i < like.parts.length; i++) {
        const k = constantKey(like.parts[i]!, c.concat[i]!);
        if (k === null) return null;
        text += i === 0 ? keyText(k) : `\u0000${keyText(k)}`;
      }
      return text;
    }
    default:
      return null;
  }
}
