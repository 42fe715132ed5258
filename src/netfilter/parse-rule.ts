// Turns the words of one rule (everything after `-A CHAIN`) into typed matches and a target.
// Generic options (-s -d -p -i -o -f) are read at once; `--long` options are grouped into the
// match module that owns them (`-m tcp --dport 80`), then each module reads its own group. That
// also copes with hand-written dumps that interleave (`-m tcp -p tcp -d X --dport 80`).
// Nothing throws: problems come back as `RuleProblem`s for the caller to cite with file:line.

import { parseIpAddress, parsePrefix, type Family, type IpPrefix } from '../net/address.js';
import type { Match, PortRange, Target } from './model.js';
import { parseTarget } from './parse-target.js';
import type { RuleProblem } from './rule-problem.js';
import { parseMarkValue, parsePortRange } from './parse-values.js';

export interface ParsedRule {
  matches: Match[];
  target: Target;
  comment: string | null;
  unknown: boolean;
  counters: { packets: number; bytes: number } | null;
  problems: RuleProblem[];
}

interface OptionGroup {
  module: string;
  options: RawOption[];
  /** Text of the group as written, for unknown modules. */
  words: string[];
}

export interface RawOption {
  name: string;
  negated: boolean;
  args: string[];
}

/** Options that take no value. */
const FLAG_OPTIONS = new Set([
  '--syn', '--limit-iface-in', '--limit-iface-out', '--rsource', '--rdest', '--set', '--rcheck', '--update',
  '--remove', '--reap', '--rttl', '--physdev-is-in', '--physdev-is-out', '--physdev-is-bridged', '--transparent',
  '--nowildcard', '--restore-skmark', '--socket-exists', '--return-nomatch', '--update-counters',
  '--update-subcounters',
]);
/** Options that take two values. */
const TWO_VALUE_OPTIONS = new Set(['--tcp-flags', '--match-set']);

/** Which options each known match module owns. */
const MODULE_OPTIONS: Record<string, readonly string[]> = {
  tcp: ['--sport', '--source-port', '--dport', '--destination-port', '--tcp-flags', '--syn', '--tcp-option'],
  udp: ['--sport', '--source-port', '--dport', '--destination-port'],
  udplite: ['--sport', '--source-port', '--dport', '--destination-port'],
  sctp: ['--sport', '--source-port', '--dport', '--destination-port', '--chunk-types'],
  dccp: ['--sport', '--source-port', '--dport', '--destination-port'],
  multiport: ['--sports', '--source-ports', '--dports', '--destination-ports', '--ports'],
  comment: ['--comment'],
  mark: ['--mark'],
  connmark: ['--mark'],
  conntrack: [
    '--ctstate', '--ctstatus', '--ctorigsrc', '--ctorigdst', '--ctreplsrc', '--ctrepldst', '--ctorigsrcport',
    '--ctorigdstport', '--ctreplsrcport', '--ctrepldstport', '--ctdir', '--ctproto', '--ctexpire',
  ],
  state: ['--state'],
  addrtype: ['--src-type', '--dst-type', '--limit-iface-in', '--limit-iface-out'],
  statistic: ['--mode', '--probability', '--every', '--packet'],
  recent: [
    '--name', '--set', '--rcheck', '--update', '--remove', '--seconds', '--hitcount', '--reap', '--rttl',
    '--rsource', '--rdest', '--mask',
  ],
  set: [
    '--match-set', '--return-nomatch', '--update-counters', '--update-subcounters', '--packets-eq', '--packets-lt',
    '--packets-gt', '--bytes-eq', '--bytes-lt', '--bytes-gt',
  ],
  physdev: ['--physdev-in', '--physdev-out', '--physdev-is-in', '--physdev-is-out', '--physdev-is-bridged'],
  socket: ['--transparent', '--nowildcard', '--restore-skmark'],
  pkttype: ['--pkt-type'],
  limit: ['--limit', '--limit-burst'],
  icmp: ['--icmp-type'],
  icmp6: ['--icmpv6-type'],
  iprange: ['--src-range', '--dst-range'],
  length: ['--length'],
  owner: ['--uid-owner', '--gid-owner', '--socket-exists', '--suppl-groups'],
  nfacct: ['--nfacct-name'],
};

/** The module `-p PROTO` loads implicitly, for dumps that omit `-m tcp`. */
const PROTOCOL_MODULE: Record<string, string> = {
  tcp: 'tcp', udp: 'udp', udplite: 'udplite', sctp: 'sctp', dccp: 'dccp', icmp: 'icmp',
  'ipv6-icmp': 'icmp6', icmpv6: 'icmp6',
};

const PROTOCOL_NUMBERS: Record<string, number> = {
  all: 0, icmp: 1, igmp: 2, ipip: 4, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, 'ipv6-icmp': 58, icmpv6: 58,
  sctp: 132, udplite: 136, dccp: 33,
};

/** `quoted[k]`: word k was written in quotes — a quoted `!` (`--comment "!"`) is a value, never a negation. */
export function parseRuleWords(words: readonly string[], family: Family, quoted: readonly boolean[] = []): ParsedRule {
  const isBang = (k: number): boolean => words[k] === '!' && quoted[k] !== true;
  const problems: RuleProblem[] = [];
  const matches: Match[] = [];
  const groups: OptionGroup[] = [];
  let counters: ParsedRule['counters'] = null;
  let protocolModule: OptionGroup | null = null;
  let targetName: string | null = null;
  let targetIsGoto = false;
  let targetWords: string[] = [];
  let negated = false;
  let lastValueOption: string | null = null;
  let strayAfterComment: string[] | null = null;

  let i = 0;
  const value = (name: string): string | null => {
    const v = words[i];
    if (v === undefined) {
      problems.push({ code: 'iptables.missing-value', severity: 'error', message: `option ${name} needs a value, the rule ends` });
      return null;
    }
    i++;
    return v;
  };

  while (i < words.length) {
    const word = words[i]!;
    i++;
    if (isBang(i - 1)) {
      negated = true;
      continue;
    }
    switch (word) {
      case '-s': case '--source': case '--src': case '-d': case '--destination': case '--dst': {
        // Old syntax puts `!` after the option name (`--dport ! 80`).
      if (isBang(i)) {
        negated = true;
        i++;
      }
        const text = value(word);
        if (text === null) break;
        const prefixes = parsePrefixList(text, family);
        if (prefixes === null) {
          problems.push({ code: 'iptables.bad-address', severity: 'error', message: `${word} ${text}: not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address or prefix` });
        } else {
          const kind = word === '-s' || word === '--source' || word === '--src' ? 'source' : 'destination';
          matches.push({ kind, negated, prefixes });
        }
        negated = false;
        lastValueOption = null;
        continue;
      }
      case '-p': case '--protocol': {
        // Old syntax puts `!` after the option name (`--dport ! 80`).
      if (isBang(i)) {
        negated = true;
        i++;
      }
        const text = value(word);
        if (text === null) break;
        const protocol = text.toLowerCase();
        const number = /^\d+$/.test(protocol) ? Number(protocol) : (PROTOCOL_NUMBERS[protocol] ?? null);
        matches.push({ kind: 'protocol', negated, protocol, number });
        const implied = negated ? undefined : PROTOCOL_MODULE[protocol];
        if (implied !== undefined) protocolModule = { module: implied, options: [], words: [] };
        negated = false;
        lastValueOption = null;
        continue;
      }
      case '-i': case '--in-interface': case '-o': case '--out-interface': {
        // Old syntax puts `!` after the option name (`--dport ! 80`).
      if (isBang(i)) {
        negated = true;
        i++;
      }
        const text = value(word);
        if (text === null) break;
        const wildcard = text.endsWith('+');
        const kind = word === '-i' || word === '--in-interface' ? 'in-interface' : 'out-interface';
        matches.push({ kind, negated, name: wildcard ? text.slice(0, -1) : text, wildcard });
        negated = false;
        lastValueOption = null;
        continue;
      }
      case '-f': case '--fragment':
        matches.push({ kind: 'fragment', negated });
        negated = false;
        continue;
      case '-m': case '--match': {
        const name = value(word);
        if (name === null) break;
        groups.push({ module: name, options: [], words: ['-m', name] });
        negated = false;
        lastValueOption = null;
        continue;
      }
      case '-c': case '--set-counters': {
        const p = value(word);
        const b = p === null ? null : value(word);
        if (p !== null && b !== null) counters = { packets: Number(p), bytes: Number(b) };
        continue;
      }
      case '-j': case '--jump': case '-g': case '--goto': {
        const name = value(word);
        if (name === null) break;
        targetName = name;
        targetIsGoto = word === '-g' || word === '--goto';
        targetWords = words.slice(i);
        i = words.length;
        continue;
      }
      default:
        break;
    }
    if (word.startsWith('-') && word.length > 1) {
      // Old syntax puts `!` after the option name (`--dport ! 80`).
      if (isBang(i)) {
        negated = true;
        i++;
      }
      const group = ownerOf(word, groups, protocolModule);
      const arity = FLAG_OPTIONS.has(word) ? 0 : TWO_VALUE_OPTIONS.has(word) ? 2 : 1;
      const args: string[] = [];
      if (group !== null && MODULE_OPTIONS[group.module] !== undefined) {
        for (let k = 0; k < arity && i < words.length; k++) args.push(words[i++]!);
        if (args.length < arity) {
          problems.push({ code: 'iptables.missing-value', severity: 'error', message: `option ${word} needs ${arity} value(s), the rule ends` });
        }
      } else {
        // Unknown module or option: take the words up to the next option as its values.
        while (i < words.length && !words[i]!.startsWith('-') && !isBang(i)) args.push(words[i++]!);
      }
      const owner = group ?? lastGroupOrNew(groups);
      owner.options.push({ name: word, negated, args });
      // The text of a group is kept only for modules natpath does not know (it is shown as is).
      if (MODULE_OPTIONS[owner.module] === undefined) {
        if (negated) owner.words.push('!');
        owner.words.push(word);
        for (const a of args) owner.words.push(a);
      }
      lastValueOption = word;
      strayAfterComment = null;
      negated = false;
      continue;
    }
    // A bare word: kube-proxy's own test dumps write multi-word comments without quotes.
    if (lastValueOption === '--comment') {
      const commentGroup = [...groups].reverse().find((g) => g.module === 'comment');
      const last = commentGroup?.options.at(-1);
      if (last !== undefined && last.args.length > 0) {
        last.args[0] += ` ${word}`;
        if (strayAfterComment === null) {
          strayAfterComment = [];
          problems.push({
            code: 'iptables.unquoted-comment',
            severity: 'warning',
            foldKey: 'iptables.unquoted-comment',
            message: 'comment with spaces is not quoted (iptables-restore would reject it); the words are kept as one comment',
          });
        }
        continue;
      }
    }
    problems.push({ code: 'iptables.unexpected-word', severity: 'error', message: `unexpected word "${word}" (not an option or a value)` });
  }

  let unknown = false;
  let comment: string | null = null;
  const allGroups = protocolModule !== null && protocolModule.options.length > 0 ? [protocolModule, ...groups] : groups;
  for (const group of allGroups) {
    const read = readModule(group, family, problems);
    for (const m of read) {
      if (m.kind === 'unknown') unknown = true;
      if (m.kind === 'comment' && comment === null) comment = m.text;
      matches.push(m);
    }
  }

  let target: Target = { kind: 'none' };
  if (targetName !== null) {
    if (targetIsGoto) {
      target = { kind: 'goto', chain: targetName };
      if (targetWords.length > 0) {
        problems.push({ code: 'iptables.unexpected-word', severity: 'error', message: `words after -g ${targetName}: "${targetWords.join(' ')}"` });
      }
    } else {
      const t = parseTarget(targetName, targetWords, family);
      target = t.target;
      for (const p of t.problems) problems.push(p);
      if (target.kind === 'unknown') unknown = true;
    }
  }
  return { matches, target, comment, unknown, counters, problems };
}

function ownerOf(option: string, groups: OptionGroup[], protocolModule: OptionGroup | null): OptionGroup | null {
  for (let g = groups.length - 1; g >= 0; g--) {
    const group = groups[g]!;
    if (MODULE_OPTIONS[group.module]?.includes(option)) return group;
  }
  if (protocolModule !== null && MODULE_OPTIONS[protocolModule.module]?.includes(option)) return protocolModule;
  return null;
}

/** An option no loaded module owns belongs to the last module (whose reader reports it), or to none. */
function lastGroupOrNew(groups: OptionGroup[]): OptionGroup {
  const last = groups.at(-1);
  if (last !== undefined) return last;
  const group: OptionGroup = { module: '(none)', options: [], words: [] };
  groups.push(group);
  return group;
}

function parsePrefixList(text: string, family: Family): IpPrefix[] | null {
  const out: IpPrefix[] = [];
  for (const part of text.split(',')) {
    const p = parsePrefix(part);
    if (p === null || p.address.family !== family) return null;
    out.push(p);
  }
  return out;
}

/** Reads one module's options into matches; anything it does not know becomes an `unknown` match. */
function readModule(group: OptionGroup, family: Family, problems: RuleProblem[]): Match[] {
  const known = MODULE_OPTIONS[group.module] !== undefined;
  if (!known) {
    problems.push({
      code: 'iptables.unknown-match',
      severity: 'warning',
      message: `match "-m ${group.module}" is not known to natpath; rules using it evaluate as unknown`,
      foldKey: `match:${group.module}`,
    });
    return [{ kind: 'unknown', module: group.module, text: group.words.join(' ') }];
  }
  const out: Match[] = [];
  const bad = (o: RawOption, why: string): void => {
    problems.push({ code: 'iptables.bad-option', severity: 'error', message: `-m ${group.module} ${o.name} ${o.args.join(' ')}: ${why}` });
    out.push({ kind: 'unknown', module: group.module, text: `${o.name} ${o.args.join(' ')}` });
  };
  const unknownOption = (o: RawOption): void => {
    problems.push({
      code: 'iptables.unknown-match',
      severity: 'warning',
      message: `option ${o.name} of "-m ${group.module}" is not known to natpath; rules using it evaluate as unknown`,
      foldKey: `match:${group.module} ${o.name}`,
    });
    out.push({ kind: 'unknown', module: group.module, text: [o.negated ? '!' : '', o.name, ...o.args].filter(Boolean).join(' ') });
  };
  const a0 = (o: RawOption): string => o.args[0] ?? '';
  const owned = MODULE_OPTIONS[group.module]!;
  if (!group.options.every((o) => owned.includes(o.name))) {
    for (const o of group.options) if (!owned.includes(o.name)) unknownOption(o);
    group = { ...group, options: group.options.filter((o) => owned.includes(o.name)) };
  }

  switch (group.module) {
    case 'tcp': case 'udp': case 'udplite': case 'sctp': case 'dccp':
      for (const o of group.options) {
        if (o.name === '--sport' || o.name === '--source-port' || o.name === '--dport' || o.name === '--destination-port') {
          const range = parsePortRange(a0(o));
          if (range === null) bad(o, 'not a port or port range');
          else out.push({ kind: 'port', direction: o.name.startsWith('--s') ? 'source' : 'destination', negated: o.negated, ranges: [range] });
        } else if (o.name === '--tcp-flags') {
          out.push({ kind: 'tcp-flags', negated: o.negated, mask: splitList(a0(o)), set: splitList(o.args[1] ?? '') });
        } else if (o.name === '--syn') {
          out.push({ kind: 'tcp-flags', negated: o.negated, mask: ['FIN', 'SYN', 'RST', 'ACK'], set: ['SYN'] });
        } else unknownOption(o);
      }
      break;
    case 'multiport':
      for (const o of group.options) {
        const ranges = parsePortList(a0(o));
        if (ranges === null) {
          bad(o, 'not a comma-separated list of ports or ranges');
          continue;
        }
        const direction = o.name === '--ports' ? 'either' : o.name.startsWith('--s') ? 'source' : 'destination';
        out.push({ kind: 'port', direction, negated: o.negated, ranges });
      }
      break;
    case 'comment':
      for (const o of group.options) out.push({ kind: 'comment', text: a0(o) });
      break;
    case 'mark': case 'connmark':
      for (const o of group.options) {
        const mark = parseMarkValue(a0(o));
        if (mark === null) bad(o, 'not a mark value[/mask]');
        else out.push({ kind: group.module, negated: o.negated, mark });
      }
      break;
    case 'state': case 'conntrack':
      for (const o of group.options) readConntrackOption(o, family, out, bad, unknownOption);
      break;
    case 'addrtype': {
      let last: Extract<Match, { kind: 'addrtype' }> | null = null;
      for (const o of group.options) {
        if (o.name === '--src-type' || o.name === '--dst-type') {
          last = { kind: 'addrtype', side: o.name === '--src-type' ? 'source' : 'destination', negated: o.negated, types: splitList(a0(o)), limitIface: null };
          out.push(last);
        } else if (last !== null) {
          last.limitIface = o.name === '--limit-iface-in' ? 'in' : 'out';
        } else unknownOption(o);
      }
      break;
    }
    case 'statistic': {
      let mode: string | null = null;
      let every: number | null = null;
      let packet = 0;
      let nthNegated = false;
      for (const o of group.options) {
        if (o.name === '--mode') mode = a0(o);
        else if (o.name === '--probability') {
          const p = Number(a0(o));
          if (!Number.isFinite(p) || p < 0 || p > 1) bad(o, 'not a probability between 0 and 1');
          else out.push({ kind: 'statistic-random', negated: o.negated, probability: p });
        } else if (o.name === '--every') {
          every = Number(a0(o));
          nthNegated = o.negated;
        } else if (o.name === '--packet') packet = Number(a0(o));
      }
      if (mode === 'nth') {
        if (every === null || !Number.isInteger(every) || every < 1) {
          problems.push({ code: 'iptables.bad-option', severity: 'error', message: '-m statistic --mode nth needs --every N (N ≥ 1)' });
          out.push({ kind: 'unknown', module: 'statistic', text: groupText(group) });
        } else out.push({ kind: 'statistic-nth', negated: nthNegated, every, packet });
      } else if (mode !== 'random') {
        problems.push({ code: 'iptables.bad-option', severity: 'error', message: `-m statistic: unknown --mode ${mode ?? '(none)'}` });
        out.push({ kind: 'unknown', module: 'statistic', text: groupText(group) });
      }
      break;
    }
    case 'recent': {
      const m: Extract<Match, { kind: 'recent' }> = {
        kind: 'recent', negated: false, action: 'set', name: 'DEFAULT', side: 'source', seconds: null, hitcount: null, reap: false,
      };
      for (const o of group.options) {
        switch (o.name) {
          case '--set': case '--rcheck': case '--update': case '--remove':
            m.action = o.name.slice(2) as typeof m.action;
            m.negated = o.negated;
            break;
          case '--name': m.name = a0(o); break;
          case '--rsource': m.side = 'source'; break;
          case '--rdest': m.side = 'destination'; break;
          case '--seconds': m.seconds = Number(a0(o)); break;
          case '--hitcount': m.hitcount = Number(a0(o)); break;
          case '--reap': m.reap = true; break;
          default: break; // --mask, --rttl: they refine the history lookup, which is unknown anyway.
        }
      }
      out.push(m);
      break;
    }
    case 'set': {
      // One `-m set` may carry several --match-set (each its own condition); the flags apply to all.
      const returnNomatch = group.options.some((o) => o.name === '--return-nomatch');
      const counter = group.options.find((o) => /^--(packets|bytes)-(eq|lt|gt)$/.test(o.name));
      const counterTest = counter === undefined ? null : `${counter.negated ? '! ' : ''}${counter.name} ${a0(counter)}`;
      for (const o of group.options) {
        if (o.name === '--match-set') {
          out.push({ kind: 'set', negated: o.negated, setName: a0(o), flags: splitList(o.args[1] ?? ''), returnNomatch, counterTest });
        }
      }
      break;
    }
    case 'physdev': {
      const m: Extract<Match, { kind: 'physdev' }> = { kind: 'physdev', physdevIn: null, physdevOut: null, isIn: null, isOut: null, isBridged: null };
      for (const o of group.options) {
        const name = a0(o);
        const wildcard = name.endsWith('+');
        const dev = { negated: o.negated, name: wildcard ? name.slice(0, -1) : name, wildcard };
        if (o.name === '--physdev-in') m.physdevIn = dev;
        else if (o.name === '--physdev-out') m.physdevOut = dev;
        else if (o.name === '--physdev-is-in') m.isIn = !o.negated;
        else if (o.name === '--physdev-is-out') m.isOut = !o.negated;
        else if (o.name === '--physdev-is-bridged') m.isBridged = !o.negated;
      }
      out.push(m);
      break;
    }
    case 'socket':
      out.push({ kind: 'socket', options: group.options.map((o) => o.name) });
      break;
    case 'pkttype':
      for (const o of group.options) out.push({ kind: 'pkttype', negated: o.negated, type: a0(o) });
      break;
    case 'limit': {
      let rate = '3/hour';
      let burst: number | null = null;
      for (const o of group.options) {
        if (o.name === '--limit') rate = a0(o);
        else burst = Number(a0(o));
      }
      out.push({ kind: 'limit', rate, burst });
      break;
    }
    case 'icmp': case 'icmp6':
      for (const o of group.options) {
        const name = a0(o);
        const [t, c] = name.split('/');
        const type = t !== undefined && /^\d+$/.test(t) ? Number(t) : null;
        const code = c !== undefined && /^\d+$/.test(c) ? Number(c) : null;
        out.push({ kind: 'icmp-type', negated: o.negated, family: group.module === 'icmp' ? 'ipv4' : 'ipv6', type, code, name });
      }
      break;
    case 'iprange':
      for (const o of group.options) {
        const [fromText, toText] = a0(o).split('-');
        const from = fromText === undefined ? null : parseIpAddress(fromText);
        const to = toText === undefined ? from : parseIpAddress(toText);
        if (from === null || to === null || from.family !== family || to.family !== family) bad(o, 'not an address range A-B');
        else out.push({ kind: 'iprange', side: o.name === '--src-range' ? 'source' : 'destination', negated: o.negated, range: { from, to } });
      }
      break;
    case 'length':
      for (const o of group.options) {
        const range = parseNumberRange(a0(o), 65535);
        if (range === null) bad(o, 'not a length or length range');
        else out.push({ kind: 'length', negated: o.negated, min: range.min, max: range.max });
      }
      break;
    case 'owner':
      for (const o of group.options) {
        if (o.name === '--uid-owner') out.push({ kind: 'owner', negated: o.negated, what: 'uid', value: a0(o) });
        else if (o.name === '--gid-owner') out.push({ kind: 'owner', negated: o.negated, what: 'gid', value: a0(o) });
        else if (o.name === '--socket-exists') out.push({ kind: 'owner', negated: o.negated, what: 'socket-exists', value: '' });
        else unknownOption(o);
      }
      break;
    case 'nfacct':
      for (const o of group.options) out.push({ kind: 'nfacct', name: a0(o) });
      break;
    default:
      break;
  }
  return out;
}

function groupText(group: OptionGroup): string {
  const words = ['-m', group.module];
  for (const o of group.options) {
    if (o.negated) words.push('!');
    words.push(o.name, ...o.args);
  }
  return words.join(' ');
}

function readConntrackOption(
  o: RawOption,
  family: Family,
  out: Match[],
  bad: (o: RawOption, why: string) => void,
  unknownOption: (o: RawOption) => void,
): void {
  const a = o.args[0] ?? '';
  switch (o.name) {
    case '--state': case '--ctstate':
      out.push({ kind: 'ctstate', negated: o.negated, states: splitList(a) });
      return;
    case '--ctstatus':
      out.push({ kind: 'ctstatus', negated: o.negated, statuses: splitList(a) });
      return;
    case '--ctorigsrc': case '--ctorigdst': case '--ctreplsrc': case '--ctrepldst': {
      const prefix = parsePrefix(a);
      if (prefix === null || prefix.address.family !== family) bad(o, 'not an address or prefix');
      else out.push({ kind: 'ct-address', tuple: o.name.slice(4) as 'origsrc', negated: o.negated, prefix });
      return;
    }
    case '--ctorigsrcport': case '--ctorigdstport': case '--ctreplsrcport': case '--ctrepldstport': {
      const range = parsePortRange(a);
      if (range === null) bad(o, 'not a port or port range');
      else out.push({ kind: 'ct-port', tuple: o.name.slice(4, -4) as 'origsrc', negated: o.negated, range });
      return;
    }
    case '--ctdir':
      if (a === 'ORIGINAL' || a === 'REPLY') out.push({ kind: 'ctdir', direction: a });
      else bad(o, 'expected ORIGINAL or REPLY');
      return;
    case '--ctproto':
      out.push({ kind: 'ctproto', negated: o.negated, protocol: a.toLowerCase() });
      return;
    default:
      unknownOption(o);
  }
}

function splitList(text: string): string[] {
  return text.length === 0 ? [] : text.split(',');
}

function parsePortList(text: string): PortRange[] | null {
  const out: PortRange[] = [];
  for (const part of text.split(',')) {
    const r = parsePortRange(part);
    if (r === null) return null;
    out.push(r);
  }
  return out;
}

function parseNumberRange(text: string, max: number): PortRange | null {
  const colon = text.indexOf(':');
  const lo = colon === -1 ? text : text.slice(0, colon);
  const hi = colon === -1 ? text : text.slice(colon + 1);
  const min = lo === '' ? 0 : Number(lo);
  const top = hi === '' ? max : Number(hi);
  if (!Number.isInteger(min) || !Number.isInteger(top) || min < 0 || top > max || min > top) return null;
  return { min, max: top };
}
