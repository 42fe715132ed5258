// Walks a branch through an nftables base chain as nft_do_chain does: rules in order, statements
// left to right; a failing match (or a map/vmap look-up that finds nothing) ends the rule; a
// verdict ends it for good — accept/drop/reject end this base chain, `jump` runs the chain and
// comes back, `goto` does not, `return` or the end of a regular chain goes back to the caller, a
// base chain's end is its policy. NAT statements are terminal (the packet is accepted in this
// chain). numgen splits the branch by chance; anything undecidable splits it in two, marked
// unknown, with the rule's text.

import { parseIpAddress, type IpAddress } from '../net/address.js';
import type { NatFlags, NatRange, PortRange, Target } from '../netfilter/model.js';
import type { NftChain, NftExpr, NftRule, NftStatement, NftTable } from '../nftables/model.js';
import { printExpr, printStatement } from '../nftables/print-rule.js';
import { elementsOf, lookup } from '../nftables/set-lookup.js';
import { intOf, formatValue, type NftValue } from '../nftables/values.js';
import { evaluate, evaluateMatch, interfaceTest, setElementsOf, type NftScope } from './nft-evaluate.js';
import { applyNat } from './nat.js';
import { mergeEnds } from './merge-ends.js';
import { forkState, type SimState, type SimStep } from './state.js';
import { budgetMessage, spend } from './work-budget.js';
import type { ChainEnd, Verdict, WalkContext } from './walk-chain.js';

/** The kernel's jump stack (NFT_JUMP_STACK_SIZE): it refuses to load rulesets that nest deeper. */
const MAX_DEPTH = 16;

/** How one rule ended for one branch. */
type RuleEnd =
  | { state: SimState; end: 'nomatch' }
  | { state: SimState; end: 'next' }
  | { state: SimState; end: 'verdict'; verdict: Verdict }
  | { state: SimState; end: 'return' }
  | { state: SimState; end: 'jump' | 'goto'; chain: string };

interface NftWalk {
  ctx: WalkContext;
  table: NftTable;
  scope: NftScope;
  /** The base chain's type: NAT statements only act in `nat` chains. */
  chainType: string;
  /** Chains being walked (a jump back into one is a loop the kernel refuses to load). */
  active: Set<string>;
}

/** Runs a base chain; its end applies the chain's policy. */
export function runNftBaseChain(ctx: WalkContext, state: SimState, table: NftTable, chain: NftChain): ChainEnd[] {
  const walk: NftWalk = { ctx, table, scope: { host: ctx.host, family: table.family, sets: table.setsByName }, chainType: chain.base?.type ?? 'filter', active: new Set([chain.name]) };
  return mergeEnds(runChain(walk, state, chain, 0, 0), `${table.family} ${table.name} ${chain.name}`).map((e) => {
    if (e.verdict !== null) return e;
    const policy = chain.base?.policy === 'drop' ? 'DROP' : 'ACCEPT';
    if (policy === 'DROP') e.state.verdictBy = `policy drop of ${table.family} ${table.name} ${chain.name}`;
    return { state: e.state, verdict: policy };
  });
}

function runChain(w: NftWalk, state: SimState, chain: NftChain, start: number, depth: number): ChainEnd[] {
  if (depth > MAX_DEPTH) {
    state.unknowns.push(`jumps nest deeper than ${MAX_DEPTH} at ${w.table.family} ${w.table.name} ${chain.name} (the kernel refuses to load such a ruleset): not followed`);
    return [{ state, verdict: null }];
  }
  const out: ChainEnd[] = [];
  for (let i = start; i < chain.rules.length; i++) {
    const rule = chain.rules[i]!;
    if (!spend(w.ctx.budget, 1, () => where(w, rule))) return cut(w, state, rule);
    w.ctx.rulesEvaluated++;
    const ends = runStatements(w, state, rule, 0);
    // Common case: one branch, the rule did not match — go on without recursion.
    if (ends.length === 1 && (ends[0]!.end === 'nomatch' || ends[0]!.end === 'next')) {
      state = ends[0]!.state;
      continue;
    }
    for (const e of ends) out.push(...afterRule(w, e, chain, i, depth));
    return out;
  }
  return [{ state, verdict: null }];
}

function afterRule(w: NftWalk, e: RuleEnd, chain: NftChain, i: number, depth: number): ChainEnd[] {
  switch (e.end) {
    case 'nomatch':
    case 'next':
      return runChain(w, e.state, chain, i + 1, depth);
    case 'verdict':
      return [{ state: e.state, verdict: e.verdict }];
    case 'return':
      return [{ state: e.state, verdict: null }];
    case 'jump':
    case 'goto': {
      const sub = w.table.chainsByName.get(e.chain);
      if (sub === undefined || w.active.has(sub.name)) {
        e.state.unknowns.push(sub === undefined
          ? `${e.end} ${e.chain}: no such chain in ${w.table.family} ${w.table.name}`
          : `${e.end} ${e.chain} loops back into a chain being walked (the kernel refuses to load such a ruleset): not followed`);
        return runChain(w, e.state, chain, i + 1, depth);
      }
      w.active.add(sub.name);
      const ends = mergeEnds(runChain(w, e.state, sub, 0, depth + 1), `${w.table.family} ${w.table.name} ${sub.name}`);
      w.active.delete(sub.name);
      if (e.end === 'goto') return ends;
      const out: ChainEnd[] = [];
      for (const x of ends) {
        if (x.verdict !== null) out.push(x);
        else out.push(...runChain(w, x.state, chain, i + 1, depth));
      }
      return out;
    }
  }
}

function stepFor(w: NftWalk, state: SimState, rule: NftRule, target: string): SimStep {
  return {
    hook: state.hook,
    table: rule.table,
    chain: rule.chain,
    ruleNumber: rule.index,
    target,
    text: rule.text,
    comment: rule.comment,
    source: rule.source.format === 'text' ? { file: rule.source.file, line: rule.source.line } : { file: rule.source.file, jsonPath: rule.source.path },
    nft: { family: w.table.family, handle: rule.handle },
  };
}

/** What copying a branch costs: its history is copied entry by entry (as for iptables). */
function copyCost(s: SimState): number {
  return 1 + s.steps.length + s.unknowns.length + s.translations.length + s.routes.length;
}

/** The work budget is spent: this branch stops here and says so once (sim.work-cap). */
function cut(w: NftWalk, state: SimState, rule: NftRule): ChainEnd[] {
  const message = budgetMessage(w.ctx.budget);
  if (state.unknowns.at(-1) !== message) state.unknowns.push(message);
  const place = rule.source.format === 'text' ? { file: rule.source.file, line: rule.source.line } : { file: rule.source.file, jsonPath: rule.source.path };
  w.ctx.problems.reportOnce('sim.work-cap', 'sim.work-cap', message, place);
  return [{ state, verdict: null }];
}

function where(w: NftWalk, rule: NftRule): string {
  return `${w.table.family} ${w.table.name} ${rule.chain} ${rule.handle !== null ? `handle ${rule.handle}` : `rule ${rule.index}`} (${rule.text})`;
}

/** Splits a branch at an undecidable or chance point: `taken` continues, the other ends the rule. */
function split(w: NftWalk, state: SimState, rule: NftRule, probability: number, why: string, uncertain: boolean, taken: (s: SimState) => RuleEnd[]): RuleEnd[] {
  if (w.ctx.branches >= w.ctx.maxBranches) {
    state.unknowns.push(`too many branches: ${where(w, rule)} taken as not matching (${why})`);
    return [{ state, end: 'nomatch' }];
  }
  if (!spend(w.ctx.budget, copyCost(state), () => where(w, rule))) return [{ state, end: 'nomatch' }];
  w.ctx.branches++;
  const yes = forkState(state, probability, uncertain ? `${where(w, rule)} taken as matching: ${why}` : null, 0);
  const no = forkState(state, 1 - probability, uncertain ? `${where(w, rule)} taken as not matching: ${why}` : null, 1);
  const out: RuleEnd[] = [];
  if (probability > 0) out.push(...taken(yes));
  if (probability < 1) out.push({ state: no, end: 'nomatch' });
  return out;
}

function runStatements(w: NftWalk, state: SimState, rule: NftRule, i: number): RuleEnd[] {
  for (; i < rule.expr.length; i++) {
    const st = rule.expr[i]!;
    const next = i + 1;
    if ('match' in st) {
      const m = evaluateMatch(st.match.op, st.match.left, st.match.right, state, w.scope);
      if (m.kind === 'no') return [{ state, end: 'nomatch' }];
      if (m.kind === 'yes') continue;
      if (m.kind === 'chance') return split(w, state, rule, m.probability, m.why, false, (s) => runStatements(w, s, rule, next));
      const pin = interfaceTest(st.match.left, st.match.right, state);
      if (pin !== null && (st.match.op === '==' || st.match.op === '!=')) {
        // One outcome, one assumption about the unknown interface, held for the rest of the walk.
        const is = st.match.op === '==';
        const ends = split(w, state, rule, 0.5, m.why, true, (s) => {
          assumeInterface(s, pin.side, pin.name, is);
          return runStatements(w, s, rule, next);
        });
        // split() puts the not-matching branch last; it assumed the opposite.
        const skipped = ends.at(-1);
        if (skipped !== undefined && skipped.end === 'nomatch' && skipped.state !== state) assumeInterface(skipped.state, pin.side, pin.name, !is);
        return ends;
      }
      return split(w, state, rule, 0.5, m.why, true, (s) => runStatements(w, s, rule, next));
    }
    const effect = applyStatement(w, state, rule, st);
    if (effect === 'continue') continue;
    if (effect === 'nomatch') return [{ state, end: 'nomatch' }];
    if (Array.isArray(effect)) return effect.flatMap((b) => (b.end === 'next' ? runStatements(w, b.state, rule, next) : [b]));
    return [effect];
  }
  state.steps.push(stepFor(w, state, rule, effectName(rule)));
  return [{ state, end: 'next' }];
}

/** Pins an unknown interface to a name, or records that it is not that name. */
function assumeInterface(s: SimState, side: 'iif' | 'oif', name: string, is: boolean): void {
  const ref = s.packet[side];
  if (ref.kind !== 'unknown') return;
  s.packet[side] = is ? { kind: 'name', name } : { kind: 'unknown', not: [...(ref.not ?? []), name] };
}

type Effect = 'continue' | 'nomatch' | RuleEnd | RuleEnd[];

/** A rule that matched without a verdict is named by what it did (`meta mark set …`, `counter`); `match` when it only tests. */
function effectName(rule: NftRule): string {
  for (let i = rule.expr.length - 1; i >= 0; i--) {
    const st = rule.expr[i]!;
    if (!('match' in st)) {
      const text = printStatement(st);
      return text.length > 60 ? `${text.slice(0, 57)}...` : text;
    }
  }
  return 'match';
}

function verdictEnd(w: NftWalk, state: SimState, rule: NftRule, v: NftExpr): RuleEnd | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const record = (target: string) => state.steps.push(stepFor(w, state, rule, target));
  if ('accept' in v || 'drop' in v) {
    const verdict: Verdict = 'accept' in v ? 'ACCEPT' : 'DROP';
    record(verdict.toLowerCase());
    state.verdictBy = where(w, rule);
    return { state, end: 'verdict', verdict };
  }
  if ('return' in v) {
    record('return');
    return { state, end: 'return' };
  }
  if ('continue' in v) return { state, end: 'next' };
  if ('jump' in v) {
    record(`jump ${v.jump.target}`);
    return { state, end: 'jump', chain: v.jump.target };
  }
  if ('goto' in v) {
    record(`goto ${v.goto.target}`);
    return { state, end: 'goto', chain: v.goto.target };
  }
  return null;
}

function applyStatement(w: NftWalk, state: SimState, rule: NftRule, st: NftStatement): Effect {
  const verdict = verdictEnd(w, state, rule, st as NftExpr);
  if (verdict !== null) return verdict;
  if ('counter' in st || 'log' in st || 'set' in st || 'map' in st) return 'continue';
  if ('limit' in st) return typeof st.limit === 'object' && 'inv' in st.limit && st.limit.inv === true ? 'nomatch' : 'continue'; // one packet is within any rate
  if ('notrack' in st) {
    state.conn.untracked = true;
    return 'continue';
  }
  if ('mangle' in st) return mangle(w, state, rule, st.mangle.key, st.mangle.value);
  if ('reject' in st) {
    state.steps.push(stepFor(w, state, rule, 'reject'));
    state.verdictBy = where(w, rule);
    return { state, end: 'verdict', verdict: 'REJECT' };
  }
  if ('vmap' in st) return vmap(w, state, rule, st.vmap.key, st.vmap.data);
  if ('dnat' in st || 'snat' in st) {
    const kind = 'dnat' in st ? 'DNAT' : 'SNAT';
    const body = 'dnat' in st ? st.dnat : st.snat;
    // `snat ip to …` in an inet table does nothing to an IPv6 packet (nft_nat_inet_eval): the rule goes on.
    if (body.family !== undefined && (body.family === 'ip') !== (state.packet.family === 'ipv4')) return 'continue';
    return nat(w, state, rule, kind, body.addr, body.port, body.flags);
  }
  if ('masquerade' in st || 'redirect' in st) {
    const kind = 'masquerade' in st ? 'MASQUERADE' : 'REDIRECT';
    const body = 'masquerade' in st ? st.masquerade : st.redirect;
    return nat(w, state, rule, kind, undefined, body?.port, body?.flags);
  }
  if ('queue' in st) {
    state.unknowns.push(`${where(w, rule)}: queued to a userspace program, whose verdict is not known; taken as accept`);
    state.steps.push(stepFor(w, state, rule, 'queue'));
    return { state, end: 'verdict', verdict: 'ACCEPT' };
  }
  if ('quota' in st) {
    if (typeof st.quota === 'object' && st.quota.inv !== true) return 'continue';
    return split(w, state, rule, 0.5, 'whether the quota is used up is not known', true, (s) => [{ state: s, end: 'next' }]);
  }
  const key = 'unknown' in st ? st.unknown.key : Object.keys(st)[0]!;
  // xt compat extensions, ct count, meter, fwd, dup, tproxy, synproxy and anything unknown: cannot be decided.
  return split(w, state, rule, 0.5, `"${key}" is not evaluated by natpath`, true, (s) => [{ state: s, end: 'next' }]);
}

function mangle(w: NftWalk, state: SimState, rule: NftRule, key: NftExpr, valueExpr: NftExpr): Effect {
  const target = typeof key === 'object' && key !== null && !Array.isArray(key) ? ('meta' in key && key.meta.key === 'mark' ? 'meta' : 'ct' in key && key.ct.key === 'mark' ? 'ct' : null) : null;
  if (target === null) return 'continue'; // header rewrites (dscp, ttl…) change nothing natpath follows
  const v = typeof valueExpr === 'number' ? valueExpr : valueExpr === null ? null : evaluateInt(w, state, valueExpr);
  if (v === null) {
    state.unknowns.push(`${where(w, rule)}: the new ${target} mark is not known`);
    return 'continue';
  }
  if (target === 'meta') state.packet.mark = v >>> 0;
  else state.conn.mark = v >>> 0;
  return 'continue';
}

function evaluateInt(w: NftWalk, state: SimState, e: NftExpr): number | null {
  const n = intOf(e);
  if (n !== null) return n;
  const r = evaluate(e, state, w.scope);
  return r.kind === 'value' && r.v.t === 'int' ? r.v.n : null;
}

/** Values of a key: one, or several equally likely (numgen); a reason when not known. */
function keyValues(w: NftWalk, state: SimState, key: NftExpr): { values: NftValue[]; chance: boolean; why: string } | { absent: true } | { unknown: string } {
  const r = evaluate(key, state, w.scope);
  if (r.kind === 'absent') return { absent: true };
  if (r.kind === 'unknown') return { unknown: r.why };
  if (r.kind === 'value') return { values: [r.v], chance: true, why: '' };
  return { values: r.values, chance: r.chance, why: r.why };
}

/** Looks a key up in a map (named or anonymous) and continues each branch with the element's data. */
function withMapData(w: NftWalk, state: SimState, rule: NftRule, key: NftExpr, data: NftExpr, use: (s: SimState, data: NftExpr) => RuleEnd[]): Effect {
  const target = setElementsOf(data, w.scope);
  if (target === null) return split(w, state, rule, 0.5, 'map data is not a set', true, (s) => [{ state: s, end: 'next' }]);
  if ('missing' in target) return split(w, state, rule, 0.5, `map @${target.missing} is not in the ruleset`, true, (s) => [{ state: s, end: 'next' }]);
  const k = keyValues(w, state, key);
  if ('absent' in k) return 'nomatch';
  if ('unknown' in k) return eachElement(w, state, rule, target.elements, k.unknown, use);
  if (k.values.length === 1) {
    const r = lookup(target.elements, k.values[0]!);
    if (r.kind === 'miss') return 'nomatch';
    if (r.kind === 'unknown') return split(w, state, rule, 0.5, r.why, true, (s) => [{ state: s, end: 'next' }]);
    return use(state, r.element.data!);
  }
  // numgen & co.: one branch per value, each with its share; a value without an element ends the rule.
  const share = 1 / k.values.length;
  const out: RuleEnd[] = [];
  k.values.forEach((v, idx) => {
    if (w.ctx.branches >= w.ctx.maxBranches || !spend(w.ctx.budget, copyCost(state), () => where(w, rule))) return;
    w.ctx.branches++;
    const b = forkState(state, share, k.chance ? null : `${where(w, rule)}: ${k.why}; value ${formatValue(v)} taken`, idx);
    const r = lookup(target.elements, v);
    if (r.kind === 'hit') out.push(...use(b, r.element.data!));
    else out.push({ state: b, end: 'nomatch' });
  });
  return out;
}

/** Maps up to this size are walked element by element when the key is not known; larger ones split in two. */
const ENUMERATE_UNKNOWN_KEY = 16;

/**
 * The key is not known (an interface the dumps do not show, say): each element is a possible
 * outcome, and so is no element at all — equal shares, all marked unknown.
 */
function eachElement(w: NftWalk, state: SimState, rule: NftRule, list: readonly NftExpr[], why: string, use: (s: SimState, data: NftExpr) => RuleEnd[]): Effect {
  const elements = elementsOf(list).filter((e) => e.data !== null);
  if (elements.length === 0 || elements.length > ENUMERATE_UNKNOWN_KEY) {
    return split(w, state, rule, 0.5, `map key: ${why}; which element applies is not known`, true, (s) => [{ state: s, end: 'next' }]);
  }
  const share = 1 / (elements.length + 1);
  const out: RuleEnd[] = [];
  for (let i = 0; i <= elements.length; i++) {
    if (w.ctx.branches >= w.ctx.maxBranches || !spend(w.ctx.budget, copyCost(state), () => where(w, rule))) break;
    w.ctx.branches++;
    const el = elements[i];
    const note = el === undefined ? `${where(w, rule)}: ${why}; taken as no element matching` : `${where(w, rule)}: ${why}; taken as the element ${printExpr(el.key)}`;
    const b = forkState(state, share, note, i);
    if (el === undefined) out.push({ state: b, end: 'nomatch' });
    else out.push(...use(b, el.data!));
  }
  return out;
}

function vmap(w: NftWalk, state: SimState, rule: NftRule, key: NftExpr, data: NftExpr): Effect {
  return withMapData(w, state, rule, key, data, (s, verdict) => {
    const end = verdictEnd(w, s, rule, verdict);
    if (end !== null) return [end];
    s.unknowns.push(`${where(w, rule)}: vmap element is not a verdict`);
    return [{ state: s, end: 'next' }];
  });
}

const NO_FLAGS: NatFlags = { random: false, randomFully: false, persistent: false };

function natFlags(flags: string | string[] | undefined): NatFlags {
  const list = flags === undefined ? [] : Array.isArray(flags) ? flags : [flags];
  return { random: list.includes('random'), randomFully: list.includes('fully-random'), persistent: list.includes('persistent') };
}

function portRange(e: NftExpr | undefined): PortRange | null | 'bad' {
  if (e === undefined) return null;
  const n = intOf(e);
  if (n !== null) return { min: n, max: n };
  if (typeof e === 'object' && e !== null && !Array.isArray(e) && 'range' in e) {
    const a = intOf(e.range[0]);
    const b = intOf(e.range[1]);
    return a === null || b === null ? 'bad' : { min: a, max: b };
  }
  return 'bad';
}

/** An address constant of a NAT statement: address, range, prefix; with the port when a map yields `addr . port`. */
function natRange(addrExpr: NftExpr | undefined, portExpr: NftExpr | undefined): NatRange | null {
  let addr = addrExpr;
  let port = portExpr;
  if (typeof addr === 'object' && addr !== null && !Array.isArray(addr) && 'concat' in addr && addr.concat.length === 2) {
    port = addr.concat[1];
    addr = addr.concat[0];
  }
  const ports = portRange(port);
  if (ports === 'bad') return null;
  if (addr === undefined) return { minAddress: null, maxAddress: null, ports };
  if (typeof addr === 'string') {
    const a = parseIpAddress(addr);
    return a === null ? null : { minAddress: a, maxAddress: a, ports };
  }
  if (typeof addr === 'object' && addr !== null && !Array.isArray(addr)) {
    if ('range' in addr) {
      const a = typeof addr.range[0] === 'string' ? parseIpAddress(addr.range[0]) : null;
      const b = typeof addr.range[1] === 'string' ? parseIpAddress(addr.range[1]) : null;
      return a === null || b === null ? null : { minAddress: a, maxAddress: b, ports };
    }
    if ('prefix' in addr) {
      const a = typeof addr.prefix.addr === 'string' ? parseIpAddress(addr.prefix.addr) : null;
      return a === null ? null : { minAddress: a, maxAddress: lastOfPrefix(a, addr.prefix.len), ports };
    }
  }
  return null;
}

function lastOfPrefix(a: IpAddress, len: number): IpAddress {
  if (a.family === 'ipv4') return { family: 'ipv4', value: (a.value | (len === 0 ? 0xffffffff : ~(0xffffffff << (32 - len)))) >>> 0 };
  const words = new Uint32Array(a.words);
  for (let i = 0; i < 4; i++) {
    const bits = Math.min(32, Math.max(0, len - 32 * i));
    words[i] = (words[i]! | (bits === 32 ? 0 : bits === 0 ? 0xffffffff : ~(0xffffffff << (32 - bits)))) >>> 0;
  }
  return { family: 'ipv6', words };
}

function nat(w: NftWalk, state: SimState, rule: NftRule, kind: 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT', addr: NftExpr | undefined, port: NftExpr | undefined, flags: string | string[] | undefined): Effect {
  if (w.chainType !== 'nat') {
    state.unknowns.push(`${where(w, rule)}: ${kind.toLowerCase()} outside a nat chain is not evaluated`);
    return 'continue';
  }
  const apply = (s: SimState, addrValue: NftExpr | undefined): RuleEnd[] => {
    const step = stepFor(w, s, rule, kind.toLowerCase());
    s.steps.push(step);
    let target: Target;
    if (kind === 'MASQUERADE' || kind === 'REDIRECT') {
      const ports = portRange(port);
      target = { kind, ports: ports === 'bad' ? null : ports, flags: natFlags(flags) };
      if (ports === 'bad') s.unknowns.push(`${where(w, rule)}: the port range is not known`);
    } else {
      const range = natRange(addrValue, port);
      if (range === null) {
        s.unknowns.push(`${where(w, rule)}: the ${kind} address is not a constant natpath can read`);
        return [{ state: s, end: 'verdict', verdict: 'ACCEPT' }];
      }
      target = { kind, ranges: [range], flags: flags === undefined ? NO_FLAGS : natFlags(flags) };
    }
    applyNat(w.ctx.host, s, target, step);
    s.verdictBy = where(w, rule);
    return [{ state: s, end: 'verdict', verdict: 'ACCEPT' }];
  };
  if (typeof addr === 'object' && addr !== null && !Array.isArray(addr) && 'map' in addr) {
    return withMapData(w, state, rule, addr.map.key, addr.map.data, apply);
  }
  return apply(state, addr);
}
