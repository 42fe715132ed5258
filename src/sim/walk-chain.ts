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
import { mergeEnds } from './merge-ends.js';
import { holdInterfaceAssumptions } from './interface-assumption.js';
import { forkState, recordStep, stepOf, type SimState } from './state.js';
import { budgetMessage, spend, type WorkBudget } from './work-budget.js';
import type { ProblemCode } from '../text/diagnostic.js';
import type { ProblemCollector } from '../text/problem-collector.js';

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
  /** The cap on the whole walk's work; once spent every chain returns at once (docs/limits.md). */
  budget: WorkBudget;
  /** User chains being walked right now (caller first), to find a chain that jumps back into itself. */
  active: string[];
  /** Problems with the ruleset met during the walk (loops, nesting too deep, work cap), each once. */
  problems: ProblemCollector;
  /** The output interface the user stated (trace --oif), taken where no route snapshot says it; null otherwise. */
  statedOutput: string | null;
}

/**
 * How deep user chains may nest. The kernel's jump stack holds one entry per user chain of the
 * table (ip_tables.c: `stacksize` counts the ERROR entries that head user chains, and
 * mark_source_chains refuses a table with a loop with ELOOP), so it allows any loop-free nesting.
 * natpath refuses loops too, and follows 1 024 levels: the walk recurses once per level, and
 * about 2 500 levels fill the main thread's stack (measured; docs/limits.md).
 */
export const MAX_CHAIN_NESTING = 1024;

const FILTERING_TABLES: ReadonlySet<string> = new Set(['filter', 'security']);

/** Runs a built-in chain of a table; its end applies the chain's policy. Absent tables/chains accept. */
export function runBuiltinChain(ctx: WalkContext, state: SimState, tableName: string, chainName: string): ChainEnd[] {
  const table = ctx.dump.tables.get(tableName);
  const chain = table?.chains.get(chainName);
  if (chain === undefined) return [{ state, verdict: 'ACCEPT' }];
  const ends = mergeEnds(runChain(ctx, state, tableName, chain, 0), `${tableName} ${chainName}`);
  return ends.map((e) => {
    if (e.verdict !== null) return e;
    const policy = chain.chain.policy ?? 'ACCEPT';
    // The policy decided: DROP always; ACCEPT in the tables that filter (nat and mangle policies decide nothing).
    if (policy === 'DROP' || FILTERING_TABLES.has(tableName)) e.state.verdictBy = `policy ${policy} of ${tableName} ${chainName}`;
    return { state: e.state, verdict: policy };
  });
}

/** What a fired rule leads to: the next rule, a user chain to enter (`-j`/`-g`), or these ends. */
type Fired = ChainEnd[] | 'next' | { enter: ChainIndex; goto: boolean };

/**
 * Walks `index` from rule `start` (taken as matching without evaluation when `takenFirst`: the
 * matching side of a split). Entering a user chain recurses here directly, one frame per level,
 * so deep nesting costs as little stack as it can.
 */
function runChain(ctx: WalkContext, state: SimState, tableName: string, index: ChainIndex, start: number, takenFirst = false): ChainEnd[] {
  const rules = index.chain.rules;
  const positions = candidateRules(index, state.packet.dst);
  let k = 0;
  if (positions !== null) while (k < positions.length && positions[k]! < start) k++;
  for (let i = positions === null ? start : (positions[k] ?? rules.length); i < rules.length; i = positions === null ? i + 1 : (positions[++k] ?? rules.length)) {
    const rule = rules[i]!;
    if (!(takenFirst && i === start)) {
      if (!spend(ctx.budget, 1, () => placeOf(tableName, rule))) return cut(ctx, state, rule);
      ctx.rulesEvaluated++;
      const m = evaluateRule(rule, state, ctx.host, ctx.opts);
      if (m.kind === 'no') continue;
      if (m.kind === 'yes') {
        if (m.assumed !== undefined) state.unknowns.push(...m.assumed);
      } else {
        if (ctx.branches >= ctx.maxBranches) {
          state.unknowns.push(`too many branches: ${tableName} ${rule.chain} rule ${rule.number} (${m.notes.join('; ')}) taken as not matching`);
          continue;
        }
        if (!spend(ctx.budget, copyCost(state), () => placeOf(tableName, rule))) return cut(ctx, state, rule);
        ctx.branches++;
        // Chance (`-m statistic --mode random`) is a fact about the kernel; anything else undecidable is an unknown.
        const uncertain = m.notes.filter(isUnknownNote).join('; ');
        const where = `${tableName} ${rule.chain} rule ${rule.number}`;
        const taken = forkState(state, m.probability, uncertain === '' ? null : `${where} taken as matching: ${uncertain}`, 0);
        const skipped = forkState(state, 1 - m.probability, uncertain === '' ? null : `${where} taken as not matching: ${uncertain}`, 1);
        holdInterfaceAssumptions(rule, taken, skipped, m.notes.filter(isUnknownNote).length);
        const out: ChainEnd[] = [];
        if (m.assumed !== undefined) taken.unknowns.push(...m.assumed);
        if (m.probability > 0) out.push(...runChain(ctx, taken, tableName, index, i, true));
        if (m.probability < 1) out.push(...runChain(ctx, skipped, tableName, index, i + 1));
        return out;
      }
    }
    const fired = fire(ctx, state, tableName, rule);
    if (fired === 'next') continue;
    if (Array.isArray(fired)) return fired;
    const sub = fired.enter;
    ctx.active.push(sub.chain.name);
    const ends = mergeEnds(runChain(ctx, state, tableName, sub, 0), `${tableName} ${sub.chain.name}`);
    ctx.active.pop();
    if (fired.goto) return ends;
    // The common case: one branch came back; this chain goes on without another level of recursion.
    if (ends.length === 1 && ends[0]!.verdict === null && ends[0]!.state === state) continue;
    return continueAfter(ctx, ends, tableName, index, i);
  }
  return [{ state, verdict: null }];
}

/** Ends of a jump: those with a verdict are final, the others go on after rule `i` of this chain. */
function continueAfter(ctx: WalkContext, ends: ChainEnd[], tableName: string, index: ChainIndex, i: number): ChainEnd[] {
  const out: ChainEnd[] = [];
  for (const e of ends) {
    if (e.verdict !== null) out.push(e);
    else out.push(...runChain(ctx, e.state, tableName, index, i + 1));
  }
  return out;
}

/** What copying a branch costs: its history is copied entry by entry. */
function copyCost(s: SimState): number {
  return 1 + s.steps.length + s.unknowns.length + s.translations.length + s.routes.length;
}

function placeOf(tableName: string, rule: Rule): string {
  return `${tableName} ${rule.chain} rule ${rule.number} (${rule.source.file}:${rule.source.line})`;
}

/** A problem with the ruleset itself: said in the branch that met it, and once per walk as a diagnostic at the rule's line. */
function problem(ctx: WalkContext, state: SimState, rule: Rule, code: ProblemCode, message: string): void {
  state.unknowns.push(message);
  const key = `${code} ${rule.source.file}:${rule.source.line}`;
  ctx.problems.reportOnce(key, code, message, { file: rule.source.file, line: rule.source.line });
}

/** The budget is spent: this branch stops here, and says so once. */
function cut(ctx: WalkContext, state: SimState, rule: Rule): ChainEnd[] {
  const message = budgetMessage(ctx.budget);
  if (state.unknowns.at(-1) !== message) state.unknowns.push(message);
  ctx.problems.reportOnce('sim.work-cap', 'sim.work-cap', message, { file: rule.source.file, line: rule.source.line });
  return [{ state, verdict: null }];
}

function isUnknownNote(note: string): boolean {
  return !note.startsWith('-m statistic --mode random');
}

/** The rule matched: record it and apply its target; 'next' goes on with the chain's next rule. */
function fire(ctx: WalkContext, state: SimState, tableName: string, rule: Rule): Fired {
  const t = rule.target;
  const targetName = t.kind === 'jump' || t.kind === 'goto' ? t.chain : t.kind === 'continue' || t.kind === 'unknown' ? t.name : t.kind;
  const step = stepOf(rule, state.hook, targetName);
  recordStep(state, step);
  const p = state.packet;
  switch (t.kind) {
    case 'ACCEPT': case 'DROP': case 'REJECT':
      state.verdictBy = `${tableName} ${rule.chain} rule ${rule.number}`;
      return [{ state, verdict: t.kind }];
    case 'RETURN':
      return [{ state, verdict: null }];
    case 'jump': case 'goto': {
      const sub = ctx.dump.tables.get(tableName)?.chains.get(t.chain);
      if (sub === undefined) return 'next';
      const here = `${tableName} ${rule.chain} rule ${rule.number} (${rule.source.file}:${rule.source.line})`;
      if (ctx.active.includes(t.chain)) {
        problem(ctx, state, rule, 'sim.chain-loop', `${here} jumps back into ${t.chain}, which is already being walked: a loop, which the kernel refuses to load (ELOOP); the jump is not followed`);
        return 'next';
      }
      if (ctx.active.length >= MAX_CHAIN_NESTING) {
        problem(ctx, state, rule, 'sim.chain-nesting', `${here}: user chains nested deeper than ${MAX_CHAIN_NESTING}; the jump is not followed`);
        return 'next';
      }
      return { enter: sub, goto: t.kind === 'goto' };
    }
    case 'MARK':
      p.mark = ((p.mark & ~t.mask) ^ t.value) >>> 0;
      return 'next';
    case 'CONNMARK-set':
      state.conn.mark = ((state.conn.mark & ~t.mask) ^ t.value) >>> 0;
      return 'next';
    case 'CONNMARK-save':
      state.conn.mark = ((state.conn.mark & ~t.ctmask) ^ (p.mark & t.nfmask)) >>> 0;
      return 'next';
    case 'CONNMARK-restore':
      p.mark = ((p.mark & ~t.nfmask) ^ (state.conn.mark & t.ctmask)) >>> 0;
      return 'next';
    case 'NOTRACK':
      state.conn.untracked = true;
      return 'next';
    case 'CT':
      if (t.notrack) state.conn.untracked = true;
      return 'next';
    case 'SNAT': case 'DNAT': case 'MASQUERADE': case 'REDIRECT': case 'NETMAP':
      if (tableName !== 'nat') {
        state.unknowns.push(`${t.kind} outside the nat table (${tableName} ${rule.chain}) is not evaluated`);
        return 'next';
      }
      // A NAT target ends the nat table but decides nothing about the packet: the verdict stays the filter's.
      applyNat(ctx.host, state, t, step);
      // A NAT target ends the nat table for this hook with ACCEPT.
      return [{ state, verdict: 'ACCEPT' }];
    case 'TPROXY':
      state.unknowns.push('TPROXY diverts the packet to a local socket if one listens; the walk goes on as if none did');
      if (t.mark !== null) p.mark = ((p.mark & ~t.mark.mask) ^ t.mark.value) >>> 0;
      return 'next';
    case 'continue': case 'none': case 'unknown':
      return 'next';
  }
}
