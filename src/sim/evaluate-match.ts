// Evaluates one rule's conditions against a branch, in three values — yes, no, unknown — plus
// "chance" for `-m statistic`. The packet is the first of a new connection: ctstate NEW (or
// UNTRACKED), a TCP first packet is a bare SYN, no socket history. What the dumps cannot tell
// (ipset contents, a client's `-m recent` history, owners, lengths) is "unknown", never guessed.

import { formatIpAddress, prefixContains, type IpAddress } from '../net/address.js';
import type { Match, Rule } from '../netfilter/model.js';
import { isLocalAddress, type HostModel } from './host-model.js';
import { evaluateSetMatch } from './set-match.js';
import type { MatchResult } from './match-result.js';
import type { IfaceRef, SimState } from './state.js';

export type { MatchResult } from './match-result.js';

const YES: MatchResult = { kind: 'yes' };
const NO: MatchResult = { kind: 'no' };

export interface EvalOptions {
  /** How `-m recent --rcheck/--update` is evaluated: unknown history (default) or a client never seen. */
  recentHistory: 'unknown' | 'empty';
}

/** The rule as a whole: no (some condition fails), yes, or a split with the probability of "yes". */
export type RuleMatch =
  | { kind: 'no' }
  | { kind: 'yes'; assumed?: string[] }
  | { kind: 'split'; probability: number; notes: string[]; assumed?: string[] };

export function evaluateRule(rule: Rule, s: SimState, host: HostModel, opts: EvalOptions): RuleMatch {
  let probability = 1;
  const notes: string[] = [];
  let unknownCount = 0;
  let assumed: string[] | undefined;
  for (const m of rule.matches) {
    const r = evaluateMatch(m, s, host, opts);
    if (r.kind === 'no') return { kind: 'no' };
    if (r.kind === 'yes' && r.assumed !== undefined) (assumed ??= []).push(r.assumed);
    if (r.kind === 'chance') {
      probability *= r.probability;
      notes.push(r.why);
    } else if (r.kind === 'unknown') {
      unknownCount++;
      notes.push(r.why);
    }
  }
  if (rule.target.kind === 'unknown') {
    unknownCount++;
    notes.push(`target ${rule.target.name} is not known to natpath`);
  }
  if (notes.length === 0) return assumed === undefined ? { kind: 'yes' } : { kind: 'yes', assumed };
  // An undecidable condition splits the walk in two equal halves, marked unknown.
  const split = { kind: 'split' as const, probability: probability * 0.5 ** unknownCount, notes };
  return assumed === undefined ? split : { ...split, assumed };
}

function not(negated: boolean, value: boolean): MatchResult {
  return value !== negated ? YES : NO;
}

function unknown(why: string): MatchResult {
  return { kind: 'unknown', why };
}

function ifaceMatches(ref: IfaceRef, name: string, wildcard: boolean, negated: boolean, what: string): MatchResult {
  if (ref.kind === 'none') return not(negated, false);
  if (ref.kind === 'unknown') return unknown(`${what} interface is not known (rule tests ${negated ? '! ' : ''}${name}${wildcard ? '+' : ''})`);
  const hit = wildcard ? ref.name.startsWith(name) : ref.name === name;
  return not(negated, hit);
}

function inRange(addr: IpAddress, from: IpAddress, to: IpAddress): boolean {
  if (addr.family === 'ipv4' && from.family === 'ipv4' && to.family === 'ipv4') return addr.value >= from.value && addr.value <= to.value;
  if (addr.family === 'ipv6' && from.family === 'ipv6' && to.family === 'ipv6') {
    const cmp = (a: Uint32Array, b: Uint32Array) => {
      for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
      return 0;
    };
    return cmp(addr.words, from.words) >= 0 && cmp(addr.words, to.words) <= 0;
  }
  return false;
}

const ALL_TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'];

const ICMP_NAMES: Record<string, [number, number | null]> = {
  'echo-request': [8, null], 'echo-reply': [0, null], 'destination-unreachable': [3, null], 'time-exceeded': [11, null],
  'port-unreachable': [3, 3], 'fragmentation-needed': [3, 4], any: [-1, null],
  'echo-request-v6': [128, null], 'echo-reply-v6': [129, null],
};

function addressTypes(host: HostModel, addr: IpAddress | null): string[] | null {
  if (addr === null) return null;
  if (addr.family === 'ipv4') {
    if (addr.value === 0xffffffff) return ['BROADCAST'];
    if (addr.value >>> 28 === 0xe) return ['MULTICAST'];
    for (const itf of host.interfaces) {
      for (const a of itf.addresses) if (a.broadcast !== null && a.broadcast.family === 'ipv4' && a.broadcast.value === addr.value) return ['BROADCAST'];
    }
  } else if (addr.words[0]! >>> 24 === 0xff) return ['MULTICAST'];
  const local = isLocalAddress(host, addr);
  if (local === 'unknown') return null;
  return local ? ['LOCAL'] : ['UNICAST'];
}

export function evaluateMatch(m: Match, s: SimState, host: HostModel, opts: EvalOptions): MatchResult {
  const p = s.packet;
  switch (m.kind) {
    case 'source':
      if (p.src === null) return unknown('the source address is not known (after MASQUERADE without ip addr)');
      return not(m.negated, m.prefixes.some((x) => prefixContains(x, p.src!)));
    case 'destination':
      return not(m.negated, m.prefixes.some((x) => prefixContains(x, p.dst)));
    case 'protocol': {
      if (m.number === 0 || m.protocol === 'all') return not(m.negated, true);
      const hit = m.number !== null ? m.number === p.protocolNumber : m.protocol === p.protocol;
      return not(m.negated, hit);
    }
    case 'in-interface':
      return ifaceMatches(p.iif, m.name, m.wildcard, m.negated, 'the input');
    case 'out-interface':
      return ifaceMatches(p.oif, m.name, m.wildcard, m.negated, 'the output');
    case 'fragment':
      return not(m.negated, false);
    case 'port': {
      const test = (port: number | null) => port !== null && m.ranges.some((r) => port >= r.min && port <= r.max);
      const hit = m.direction === 'source' ? test(p.sport) : m.direction === 'destination' ? test(p.dport) : test(p.sport) || test(p.dport);
      if (p.sport === null && p.dport === null) return NO;
      return not(m.negated, hit);
    }
    case 'tcp-flags': {
      if (p.protocol !== 'tcp') return NO;
      // The first packet of a TCP connection carries SYN alone.
      const expand = (flags: string[]) => flags.flatMap((f) => (f === 'ALL' ? ALL_TCP_FLAGS : f === 'NONE' ? [] : [f]));
      const set = new Set(expand(m.set));
      return not(m.negated, expand(m.mask).every((f) => (f === 'SYN') === set.has(f)));
    }
    case 'comment': case 'nfacct':
      return YES;
    case 'limit':
      return YES; // one packet is within any rate limit
    case 'mark':
      return not(m.negated, ((p.mark & m.mark.mask) >>> 0) === m.mark.value);
    case 'connmark':
      return not(m.negated, ((s.conn.mark & m.mark.mask) >>> 0) === m.mark.value);
    case 'ctstate': {
      const states = s.conn.untracked ? ['UNTRACKED'] : ['NEW'];
      if (s.conn.dnat) states.push('DNAT');
      if (s.conn.snat) states.push('SNAT');
      return not(m.negated, m.states.some((x) => states.includes(x)));
    }
    case 'ctstatus':
      // A new, unconfirmed connection has none of EXPECTED, SEEN_REPLY, ASSURED, CONFIRMED.
      return not(m.negated, false);
    case 'ct-address': {
      if (s.conn.untracked) return NO;
      const a = m.tuple === 'origsrc' ? s.conn.origSrc : m.tuple === 'origdst' ? s.conn.origDst : m.tuple === 'replsrc' ? p.dst : p.src;
      if (a === null) return unknown(`conntrack ${m.tuple} is not known`);
      return not(m.negated, prefixContains(m.prefix, a));
    }
    case 'ct-port': {
      if (s.conn.untracked) return NO;
      const port = m.tuple === 'origsrc' ? s.conn.origSport : m.tuple === 'origdst' ? s.conn.origDport : m.tuple === 'replsrc' ? p.dport : p.sport;
      return not(m.negated, port !== null && port >= m.range.min && port <= m.range.max);
    }
    case 'ctdir':
      return m.direction === 'ORIGINAL' ? YES : NO;
    case 'ctproto':
      return not(m.negated, m.protocol === p.protocol || m.protocol === String(p.protocolNumber));
    case 'addrtype': {
      const addr = m.side === 'source' ? p.src : p.dst;
      if (m.limitIface !== null) {
        const ref = m.limitIface === 'in' ? p.iif : p.oif;
        if (ref.kind === 'unknown') return unknown(`addrtype --limit-iface-${m.limitIface}: the interface is not known`);
        if (ref.kind === 'name' && addr !== null) {
          const itf = host.interfacesByName.get(ref.name);
          if (itf !== undefined && m.types.includes('LOCAL')) {
            const onIface = itf.addresses.some((a) => formatIpAddress(a.address) === formatIpAddress(addr));
            return not(m.negated, onIface);
          }
        }
      }
      const types = addressTypes(host, addr);
      if (types === null) return unknown(`addrtype ${m.types.join(',')} of ${addr === null ? 'an unknown address' : formatIpAddress(addr)}: the host's addresses are not known (give ip addr or --host-addrs)`);
      return not(m.negated, m.types.some((t) => types.includes(t)));
    }
    case 'statistic-random':
      return { kind: 'chance', probability: m.negated ? 1 - m.probability : m.probability, why: `-m statistic --mode random --probability ${m.probability}` };
    case 'statistic-nth':
      return {
        kind: 'chance',
        probability: m.negated ? 1 - 1 / m.every : 1 / m.every,
        why: `-m statistic --mode nth --every ${m.every}: which packet this is in the counter's cycle is not known (taken as 1 in ${m.every})`,
      };
    case 'recent':
      if (m.action === 'set') return not(m.negated, true);
      if (opts.recentHistory === 'empty') return not(m.negated, false);
      return unknown(`-m recent --name ${m.name} --${m.action}: whether this client was seen before is not in the dumps`);
    case 'set':
      return evaluateSetMatch(m, p, host);
    case 'physdev': {
      if (m.isBridged !== null && m.isBridged !== p.bridged) return NO;
      if (m.isIn !== null && m.isIn !== (p.physIn !== null)) return NO;
      if (m.isOut !== null && m.isOut !== (p.physOut !== null)) {
        if (p.bridged && p.physOut === null) return unknown('the bridge port the packet leaves by is not known');
        return NO;
      }
      for (const [dev, actual, what] of [[m.physdevIn, p.physIn, 'in'], [m.physdevOut, p.physOut, 'out']] as const) {
        if (dev === null) continue;
        if (actual === null) {
          if (what === 'out' && p.bridged) return unknown('the bridge port the packet leaves by is not known');
          if (what === 'in' && p.iif.kind === 'unknown') return unknown('the input interface (and so its bridge port) is not known');
          if (!dev.negated) return NO;
          continue;
        }
        const hit = dev.wildcard ? actual.startsWith(dev.name) : actual === dev.name;
        if (hit === dev.negated) return NO;
      }
      return YES;
    }
    case 'socket':
      return unknown('-m socket: whether a local socket matches is not in the dumps');
    case 'pkttype': {
      const types = addressTypes(host, p.dst);
      const kind = types?.includes('BROADCAST') ? 'broadcast' : types?.includes('MULTICAST') ? 'multicast' : 'unicast';
      return not(m.negated, kind === m.type);
    }
    case 'icmp-type': {
      if (p.icmpType === null) return NO;
      if (m.type !== null) return not(m.negated, m.type === p.icmpType && (m.code === null || m.code === p.icmpCode));
      const named = ICMP_NAMES[m.name];
      if (named === undefined) return unknown(`icmp type "${m.name}" is not known to natpath`);
      if (named[0] === -1) return not(m.negated, true);
      return not(m.negated, named[0] === p.icmpType && (named[1] === null || named[1] === p.icmpCode));
    }
    case 'iprange': {
      const addr = m.side === 'source' ? p.src : p.dst;
      if (addr === null) return unknown('the source address is not known');
      return not(m.negated, inRange(addr, m.range.from, m.range.to));
    }
    case 'length':
      return unknown(`-m length ${m.min}:${m.max}: the packet's length is not known`);
    case 'owner':
      if (s.hook !== 'OUTPUT' && s.hook !== 'POSTROUTING') return NO;
      return unknown(`-m owner --${m.what}-owner ${m.value}: the sending process is not known`);
    case 'unknown':
      return unknown(`"${m.text}" is not known to natpath`);
  }
}
