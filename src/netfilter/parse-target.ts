// Reads `-j NAME options…` into a typed target: a target natpath reads is read by its module
// (targets/, found through targets/index.ts). A name that is not a known target is taken as a
// jump to a user chain; the table reader later turns jumps to undeclared chains into `unknown`
// targets (an extension natpath does not know looks exactly like that).

import type { Family } from '../net/address.js';
import type { Target } from './model.js';
import type { RuleProblem } from './rule-problem.js';
import type { TargetOption, TargetReader } from './target-module.js';
import { targetModule } from './targets/index.js';

/** Targets that never decide the packet's fate (the walk goes on with the next rule). */
const CONTINUE_TARGETS = new Set([
  'LOG', 'NFLOG', 'ULOG', 'TRACE', 'TCPMSS', 'CHECKSUM', 'DSCP', 'TOS', 'TTL', 'HL', 'CLASSIFY', 'AUDIT', 'SET',
  'CONNSECMARK', 'SECMARK', 'IDLETIMER', 'LED', 'RATEEST', 'TEE', 'TCPOPTSTRIP', 'ECN', 'NFLOG',
]);

/** Targets natpath knows by name but cannot evaluate (their verdict depends on something outside the dumps). */
const OPAQUE_TARGETS = new Set(['NFQUEUE', 'QUEUE', 'SYNPROXY', 'CLUSTERIP', 'HMARK', 'JOURNAL']);

export function parseTarget(name: string, words: readonly string[], family: Family): { target: Target; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const options = groupOptions(words);
  const module = targetModule(name);
  if (module !== undefined) {
    const reader: TargetReader = {
      name,
      words,
      family,
      options,
      opt: (...names) => options.find((o) => names.includes(o.name)),
      flag: (n) => options.some((o) => o.name === n),
    };
    const read = module.read(reader);
    if (!('bad' in read)) return { target: read, problems };
    problems.push({ code: 'iptables.bad-target', message: `-j ${name} ${words.join(' ')}: ${read.bad}` });
    return { target: { kind: 'unknown', name, options: [...words] }, problems };
  }
  if (CONTINUE_TARGETS.has(name)) return { target: { kind: 'continue', name, options: [...words] }, problems };
  if (OPAQUE_TARGETS.has(name)) {
    problems.push({
      code: 'iptables.unknown-target',
      message: `target ${name} cannot be evaluated offline; rules using it evaluate as unknown`,
      foldKey: `target:${name}`,
    });
    return { target: { kind: 'unknown', name, options: [...words] }, problems };
  }
  if (words.length > 0) {
    // A user chain takes no options: this is an extension target natpath does not know.
    problems.push({
      code: 'iptables.unknown-target',
      message: `target ${name} is not known to natpath; rules using it evaluate as unknown`,
      foldKey: `target:${name}`,
    });
    return { target: { kind: 'unknown', name, options: [...words] }, problems };
  }
  return { target: { kind: 'jump', chain: name }, problems };
}

function groupOptions(words: readonly string[]): TargetOption[] {
  const out: TargetOption[] = [];
  for (const w of words) {
    if (w.startsWith('--')) out.push({ name: w, args: [] });
    else if (out.length > 0) out.at(-1)!.args.push(w);
  }
  return out;
}
