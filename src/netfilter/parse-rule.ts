// Turns the words of one rule (everything after `-A CHAIN`) into typed matches and a target.
// Generic options (-s -d -p -i -o -f) are read at once; `--long` options are grouped into the
// match module that owns them (`-m tcp --dport 80`), then each module reads its own group (one file
// per module in matches/, found through its registry, matches/index.ts). That
// also copes with hand-written dumps that interleave (`-m tcp -p tcp -d X --dport 80`).
// Nothing throws: problems come back as `RuleProblem`s for the caller to cite with file:line.

import { parsePrefix, type Family, type IpPrefix } from '../net/address.js';
import { ipProtocolNumber } from '../net/ip-protocol-names.js';
import type { Match, Target } from './model.js';
import { parseTarget } from './parse-target.js';
import type { RuleProblem } from './rule-problem.js';
import { optionArity, type MatchModule, type ModuleReader, type OptionGroup, type RawOption } from './match-module.js';
import { matchModule } from './matches/index.js';

export interface ParsedRule {
  matches: Match[];
  target: Target;
  comment: string | null;
  unknown: boolean;
  counters: { packets: number; bytes: number } | null;
  problems: RuleProblem[];
}

/** The module `-p PROTO` loads implicitly, for dumps that omit `-m tcp`: iptables picks it by number (`-p 6` too). */
const PROTOCOL_MODULE: ReadonlyMap<number, string> = new Map([
  [6, 'tcp'], [17, 'udp'], [136, 'udplite'], [132, 'sctp'], [33, 'dccp'], [1, 'icmp'], [58, 'icmp6'],
]);

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
      problems.push({ code: 'iptables.missing-value', message: `option ${name} needs a value, the rule ends` });
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
          problems.push({ code: 'iptables.bad-address', message: `${word} ${text}: not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address or prefix` });
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
        // `all` is iptables' word for any protocol (number 0, as `-p 0`).
        const number = protocol === 'all' ? 0 : ipProtocolNumber(protocol);
        if (number === null) problems.push({ code: 'iptables.bad-option', message: `-p "${text}" is not an IP protocol name or number (0-255); the rule is unknown for packets of other protocols` });
        matches.push({ kind: 'protocol', negated, protocol, number });
        const implied = negated || number === null ? undefined : PROTOCOL_MODULE.get(number);
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
      const module = group === null ? undefined : matchModule(group.module);
      const args: string[] = [];
      if (module !== undefined) {
        const arity = optionArity(module, word);
        for (let k = 0; k < arity && i < words.length; k++) args.push(words[i++]!);
        if (args.length < arity) {
          problems.push({ code: 'iptables.missing-value', message: `option ${word} needs ${arity} value(s), the rule ends` });
        }
      } else {
        // Unknown module or option: take the words up to the next option as its values.
        while (i < words.length && !words[i]!.startsWith('-') && !isBang(i)) args.push(words[i++]!);
      }
      const owner = group ?? lastGroupOrNew(groups);
      owner.options.push({ name: word, negated, args });
      // The text of a group is kept only for modules natpath does not know (it is shown as is).
      if (matchModule(owner.module) === undefined) {
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
            foldKey: 'iptables.unquoted-comment',
            message: 'comment with spaces is not quoted (iptables-restore would reject it); the words are kept as one comment',
          });
        }
        continue;
      }
    }
    problems.push({ code: 'iptables.unexpected-word', message: `unexpected word "${word}" (not an option or a value)` });
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
        problems.push({ code: 'iptables.unexpected-word', message: `words after -g ${targetName}: "${targetWords.join(' ')}"` });
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
    if (matchModule(group.module)?.options.includes(option)) return group;
  }
  if (protocolModule !== null && matchModule(protocolModule.module)?.options.includes(option)) return protocolModule;
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

/** Reads one module's options into matches through its registry entry; anything it does not know becomes an `unknown` match. */
function readModule(group: OptionGroup, family: Family, problems: RuleProblem[]): Match[] {
  const module = matchModule(group.module);
  if (module === undefined) {
    problems.push({
      code: 'iptables.unknown-match',
      message: `match "-m ${group.module}" is not known to natpath; rules using it evaluate as unknown`,
      foldKey: `match:${group.module}`,
    });
    return [{ kind: 'unknown', module: group.module, text: group.words.join(' ') }];
  }
  const out: Match[] = [];
  // Options the module does not own are reported first (each an unknown match); it reads the rest.
  const owned = group.options.filter((o) => module.options.includes(o.name));
  for (const o of group.options) if (!module.options.includes(o.name)) reportUnknownOption(module, o, problems, out);
  const reader: ModuleReader = {
    family,
    group: owned.length === group.options.length ? group : { ...group, options: owned },
    out,
    problems,
    bad(o, why) {
      problems.push({ code: 'iptables.bad-option', message: `-m ${group.module} ${o.name} ${o.args.join(' ')}: ${why}` });
      out.push({ kind: 'unknown', module: group.module, text: `${o.name} ${o.args.join(' ')}` });
    },
    unknownOption: (o) => reportUnknownOption(module, o, problems, out),
  };
  module.read(reader);
  return out;
}

function reportUnknownOption(module: MatchModule, o: RawOption, problems: RuleProblem[], out: Match[]): void {
  problems.push({
    code: 'iptables.unknown-match',
    message: `option ${o.name} of "-m ${module.name}" is not known to natpath; rules using it evaluate as unknown`,
    foldKey: `match:${module.name} ${o.name}`,
  });
  out.push({ kind: 'unknown', module: module.name, text: [o.negated ? '!' : '', o.name, ...o.args].filter(Boolean).join(' ') });
}
