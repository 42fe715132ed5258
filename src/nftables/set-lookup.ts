// Set and map look-ups for one value: named sets (`@name`) and anonymous ones (`{ … }`), with
// intervals, prefixes and concatenated keys. kube-proxy's service maps hold one element per service
// port (10 000 in a big cluster), so elements whose key is exact are indexed by a canonical text
// of the key on first use; only interval elements (prefix, range, wildcard) are scanned.

import { formatIpAddress, parseIpAddress } from '../net/address.js';
import type { NftExpr } from './model.js';
import { constantMatches, intOf, type NftValue } from './values.js';

/** One element: its key and, for maps, its data (a verdict, an address, `addr . port` …). */
export interface SetElement {
  key: NftExpr;
  data: NftExpr | null;
}

export type LookupResult = { kind: 'hit'; element: SetElement; position: number } | { kind: 'miss' } | { kind: 'unknown'; why: string };

interface Index {
  exact: Map<string, number>;
  scan: number[];
}

interface Prepared {
  elements: SetElement[];
  byShape: Map<string, Index>;
}

const prepared = new WeakMap<readonly NftExpr[], Prepared>();

/** A set's or map's elements as key/data pairs (map elements are `[key, data]`). */
export function elementsOf(list: readonly NftExpr[]): SetElement[] {
  return list.map((e) => (Array.isArray(e) && e.length === 2 ? { key: e[0]!, data: e[1]! } : { key: e, data: null }));
}

/** Looks `value` up in `list`; the first element (in set order) whose key holds it wins. */
export function lookup(list: readonly NftExpr[], value: NftValue): LookupResult {
  let p = prepared.get(list);
  if (p === undefined) {
    p = { elements: elementsOf(list), byShape: new Map() };
    prepared.set(list, p);
  }
  const elements = p.elements;
  const index = indexFor(p, value);
  const key = valueKey(value);
  let best = key === null ? undefined : index.exact.get(key);
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

function shapeOf(v: NftValue): string {
  return v.t === 'concat' ? v.parts.map(shapeOf).join(',') : v.t;
}

function indexFor(p: Prepared, value: NftValue): Index {
  const { elements, byShape } = p;
  const shape = shapeOf(value);
  let index = byShape.get(shape);
  if (index === undefined) {
    index = { exact: new Map(), scan: [] };
    for (let i = 0; i < elements.length; i++) {
      const k = constantKey(value, elements[i]!.key);
      if (k === null) index.scan.push(i);
      else if (!index.exact.has(k)) index.exact.set(k, i);
    }
    byShape.set(shape, index);
  }
  return index;
}

/** Canonical text of a value, matching `constantKey` of an equal exact constant. */
function valueKey(v: NftValue): string | null {
  switch (v.t) {
    case 'addr':
      return formatIpAddress(v.a);
    case 'int':
      return String(v.n);
    case 'name': case 'sym':
      return v.s;
    case 'concat': {
      const parts: string[] = [];
      for (const p of v.parts) {
        const k = valueKey(p);
        if (k === null) return null;
        parts.push(k);
      }
      return parts.join('\u0000');
    }
    default:
      return null;
  }
}

/** Canonical text of an exact constant read as the value's kind; null for intervals, wildcards and what cannot be read (scanned instead). */
function constantKey(like: NftValue, raw: NftExpr): string | null {
  const c = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'elem' in raw ? raw.elem.val : raw;
  switch (like.t) {
    case 'addr': {
      const a = typeof c === 'string' ? parseIpAddress(c) : null;
      return a === null ? null : formatIpAddress(a);
    }
    case 'int': {
      const n = intOf(c);
      return n === null ? null : String(n);
    }
    case 'name':
      return typeof c === 'string' && !c.endsWith('*') && !c.includes('\\') ? c : null;
    case 'sym':
      return typeof c === 'string' ? c : null;
    case 'concat': {
      if (typeof c !== 'object' || c === null || Array.isArray(c) || !('concat' in c) || c.concat.length !== like.parts.length) return null;
      const parts: string[] = [];
      for (let i = 0; i < like.parts.length; i++) {
        const k = constantKey(like.parts[i]!, c.concat[i]!);
        if (k === null) return null;
        parts.push(k);
      }
      return parts.join('\u0000');
    }
    default:
      return null;
  }
}
