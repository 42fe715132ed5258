// Reads `ip [-6] rule` (text) and `ip [-6] -j rule` (JSON) into policy rules.
// Text: `PRIO:<tab>[not] from SEL [to SEL] [selectors…] lookup T | goto N | blackhole | …`.
// The kernel keeps one list per family and the output does not say which: an address in a rule
// decides; a file holding both lists (`ip rule; ip -6 rule`) restarts its priorities, and the
// second list takes the other family.

import { parsePrefix, type Family } from '../net/address.js';
import { ipProtocolNumber } from '../net/ip-protocol-names.js';
import type { ParseResult } from '../text/diagnostic.js';
import { splitLines } from '../text/line-cursor.js';
import { ProblemCollector } from '../text/problem-collector.js';
import type { PolicyRule, RuleAction, RuleList } from './model.js';
import { parseJsonArray } from './parse-ip-route.js';

export interface RuleParseOptions {
  family?: Family;
}

const RULE_HEAD = /^(\d+):\s+(.*)$/;

export function parseIpRule(text: string, file: string, options: RuleParseOptions = {}): ParseResult<RuleList> {
  const issues = new ProblemCollector(file, 'rule');
  const blocks: PolicyRule[][] = [[]];
  const known = new Set<PolicyRule>();
  let lastPriority = -1;
  for (const line of splitLines(text)) {
    const trimmed = line.text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = RULE_HEAD.exec(trimmed);
    if (m === null) {
      issues.skip(line.number, 'rule.bad-line', `expected "PRIORITY: from … lookup TABLE", found "${clip(trimmed)}"`);
      continue;
    }
    const priority = Number(m[1]);
    if (priority < lastPriority) blocks.push([]);
    lastPriority = priority;
    const rule = readRuleWords(priority, m[2]!.split(/\s+/), issues, line.number, file, known);
    blocks.at(-1)!.push(rule);
  }
  assignFamilies(blocks, known, options.family);
  return { value: { rules: blocks.flat() }, issues: issues.finish() };
}

function readRuleWords(priority: number, words: string[], issues: ProblemCollector<'rule'>, line: number, file: string, known: Set<PolicyRule>): PolicyRule {
  const rule = emptyRule(priority, { file, line });
  let i = 0;
  let familyFromAddress: Family | null = null;
  const prefix = (w: string, text: string | undefined): PolicyRule['from'] => {
    if (text === undefined || text === 'all') return null;
    const p = parsePrefix(text);
    if (p === null) {
      issues.warn(line, 'rule.bad-value', `${w} "${text}" is not an address or prefix; the rule is kept without it`);
      rule.unknownSelectors.push(`${w} ${text}`);
      return null;
    }
    familyFromAddress = p.address.family;
    return p;
  };
  let haveAction = false;
  while (i < words.length) {
    const w = words[i]!;
    i++;
    const v = words[i];
    switch (w) {
      case 'not': rule.not = true; break;
      case 'from': rule.from = prefix(w, v); i++; break;
      case 'to': rule.to = prefix(w, v); i++; break;
      case 'tos': case 'dsfield': rule.tos = v ?? null; i++; break;
      case 'fwmark': {
        const [value, mask] = (v ?? '').split('/');
        const n = Number(value);
        const mk = mask === undefined ? 0xffffffff : Number(mask);
        if (!Number.isFinite(n) || !Number.isFinite(mk)) issues.warn(line, 'rule.bad-value', `fwmark "${v}" is not a number[/mask]`);
        else rule.fwmark = { value: n >>> 0, mask: mk >>> 0 };
        i++;
        break;
      }
      case 'iif': rule.iif = v ?? null; i++; break;
      case 'oif': rule.oif = v ?? null; i++; break;
      case 'uidrange': rule.uidRange = range(v); i++; break;
      case 'ipproto': setIpProtocol(rule, v ?? null, (message) => issues.warn(line, 'rule.bad-value', message)); i++; break;
      case 'sport': rule.sport = range(v); i++; break;
      case 'dport': rule.dport = range(v); i++; break;
      case 'lookup': case 'table':
        rule.action = { kind: 'lookup', table: v ?? 'main' };
        haveAction = true;
        i++;
        break;
      case 'goto':
        rule.action = { kind: 'goto', priority: Number(v) };
        if (!(Number(v) > rule.priority)) issues.warn(line, 'rule.backward-goto', `goto ${v} does not lead past this rule's priority ${rule.priority}: the kernel refuses such a rule; the lookup does not follow it`);
        haveAction = true;
        i++;
        break;
      case 'blackhole': case 'unreachable': case 'prohibit': case 'nop':
        rule.action = { kind: w };
        haveAction = true;
        break;
      case 'suppress_prefixlength': rule.suppressPrefixLength = Number(v); i++; break;
      case 'suppress_ifgroup': rule.suppressIfgroup = v ?? null; i++; break;
      case '[detached]': case '[unresolved]': case 'proto': case 'protocol': case 'realms': case 'map-to':
        if (w === 'proto' || w === 'protocol' || w === 'realms' || w === 'map-to') i++;
        break;
      default:
        issues.fold(`rule.unknown-selector:${w}`, 'rule.unknown-selector', `selector "${w}" is not evaluated by natpath; rules using it are marked unknown`, line);
        rule.unknownSelectors.push(w);
    }
  }
  if (!haveAction) issues.warn(line, 'rule.no-action', 'rule has no lookup/goto/blackhole/unreachable/prohibit; taken as "lookup main"');
  if (familyFromAddress !== null) {
    rule.family = familyFromAddress;
    known.add(rule);
  }
  return rule;
}

function range(text: string | undefined): { min: number; max: number } | null {
  if (text === undefined) return null;
  const [a, b] = text.split('-');
  const min = Number(a);
  const max = b === undefined ? min : Number(b);
  return Number.isInteger(min) && Number.isInteger(max) ? { min, max } : null;
}

function emptyRule(priority: number, source: PolicyRule['source']): PolicyRule {
  return {
    family: 'ipv4',
    priority,
    not: false,
    from: null,
    to: null,
    fwmark: null,
    iif: null,
    oif: null,
    tos: null,
    ipProtocol: null,
    sport: null,
    dport: null,
    uidRange: null,
    action: { kind: 'lookup', table: 'main' },
    suppressPrefixLength: null,
    suppressIfgroup: null,
    unknownSelectors: [],
    source,
  };
}

/** Each block (a run of non-decreasing priorities) gets one family: its addresses', else by position. */
function assignFamilies(blocks: PolicyRule[][], known: Set<PolicyRule>, given: Family | undefined): void {
  blocks.forEach((block, index) => {
    const family = given ?? block.find((r) => known.has(r))?.family ?? (index === 0 ? 'ipv4' : 'ipv6');
    for (const r of block) r.family = family;
  });
}

interface JsonRule {
  priority?: number;
  not?: null;
  src?: string;
  srclen?: number;
  dst?: string;
  dstlen?: number;
  tos?: string;
  fwmark?: string;
  fwmask?: string;
  iif?: string;
  oif?: string;
  uid_start?: number;
  uid_end?: number;
  ipproto?: string;
  sport?: number;
  sport_start?: number;
  sport_end?: number;
  dport?: number;
  dport_start?: number;
  dport_end?: number;
  table?: string;
  goto?: number;
  action?: string;
  suppress_prefixlen?: number;
  suppress_ifgroup?: string;
  l3mdev?: null;
}

export function parseIpRuleJson(text: string, file: string, options: RuleParseOptions = {}): ParseResult<RuleList> {
  const issues = new ProblemCollector(file, 'rule');
  const blocks: PolicyRule[][] = [[]];
  const known = new Set<PolicyRule>();
  let lastPriority = -1;
  parseJsonArray(text, file, issues).forEach((raw, index) => {
    if (typeof raw !== 'object' || raw === null || typeof (raw as JsonRule).priority !== 'number') {
      issues.skipObject('rule.bad-object', `object #${index + 1} has no "priority"`);
      return;
    }
    const o = raw as JsonRule;
    const rule = emptyRule(o.priority!, { file, index });
    rule.not = 'not' in o;
    const pfx = (addr: string | undefined, len: number | undefined) => {
      if (addr === undefined || addr === 'all') return null;
      const p = parsePrefix(len === undefined ? addr : `${addr}/${len}`);
      if (p !== null) {
        rule.family = p.address.family;
        known.add(rule);
      }
      return p;
    };
    rule.from = pfx(o.src, o.srclen);
    rule.to = pfx(o.dst, o.dstlen);
    rule.tos = o.tos ?? null;
    if (o.fwmark !== undefined) rule.fwmark = { value: Number(o.fwmark) >>> 0, mask: o.fwmask === undefined ? 0xffffffff : Number(o.fwmask) >>> 0 };
    rule.iif = o.iif ?? null;
    rule.oif = o.oif ?? null;
    if (o.uid_start !== undefined) rule.uidRange = { min: o.uid_start, max: o.uid_end ?? o.uid_start };
    setIpProtocol(rule, o.ipproto ?? null, (message) => issues.warnObject('rule.bad-value', `object #${index + 1}: ${message}`));
    const portRange = (single?: number, start?: number, end?: number) =>
      single !== undefined ? { min: single, max: single } : start !== undefined ? { min: start, max: end ?? start } : null;
    rule.sport = portRange(o.sport, o.sport_start, o.sport_end);
    rule.dport = portRange(o.dport, o.dport_start, o.dport_end);
    let action: RuleAction = { kind: 'lookup', table: o.table ?? 'main' };
    if (o.goto !== undefined) {
      action = { kind: 'goto', priority: o.goto };
      if (!(o.goto > rule.priority)) issues.warnObject('rule.backward-goto', `object #${index + 1}: goto ${o.goto} does not lead past its priority ${rule.priority}: the kernel refuses such a rule; the lookup does not follow it`);
    }
    else if (o.action === 'blackhole' || o.action === 'unreachable' || o.action === 'prohibit' || o.action === 'nop') action = { kind: o.action };
    rule.action = action;
    rule.suppressPrefixLength = o.suppress_prefixlen ?? null;
    rule.suppressIfgroup = o.suppress_ifgroup ?? null;
    if ('l3mdev' in o) rule.unknownSelectors.push('l3mdev');
    if (rule.priority < lastPriority) blocks.push([]);
    lastPriority = rule.priority;
    blocks.at(-1)!.push(rule);
  });
  assignFamilies(blocks, known, options.family);
  return { value: { rules: blocks.flat() }, issues: issues.finish() };
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/**
 * The number behind `ipproto P` as iproute2 prints it: getprotobynumber()'s name (`ipv6-icmp`,
 * `gre`), or `ipproto-N` for a number /etc/protocols does not name. null: neither.
 */
export function ipRuleProtocolNumber(text: string): number | null {
  return ipProtocolNumber(text.replace(/^ipproto-/, ''));
}

function setIpProtocol(rule: PolicyRule, text: string | null, warn: (message: string) => void): void {
  rule.ipProtocol = text;
  if (text === null || ipRuleProtocolNumber(text) !== null) return;
  warn(`ipproto "${text}" is not an IP protocol name or number; rules using it are marked unknown`);
  rule.unknownSelectors.push(`ipproto ${text}`);
}
