// The packet's way through the kernel's hooks, per branch:
//   arriving:  raw/mangle/nat PREROUTING → routing → local: mangle/filter/security/nat INPUT
//                                                  → else:  mangle/filter/security FORWARD → mangle/nat POSTROUTING
//   local:     routing → raw/mangle OUTPUT (re-route if the mark changed) → nat OUTPUT (re-route if
//              DNAT'd) → filter/security OUTPUT → mangle/nat POSTROUTING → out, or back in through lo
// nat chains run once per connection and direction (this is always a connection's first packet),
// never for untracked packets. A packet arriving on a bridge port is seen with the bridge as its
// input interface and the port as physdev (br_netfilter), and is bridged, not routed, when it
// stays on that bridge.

import { formatIpAddress, formatPrefix, prefixContains, type IpAddress } from '../net/address.js';
import { lookupRoute, type RouteDecision } from '../route/lookup.js';
import type { EvalOptions } from './evaluate-match.js';
import { isLocalAddress, type HostModel } from './host-model.js';
import { forkState, type Hook, type SimPacket, type SimState } from './state.js';
import { hookEntries, isNatEntry, type HookEntry } from './base-chains.js';
import { runNftBaseChain } from './nft-walk.js';
import { runBuiltinChain, type Verdict, type WalkContext } from './walk-chain.js';
import { createWorkBudget } from './work-budget.js';
import type { Diagnostic } from '../text/diagnostic.js';
import { ProblemCollector } from '../text/problem-collector.js';

/** The packet's own fields are the simulator's packet's (SimPacket); `src` null here means locally generated, source chosen by routing. */
export interface TraceRequest extends Pick<SimPacket, 'family' | 'protocol' | 'protocolNumber' | 'src' | 'dst' | 'sport' | 'dport' | 'icmpType' | 'icmpCode' | 'mark'> {
  /** Where the packet comes from: an interface, the host itself, or decided from the source address. */
  input: { kind: 'interface'; name: string } | { kind: 'local' } | { kind: 'auto' };
  /**
   * The output interface the user states (trace --oif): taken as the egress where no route
   * snapshot says it, so `-o` tests decide; where a route does, the route is followed (the report
   * checks the statement against it).
   */
  output?: string;
  options: EvalOptions;
  maxBranches?: number;
  /** Units of work before the walk is cut (DEFAULT_WORK_LIMIT). */
  workLimit?: number;
}

export interface SimOutcome {
  probability: number;
  verdict: Verdict;
  delivery: 'local' | 'forward' | 'output' | null;
  egress: { interface: string | null; via: IpAddress | null } | null;
  state: SimState;
}

export interface SimResult {
  outcomes: SimOutcome[];
  /** Facts about the whole walk (how the input was decided, missing snapshots). */
  notes: string[];
  locallyGenerated: boolean;
  rulesEvaluated: number;
  /** Units of work spent (src/sim/work-budget.ts) and whether the cap cut the walk. */
  work: { used: number; limit: number; cut: boolean };
  /** Problems with the ruleset met on the way (chain loops, nesting, the work cap), at their lines. */
  diagnostics: Diagnostic[];
}

const NAT_HOOKS: ReadonlySet<Hook> = new Set<Hook>(['PREROUTING', 'OUTPUT', 'POSTROUTING', 'INPUT']);

export function simulate(host: HostModel, req: TraceRequest): SimResult {
  const notes: string[] = [];
  const dump = host.iptables.get(req.family);
  const nftFamilies = req.family === 'ipv4' ? ['ip', 'inet'] : ['ip6', 'inet'];
  const nftChains = host.nft.baseChains.filter((b) => nftFamilies.includes(b.table.family)).length;
  if (dump === undefined && nftChains === 0) notes.push(`no ${req.family === 'ipv4' ? 'iptables-save' : 'ip6tables-save'} or nft ruleset snapshot: no rules applied (everything accepted)`);
  else if (dump === undefined) notes.push(`rules from nft only (${nftChains} base chain${nftChains === 1 ? '' : 's'}); no ${req.family === 'ipv4' ? 'iptables-save' : 'ip6tables-save'}`);
  for (const n of host.nft.setAside) notes.push(`${n.message} (${n.file})`);
  const ctx: WalkContext = {
    host,
    dump: dump ?? { dump: { family: req.family, tables: [] }, tables: new Map() },
    opts: req.options,
    branches: 0,
    maxBranches: req.maxBranches ?? 512,
    rulesEvaluated: 0,
    budget: createWorkBudget(req.workLimit),
    active: [],
    // Problems with the ruleset, each said once per walk; the file is each rule's own.
    problems: new ProblemCollector(''),
    statedOutput: req.output ?? null,
  };
  let local = req.input.kind === 'local' || req.src === null;
  if (req.input.kind === 'auto' && req.src !== null) {
    const isLocal = isLocalAddress(host, req.src);
    local = isLocal === true;
    notes.push(
      isLocal === true
        ? `${formatIpAddress(req.src)} is one of the host's addresses: the packet is locally generated`
        : isLocal === false
          ? `${formatIpAddress(req.src)} is not one of the host's addresses: the packet arrives from outside on an unknown interface`
          : `the host's addresses are not known (no ip addr, no --host-addrs): the packet is taken as arriving from outside on an unknown interface`,
    );
  }
  const packet: SimPacket = {
    family: req.family,
    protocol: req.protocol,
    protocolNumber: req.protocolNumber,
    src: req.src,
    dst: req.dst,
    sport: req.sport,
    dport: req.dport,
    icmpType: req.icmpType,
    icmpCode: req.icmpCode,
    mark: req.mark >>> 0,
    iif: { kind: 'none' },
    oif: { kind: 'none' },
    physIn: null,
    physOut: null,
    bridged: false,
    nexthop: null,
  };
  const state: SimState = {
    probability: 1,
    packet,
    conn: { untracked: false, origSrc: req.src, origDst: req.dst, origSport: req.sport, origDport: req.dport, dnat: false, snat: false, mark: 0 },
    hook: local ? 'OUTPUT' : 'PREROUTING',
    steps: [],
    stepsNotListed: 0,
    translations: [],
    unknowns: [],
    routes: [],
    verdictBy: null,
    path: '',
  };
  const done: SimOutcome[] = [];
  if (local) walkLocal(ctx, state, done);
  else {
    if (req.input.kind === 'interface') {
      const itf = host.interfacesByName.get(req.input.name);
      const master = itf?.master ? host.interfacesByName.get(itf.master) : undefined;
      if (itf !== undefined && master !== undefined && master.details?.kind === 'bridge') {
        packet.iif = { kind: 'name', name: master.name };
        packet.physIn = itf.name;
        notes.push(`${itf.name} is a port of bridge ${master.name}: iptables sees -i ${master.name} and --physdev-in ${itf.name} (br_netfilter)`);
      } else {
        packet.iif = { kind: 'name', name: req.input.name };
        if (itf === undefined && host.interfaces.length > 0) notes.push(`interface ${req.input.name} is not in the ip addr/link snapshot`);
      }
    } else packet.iif = { kind: 'unknown' };
    walkArriving(ctx, state, done);
  }
  // List outcomes in rule order (the "matched" side of each split first), not in the order they ended.
  done.sort((a, b) => (a.state.path < b.state.path ? -1 : a.state.path > b.state.path ? 1 : 0));
  const work = { used: Math.min(ctx.budget.used, ctx.budget.limit), limit: ctx.budget.limit, cut: ctx.budget.exhaustedAt !== null };
  return { outcomes: done, notes, locallyGenerated: local, rulesEvaluated: ctx.rulesEvaluated, work, diagnostics: ctx.problems.finish() };
}

/**
 * Runs the base chains of one hook in priority order — iptables' tables and nftables base chains
 * together (base-chains.ts); branches that end with a verdict other than ACCEPT are finished.
 */
function runHook(ctx: WalkContext, states: SimState[], hook: Exclude<Hook, 'ROUTING'>, done: SimOutcome[], allowNat = true, only: HookEntry[] | null = null): SimState[] {
  let live = states;
  if (live.length === 0) return live;
  const entries = only ?? hookEntries(ctx.host, live[0]!.packet.family, hook);
  for (const entry of entries) {
    const next: SimState[] = [];
    for (const s of live) {
      if (isNatEntry(entry) && (!allowNat || s.conn.untracked || !NAT_HOOKS.has(hook))) {
        next.push(s);
        continue;
      }
      s.hook = hook;
      const ends = entry.kind === 'iptables' ? runBuiltinChain(ctx, s, entry.table, hook) : runNftBaseChain(ctx, s, entry.table, entry.chain);
      for (const e of ends) {
        if (e.verdict === 'ACCEPT') next.push(e.state);
        else finish(done, e.state, e.verdict ?? 'ACCEPT', null);
      }
    }
    live = next;
  }
  return live;
}

function finish(done: SimOutcome[], s: SimState, verdict: Verdict, delivery: SimOutcome['delivery']): void {
  const p = s.packet;
  const egress = delivery === 'forward' || delivery === 'output' ? { interface: p.oif.kind === 'name' ? p.oif.name : null, via: p.nexthop } : null;
  done.push({ probability: s.probability, verdict, delivery: verdict === 'ACCEPT' ? delivery : null, egress, state: s });
}

interface Routed {
  state: SimState;
  kind: 'local' | 'out' | 'drop' | 'reject';
}

/** Routes a branch: sets oif and nexthop; multipath splits the branch by weight. */
function route(ctx: WalkContext, s: SimState, iif: string | null): Routed[] {
  const p = s.packet;
  const rt = ctx.host.routing.get(p.family)!;
  const notes: string[] = [];
  const d: RouteDecision = lookupRoute(rt, { family: p.family, dst: p.dst, src: p.src, mark: p.mark, iif, protocol: p.protocol, sport: p.sport, dport: p.dport }, notes);
  for (const n of notes) s.unknowns.push(n);
  const record = (decision: string, dev: string | null, via: IpAddress | null) => {
    const r = 'route' in d ? d.route : null;
    s.routes.push({
      decision,
      table: r?.table ?? null,
      rulePriority: 'rule' in d && d.rule !== null ? d.rule.priority : null,
      destination: r === null ? null : formatPrefix(r.destination),
      dev,
      via,
      prefsrc: r?.src ?? null,
      source: r?.source ?? null,
    });
  };
  switch (d.kind) {
    case 'local':
      record('local', d.dev, null);
      return [{ state: s, kind: 'local' }];
    case 'unknown': {
      const isLocal = isLocalAddress(ctx.host, p.dst);
      if (isLocal === true) {
        record('local', null, null);
        return [{ state: s, kind: 'local' }];
      }
      if (isLocal === 'unknown') s.unknowns.push('whether the destination is one of the host\'s addresses is not known; taken as not');
      p.nexthop = null;
      if (ctx.statedOutput !== null) {
        s.unknowns.push(`no ip route snapshot: the egress interface is taken as ${ctx.statedOutput} (--oif), the next hop is not known`);
        p.oif = { kind: 'name', name: ctx.statedOutput };
        record('unknown (no route snapshot), egress as stated (--oif)', ctx.statedOutput, null);
        return [{ state: s, kind: 'out' }];
      }
      s.unknowns.push('no ip route snapshot: the egress interface and next hop are not known');
      p.oif = { kind: 'unknown' };
      record('unknown (no route snapshot)', null, null);
      return [{ state: s, kind: 'out' }];
    }
    case 'none':
      record('no route (network unreachable)', null, null);
      s.verdictBy = 'routing: no route to the destination';
      return [{ state: s, kind: 'reject' }];
    case 'blackhole': case 'unreachable': case 'prohibit':
      record(d.kind, null, null);
      s.verdictBy = `routing: ${d.kind} ${d.route === null ? `(ip rule ${d.rule?.priority ?? ''})` : `route ${formatPrefix(d.route.destination)} in table ${d.route.table}`}`;
      return [{ state: s, kind: d.kind === 'blackhole' ? 'drop' : 'reject' }];
    case 'unicast': {
      const out: Routed[] = [];
      for (const { hop, share } of d.hops) {
        const b = d.hops.length === 1 ? s : forkState(s, share, null, d.hops.findIndex((h) => h.hop === hop));
        b.packet.oif = hop.dev === null ? { kind: 'unknown' } : { kind: 'name', name: hop.dev };
        b.packet.nexthop = hop.via;
        b.routes.push({
          decision: d.hops.length === 1 ? 'unicast' : `unicast, multipath share ${share.toFixed(2)}`,
          table: d.route.table,
          rulePriority: d.rule?.priority ?? null,
          destination: formatPrefix(d.route.destination),
          dev: hop.dev,
          via: hop.via,
          prefsrc: d.route.src,
          source: d.route.source,
        });
        out.push({ state: b, kind: 'out' });
      }
      return out;
    }
  }
}

function walkArriving(ctx: WalkContext, s0: SimState, done: SimOutcome[]): void {
  const afterPre = runHook(ctx, [s0], 'PREROUTING', done);
  for (const s of afterPre) {
    const p = s.packet;
    const iifName = p.iif.kind === 'name' ? p.iif.name : null;
    s.hook = 'ROUTING';
    for (const r of route(ctx, s, iifName)) {
      const b = r.state;
      if (r.kind === 'drop' || r.kind === 'reject') {
        finish(done, b, r.kind === 'drop' ? 'DROP' : 'REJECT', null);
        continue;
      }
      if (r.kind === 'local') {
        b.packet.oif = { kind: 'none' };
        for (const e of runHook(ctx, [b], 'INPUT', done)) finish(done, e, 'ACCEPT', 'local');
        continue;
      }
      // Bridged, not routed: it came in on a bridge port for an address on that bridge's own subnet (so
      // the sender addressed the frame to the peer, not to the gateway) and it stays on the bridge.
      const bp = b.packet;
      if (bp.physIn !== null && bp.oif.kind === 'name' && bp.iif.kind === 'name' && bp.oif.name === bp.iif.name && bp.nexthop === null) {
        bp.bridged = b.conn.origDst === bp.dst || onSubnetOf(ctx, bp.iif.name, b.conn.origDst);
      }
      const fwd = runHook(ctx, [b], 'FORWARD', done);
      for (const e of runHook(ctx, fwd, 'POSTROUTING', done)) finish(done, e, 'ACCEPT', 'forward');
    }
  }
}

function walkLocal(ctx: WalkContext, s0: SimState, done: SimOutcome[]): void {
  s0.packet.iif = { kind: 'none' };
  s0.hook = 'ROUTING';
  let states: Array<{ state: SimState; local: boolean }> = [];
  for (const r of route(ctx, s0, 'lo')) {
    if (r.kind === 'drop' || r.kind === 'reject') {
      finish(done, r.state, r.kind === 'drop' ? 'DROP' : 'REJECT', null);
      continue;
    }
    if (r.kind === 'local') r.state.packet.oif = { kind: 'name', name: 'lo' };
    if (r.state.packet.src === null) chooseSource(ctx, r.state);
    states.push({ state: r.state, local: r.kind === 'local' });
  }
  // OUTPUT's chains in priority order (raw, mangle, nat, filter, security and nft base chains),
  // re-routing after any of them changed the mark or the destination.
  const snapshot = (s: SimState) => `${formatIpAddress(s.packet.dst)}|${s.packet.mark}`;
  const stage = (entry: HookEntry): void => {
    const next: Array<{ state: SimState; local: boolean }> = [];
    for (const { state, local } of states) {
      const before = snapshot(state);
      for (const e of runHook(ctx, [state], 'OUTPUT', done, true, [entry])) {
        if (snapshot(e) === before) {
          next.push({ state: e, local });
          continue;
        }
        e.hook = 'ROUTING';
        for (const r of route(ctx, e, 'lo')) {
          if (r.kind === 'drop' || r.kind === 'reject') finish(done, r.state, r.kind === 'drop' ? 'DROP' : 'REJECT', null);
          else {
            if (r.kind === 'local') r.state.packet.oif = { kind: 'name', name: 'lo' };
            next.push({ state: r.state, local: r.kind === 'local' });
          }
        }
      }
    }
    states = next;
  };
  for (const entry of hookEntries(ctx.host, s0.packet.family, 'OUTPUT')) stage(entry);
  for (const { state, local } of states) {
    const post = runHook(ctx, [state], 'POSTROUTING', done);
    for (const e of post) {
      if (!local) {
        finish(done, e, 'ACCEPT', 'output');
        continue;
      }
      // Back in through loopback: the connection's NAT is settled, so no nat chains run again.
      e.packet.iif = { kind: 'name', name: 'lo' };
      e.packet.oif = { kind: 'none' };
      const pre = runHook(ctx, [e], 'PREROUTING', done, false);
      for (const x of runHook(ctx, pre, 'INPUT', done, false)) finish(done, x, 'ACCEPT', 'local');
    }
  }
}

function onSubnetOf(ctx: WalkContext, dev: string, addr: IpAddress): boolean {
  const itf = ctx.host.interfacesByName.get(dev);
  return itf?.addresses.some((a) => prefixContains({ address: a.address, length: a.prefixLength }, addr)) ?? false;
}

/** Source address selection for a locally generated packet: the route's `src`, else a primary address of the egress interface. */
function chooseSource(ctx: WalkContext, s: SimState): void {
  const p = s.packet;
  const r = s.routes.at(-1);
  const itf = r?.dev ? ctx.host.interfacesByName.get(r.dev) : undefined;
  const chosen = r?.prefsrc ?? itf?.addresses.find((a) => a.address.family === p.family && !a.secondary && a.scope !== 'link')?.address ?? null;
  if (chosen === null) s.unknowns.push('the source address the host would choose is not known');
  else p.src = chosen;
  s.conn.origSrc = p.src;
}

