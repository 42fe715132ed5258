// Evaluates nft expressions and `match` statements against one branch (the first packet of a new
// connection, as for iptables): payload fields, meta, ct, fib, numgen, binary operations, set and
// map look-ups. A header the packet does not have fails the match whatever the operator — nft
// puts an implicit protocol test in front of `tcp dport`/`ip saddr`, so `tcp dport != 80` does not
// match UDP. What the dumps cannot tell is "unknown"; `numgen random` is chance, with its shares.

import { formatIpAddress, type IpAddress } from '../net/address.js';
import type { NftExpr, NftFamily, NftSet } from '../nftables/model.js';
import { lookup, type LookupResult } from '../nftables/set-lookup.js';
import { constantMatches, formatValue, intOf, type NftValue } from '../nftables/values.js';
import { lookupRoute } from '../route/lookup.js';
import { isLocalAddress, type HostModel } from './host-model.js';
import type { IfaceRef, SimState } from './state.js';

/** What an expression is for this packet. `random`: one of `values`, each equally likely (`chance`: a fact of the kernel, else unknown which). */
export type Evaluated =
  | { kind: 'value'; v: NftValue }
  | { kind: 'absent'; why: string }
  | { kind: 'unknown'; why: string }
  | { kind: 'random'; values: NftValue[]; chance: boolean; why: string };

export type MatchOutcome = { kind: 'yes' } | { kind: 'no' } | { kind: 'unknown'; why: string } | { kind: 'chance'; probability: number; why: string };

export interface NftScope {
  host: HostModel;
  /** The table's family (an `ip` table sees only IPv4 packets; inet both). */
  family: NftFamily;
  sets: Map<string, NftSet>;
}

const YES: MatchOutcome = { kind: 'yes' };
const NO: MatchOutcome = { kind: 'no' };

function value(v: NftValue): Evaluated {
  return { kind: 'value', v };
}

function absent(why: string): Evaluated {
  return { kind: 'absent', why };
}

function unknown(why: string): Evaluated {
  return { kind: 'unknown', why };
}

/** numgen / hash moduli up to this are followed value by value (kube-proxy uses one per endpoint). */
const MAX_ENUMERATED = 4096;

const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);

function addr(a: IpAddress | null, what: string): Evaluated {
  return a === null ? unknown(`the ${what} is not known (after masquerade without ip addr)`) : value({ t: 'addr', a });
}

function iface(ref: IfaceRef, what: string): Evaluated {
  if (ref.kind === 'none') return value({ t: 'name', s: '' });
  if (ref.kind === 'unknown') return unknown(`the ${what} interface is not known`);
  return value({ t: 'name', s: ref.name });
}

function payload(protocol: string, field: string, s: SimState): Evaluated {
  const p = s.packet;
  switch (protocol) {
    case 'ip':
    case 'ip6': {
      if ((protocol === 'ip') !== (p.family === 'ipv4')) return absent(`not an ${protocol === 'ip' ? 'IPv4' : 'IPv6'} packet`);
      if (field === 'saddr') return addr(p.src, 'source address');
      if (field === 'daddr') return value({ t: 'addr', a: p.dst });
      if (field === 'protocol' || field === 'nexthdr') return value({ t: 'int', n: p.protocolNumber });
      return unknown(`${protocol} ${field} of the packet is not known`);
    }
    case 'th':
      if (field === 'sport' && p.sport !== null) return value({ t: 'int', n: p.sport });
      if (field === 'dport' && p.dport !== null) return value({ t: 'int', n: p.dport });
      return p.sport === null ? absent(`${p.protocol} has no ports`) : unknown(`th ${field} is not known`);
    case 'icmp':
    case 'icmpv6':
      if (p.protocol !== protocol && !(protocol === 'icmpv6' && p.protocol === 'ipv6-icmp')) return absent(`not ${protocol}`);
      if (field === 'type' && p.icmpType !== null) return value({ t: 'int', n: p.icmpType });
      if (field === 'code' && p.icmpCode !== null) return value({ t: 'int', n: p.icmpCode });
      return unknown(`${protocol} ${field} is not known`);
    default:
      if (PORT_PROTOCOLS.has(protocol)) {
        if (p.protocol !== protocol) return absent(`not ${protocol}`);
        if (field === 'sport' && p.sport !== null) return value({ t: 'int', n: p.sport });
        if (field === 'dport' && p.dport !== null) return value({ t: 'int', n: p.dport });
        // The first packet of a TCP connection carries SYN alone.
        if (protocol === 'tcp' && field === 'flags') return value({ t: 'flags', s: ['syn'] });
        return unknown(`${protocol} ${field} of the packet is not known`);
      }
      return unknown(`${protocol} ${field} is not known to natpath (link-layer and other headers are not in a trace)`);
  }
}

function meta(key: string, s: SimState, scope: NftScope): Evaluated {
  const p = s.packet;
  switch (key) {
    case 'l4proto':
      return value({ t: 'int', n: p.protocolNumber });
    case 'nfproto':
      return value({ t: 'sym', s: p.family });
    case 'protocol':
      return value({ t: 'sym', s: p.family === 'ipv4' ? 'ip' : 'ip6' });
    case 'mark':
      return value({ t: 'int', n: p.mark });
    case 'iifname':
    case 'iif':
      return iface(p.iif, 'input');
    case 'oifname':
    case 'oif':
      return iface(p.oif, 'output');
    case 'pkttype': {
      const types = addressTypes(scope.host, p.dst);
      if (types === null) return unknown('whether the destination is one of the host\'s addresses is not known');
      return value({ t: 'sym', s: types === 'broadcast' || types === 'multicast' ? types : types === 'local' || p.iif.kind === 'none' ? 'host' : 'unicast' });
    }
    case 'nftrace':
      return value({ t: 'int', n: 0 });
    case 'skuid':
    case 'skgid':
      if (s.hook !== 'OUTPUT' && s.hook !== 'POSTROUTING') return absent('no local socket');
      return unknown(`meta ${key}: the sending process is not known`);
    default:
      return unknown(`meta ${key} of the packet is not known`);
  }
}

function ct(key: string, dir: 'original' | 'reply' | undefined, s: SimState): Evaluated {
  const c = s.conn;
  const p = s.packet;
  if (key === 'state') return value({ t: 'flags', s: c.untracked ? ['untracked'] : ['new'] });
  if (c.untracked) return absent('untracked: no conntrack entry');
  switch (key) {
    case 'status': {
      // A new, unconfirmed connection: only the NAT bits can be set.
      const flags: string[] = [];
      if (c.dnat) flags.push('dnat');
      if (c.snat) flags.push('snat');
      return value({ t: 'flags', s: flags });
    }
    case 'mark':
      return value({ t: 'int', n: c.mark });
    case 'direction':
      return value({ t: 'sym', s: 'original' });
    case 'l3proto':
      return value({ t: 'sym', s: p.family });
    case 'protocol':
      return value({ t: 'int', n: p.protocolNumber });
    case 'zone':
      return value({ t: 'int', n: 0 });
    case 'saddr':
    case 'ip saddr':
    case 'ip6 saddr':
      return dir === 'reply' ? value({ t: 'addr', a: p.dst }) : addr(c.origSrc, 'original source');
    case 'daddr':
    case 'ip daddr':
    case 'ip6 daddr':
      return dir === 'reply' ? addr(p.src, 'reply destination') : value({ t: 'addr', a: c.origDst });
    case 'proto-src':
      return portValue(dir === 'reply' ? p.dport : c.origSport);
    case 'proto-dst':
      return portValue(dir === 'reply' ? p.sport : c.origDport);
    default:
      return unknown(`ct ${key} is not known for this connection`);
  }
}

function portValue(port: number | null): Evaluated {
  return port === null ? absent('no ports') : value({ t: 'int', n: port });
}

function addressTypes(host: HostModel, a: IpAddress | null): 'local' | 'unicast' | 'broadcast' | 'multicast' | null {
  if (a === null) return null;
  if (a.family === 'ipv4') {
    if (a.value === 0xffffffff) return 'broadcast';
    if (a.value >>> 28 === 0xe) return 'multicast';
    for (const itf of host.interfaces) for (const x of itf.addresses) if (x.broadcast?.family === 'ipv4' && x.broadcast.value === a.value) return 'broadcast';
  } else if (a.words[0]! >>> 24 === 0xff) return 'multicast';
  const local = isLocalAddress(host, a);
  if (local === 'unknown') return null;
  return local ? 'local' : 'unicast';
}

function fib(result: string, flags: string[], s: SimState, scope: NftScope): Evaluated {
  const p = s.packet;
  const useSource = flags.includes('saddr');
  const subject = useSource ? p.src : p.dst;
  if (subject === null) return unknown('the source address is not known');
  if (result === 'type') {
    const t = addressTypes(scope.host, subject);
    if (t === null) return unknown(`fib ${flags.join(' . ')} type: the host's addresses are not known (give ip addr or --host-addrs)`);
    // `. iif` / `. oif`: local only when the address is on that interface.
    if (t === 'local' && (flags.includes('iif') || flags.includes('oif'))) {
      const ref = flags.includes('iif') ? p.iif : p.oif;
      if (ref.kind === 'unknown') return unknown('fib … type with iif/oif: the interface is not known');
      if (ref.kind === 'name') {
        const itf = scope.host.interfacesByName.get(ref.name);
        if (itf === undefined) return unknown(`fib … type: interface ${ref.name} is not in the snapshots`);
        const key = formatIpAddress(subject);
        return value({ t: 'sym', s: itf.addresses.some((x) => formatIpAddress(x.address) === key) ? 'local' : 'unicast' });
      }
    }
    return value({ t: 'sym', s: t });
  }
  // oif / oifname: the route's device ('' when there is none).
  const rt = scope.host.routing.get(p.family);
  if (rt === undefined) return unknown('no routing snapshot for fib');
  const notes: string[] = [];
  const iifName = p.iif.kind === 'name' ? p.iif.name : null;
  const d = lookupRoute(rt, { family: p.family, dst: subject, src: useSource ? p.dst : p.src, mark: flags.includes('mark') ? p.mark : 0, iif: useSource ? null : iifName, protocol: p.protocol, sport: p.sport, dport: p.dport }, notes);
  let dev: string;
  switch (d.kind) {
    case 'unknown':
      return unknown(`fib ${flags.join(' . ')} ${result}: no ip route snapshot`);
    case 'local':
      // nft_fib4_eval/nft_fib6_eval give no oif for a local destination (RTN_LOCAL / RTF_LOCAL);
      // only a packet that came in on loopback gets its input interface (nft_fib_is_loopback).
      dev = s.hook === 'PREROUTING' && p.iif.kind === 'name' && p.iif.name === 'lo' ? 'lo' : '';
      break;
    case 'unicast':
      if (d.hops.length > 1) return unknown(`fib ${flags.join(' . ')} ${result}: multipath route`);
      dev = d.hops[0]?.hop.dev ?? '';
      break;
    default:
      dev = '';
  }
  // `fib saddr . iif oif` (reverse-path filter): a route back through another interface counts as none.
  if (useSource && flags.includes('iif')) {
    if (p.iif.kind === 'unknown') return unknown('fib saddr . iif: the input interface is not known');
    if (p.iif.kind === 'name' && dev !== p.iif.name) dev = '';
  }
  return value({ t: 'name', s: dev });
}

/** Evaluates a left-hand (packet-side) expression. */
export function evaluate(e: NftExpr, s: SimState, scope: NftScope): Evaluated {
  if (typeof e !== 'object' || e === null) return unknown(`constant ${String(e)} on the packet side`);
  if (Array.isArray(e)) return unknown('a list on the packet side');
  if ('payload' in e) {
    const p = e.payload;
    return 'protocol' in p ? payload(p.protocol, p.field, s) : unknown(`raw payload @${p.base},${p.offset},${p.len} is not known`);
  }
  if ('meta' in e) return meta(e.meta.key, s, scope);
  if ('ct' in e) return ct(e.ct.family !== undefined ? `${e.ct.family} ${e.ct.key}` : e.ct.key, e.ct.dir, s);
  if ('fib' in e) return fib(e.fib.result, e.fib.flags, s, scope);
  if ('numgen' in e) {
    const { mod, offset = 0, mode } = e.numgen;
    if (mod > MAX_ENUMERATED) return unknown(`numgen ${mode} mod ${mod}: too many values to follow each`);
    const values: NftValue[] = [];
    for (let i = 0; i < mod; i++) values.push({ t: 'int', n: offset + i });
    return mode === 'random'
      ? { kind: 'random', values, chance: true, why: `numgen random mod ${mod}` }
      : { kind: 'random', values, chance: false, why: `numgen inc mod ${mod}: where the counter stands is not known` };
  }
  if ('jhash' in e || 'symhash' in e) {
    const { mod, offset = 0 } = 'jhash' in e ? e.jhash : e.symhash;
    if (mod > MAX_ENUMERATED) return unknown(`hash mod ${mod}: too many values to follow each`);
    const values: NftValue[] = [];
    for (let i = 0; i < mod; i++) values.push({ t: 'int', n: offset + i });
    return { kind: 'random', values, chance: false, why: `${'jhash' in e ? 'jhash' : 'symhash'} mod ${mod}: the kernel's hash of this packet is not computed` };
  }
  if ('concat' in e) {
    const parts: NftValue[] = [];
    for (const part of e.concat) {
      const r = evaluate(part, s, scope);
      if (r.kind === 'random') return unknown(`${r.why} inside a concatenation`);
      if (r.kind !== 'value') return r;
      parts.push(r.v);
    }
    return value({ t: 'concat', parts });
  }
  for (const op of ['&', '|', '^', '<<', '>>'] as const) {
    if (op in e) {
      const [l, r] = (e as Record<string, [NftExpr, NftExpr]>)[op]!;
      const left = evaluate(l, s, scope);
      if (left.kind !== 'value') return left;
      // `tcp flags & (fin | syn | rst | ack) == syn`: a mask of flag names keeps those the packet has.
      if (left.v.t === 'flags' && op === '&') {
        const mask = flagNames(r);
        if (mask === null) return unknown('a flag mask natpath cannot read');
        return value({ t: 'flags', s: left.v.s.filter((f) => mask.includes(f)) });
      }
      const right = intOf(r);
      if (left.v.t !== 'int' || right === null) return unknown(`${op} on a value that is not a number`);
      const a = left.v.n;
      const n = op === '&' ? a & right : op === '|' ? a | right : op === '^' ? a ^ right : op === '<<' ? a << right : a >>> right;
      return value({ t: 'int', n: n >>> 0 });
    }
  }
  if ('map' in e) return unknown('a map look-up as a value');
  return unknown(`${Object.keys(e)[0]} is not known to natpath`);
}

/** Flag names of a mask: `syn`, `["syn","ack"]`, `{"|": ["fin", "syn"]}`; null for anything else. */
function flagNames(e: NftExpr): string[] | null {
  if (typeof e === 'string') return [e];
  if (Array.isArray(e)) {
    const out: string[] = [];
    for (const x of e) {
      const n = flagNames(x);
      if (n === null) return null;
      out.push(...n);
    }
    return out;
  }
  if (typeof e === 'object' && e !== null && '|' in e) return flagNames(e['|'] as NftExpr[]);
  return null;
}

/** `iifname "eth0"`, `oif "lo"`: the side and the exact name (no wildcard), else null. */
export function interfaceTest(left: NftExpr, right: NftExpr, s: SimState): { side: 'iif' | 'oif'; name: string } | null {
  if (typeof left !== 'object' || left === null || Array.isArray(left) || !('meta' in left) || typeof right !== 'string') return null;
  const key = left.meta.key;
  const side = key === 'iifname' || key === 'iif' ? 'iif' : key === 'oifname' || key === 'oif' ? 'oif' : null;
  if (side === null || right.endsWith('*') || s.packet[side].kind !== 'unknown') return null;
  return { side, name: right };
}

/** Where a right-hand side points: a named set (`@name`), an anonymous set, or null for a plain constant. */
export function setElementsOf(right: NftExpr, scope: NftScope): { elements: readonly NftExpr[]; name: string } | { missing: string } | null {
  if (typeof right === 'string' && right.startsWith('@')) {
    const set = scope.sets.get(right.slice(1));
    return set === undefined ? { missing: right.slice(1) } : { elements: set.elem, name: right };
  }
  if (typeof right === 'object' && right !== null && !Array.isArray(right) && 'set' in right) {
    return { elements: Array.isArray(right.set) ? right.set : [right.set], name: 'anonymous set' };
  }
  return null;
}

function compareOne(op: string, v: NftValue, right: NftExpr, scope: NftScope): boolean | string {
  const target = setElementsOf(right, scope);
  let m: boolean | null;
  if (target !== null && 'missing' in target) return `set @${target.missing} is not in the ruleset`;
  if (target !== null) {
    const r: LookupResult = lookup(target.elements, v);
    if (r.kind === 'unknown') return `${formatValue(v)} in ${target.name}: ${r.why}`;
    m = r.kind === 'hit';
  } else if (op === '<' || op === '>' || op === '<=' || op === '>=') {
    const n = intOf(right);
    if (v.t !== 'int' || n === null) return `${op} on a value that is not a number`;
    return op === '<' ? v.n < n : op === '>' ? v.n > n : op === '<=' ? v.n <= n : v.n >= n;
  } else {
    m = constantMatches(v, right);
    if (v.t === 'name' && typeof right === 'boolean') m = (v.s !== '') === right;
    if (m === null) return `${formatValue(v)} cannot be compared with ${JSON.stringify(right)}`;
  }
  return op === '!=' ? !m : m;
}

/** One `match` statement: yes, no, unknown, or chance (numgen). */
export function evaluateMatch(op: string, left: NftExpr, right: NftExpr, s: SimState, scope: NftScope): MatchOutcome {
  // A branch that already took the unknown interface not to be this name holds to it.
  const pinned = interfaceTest(left, right, s);
  if (pinned !== null && s.packet[pinned.side].kind === 'unknown') {
    const ref = s.packet[pinned.side] as { kind: 'unknown'; not?: readonly string[] };
    if (ref.not?.includes(pinned.name) === true && (op === '==' || op === '!=')) return op === '==' ? NO : YES;
  }
  const l = evaluate(left, s, scope);
  if (l.kind === 'absent') return NO;
  if (l.kind === 'unknown') return { kind: 'unknown', why: l.why };
  if (l.kind === 'value') {
    const r = compareOne(op, l.v, right, scope);
    if (typeof r === 'string') return { kind: 'unknown', why: r };
    return r ? YES : NO;
  }
  let hits = 0;
  for (const v of l.values) {
    const r = compareOne(op, v, right, scope);
    if (typeof r === 'string') return { kind: 'unknown', why: r };
    if (r) hits++;
  }
  if (hits === 0) return NO;
  if (hits === l.values.length) return YES;
  const probability = hits / l.values.length;
  return l.chance ? { kind: 'chance', probability, why: `${l.why}: ${hits} of ${l.values.length} values` } : { kind: 'unknown', why: l.why };
}
