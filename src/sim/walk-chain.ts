// Walks a branch through one table's chain for one hook, as the kernel's ipt_do_table does:
// rules in order; a matching rule's target decides (ACCEPT/DROP/REJECT end the table, RETURN
// and falling off a user chain go back to the caller, `-g` does not come back, a built-in chain's
// end is its policy); MARK/CONNMARK/LOG & co. go on with the next rule; NAT targets end the nat
// table. A rule that matches only by chance or maybe splits the branch in two.

import type { Rule } from '../netfilter/model.js';
import { candidateRules, type ChainIndex, type DumpIndex } from './chain-index.js';
import { evaluateRule, type EvalOptions } from './evaluate-match.js';
import type { HostModel } from './host-model.js';
import { applyNat } from './nat.js';
import { forkState, stepOf, type SimState } from './state.js';

export type Verdict = 'ACCEPT' | 'DROP' | 'REJECT';

export interface ChainEnd {
  state: SimState;
  /** null: the chain returned (RETURN or its end) to its caller. */
  verdict: Verdict | null;
}

export interface WalkContext {
  host: HostModel;
  dump: DumpIndex;
  opts: EvalOptions;
  /** Branches created so far; past `maxBranches` undecidable rules are taken as not matching. */
  branches: number;
  maxBranches: number;
  /** Rules whose conditions were evaluated (the chain index keeps this far below the rule count). */
  rulesEvaluated: number;
}

const MAX_DEPTH = 64;

/** Runs a built-in chain of a table; its end applies the chain's policy. Absent tables/chains accept. */
export function runBuiltinChain(ctx: WalkContext, state: SimState, tableName: string, chainName: string): ChainEnd[] {
  const table = ctx.dump.tables.get(tableName);
  const chain = table?.chains.get(chainName);
  if (chain === undefined) return [{ state, verdict: 'ACCEPT' }];
  const ends = runChain(ctx, state, tableName, chain, 0, 0);
  return ends.map((e) => {
    if (e.verdict !== null) return e;
    const policy = chain.chain.policy ?? 'ACCEPT';
    if (policy === 'DROP') e.state.verdictBy = `policy DROP of ${tableName} ${chainName}`;
    return { state: e.state, verdict: policy };
  });
}

function runChain(ctx: WalkContext, state: SimState, tableName: string, index: ChainIndex, start: number, depth: number): ChainEnd[] {
  if (depth > MAX_DEPTH) {
    state.unknowns.push(`chain nesting deeper than ${MAX_DEPTH} at ${tableName} ${index.chain.name}: stopped`);
    return [{ state, verdict: null }];
  }
  const rules = index.chain.rules;
  const candidates = candidateRules(index, state.packet.dst);
  const positions = candidates ?? null;
  let k = 0;
  if (positions !== null) while (k < positions.length && positions[k]! < start) k++;
  for (let i = positions === null ? start : (positions[k] ?? rules.length); i < rules.length; i = positions === null ? i + 1 : (positions[++k] ?? rules.length)) {
    const rule = rules[i]!;
    ctx.rulesEvaluated++;
    const m = evaluateRule(rule, state, ctx.host, ctx.opts);
    if (m.kind === 'no') continue;
    if (m.kind === 'yes') {
      if (m.assumed !== undefined) state.unknowns.push(...m.assumed);
      return fire(ctx, state, tableName, index, i, rule, depth);
    }
    if (ctx.branches >= ctx.maxBranches) {
      state.unknowns.push(`too many branches: ${tableName} ${rule.chain} rule ${rule.number} (${m.notes.join('; ')}) taken as not matching`);
      continue;
    }
    ctx.branches++;
    // Chance (`-m statistic --mode random`) is a fact about the kernel; anything else undecidable is an unknown.
    const uncertain = m.notes.filter(isUnknownNote).join('; ');
    const where = `${tableName} ${rule.chain} rule ${rule.number}`;
    const taken = forkState(state, m.probability, uncertain === '' ? null : `${where} taken as matching: ${uncertain}`, 0);
    const skipped = forkState(state, 1 - m.probability, uncertain === '' ? null : `${where} taken as not matching: ${uncertain}`, 1);
    const out: ChainEnd[] = [];
    if (m.assumed !== undefined) taken.unknowns.push(...m.assumed);
    if (m.probability > 0) out.push(...fire(ctx, taken, tableName, index, i, rule, depth));
    if (m.probability < 1) out.push(...runChain(ctx, skipped, tableName, index, i + 1, depth));
    return out;
  }
  return [{ state, verdict: null }];
}

function isUnknownNote(note: string): boolean {
  return !note.startsWith('-m statistic --mode random');
}

/** The rule matched: record it and apply its target. */
function fire(ctx: WalkContext, state: SimState, tableName: string, index: ChainIndex, i: number, rule: Rule, depth: number): ChainEnd[] {
  const t = rule.target;
  const targetName = t.kind === 'jump' || t.kind === 'goto' ? t.chain : t.kind === 'continue' || t.kind === 'unknown' ? t.name : t.kind;
  const step = stepOf(rule, state.hook, targetName);
  state.steps.push(step);
  const next = (): ChainEnd[] => runChain(ctx, state, tableName, index, i + 1, depth);
  const p = state.packet;
  switch (t.kind) {
    case 'ACCEPT': case 'DROP': case 'REJECT':
      state.verdictBy = `${tableName} ${rule.chain} rule ${rule.number}`;
      return [{ state, verdict: t.kind }];
    case 'RETURN':
      return [{ state, verdict: null }];
    case 'jump': case 'goto': {
      const sub = ctx.dump.tables.get(tableName)?.chains.get(t.chain);
      if (sub === undefined) return next();
      const ends = runChain(ctx, state, tableName, sub, 0, depth + 1);
      if (t.kind === 'goto') return ends;
      const out: ChainEnd[] = [];
      for (const e of ends) {
        if (e.verdict !== null) out.push(e);
        else out.push(...runChain(ctx, e.state, tableName, index, i + 1, depth));
      }
      return out;
    }
    case 'MARK':
      p.mark = ((p.mark & ~t.mask) ^ t.value) >>> 0;
      return next();
    case 'CONNMARK-set':
      state.conn.mark = ((state.conn.mark & ~t.mask) ^ t.value) >>> 0;
      return next();
    case 'CONNMARK-save':
      state.conn.mark = ((state.conn.mark & ~t.ctmask) ^ (p.mark & t.nfmask)) >>> 0;
      return next();
    case 'CONNMARK-restore':
      p.mark = ((p.mark & ~t.nfmask) ^ (state.conn.mark & t.ctmask)) >>> 0;
      return next();
    case 'NOTRACK':
      state.conn.untracked = true;
      return next();
    case 'CT':
      if (t.notrack) state.conn.untracked = true;
      return next();
    case 'SNAT': case 'DNAT': case 'MASQUERADE': case 'REDIRECT': case 'NETMAP':
      if (tableName !== 'nat') {
        state.unknowns.push(`${t.kind} outside the nat table (${tableName} ${rule.chain}) is not evaluated`);
        return next();
      }
      applyNat(ctx.host, state, t, step);
      state.verdictBy = `${tableName} ${rule.chain} rule ${rule.number}`;
      // A NAT target ends the nat table for this hook with ACCEPT.
      return [{ state, verdict: 'ACCEPT' }];
    case 'TPROXY':
      state.unknowns.push('TPROXY diverts the packet to a local socket if one listens; the walk goes on as if none did');
      if (t.mark !== null) p.mark = ((p.mark & ~t.mark.mask) ^ t.mark.value) >>> 0;
      return next();
    case 'continue': case 'none': case 'unknown':
      return next();
  }
}
