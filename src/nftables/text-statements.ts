// The statements of one rule, left to right, into libnftables JSON statements: matches,
// verdicts, NAT (`dnat to`, `snat ip to ip saddr map {…}`, `masquerade to :ports random`),
// `meta mark set …` (mangle), vmaps, set updates, counters, logs, limits. A statement this
// reader does not know ends the readable part: the rest of the rule is kept as one
// `{unknown: text}` statement, so the simulator treats the rule as unknown instead of guessing.

import { TokenKind } from './text-lexer.js';
import { ParseStop, TokenCursor } from './text-cursor.js';
import {
  RELATIONAL_OPS,
  integerWord,
  isBitmaskExpr,
  parseBinary,
  parseBraceElements,
  parseConcat,
  parseRhs,
  parseValueAtom,
  parseVerdict,
  startsExpression,
} from './text-expr.js';
import { isAddress, readDuration, readInteger, readValueWord, type NftValue } from './text-values.js';

export interface ParsedRuleBody {
  expr: NftValue[];
  comment: string | null;
  /** Why the rest of the rule became an unknown statement (null when all of it was read). */
  unknownReason: string | null;
}

const NAT_FLAGS = new Set(['random', 'fully-random', 'persistent', 'netmap']);

/** Reads statements until the cursor's end. `family` decides what a bare `reject` means. */
export function parseRuleBody(c: TokenCursor, family: string, renderRest: (from: number, to: number) => string): ParsedRuleBody {
  const expr: NftValue[] = [];
  let comment: string | null = null;
  while (!c.atEnd()) {
    const start = c.pos;
    if (c.isWord('comment') && c.isKind(TokenKind.String, 1)) {
      c.next();
      comment = c.next().text;
      continue;
    }
    try {
      expr.push(parseStatement(c, family));
    } catch (err) {
      if (!(err instanceof ParseStop)) throw err;
      c.pos = start;
      // Keep a trailing comment out of the unknown text: it still names the rule.
      let end = c.end;
      if (end - 2 >= start && c.tokens[end - 2]!.kind === TokenKind.Word && c.tokens[end - 2]!.text === 'comment' && c.tokens[end - 1]!.kind === TokenKind.String) {
        comment = c.tokens[end - 1]!.text;
        end -= 2;
      }
      const text = renderRest(start, end);
      expr.push({ unknown: { key: c.tokens[start]!.text, json: null, text } });
      c.pos = c.end;
      return { expr, comment, unknownReason: err.message };
    }
  }
  return { expr, comment, unknownReason: null };
}

function parseStatement(c: TokenCursor, family: string): NftValue {
  const w = c.peekWord();
  if (w === undefined) throw c.stop('a statement');
  if (startsExpression(c)) return parseExpressionStatement(c);
  switch (w) {
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
    case 'jump':
    case 'goto':
      return parseVerdict(c);
    case 'counter':
      return parseCounter(c);
    case 'notrack':
      c.next();
      return { notrack: null };
    case 'reject':
      return parseReject(c, family);
    case 'dnat':
    case 'snat':
      return parseNat(c, w);
    case 'masquerade':
    case 'redirect':
      return parseMasqueradeOrRedirect(c, w);
    case 'log':
      return parseLog(c);
    case 'limit':
      return parseLimit(c);
    case 'add':
    case 'update':
    case 'delete':
      if (c.peekWord(1)?.startsWith('@')) return parseSetStatement(c);
      break;
    default:
      break;
  }
  throw c.stop('a statement natpath knows');
}

function parseExpressionStatement(c: TokenCursor): NftValue {
  const left = parseConcat(c);
  if (c.acceptWord('set')) return { mangle: { key: left, value: parseStatementValue(c) } };
  if (c.acceptWord('vmap')) return { vmap: { key: left, data: parseMapRef(c) } };
  let op: string | undefined;
  const w = c.peekWord();
  if (w !== undefined && RELATIONAL_OPS.has(w)) {
    op = w;
    c.next();
  }
  if (c.atEnd()) throw c.stop('a value to compare with');
  let right = parseRhs(c);
  // `tcp flags syn / fin,syn,rst,ack`: the flags under the mask equal the value.
  if (c.acceptWord('/')) {
    const mask = parseRhs(c);
    return { match: { op: op ?? '==', left: { '&': [left, mask] }, right } };
  }
  // `fib … oif missing`, `exthdr … exists`: nft -j writes the boolean.
  if (right === 'missing' || right === 'exists') right = right === 'exists';
  // A bare flag value (`ct state new`) or flag list (`established,related`) matches any of the bits;
  // a set of flag values is a set membership like any other.
  if (op === undefined) op = (isBitmaskExpr(left) && !isSet(right)) || Array.isArray(right) ? 'in' : '==';
  return { match: { op, left, right } };
}

/** After `set`: an expression (`meta mark | 0x4000`) or a value. */
function parseStatementValue(c: TokenCursor): NftValue {
  if (startsExpression(c)) {
    const left = parseBinary(c);
    if (c.acceptWord('map')) return { map: { key: left, data: parseMapRef(c) } };
    return left;
  }
  return parseValueAtom(c);
}

/** `@name` or an anonymous `{ k : v, … }` as the data of a map or vmap. */
function parseMapRef(c: TokenCursor): NftValue {
  if (c.isKind(TokenKind.LBrace)) return { set: parseBraceElements(c, true) };
  const name = c.nextName('"@map" or "{"');
  if (!name.startsWith('@')) {
    c.pos--;
    throw c.stop('"@map" or "{"');
  }
  return name;
}

function isSet(v: NftValue): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'set' in v;
}

function parseCounter(c: TokenCursor): NftValue {
  c.next();
  // `counter name "x"`; `counter name ip saddr map {…}` (an object map) is not read.
  if (c.isWord('name') && !startsExpression(offsetCursor(c, 1))) {
    c.next();
    return { counter: c.nextName('a counter name') };
  }
  if (c.acceptWord('packets')) {
    const packets = integerWord(c, 'a packet count');
    c.expectWord('bytes');
    return { counter: { packets, bytes: integerWord(c, 'a byte count') } };
  }
  return { counter: null };
}

function parseReject(c: TokenCursor, family: string): NftValue {
  c.next();
  if (!c.acceptWord('with')) {
    const type = family === 'ip' ? 'icmp' : family === 'ip6' ? 'icmpv6' : 'icmpx';
    return { reject: { type, expr: 'port-unreachable' } };
  }
  const kind = c.nextName('icmp, icmpv6, icmpx or tcp');
  if (kind === 'tcp') {
    c.expectWord('reset');
    return { reject: { type: 'tcp reset' } };
  }
  if (kind !== 'icmp' && kind !== 'icmpv6' && kind !== 'icmpx') throw c.stop('icmp, icmpv6, icmpx or tcp');
  c.acceptWord('type');
  return { reject: { type: kind, expr: c.nextName('an ICMP reject code') } };
}

/**
 * `dnat [ip|ip6] [addr . port|prefix] to ADDR[:PORT] [flags]`, where ADDR/PORT may be ranges, and
 * `to` may take an expression mapped through a map: `dnat ip to ip daddr . tcp dport map @m`.
 */
function parseNat(c: TokenCursor, kind: 'dnat' | 'snat'): NftValue {
  c.next();
  const out: Record<string, NftValue> = {};
  if (c.isWord('ip') || c.isWord('ip6')) out.family = c.next().text;
  const typeFlags: string[] = [];
  if (c.isWord('addr') && c.isWord('.', 1) && c.isWord('port', 2)) {
    c.pos += 3;
    typeFlags.push('addr', 'port');
  } else if (c.acceptWord('prefix')) typeFlags.push('prefix');
  // nft before 1.0 (and fw4 scripts) also write `dnat 10.0.0.1:80` without `to`.
  c.acceptWord('to');
  if (startsExpression(c)) {
    const key = parseConcat(c);
    c.expectWord('map');
    out.addr = { map: { key, data: parseMapRef(c) } };
  } else readNatTarget(c, out, false);
  readNatFlags(c, out);
  // `snat ip prefix to …` is the kernel's netmap mode.
  if (typeFlags[0] === 'prefix' && out.flags === undefined) out.flags = 'netmap';
  if (typeFlags.length === 1) out.type_flags = typeFlags[0]!;
  else if (typeFlags.length > 1) out.type_flags = typeFlags;
  return { [kind]: out };
}

/** `10.0.0.1`, `10.0.0.1:80`, `[fe80::1]:80`, `10.0.0.1-10.0.0.9:80-90`, `:80` (portOnly). */
function readNatTarget(c: TokenCursor, out: Record<string, NftValue>, portOnly: boolean): void {
  const word = c.nextName('a NAT address');
  let addr = word;
  let port: string | null = null;
  if (word.startsWith('[')) {
    const close = word.indexOf(']');
    if (close < 0) throw c.stop('"]" closing the IPv6 address');
    addr = word.slice(1, close);
    if (word[close + 1] === ':') port = word.slice(close + 2);
  } else if (word.startsWith(':') && !word.startsWith('::')) {
    addr = '';
    port = word.slice(1);
  } else if (portOnly && readValueWord(word) !== word) {
    // fw4 scripts write `redirect to 26` for `redirect to :26`.
    addr = '';
    port = word;
  } else if (!word.includes('::') && (word.match(/:/g)?.length ?? 0) === 1) {
    const colon = word.indexOf(':');
    addr = word.slice(0, colon);
    port = word.slice(colon + 1);
  }
  if (addr !== '') {
    if (portOnly) throw c.stop('":port"');
    const value = readValueWord(addr);
    if (typeof value === 'string' && !isAddress(value)) {
      c.pos--;
      throw c.stop('a NAT address');
    }
    out.addr = value;
  }
  if (port !== null) {
    const value = readValueWord(port);
    if (typeof value === 'string') {
      c.pos--;
      throw c.stop('a port number or range');
    }
    out.port = value;
  }
}

function readNatFlags(c: TokenCursor, out: Record<string, NftValue>): void {
  const flags: string[] = [];
  while (NAT_FLAGS.has(c.peekWord() ?? '')) {
    flags.push(c.next().text);
    if (c.isKind(TokenKind.Comma)) c.next();
  }
  if (flags.length === 1) out.flags = flags[0]!;
  else if (flags.length > 1) out.flags = flags;
}

function parseMasqueradeOrRedirect(c: TokenCursor, kind: 'masquerade' | 'redirect'): NftValue {
  c.next();
  const out: Record<string, NftValue> = {};
  if (c.acceptWord('to')) {
    if (startsExpression(c)) {
      const key = parseConcat(c);
      c.expectWord('map');
      out.port = { map: { key, data: parseMapRef(c) } };
    } else readNatTarget(c, out, true);
  }
  readNatFlags(c, out);
  return { [kind]: Object.keys(out).length === 0 ? null : out };
}

function parseLog(c: TokenCursor): NftValue {
  c.next();
  const out: Record<string, NftValue> = {};
  for (;;) {
    const w = c.peekWord();
    if (w === 'prefix') {
      c.next();
      out.prefix = c.nextName('the log prefix');
    } else if (w === 'level') {
      c.next();
      out.level = c.nextName('a log level');
    } else if (w === 'group' || w === 'snaplen' || w === 'queue-threshold') {
      c.next();
      out[w] = integerWord(c, `the log ${w}`);
    } else if (w === 'flags') {
      c.next();
      const flags: string[] = [c.nextName('a log flag')];
      // `flags tcp sequence,options`: the words up to the next statement.
      while (c.isKind(TokenKind.Comma) || ['sequence', 'options', 'uid', 'ether', 'all'].includes(c.peekWord() ?? '')) {
        if (c.isKind(TokenKind.Comma)) c.next();
        flags.push(c.nextName('a log flag'));
      }
      out.flags = flags;
    } else break;
  }
  return { log: Object.keys(out).length === 0 ? null : out };
}

/** `limit rate [over] 10/second [burst 5 packets]`, `limit rate 1 kbytes/second`. */
function parseLimit(c: TokenCursor): NftValue {
  c.next();
  if (c.isWord('name') && !startsExpression(offsetCursor(c, 1))) {
    c.next();
    return { limit: c.nextName('a limit name') };
  }
  c.expectWord('rate');
  const out: Record<string, NftValue> = {};
  if (c.acceptWord('over')) out.inv = true;
  let word = c.nextName('a rate such as 10/second');
  let rate: number | null;
  let per: string;
  const slash = word.indexOf('/');
  if (slash > 0) {
    rate = readInteger(word.slice(0, slash));
    per = word.slice(slash + 1);
  } else {
    rate = readInteger(word);
    word = c.nextName('a rate unit such as kbytes/second');
    const s = word.indexOf('/');
    if (s < 0) throw c.stop('a rate unit such as kbytes/second');
    out.rate_unit = word.slice(0, s);
    per = word.slice(s + 1);
  }
  if (rate === null) throw c.stop('a rate such as 10/second');
  out.rate = rate;
  out.per = per;
  if (c.acceptWord('burst')) {
    out.burst = integerWord(c, 'the burst size');
    const unit = c.peekWord();
    if (unit === 'packets') c.next();
    else if (unit === 'bytes' || unit === 'kbytes' || unit === 'mbytes') out.burst_unit = c.next().text;
  } else if (out.rate_unit === undefined) {
    // nft leaves the kernel's default burst out of the text: 5 packets, or 0 bytes for byte rates.
    out.burst = 5;
  } else {
    out.burst = 0;
    out.burst_unit = 'bytes';
  }
  return { limit: out };
}

/** `update @set { ip saddr }`, `add @m { ip saddr timeout 1m : 0x1 }`. */
function parseSetStatement(c: TokenCursor): NftValue {
  const op = c.next().text;
  const set = c.next().text;
  c.expectKind(TokenKind.LBrace, '"{"');
  c.enter();
  let elem = startsExpression(c) ? parseConcat(c) : parseValueAtom(c);
  const options: Record<string, NftValue> = {};
  while (c.isWord('timeout') || c.isWord('expires')) {
    const key = c.next().text;
    const seconds = readDuration(c.nextName(`a ${key}`));
    if (seconds === null) throw c.stop(`a ${key} such as 30s`);
    options[key] = Math.floor(seconds);
  }
  if (Object.keys(options).length > 0) elem = { elem: { val: elem, ...options } };
  let data: NftValue | undefined;
  if (c.acceptWord(':')) data = startsExpression(c) ? parseConcat(c) : parseValueAtom(c);
  c.expectKind(TokenKind.RBrace, '"}"');
  c.leave();
  if (data !== undefined) return { map: { op, elem, data, map: set } };
  return { set: { op, elem, set } };
}

/** A cursor looking `offset` tokens ahead, for deciding what follows without moving. */
function offsetCursor(c: TokenCursor, offset: number): TokenCursor {
  return new TokenCursor(c.tokens, c.pos + offset, c.end);
}
