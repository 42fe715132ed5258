// One branch of a simulated walk: the packet as it is now, its connection, and what happened to
// it so far. Branches split at `-m statistic`, multipath routes and conditions natpath cannot
// decide; each carries its probability. Forking copies the branch (walks are short).

import type { IpAddress } from '../net/address.js';
import type { Hook, SimConnection, SimPacket } from '../netfilter/packet-state.js';
import type { Rule } from '../netfilter/model.js';

// The packet and its connection are netfilter's match state (match modules evaluate against them).
export type { Hook, IfaceRef, SimConnection, SimPacket } from '../netfilter/packet-state.js';

/** Where a rule was read: `file:line` (text dumps) or the file and JSON path (`nft -j`). */
export interface StepSource {
  file: string;
  line?: number;
  jsonPath?: string;
}

export interface SimStep {
  hook: Hook;
  table: string;
  chain: string;
  /** 1-based position in its chain. */
  ruleNumber: number;
  target: string;
  text: string;
  comment: string | null;
  source: StepSource;
  /** nftables rules: the table's family and the rule's handle (null when dumped without `-a`); null for iptables rules. */
  nft: { family: string; handle: number | null } | null;
}

/** `file:line`, or `file $.nftables[12].rule` for JSON. */
export function formatStepSource(source: StepSource): string {
  if (source.line !== undefined) return `${source.file}:${source.line}`;
  return source.jsonPath !== undefined ? `${source.file} ${source.jsonPath}` : source.file;
}

/** How a report names a rule: `nat/POSTROUTING rule 3` (iptables) or `ip kube-proxy/services handle 12` (nft; rule N without handles). */
export function describeStepRule(step: Pick<SimStep, 'table' | 'chain' | 'ruleNumber' | 'nft'>): string {
  if (step.nft === null) return `${step.table}/${step.chain} rule ${step.ruleNumber}`;
  const which = step.nft.handle !== null ? `handle ${step.nft.handle}` : `rule ${step.ruleNumber}`;
  return `${step.nft.family} ${step.table}/${step.chain} ${which}`;
}

export interface SimTranslation {
  kind: 'SNAT' | 'DNAT';
  before: { src: IpAddress | null; sport: number | null; dst: IpAddress; dport: number | null };
  after: { src: IpAddress | null; sport: number | null; dst: IpAddress; dport: number | null };
  /** When the target names a range, the whole range (the kernel picks within it). */
  range: string | null;
  /** The branch's probability when this translation was applied: what it took since the last one tells which translation a `-m statistic` choice led to. */
  probability: number;
  rule: SimStep;
}

export interface SimRoute {
  decision: string;
  table: string | null;
  rulePriority: number | null;
  destination: string | null;
  dev: string | null;
  via: IpAddress | null;
  /** The route's preferred source (`src`), used for locally generated packets. */
  prefsrc: IpAddress | null;
  source: { file: string; line?: number; index?: number } | null;
}

export interface SimState {
  probability: number;
  packet: SimPacket;
  conn: SimConnection;
  hook: Hook;
  steps: SimStep[];
  /** Rules that matched after the first MAX_LISTED_STEPS: counted, not kept (a walk can fire millions). */
  stepsNotListed: number;
  translations: SimTranslation[];
  unknowns: string[];
  routes: SimRoute[];
  /** How the verdict came about, once there is one. */
  verdictBy: string | null;
  /** Which side of each split this branch took, so outcomes can be listed in rule order. */
  path: string;
}

export function forkState(s: SimState, share: number, note: string | null, side = 0): SimState {
  return {
    probability: s.probability * share,
    packet: { ...s.packet },
    conn: { ...s.conn },
    hook: s.hook,
    steps: [...s.steps],
    stepsNotListed: s.stepsNotListed,
    translations: [...s.translations],
    unknowns: note === null ? [...s.unknowns] : [...s.unknowns, note],
    routes: [...s.routes],
    verdictBy: s.verdictBy,
    path: s.path + String.fromCharCode(48 + side),
  };
}

/** Rules listed per branch; enough for any real walk, bounded for crafted ones. */
export const MAX_LISTED_STEPS = 5000;

export function recordStep(s: SimState, step: SimStep): void {
  if (s.steps.length < MAX_LISTED_STEPS) s.steps.push(step);
  else s.stepsNotListed++;
}

export function stepOf(rule: Rule, hook: Hook, target: string): SimStep {
  return {
    hook,
    table: rule.table,
    chain: rule.chain,
    ruleNumber: rule.number,
    target,
    text: rule.text,
    comment: rule.comment,
    source: rule.source,
    nft: null,
  };
}
