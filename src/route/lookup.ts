// The kernel's routing decision from the snapshots: policy rules in priority order (fwmark, iif,
// oif, from/to, tos, ipproto/ports), each `lookup` taking the longest matching prefix of its
// table (then the lowest metric); `throw` and `suppress_prefixlength` fall through to the next
// rule; `goto N` continues at the first rule of priority exactly N (none: the goto is skipped); blackhole/unreachable/prohibit end the lookup. Multipath routes return every nexthop
// with its share (the kernel hashes the flow, which the dumps cannot predict).

import { prefixContains, type Family, type IpAddress } from '../net/address.js';
import { ipProtocolNumber } from '../net/ip-protocol-names.js';
import { ipRuleProtocolNumber } from './parse-ip-rule.js';
import type { InterfaceList, Nexthop, PolicyRule, Route } from './model.js';

export interface RouteQuery {
  family: Family;
  dst: IpAddress;
  /** null: not chosen yet (a locally generated packet before source selection). */
  src: IpAddress | null;
  mark: number;
  /** Input interface: its name, 'lo' for locally generated, null when unknown (arrived from somewhere). */
  iif: string | null;
  protocol: string;
  sport: number | null;
  dport: number | null;
}

export type RouteDecision =
  | { kind: 'local'; route: Route | null; rule: PolicyRule | null; dev: string | null }
  | { kind: 'unicast'; route: Route; rule: PolicyRule | null; hops: Array<{ hop: Nexthop; share: number }> }
  | { kind: 'blackhole' | 'unreachable' | 'prohibit'; route: Route | null; rule: PolicyRule | null }
  /** No route at all in any table consulted. */
  | { kind: 'none' }
  /** There are no route snapshots for this family: natpath cannot say where the packet goes. */
  | { kind: 'unknown' };

export interface RoutingTables {
  family: Family;
  rules: PolicyRule[];
  tables: Map<string, Route[]>;
  /** True when routes for this family came from a snapshot (not only synthesised local routes). */
  haveRoutes: boolean;
}

const TABLE_ALIASES: Record<string, string> = { '255': 'local', '254': 'main', '253': 'default', '0': 'unspec' };

export function tableName(name: string): string {
  return TABLE_ALIASES[name] ?? name;
}

/** The default rule list of a kernel without `ip rule` changes. */
export function defaultRules(family: Family): PolicyRule[] {
  const rule = (priority: number, table: string): PolicyRule => ({
    family, priority, not: false, from: null, to: null, fwmark: null, iif: null, oif: null, tos: null, ipProtocol: null,
    sport: null, dport: null, uidRange: null, action: { kind: 'lookup', table }, suppressPrefixLength: null,
    suppressIfgroup: null, unknownSelectors: [], source: { file: '(kernel default)' },
  });
  return family === 'ipv4' ? [rule(0, 'local'), rule(32766, 'main'), rule(32767, 'default')] : [rule(0, 'local'), rule(32766, 'main')];
}

/**
 * Builds the tables for one family. Local routes missing from the snapshot (only `ip route` of
 * the main table was dumped) are made from the interface addresses, as the kernel makes them.
 */
export function buildRoutingTables(family: Family, routes: Route[], rules: PolicyRule[], interfaces: InterfaceList | null): RoutingTables {
  const tables = new Map<string, Route[]>();
  let haveRoutes = false;
  for (const r of routes) {
    if (r.family !== family) continue;
    haveRoutes = true;
    const name = tableName(r.table);
    let list = tables.get(name);
    if (list === undefined) tables.set(name, (list = []));
    list.push(r);
  }
  if (!tables.has('local') && interfaces !== null) {
    const local: Route[] = [];
    for (const itf of interfaces.interfaces) {
      for (const a of itf.addresses) {
        if (a.address.family !== family) continue;
        local.push({
          family, type: 'local', destination: { address: a.address, length: family === 'ipv4' ? 32 : 128 }, table: 'local',
          nexthops: [{ via: null, dev: itf.name, weight: 1, flags: [] }], src: a.address, protocol: 'kernel', scope: 'host',
          metric: 0, tos: null, flags: [], source: itf.source,
        });
      }
    }
    if (local.length > 0) tables.set('local', local);
  }
  const familyRules = rules.filter((r) => r.family === family);
  return { family, rules: familyRules.length > 0 ? familyRules : defaultRules(family), tables, haveRoutes };
}

export function lookupRoute(rt: RoutingTables, q: RouteQuery, notes: string[]): RouteDecision {
  if (!rt.haveRoutes) {
    const local = bestRoute(rt.tables.get('local') ?? [], q.dst);
    if (local !== null && local.type === 'local') return { kind: 'local', route: local, rule: null, dev: local.nexthops[0]?.dev ?? null };
    return { kind: 'unknown' };
  }
  const rules = [...rt.rules].sort((a, b) => a.priority - b.priority);
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const m = ruleMatches(rule, q);
    if (m === 'unknown') {
      notes.push(`ip rule ${rule.priority} has a selector natpath cannot evaluate (${rule.unknownSelectors.join(', ') || 'iif/uid'}); taken as not matching`);
      continue;
    }
    if (!m) continue;
    const action = rule.action;
    switch (action.kind) {
      case 'nop':
        continue;
      case 'goto': {
        // The kernel jumps to the first rule (in list order) whose priority is exactly the target
        // (net/core/fib_rules.c: ctarget); with none, `ip rule` prints "[unresolved]" and the
        // lookup goes on with the next rule as if the goto were not there.
        const next = rules.findIndex((r) => r.priority === action.priority);
        if (next === -1) {
          notes.push(`ip rule ${rule.priority} (${placeOf(rule)}) goes to ${action.priority}, but no rule has that priority: the kernel leaves such a goto unresolved and goes on with the next rule`);
          continue;
        }
        // The kernel refuses a goto that does not lead forward; a hand-edited or damaged dump may
        // still hold one. Following it could loop for ever, so the lookup only ever moves on.
        if (next <= i) {
          notes.push(`ip rule ${rule.priority} (${placeOf(rule)}) goes back to ${describeRule(rules[next]!)}: the kernel refuses a goto that does not lead forward; taken as not matching`);
          continue;
        }
        i = next - 1;
        continue;
      }
      case 'blackhole': case 'unreachable': case 'prohibit':
        return { kind: action.kind, route: null, rule };
      case 'lookup': {
        const route = bestRoute(rt.tables.get(tableName(action.table)) ?? [], q.dst);
        if (route === null || route.type === 'throw') continue;
        if (rule.suppressPrefixLength !== null && route.destination.length <= rule.suppressPrefixLength) continue;
        return decide(route, rule);
      }
    }
  }
  return { kind: 'none' };
}

function placeOf(rule: PolicyRule): string {
  const s = rule.source;
  return s.line !== undefined ? `${s.file}:${s.line}` : s.index !== undefined ? `${s.file} object #${s.index + 1}` : s.file;
}

function describeRule(rule: PolicyRule): string {
  return `ip rule ${rule.priority} (${placeOf(rule)})`;
}

function decide(route: Route, rule: PolicyRule | null): RouteDecision {
  switch (route.type) {
    case 'local': case 'broadcast': case 'multicast': case 'anycast':
      return { kind: 'local', route, rule, dev: route.nexthops[0]?.dev ?? null };
    case 'blackhole': case 'unreachable': case 'prohibit':
      return { kind: route.type, route, rule };
    default: {
      const total = route.nexthops.reduce((n, h) => n + h.weight, 0) || 1;
      return { kind: 'unicast', route, rule, hops: route.nexthops.map((hop) => ({ hop, share: hop.weight / total })) };
    }
  }
}

/** Longest prefix first, then lowest metric; the first listed wins a remaining tie. */
export function bestRoute(routes: readonly Route[], dst: IpAddress): Route | null {
  let best: Route | null = null;
  for (const r of routes) {
    if (!prefixContains(r.destination, dst)) continue;
    if (best === null || r.destination.length > best.destination.length || (r.destination.length === best.destination.length && r.metric < best.metric)) {
      best = r;
    }
  }
  return best;
}

function ruleMatches(rule: PolicyRule, q: RouteQuery): boolean | 'unknown' {
  const inner = ruleSelectorsMatch(rule, q);
  if (inner === 'unknown') return inner;
  return rule.not ? !inner : inner;
}

function ruleSelectorsMatch(rule: PolicyRule, q: RouteQuery): boolean | 'unknown' {
  if (rule.unknownSelectors.length > 0) return 'unknown';
  if (rule.from !== null && (q.src === null || !prefixContains(rule.from, q.src))) return false;
  if (rule.to !== null && !prefixContains(rule.to, q.dst)) return false;
  if (rule.fwmark !== null && ((q.mark & rule.fwmark.mask) >>> 0) !== rule.fwmark.value) return false;
  if (rule.iif !== null) {
    // An arriving packet never has iif lo; any other name is unknown when the interface is.
    if (q.iif === null) return rule.iif === 'lo' ? false : 'unknown';
    if (q.iif !== rule.iif) return false;
  }
  // Packets natpath simulates are not sent from a socket bound to an interface.
  if (rule.oif !== null) return false;
  if (rule.tos !== null && rule.tos !== '0x00' && rule.tos !== '0') return false;
  if (rule.ipProtocol !== null) {
    // ip rule prints `ipv6-icmp` where natpath says icmpv6: numbers compare, names may not.
    const ruleProtocol = ipRuleProtocolNumber(rule.ipProtocol);
    if (ruleProtocol === null) return 'unknown';
    if (ruleProtocol !== ipProtocolNumber(q.protocol)) return false;
  }
  if (rule.sport !== null && (q.sport === null || q.sport < rule.sport.min || q.sport > rule.sport.max)) return false;
  if (rule.dport !== null && (q.dport === null || q.dport < rule.dport.min || q.dport > rule.dport.max)) return false;
  if (rule.uidRange !== null) return q.iif === 'lo' ? 'unknown' : false;
  return true;
}
