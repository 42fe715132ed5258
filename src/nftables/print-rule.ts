// Prints a rule of the model as `nft list ruleset` prints it (nft 1.0.6), without counter values and
// without `# handle N`: JSON dumps carry no text, and a report must cite a rule the way the user
// sees it on the host. Values are printed by what they are compared with — marks in nft's
// `0x%08x`, interface names quoted, `fib … oif` booleans as exists/missing — which the JSON
// leaves implicit.

import type { NftExpr, NftNatStatement, NftStatement } from './model.js';

/** How a value compared with (or written to) a key is spelled. */
type Style = 'plain' | 'mark' | 'hex' | 'string' | 'presence';
type Styles = Style | Style[];

const UNQUALIFIED_META = new Set(['iif', 'oif', 'iifname', 'oifname', 'iifgroup', 'oifgroup']);
const STRING_META = new Set(['iif', 'oif', 'time', 'hour', 'day', 'iifname', 'oifname', 'ibrname', 'obrname', 'ibriport', 'obriport', 'bri_iifname', 'bri_oifname', 'sdifname']);

/** The data type of a named map, when the caller knows the table (`mark`, `typeof meta mark`, `verdict` …), so map updates print their data as nft does. */
export type MapTypeLookup = (name: string) => string | string[] | null;

export function printRule(expr: readonly NftStatement[], comment: string | null, mapType: MapTypeLookup = () => null): string {
  const parts: string[] = [];
  for (const s of expr) {
    const text = printStatement(s, mapType);
    if (text !== '') parts.push(text);
  }
  if (comment !== null) parts.push(`comment ${quote(comment)}`);
  return parts.join(' ');
}

export function printStatement(s: NftStatement, mapType: MapTypeLookup = () => null): string {
  if ('match' in s) return printMatch(s.match.op, s.match.left, s.match.right);
  if ('counter' in s) return printCounter(s.counter);
  if ('mangle' in s) return `${printExpr(s.mangle.key)} set ${printExpr(s.mangle.value, styleOf(s.mangle.key))}`;
  if ('snat' in s) return printNat('snat', s.snat);
  if ('dnat' in s) return printNat('dnat', s.dnat);
  if ('masquerade' in s) return printPortAndFlags('masquerade', s.masquerade);
  if ('redirect' in s) return printPortAndFlags('redirect', s.redirect);
  if ('reject' in s) return printReject(s.reject);
  if ('notrack' in s) return 'notrack';
  if ('log' in s) return printLog(s.log);
  if ('vmap' in s) return `${printExpr(s.vmap.key)} vmap ${printExpr(s.vmap.data, styleOf(s.vmap.key))}`;
  if ('set' in s) return `${s.set.op} ${s.set.set} { ${printExpr(s.set.elem)} }`;
  if ('map' in s) return `${s.map.op} ${s.map.map} { ${printExpr(s.map.elem)} : ${printExpr(s.map.data, styleOfType(mapType(s.map.map.replace(/^@/, ''))))} }`;
  if ('limit' in s) return printLimit(s.limit);
  if ('quota' in s) return printQuota(s.quota);
  if ('ct helper' in s) return `ct helper set ${objectRef(s['ct helper'])}`;
  if ('ct count' in s) return `ct count ${s['ct count'].inv === true ? 'over ' : ''}${s['ct count'].val}`;
  if ('queue' in s) return `queue${s.queue.num !== undefined ? ` num ${printExpr(s.queue.num)}` : ''}${flagsText(s.queue.flags)}`;
  if ('fwd' in s) return `fwd to ${printExpr(s.fwd.dev, 'string')}`;
  if ('dup' in s) return `dup to ${printExpr(s.dup.addr)}${s.dup.dev !== undefined ? ` device ${printExpr(s.dup.dev, 'string')}` : ''}`;
  if ('tproxy' in s) return `tproxy${s.tproxy.family !== undefined ? ` ${s.tproxy.family}` : ''} to ${hostPort(s.tproxy.addr, s.tproxy.port)}`;
  if ('meter' in s) return `meter ${s.meter.name} { ${printExpr(s.meter.key)} ${printStatement(s.meter.stmt)} }`;
  if ('xt' in s) return `xt ${s.xt.type} ${quote(s.xt.name)}`;
  if ('unknown' in s) return s.unknown.text;
  return printExpr(s as NftExpr);
}

function printMatch(op: string, left: NftExpr, right: NftExpr): string {
  // A flag field under a mask of flags (`tcp flags & (fin|syn|rst|ack) == syn`) prints as nft 1.0.6
  // lists it: `tcp flags syn / fin,syn,rst,ack`.
  if (op === '==' && typeof left === 'object' && left !== null && !Array.isArray(left) && '&' in left && isFlagField(left['&'][0]) && typeof left['&'][1] !== 'number') {
    return `${printExpr(left['&'][0])} ${printExpr(right, styleOf(left['&'][0]))} / ${printExpr(left['&'][1], styleOf(left['&'][0]))}`;
  }
  const l = printExpr(left);
  const r = printExpr(right, styleOf(left));
  // nft omits the implicit `==` (and `in`) unless the left side is a binary operation (`meta mark & 0xff == 0x1`).
  if (op === 'in') return `${l} ${r}`;
  if (op === '==') return isBinop(left) ? `${l} == ${r}` : `${l} ${r}`;
  return `${l} ${op} ${r}`;
}

function isFlagField(e: NftExpr): boolean {
  return typeof e === 'object' && e !== null && !Array.isArray(e) && 'payload' in e && 'field' in e.payload && e.payload.field === 'flags' && e.payload.protocol === 'tcp';
}

function isBinop(e: NftExpr): boolean {
  return typeof e === 'object' && e !== null && !Array.isArray(e) && ('&' in e || '|' in e || '^' in e || '<<' in e || '>>' in e);
}

/** The spelling of values that meet `key` (compared with it, written to it, looked up by it). */
function styleOf(key: NftExpr): Styles {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'plain';
  if ('meta' in key) return key.meta.key === 'mark' ? 'mark' : STRING_META.has(key.meta.key) ? 'string' : 'plain';
  if ('ct' in key) return key.ct.key === 'mark' ? 'mark' : key.ct.key === 'helper' ? 'string' : 'plain';
  if ('socket' in key) return key.socket.key === 'mark' ? 'mark' : 'plain';
  if ('fib' in key) return key.fib.result === 'oif' ? 'presence' : key.fib.result === 'oifname' ? 'string' : 'plain';
  if ('concat' in key) return key.concat.map((k) => single(styleOf(k)));
  if ('&' in key) return styleOf(key['&'][0]);
  // A shifted mark is a plain integer to nft, printed in short hex.
  if ('>>' in key || '<<' in key) return single(styleOf('>>' in key ? key['>>'][0] : key['<<'][0])) === 'mark' ? 'hex' : 'plain';
  if ('|' in key) return styleOf(key['|'][0]);
  if ('^' in key) return styleOf(key['^'][0]);
  return 'plain';
}

/** Style of a set or map data type name (`mark`, `typeof meta mark`, `ifname` …). */
function styleOfType(type: string | string[] | null): Style {
  if (typeof type !== 'string') return 'plain';
  if (type === 'mark' || type === 'typeof meta mark' || type === 'typeof ct mark') return 'mark';
  return type === 'ifname' || type === 'string' ? 'string' : 'plain';
}

function single(s: Styles): Style {
  return Array.isArray(s) ? 'plain' : s;
}

export function printExpr(e: NftExpr, style: Styles = 'plain'): string {
  if (typeof e === 'string') return printString(e, single(style));
  if (typeof e === 'number') {
    const st = single(style);
    return st === 'mark' ? hex8(e) : st === 'hex' ? `0x${(e >>> 0).toString(16)}` : String(e);
  }
  if (typeof e === 'boolean') return single(style) === 'presence' ? (e ? 'exists' : 'missing') : String(e);
  if (Array.isArray(e)) {
    // A map element [key, data] inside a set list, or a flag list (`established,related`).
    return e.map((x) => printExpr(x, style)).join(',');
  }
  if ('concat' in e) return e.concat.map((x, i) => printExpr(x, Array.isArray(style) ? (style[i] ?? 'plain') : 'plain')).join(' . ');
  if ('set' in e) return printSet(e.set, style);
  if ('map' in e) return `${printExpr(e.map.key)} map ${printExpr(e.map.data, styleOf(e.map.key))}`;
  if ('prefix' in e) return `${printExpr(e.prefix.addr)}/${e.prefix.len}`;
  if ('range' in e) return `${printExpr(e.range[0], style)}-${printExpr(e.range[1], style)}`;
  if ('payload' in e) {
    const p = e.payload;
    return 'protocol' in p ? `${p.protocol} ${p.field}` : `@${p.base},${p.offset},${p.len}`;
  }
  if ('meta' in e) return UNQUALIFIED_META.has(e.meta.key) ? e.meta.key : `meta ${e.meta.key}`;
  if ('ct' in e) return ['ct', e.ct.dir, e.ct.family, e.ct.key].filter((x) => x !== undefined).join(' ');
  if ('rt' in e) return ['rt', e.rt.family, e.rt.key].filter((x) => x !== undefined).join(' ');
  if ('fib' in e) return `fib ${e.fib.flags.join(' . ')} ${e.fib.result}`;
  if ('numgen' in e) return `numgen ${e.numgen.mode} mod ${e.numgen.mod}${e.numgen.offset ? ` offset ${e.numgen.offset}` : ''}`;
  if ('jhash' in e) {
    const j = e.jhash;
    return `jhash ${printExpr(j.expr)} mod ${j.mod}${j.seed !== undefined ? ` seed 0x${j.seed.toString(16)}` : ''}${j.offset ? ` offset ${j.offset}` : ''}`;
  }
  if ('symhash' in e) return `symhash mod ${e.symhash.mod}${e.symhash.offset ? ` offset ${e.symhash.offset}` : ''}`;
  if ('exthdr' in e) return `${e.exthdr.name}${e.exthdr.field !== undefined ? ` ${e.exthdr.field}` : ''}`;
  if ('tcp option' in e) return `tcp option ${e['tcp option'].name}${e['tcp option'].field !== undefined ? ` ${e['tcp option'].field}` : ''}`;
  if ('sctp chunk' in e) return `sctp chunk ${e['sctp chunk'].name}${e['sctp chunk'].field !== undefined ? ` ${e['sctp chunk'].field}` : ''}`;
  if ('socket' in e) return `socket ${e.socket.key}`;
  if ('osf' in e) return `osf ${e.osf.ttl !== undefined ? `ttl ${e.osf.ttl} ` : ''}${e.osf.key}`;
  if ('ipsec' in e) return `ipsec ${e.ipsec.dir ?? 'in'} ${e.ipsec.key}`;
  if ('elem' in e) {
    const el = e.elem;
    let text = printExpr(el.val, style);
    if (el.timeout !== undefined) text += ` timeout ${formatSeconds(el.timeout)}`;
    if (el.expires !== undefined) text += ` expires ${formatSeconds(el.expires)}`;
    if (el.counter !== undefined) text += ' counter';
    if (el.comment !== undefined) text += ` comment ${quote(el.comment)}`;
    return text;
  }
  if ('&' in e) return `${printExpr(e['&'][0])} & ${printExpr(e['&'][1], styleOf(e['&'][0]))}`;
  if ('|' in e) return `${printExpr(e['|'][0])} | ${printExpr(e['|'][1], styleOf(e['|'][0]))}`;
  if ('^' in e) return `${printExpr(e['^'][0])} ^ ${printExpr(e['^'][1], styleOf(e['^'][0]))}`;
  if ('<<' in e) return `${printExpr(e['<<'][0])} << ${printExpr(e['<<'][1])}`;
  if ('>>' in e) return `${printExpr(e['>>'][0])} >> ${printExpr(e['>>'][1])}`;
  if ('accept' in e) return 'accept';
  if ('drop' in e) return 'drop';
  if ('continue' in e) return 'continue';
  if ('return' in e) return 'return';
  if ('jump' in e) return `jump ${e.jump.target}`;
  if ('goto' in e) return `goto ${e.goto.target}`;
  if ('unknown' in e) return e.unknown.text;
  return '?';
}

function printSet(body: NftExpr[] | NftExpr, style: Styles, dataStyle: Style = 'plain'): string {
  const items = Array.isArray(body) ? body : [body];
  const shown = items.map((item) => (Array.isArray(item) && item.length === 2 ? `${printExpr(item[0]!, style)} : ${printExpr(item[1]!, dataStyle)}` : printExpr(item, style)));
  return `{ ${shown.join(', ')} }`;
}

function printString(s: string, style: Style): string {
  if (style === 'string' && !s.startsWith('@')) return quote(s);
  return s;
}

function printNat(kind: 'snat' | 'dnat', n: NftNatStatement): string {
  let text = kind;
  if (n.family !== undefined) text += ` ${n.family}`;
  const typeFlags = n.type_flags === undefined ? [] : Array.isArray(n.type_flags) ? n.type_flags : [n.type_flags];
  for (const f of typeFlags) text += f === 'concat' ? ' addr . port' : ` ${f}`;
  text += ` to ${hostPort(n.addr, n.port)}`;
  // `prefix` mapping implies netmap; nft does not print the flag again.
  const flags = typeFlags.includes('prefix') ? withoutFlag(n.flags, 'netmap') : n.flags;
  return text + flagsText(flags);
}

/** `1.2.3.4`, `1.2.3.4:80`, `[fd00::1]:80`, `:80`, and maps as they are. */
function hostPort(addr: NftExpr | undefined, port: NftExpr | undefined): string {
  const a = addr === undefined ? '' : printExpr(addr);
  if (port === undefined) return a;
  const bracket = typeof addr === 'string' && addr.includes(':');
  return `${bracket ? `[${a}]` : a}:${printExpr(port)}`;
}

function printPortAndFlags(kind: string, body: { port?: NftExpr; flags?: string | string[] } | null): string {
  if (body === null) return kind;
  let text = kind;
  if (body.port !== undefined) text += ` to :${printExpr(body.port)}`;
  return text + flagsText(body.flags);
}

function withoutFlag(flags: string | string[] | undefined, drop: string): string[] | undefined {
  if (flags === undefined) return undefined;
  return (Array.isArray(flags) ? flags : [flags]).filter((f) => f !== drop);
}

function flagsText(flags: string | string[] | undefined): string {
  if (flags === undefined) return '';
  const list = Array.isArray(flags) ? flags : [flags];
  return list.length === 0 ? '' : ` ${list.join(',')}`;
}

function printReject(r: { type?: string; expr?: string } | null): string {
  if (r === null || r.type === undefined) return 'reject';
  if (r.type === 'tcp reset') return 'reject with tcp reset';
  // nft prints the family's default (port-unreachable) as a bare `reject`.
  if (r.expr === undefined || r.expr === 'port-unreachable') return 'reject';
  return `reject with ${r.type} ${r.expr}`;
}

function printLog(l: { prefix?: string; group?: number; snaplen?: number; 'queue-threshold'?: number; level?: string; flags?: string | string[] } | null): string {
  if (l === null) return 'log';
  let text = 'log';
  if (l.prefix !== undefined) text += ` prefix ${quote(l.prefix)}`;
  if (l.group !== undefined) text += ` group ${l.group}`;
  if (l.snaplen !== undefined) text += ` snaplen ${l.snaplen}`;
  if (l['queue-threshold'] !== undefined) text += ` queue-threshold ${l['queue-threshold']}`;
  if (l.level !== undefined) text += ` level ${l.level}`;
  if (l.flags !== undefined) {
    const flags = Array.isArray(l.flags) ? l.flags : [l.flags];
    text += flags.includes('all') ? ' flags all' : flags.map((f) => ` flags ${f}`).join('');
  }
  return text;
}

function printLimit(l: { rate: number; per: string; burst?: number; rate_unit?: string; burst_unit?: string; inv?: boolean } | string): string {
  if (typeof l === 'string' || !('rate' in l)) return `limit name ${objectRef(l)}`;
  const over = l.inv === true ? 'over ' : '';
  const bytes = l.rate_unit !== undefined && l.rate_unit !== 'packets';
  let text = `limit rate ${over}${l.rate}${bytes ? ` ${l.rate_unit}` : ''}/${l.per}`;
  // The kernel's default burst (5 packets; 0 for byte rates) is left out, as nft does.
  if (l.burst !== undefined && l.burst !== 0 && (bytes || l.burst !== 5)) text += ` burst ${l.burst} ${bytes ? (l.burst_unit ?? 'bytes') : 'packets'}`;
  return text;
}

function printQuota(q: { val: number; val_unit?: string; used?: number; used_unit?: string; inv?: boolean } | string): string {
  if (typeof q === 'string' || !('val' in q)) return `quota name ${objectRef(q)}`;
  let text = `quota ${q.inv === true ? 'over ' : ''}${q.val} ${q.val_unit ?? 'bytes'}`;
  if (q.used !== undefined && q.used !== 0) text += ` used ${q.used} ${q.used_unit ?? 'bytes'}`;
  return text;
}

/** A named counter (`counter name "x"`), or one chosen by a map (`counter name ip saddr map @m`); an anonymous one prints bare, its values dropped. */
function printCounter(c: unknown): string {
  if (c === null || (typeof c === 'object' && 'packets' in (c as object))) return 'counter';
  return `counter name ${objectRef(c)}`;
}

/** A stateful object's name, or the map expression that picks one. */
function objectRef(ref: unknown): string {
  if (typeof ref === 'string') return quote(ref);
  const e = ref as NftExpr;
  // An object map's data are object names, which nft quotes.
  if (typeof e === 'object' && e !== null && !Array.isArray(e) && 'map' in e) {
    const data = e.map.data;
    const shown = typeof data === 'object' && data !== null && !Array.isArray(data) && 'set' in data ? printSet(data.set, styleOf(e.map.key), 'string') : printExpr(data);
    return `${printExpr(e.map.key)} map ${shown}`;
  }
  return printExpr(e);
}

function hex8(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

function quote(s: string): string {
  return `"${s}"`;
}

/** nft's time format: `3h`, `5m10s`, `250ms`. */
function formatSeconds(seconds: number): string {
  let ms = Math.round(seconds * 1000);
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  let text = '';
  for (const [unit, size] of units) {
    if (ms >= size) {
      text += `${Math.floor(ms / size)}${unit}`;
      ms %= size;
    }
  }
  return text === '' ? '0s' : text;
}
