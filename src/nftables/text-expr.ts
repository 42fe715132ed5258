// Expressions of nft rule text, read into the libnftables JSON shapes (`man libnftables-json`):
// the left side of a match (`ip daddr`, `meta l4proto . th dport`, `meta mark & 0xff`), and the
// values on the right (`10.0.0.0/8`, `{ tcp, udp }`, `@set`, `established,related`,
// `1.2.3.4 . tcp . 80`), set and map bodies, verdicts as map data.

import { TokenKind } from './text-lexer.js';
import { TokenCursor } from './text-cursor.js';
import { readDuration, readInteger, readValueWord, type NftValue } from './text-values.js';

/** Protocol headers and the fields nft prints for them (payload expressions). */
const PAYLOAD_FIELDS: Record<string, ReadonlySet<string>> = {
  ether: new Set(['daddr', 'saddr', 'type']),
  vlan: new Set(['id', 'cfi', 'dei', 'pcp', 'type']),
  arp: new Set(['htype', 'ptype', 'hlen', 'plen', 'operation']),
  ip: new Set(['version', 'hdrlength', 'dscp', 'ecn', 'length', 'id', 'frag-off', 'ttl', 'protocol', 'checksum', 'saddr', 'daddr']),
  ip6: new Set(['version', 'dscp', 'ecn', 'flowlabel', 'length', 'nexthdr', 'hoplimit', 'saddr', 'daddr']),
  icmp: new Set(['type', 'code', 'checksum', 'id', 'sequence', 'gateway', 'mtu']),
  icmpv6: new Set(['type', 'code', 'checksum', 'parameter-problem', 'packet-too-big', 'id', 'sequence', 'max-delay']),
  igmp: new Set(['type', 'mrt', 'checksum', 'group']),
  tcp: new Set(['sport', 'dport', 'sequence', 'ackseq', 'doff', 'reserved', 'flags', 'window', 'checksum', 'urgptr']),
  udp: new Set(['sport', 'dport', 'length', 'checksum']),
  udplite: new Set(['sport', 'dport', 'csumcov', 'checksum']),
  sctp: new Set(['sport', 'dport', 'vtag', 'checksum']),
  dccp: new Set(['sport', 'dport', 'type']),
  th: new Set(['sport', 'dport']),
  ah: new Set(['nexthdr', 'hdrlength', 'reserved', 'spi', 'sequence']),
  esp: new Set(['spi', 'sequence']),
  comp: new Set(['nexthdr', 'flags', 'cpi']),
  gre: new Set(['version', 'flags', 'protocol']),
};

const TCP_OPTION_FIELDS = new Set(['kind', 'length', 'size', 'count', 'left', 'right', 'tsval', 'tsecr', 'value']);

/** Meta keys nft prints without the `meta` prefix. */
const BARE_META_KEYS = new Set([
  'iif', 'iifname', 'iiftype', 'oif', 'oifname', 'oiftype', 'mark', 'skuid', 'skgid', 'nftrace', 'rtclassid',
  'ibriport', 'obriport', 'ibrname', 'obrname', 'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup', 'ipsec',
]);
const META_KEYS = new Set([
  ...BARE_META_KEYS, 'length', 'protocol', 'priority', 'nfproto', 'l4proto', 'random', 'secpath', 'iifkind', 'oifkind',
  'ibrpvid', 'ibrvproto', 'time', 'day', 'hour', 'secmark', 'sdif', 'sdifname', 'broute',
]);
const CT_KEYS = new Set([
  'state', 'direction', 'status', 'mark', 'expiration', 'helper', 'label', 'l3proto', 'protocol', 'saddr', 'daddr',
  'proto-src', 'proto-dst', 'bytes', 'packets', 'avgpkt', 'zone', 'event', 'secmark', 'id', 'ip saddr', 'count',
]);
const CT_DIRECTIONS = new Set(['original', 'reply']);
const FIB_FLAGS = new Set(['saddr', 'daddr', 'mark', 'iif', 'oif']);
const FIB_RESULTS = new Set(['oif', 'oifname', 'type']);
const RT_KEYS = new Set(['classid', 'nexthop', 'mtu', 'ipsec']);
const SOCKET_KEYS = new Set(['transparent', 'mark', 'wildcard', 'cgroupv2']);
const BINARY_OPS = new Set(['&', '|', '^', '<<', '>>']);
/** nft -f also takes words for the bitwise operators (kube-proxy writes `mark set mark or 0x4000`). */
const BINARY_OP_WORDS: Record<string, string> = { and: '&', or: '|', xor: '^', lshift: '<<', rshift: '>>' };
export const RELATIONAL_OPS = new Set(['==', '!=', '<', '>', '<=', '>=']);
const VERDICT_WORDS = new Set(['accept', 'drop', 'continue', 'return', 'queue']);

/** Left sides whose values are bit sets: a bare value matches with `in` (any of the bits). */
export function isBitmaskExpr(expr: NftValue): boolean {
  if (typeof expr !== 'object' || expr === null || Array.isArray(expr)) return false;
  const ct = (expr as { ct?: { key?: string } }).ct;
  if (ct !== undefined) return ct.key === 'state' || ct.key === 'status' || ct.key === 'event';
  const payload = (expr as { payload?: { protocol?: string; field?: string } }).payload;
  if (payload !== undefined) return payload.field === 'flags' && (payload.protocol === 'tcp' || payload.protocol === 'comp');
  return false;
}

/** Does an expression (left side of a match or statement) start here? */
export function startsExpression(c: TokenCursor): boolean {
  const w = c.peekWord();
  if (w === undefined) return false;
  if (w === 'meta' || w === 'ct' || w === 'fib' || w === 'numgen' || w === 'rt' || w === 'socket' || w === 'jhash' || w === 'symhash') {
    return true;
  }
  if (BARE_META_KEYS.has(w)) return true;
  if (w === 'tcp' && c.isWord('option', 1)) return true;
  const fields = PAYLOAD_FIELDS[w];
  if (fields !== undefined) {
    const f = c.peekWord(1);
    return f !== undefined && fields.has(f);
  }
  return false;
}

/** One left-hand primary: payload, meta, ct, fib, numgen, rt, socket, jhash/symhash. */
export function parsePrimary(c: TokenCursor): NftValue {
  const w = c.peekWord();
  if (w === undefined) throw c.stop('an expression');
  // `tcp option maxseg size` (TCP MSS clamping writes it): name, then a field when one follows.
  if (w === 'tcp' && c.isWord('option', 1)) {
    c.pos += 2;
    const name = c.nextName('a TCP option name');
    const field = c.peekWord();
    if (field !== undefined && TCP_OPTION_FIELDS.has(field)) {
      c.next();
      return { 'tcp option': { name, field } };
    }
    return { 'tcp option': { name } };
  }
  const fields = PAYLOAD_FIELDS[w];
  if (fields !== undefined && fields.has(c.peekWord(1) ?? '')) {
    c.next();
    const field = c.next().text;
    return { payload: { protocol: w, field } };
  }
  if (BARE_META_KEYS.has(w)) {
    c.next();
    return { meta: { key: w } };
  }
  c.next();
  switch (w) {
    case 'meta': {
      const key = c.nextName('a meta key');
      if (!META_KEYS.has(key)) throw c.stop(`a known meta key (not "${key}")`);
      return { meta: { key } };
    }
    case 'ct': {
      let dir: string | undefined;
      let key = c.nextName('a ct key');
      if (CT_DIRECTIONS.has(key)) {
        dir = key;
        key = c.nextName('a ct key');
      }
      if (key === 'ip' || key === 'ip6') key = `${key} ${c.nextName('saddr or daddr')}`;
      if (!CT_KEYS.has(key) && !key.includes(' ')) throw c.stop(`a known ct key (not "${key}")`);
      return dir === undefined ? { ct: { key } } : { ct: { key, dir } };
    }
    case 'fib': {
      const flags: string[] = [];
      for (;;) {
        const f = c.nextName('a fib flag (saddr, daddr, mark, iif, oif)');
        if (!FIB_FLAGS.has(f)) throw c.stop('a fib flag (saddr, daddr, mark, iif, oif)');
        flags.push(f);
        if (!c.acceptWord('.')) break;
      }
      const result = c.nextName('a fib result (oif, oifname, type)');
      if (!FIB_RESULTS.has(result)) throw c.stop('a fib result (oif, oifname, type)');
      return { fib: { result, flags } };
    }
    case 'numgen': {
      const mode = c.nextName('random or inc');
      c.expectWord('mod');
      const mod = integerWord(c, 'the numgen modulus');
      let offset = 0;
      if (c.acceptWord('offset')) offset = integerWord(c, 'the numgen offset');
      return { numgen: { mode, mod, offset } };
    }
    case 'jhash':
    case 'symhash': {
      const out: Record<string, NftValue> = {};
      if (w === 'jhash') out.expr = parseConcat(c);
      c.expectWord('mod');
      out.mod = integerWord(c, 'the hash modulus');
      if (c.acceptWord('seed')) out.seed = integerWord(c, 'the hash seed');
      if (c.acceptWord('offset')) out.offset = integerWord(c, 'the hash offset');
      return { [w]: out };
    }
    case 'rt': {
      let family: string | undefined;
      if (c.isWord('ip') || c.isWord('ip6')) family = c.next().text;
      const key = c.nextName('an rt key');
      if (!RT_KEYS.has(key)) throw c.stop('an rt key (classid, nexthop, mtu, ipsec)');
      return family === undefined ? { rt: { key } } : { rt: { key, family } };
    }
    case 'socket': {
      const key = c.nextName('a socket key');
      if (!SOCKET_KEYS.has(key)) throw c.stop('a socket key (transparent, mark, wildcard)');
      return { socket: { key } };
    }
    default:
      c.pos--;
      throw c.stop('an expression');
  }
}

/** A primary with bitwise operators: `meta mark & 0xff00 | 0x1`, `ip6 daddr & ::ffff`. */
export function parseBinary(c: TokenCursor): NftValue {
  let left = parsePrimary(c);
  for (;;) {
    const word = c.peekWord();
    const op = word === undefined ? undefined : (BINARY_OP_WORDS[word] ?? word);
    if (op === undefined || !BINARY_OPS.has(op)) return left;
    c.next();
    const right = startsExpression(c) ? parsePrimary(c) : parseValueAtom(c);
    left = { [op]: [left, right] };
  }
}

/** `a . b . c` of left-hand expressions; one expression stays itself. */
export function parseConcat(c: TokenCursor): NftValue {
  const first = parseBinary(c);
  if (!c.isWord('.')) return first;
  const parts: NftValue[] = [first];
  while (c.acceptWord('.')) parts.push(parseBinary(c));
  return { concat: parts };
}

/** One right-hand value: a word (number, address, prefix, range, symbol), a string, `@set`, `*`. */
export function parseValueAtom(c: TokenCursor): NftValue {
  const t = c.peek();
  if (t === undefined) throw c.stop('a value');
  let value: NftValue;
  if (t.kind === TokenKind.String) {
    c.next();
    value = t.text;
  } else if (t.kind === TokenKind.Word) {
    c.next();
    value = readValueWord(t.text);
  } else {
    throw c.stop('a value');
  }
  // A range printed with a spaced or quoted dash: `"21:51:23"-"23:51:23"`.
  if (c.isWord('-') && (c.isKind(TokenKind.String, 1) || c.isKind(TokenKind.Word, 1))) {
    c.next();
    const high = c.next();
    value = { range: [value, high.kind === TokenKind.Word ? readValueWord(high.text) : high.text] };
  } else if (t.kind === TokenKind.String && c.peekWord()?.startsWith('-') && c.peekWord()!.length > 1) {
    const high = c.next().text.slice(1);
    value = { range: [value, readValueWord(high)] };
  }
  return value;
}

/** The right side of a match: a set, `@name`, a comma list of flags, a concatenation of values. */
export function parseRhs(c: TokenCursor): NftValue {
  if (c.isKind(TokenKind.LBrace)) return { set: parseBraceElements(c, false) };
  const first = parseValueAtom(c);
  if (c.isKind(TokenKind.Comma)) {
    const list: NftValue[] = [first];
    while (c.isKind(TokenKind.Comma)) {
      c.next();
      list.push(parseValueAtom(c));
    }
    return list;
  }
  if (!c.isWord('.')) return first;
  const parts: NftValue[] = [first];
  while (c.acceptWord('.')) parts.push(parseValueAtom(c));
  return { concat: parts };
}

/** Map data: a verdict (vmap) or a value, possibly a concatenation or an interval. */
function parseMapData(c: TokenCursor): NftValue {
  const w = c.peekWord();
  if (w !== undefined && (VERDICT_WORDS.has(w) || w === 'jump' || w === 'goto')) return parseVerdict(c);
  const first = parseValueAtom(c);
  if (!c.isWord('.')) return first;
  const parts: NftValue[] = [first];
  while (c.acceptWord('.')) parts.push(parseValueAtom(c));
  return { concat: parts };
}

export function parseVerdict(c: TokenCursor): NftValue {
  const w = c.nextName('a verdict');
  if (w === 'jump' || w === 'goto') return { [w]: { target: c.nextName('a chain name') } };
  if (VERDICT_WORDS.has(w)) return { [w]: null };
  c.pos--;
  throw c.stop('a verdict (accept, drop, continue, return, jump, goto)');
}

/**
 * `{ e1, e2 : d2, … }` as a JSON element list. Elements with options (`timeout`, `expires`,
 * `comment`, `counter`) become `{elem: {val, …}}`; map entries become `[key, data]` pairs.
 */
export function parseBraceElements(c: TokenCursor, isMapBody: boolean): NftValue[] {
  c.expectKind(TokenKind.LBrace, '"{"');
  c.enter();
  const out: NftValue[] = [];
  for (;;) {
    c.skipNewlines();
    if (c.isKind(TokenKind.RBrace)) break;
    let key: NftValue;
    if (c.isKind(TokenKind.LBrace)) key = { set: parseBraceElements(c, false) };
    else {
      key = parseValueAtom(c);
      if (c.isWord('.')) {
        const parts: NftValue[] = [key];
        while (c.acceptWord('.')) {
          c.skipNewlines();
          parts.push(parseValueAtom(c));
        }
        key = { concat: parts };
      }
    }
    key = readElementOptions(c, key);
    if (c.acceptWord(':')) {
      c.skipNewlines();
      out.push([key, parseMapData(c)]);
    } else {
      if (isMapBody) throw c.stop('":" and the mapped value');
      out.push(key);
    }
    c.skipNewlines();
    if (c.isKind(TokenKind.Comma)) {
      c.next();
      continue;
    }
    if (!c.isKind(TokenKind.RBrace)) throw c.stop('"," or "}"');
  }
  c.next();
  c.leave();
  return out;
}

function readElementOptions(c: TokenCursor, val: NftValue): NftValue {
  let elem: Record<string, NftValue> | null = null;
  for (;;) {
    const w = c.peekWord();
    if (w === 'timeout' || w === 'expires') {
      c.next();
      const d = readDuration(c.nextName(`a ${w} duration`));
      if (d === null) throw c.stop(`a ${w} duration such as 10s or 3h`);
      (elem ??= { val })[w] = Math.floor(d);
    } else if (w === 'counter') {
      c.next();
      let counter: NftValue = null;
      if (c.acceptWord('packets')) {
        const packets = integerWord(c, 'a packet count');
        c.expectWord('bytes');
        counter = { packets, bytes: integerWord(c, 'a byte count') };
      }
      (elem ??= { val }).counter = counter;
    } else if (c.isKind(TokenKind.Word) && w === 'comment') {
      c.next();
      (elem ??= { val }).comment = c.nextName('the comment text');
    } else break;
  }
  return elem === null ? val : { elem };
}

export function integerWord(c: TokenCursor, what: string): number {
  const t = c.peek();
  const n = t !== undefined && t.kind === TokenKind.Word ? readInteger(t.text) : null;
  if (n === null) throw c.stop(what);
  c.next();
  return n;
}
