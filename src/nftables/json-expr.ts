// Validates the statements and expressions of `nft -j` output into the model's types. nft's JSON
// is already the model's shape, so a valid object is returned as it is (no copy); what does not
// fit — an unknown key, a wrong type — becomes `{ unknown }` with one problem naming its JSON path,
// so the simulator can say "unknown" for exactly that rule instead of guessing.

import type { NftExpr, NftStatement, NftUnknown } from './model.js';

export interface JsonProblem {
  path: string;
  message: string;
}

/** Collects problems for one file; keeps the first of each message text to stay bounded on huge damaged dumps. */
export class JsonProblems {
  readonly list: JsonProblem[] = [];
  add(path: string, message: string): void {
    if (this.list.length < 1000) this.list.push({ path, message });
  }
}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The single key of `{ key: value }` objects, which is how nft's JSON tags every statement and expression. */
export function soleKey(v: Json): string | null {
  if (!isObject(v)) return null;
  const keys = Object.keys(v);
  return keys.length === 1 ? keys[0]! : null;
}

function unknown(key: string, json: Json, path: string, problems: JsonProblems, why: string): NftUnknown {
  problems.add(path, why);
  return { unknown: { key, json, text: clipJson(json) } };
}

export function clipJson(json: Json): string {
  const text = JSON.stringify(json) ?? String(json);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

const VERDICTS_NULL = new Set(['accept', 'drop', 'continue', 'return']);
const BINOPS = new Set(['&', '|', '^', '<<', '>>']);
const MATCH_OPS = new Set(['==', '!=', '<', '>', '<=', '>=', 'in', '&', '|', '^', '<<', '>>']);

/** Keys whose value is `{ key: string, … }` with only scalar extras. */
const KEYED_EXPRS = new Set(['meta', 'rt', 'ct', 'socket', 'osf', 'ipsec']);

/** nft never nests expressions this deep (its registers run out first); deeper is damage or hostility, and would exhaust the stack. */
export const MAX_EXPR_DEPTH = 64;
let depth = 0;

export function readExpr(v: Json, path: string, problems: JsonProblems): NftExpr {
  if (depth >= MAX_EXPR_DEPTH) return unknown('nesting', '…', path, problems, `expressions nested deeper than ${MAX_EXPR_DEPTH} levels`);
  depth++;
  try {
    return readExprAt(v, path, problems);
  } finally {
    depth--;
  }
}

function readExprAt(v: Json, path: string, problems: JsonProblems): NftExpr {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return v;
    return unknown('number', v, path, problems, `expected a finite number, found ${String(v)}`);
  }
  if (Array.isArray(v)) return readList(v, path, problems);
  const key = soleKey(v);
  if (key === null) return unknown('object', v, path, problems, `expected an expression object with one key, found ${clipJson(v)}`);
  const body = (v as Record<string, Json>)[key];
  const at = keyPath(path, key);
  if (VERDICTS_NULL.has(key)) return body === null ? (v as NftExpr) : unknown(key, v, at, problems, `expected null after "${key}"`);
  if (key === 'jump' || key === 'goto') {
    return isObject(body) && typeof body.target === 'string' ? (v as NftExpr) : unknown(key, v, at, problems, `expected {"target": chain name}`);
  }
  if (BINOPS.has(key)) {
    if (!Array.isArray(body) || body.length !== 2) return unknown(key, v, at, problems, `expected two operands for "${key}"`);
    return { [key]: [readExpr(body[0], `${at}[0]`, problems), readExpr(body[1], `${at}[1]`, problems)] } as NftExpr;
  }
  if (KEYED_EXPRS.has(key)) {
    return isObject(body) && typeof body.key === 'string' ? (v as NftExpr) : unknown(key, v, at, problems, `expected {"key": name} for "${key}"`);
  }
  switch (key) {
    case 'concat':
      if (!Array.isArray(body)) return unknown(key, v, at, problems, 'expected a list of expressions in "concat"');
      return { concat: body.map((e, i) => readExpr(e, `${at}[${i}]`, problems)) };
    case 'set':
      if (Array.isArray(body)) return { set: readList(body, at, problems) as NftExpr[] };
      return { set: readExpr(body, at, problems) };
    case 'map':
      if (!isObject(body) || !('key' in body) || !('data' in body)) return unknown(key, v, at, problems, 'expected {"key", "data"} in "map"');
      return { map: { key: readExpr(body.key, `${at}.key`, problems), data: readExpr(body.data, `${at}.data`, problems) } };
    case 'prefix':
      if (!isObject(body) || !isSmallInt(body.len)) return unknown(key, v, at, problems, 'expected {"addr", "len"} in "prefix"');
      return { prefix: { addr: readExpr(body.addr, `${at}.addr`, problems), len: body.len as number } };
    case 'range':
      if (!Array.isArray(body) || body.length !== 2) return unknown(key, v, at, problems, 'expected [low, high] in "range"');
      return { range: [readExpr(body[0], `${at}[0]`, problems), readExpr(body[1], `${at}[1]`, problems)] };
    case 'payload':
      if (isObject(body) && typeof body.protocol === 'string' && typeof body.field === 'string') return v as NftExpr;
      if (isObject(body) && typeof body.base === 'string' && isSmallInt(body.offset) && isSmallInt(body.len)) return v as NftExpr;
      return unknown(key, v, at, problems, 'expected {"protocol", "field"} or {"base", "offset", "len"} in "payload"');
    case 'exthdr':
    case 'tcp option':
    case 'sctp chunk':
      return isObject(body) && typeof body.name === 'string' ? (v as NftExpr) : unknown(key, v, at, problems, `expected {"name"} in "${key}"`);
    case 'numgen':
      if (isObject(body) && (body.mode === 'random' || body.mode === 'inc') && isPositiveInt(body.mod) && optionalInt(body.offset)) return v as NftExpr;
      return unknown(key, v, at, problems, 'expected {"mode": "random"|"inc", "mod": N} in "numgen"');
    case 'jhash':
      if (!isObject(body) || !isPositiveInt(body.mod)) return unknown(key, v, at, problems, 'expected {"mod", "expr"} in "jhash"');
      return { jhash: { ...(body as object), mod: body.mod as number, expr: readExpr(body.expr, `${at}.expr`, problems) } };
    case 'symhash':
      return isObject(body) && isPositiveInt(body.mod) ? (v as NftExpr) : unknown(key, v, at, problems, 'expected {"mod"} in "symhash"');
    case 'fib':
      if (isObject(body) && (body.result === 'oif' || body.result === 'oifname' || body.result === 'type') && stringList(body.flags)) {
        return { fib: { result: body.result, flags: Array.isArray(body.flags) ? (body.flags as string[]) : [body.flags as string] } };
      }
      return unknown(key, v, at, problems, 'expected {"result": oif|oifname|type, "flags": [...]} in "fib"');
    case 'elem':
      if (!isObject(body) || !('val' in body)) return unknown(key, v, at, problems, 'expected {"val"} in "elem"');
      return { elem: { ...(body as object), val: readExpr(body.val, `${at}.val`, problems) } };
    default:
      return unknown(key, v, at, problems, `unknown expression "${key}"`);
  }
}

function readList(list: Json[], path: string, problems: JsonProblems): NftExpr[] {
  const out: NftExpr[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = readExpr(list[i], `${path}[${i}]`, problems);
  return out;
}

const NAT_KEYS = new Set(['snat', 'dnat']);
const MASQ_KEYS = new Set(['masquerade', 'redirect']);

export function readStatement(v: Json, path: string, problems: JsonProblems): NftStatement {
  const key = soleKey(v);
  if (key === null) return unknown('object', v, path, problems, `expected a statement object with one key, found ${clipJson(v)}`);
  const body = (v as Record<string, Json>)[key];
  const at = keyPath(path, key);
  if (VERDICTS_NULL.has(key) || key === 'jump' || key === 'goto') return readExpr(v, path, problems) as NftStatement;
  if (NAT_KEYS.has(key)) {
    if (!isObject(body)) return unknown(key, v, at, problems, `expected an object after "${key}"`);
    const nat: Record<string, Json> = { ...body };
    if ('addr' in body) nat.addr = readExpr(body.addr, `${at}.addr`, problems);
    if ('port' in body) nat.port = readExpr(body.port, `${at}.port`, problems);
    if (!flagsOk(body.flags)) return unknown(key, v, `${at}.flags`, problems, 'expected a flag name or a list of them');
    return { [key]: nat } as NftStatement;
  }
  if (MASQ_KEYS.has(key)) {
    if (body === null) return v as NftStatement;
    if (!isObject(body)) return unknown(key, v, at, problems, `expected null or an object after "${key}"`);
    if (!flagsOk(body.flags)) return unknown(key, v, `${at}.flags`, problems, 'expected a flag name or a list of them');
    return { [key]: 'port' in body ? { ...body, port: readExpr(body.port, `${at}.port`, problems) } : body } as NftStatement;
  }
  switch (key) {
    case 'match': {
      if (!isObject(body) || typeof body.op !== 'string' || !('left' in body) || !('right' in body)) {
        return unknown(key, v, at, problems, 'expected {"op", "left", "right"} in "match"');
      }
      if (!MATCH_OPS.has(body.op)) return unknown(key, v, `${at}.op`, problems, `unknown match operator "${body.op}"`);
      return {
        match: { op: body.op as never, left: readExpr(body.left, `${at}.left`, problems), right: readExpr(body.right, `${at}.right`, problems) },
      };
    }
    case 'counter':
      if (body === null || typeof body === 'string' || isObject(body)) return v as NftStatement;
      return unknown(key, v, at, problems, 'expected {"packets", "bytes"} or a counter name');
    case 'mangle':
      if (!isObject(body) || !('key' in body) || !('value' in body)) return unknown(key, v, at, problems, 'expected {"key", "value"} in "mangle"');
      return { mangle: { key: readExpr(body.key, `${at}.key`, problems), value: readExpr(body.value, `${at}.value`, problems) } };
    case 'vmap':
      if (!isObject(body) || !('key' in body) || !('data' in body)) return unknown(key, v, at, problems, 'expected {"key", "data"} in "vmap"');
      return { vmap: { key: readExpr(body.key, `${at}.key`, problems), data: readExpr(body.data, `${at}.data`, problems) } };
    case 'reject':
    case 'log':
      return body === null || isObject(body) ? (v as NftStatement) : unknown(key, v, at, problems, `expected null or an object after "${key}"`);
    case 'notrack':
      return v as NftStatement;
    case 'set':
      if (!isObject(body) || typeof body.set !== 'string' || typeof body.op !== 'string') return unknown(key, v, at, problems, 'expected {"op", "elem", "set"} in a set statement');
      return { set: { ...(body as object), op: body.op as never, set: body.set, elem: readExpr(body.elem, `${at}.elem`, problems) } };
    case 'map':
      if (!isObject(body) || typeof body.map !== 'string') return unknown(key, v, at, problems, 'expected {"op", "elem", "data", "map"} in a map statement');
      return v as NftStatement;
    case 'limit':
    case 'quota':
    case 'ct helper':
    case 'ct count':
    case 'queue':
    case 'fwd':
    case 'dup':
    case 'tproxy':
    case 'meter':
    case 'xt':
      // Listed for completeness: none of these changes addresses; the simulator decides how each is evaluated.
      return v as NftStatement;
    default:
      return unknown(key, v, at, problems, `unknown statement "${key}"`);
  }
}

function isSmallInt(v: Json): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}

function isPositiveInt(v: Json): boolean {
  return isSmallInt(v) && (v as number) > 0;
}

function optionalInt(v: Json): boolean {
  return v === undefined || isSmallInt(v);
}

function stringList(v: Json): boolean {
  return typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
}

function flagsOk(v: Json): boolean {
  return v === undefined || stringList(v);
}

/** `path.name` for plain keys, `path["tcp option"]` for keys with spaces or symbols, as JSON path tools write them. */
export function keyPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
