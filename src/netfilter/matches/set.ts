// `-m set [!] --match-set NAME FLAGS [--return-nomatch] [--packets-eq N …]`: membership of the
// packet's fields in an ipset, evaluated against the host's `ipset save`: the membership logic is
// src/ipset/membership.ts; this turns its answer into yes / no / unknown. A set the host's dumps do
// not hold is unknown. An entry with a timeout running is taken as present — it was, when the dump
// was made — and the branch says so.

import { testMembership } from '../../ipset/index.js';
import { firstArg, splitList, type MatchModule } from '../match-module.js';
import type { MatchEvaluators } from '../match-eval.js';

export const SET: MatchModule = {
  name: 'set',
  options: [
    '--match-set', '--return-nomatch', '--update-counters', '--update-subcounters', '--packets-eq', '--packets-lt',
    '--packets-gt', '--bytes-eq', '--bytes-lt', '--bytes-gt',
  ],
  flags: ['--return-nomatch', '--update-counters', '--update-subcounters'],
  twoValues: ['--match-set'],
  read(r) {
    // One `-m set` may carry several --match-set (each its own condition); the flags apply to all.
    const options = r.group.options;
    const returnNomatch = options.some((o) => o.name === '--return-nomatch');
    const counter = options.find((o) => /^--(packets|bytes)-(eq|lt|gt)$/.test(o.name));
    const counterTest = counter === undefined ? null : `${counter.negated ? '! ' : ''}${counter.name} ${firstArg(counter)}`;
    for (const o of options) {
      if (o.name === '--match-set') {
        r.out.push({ kind: 'set', negated: o.negated, setName: firstArg(o), flags: splitList(o.args[1] ?? ''), returnNomatch, counterTest });
      }
    }
  },
};

export const SET_EVALUATORS = {
  set(m, { packet, host }) {
    const what = `-m set ${m.negated ? '! ' : ''}--match-set ${m.setName} ${m.flags.join(',')}`;
    if (m.counterTest !== null) return { kind: 'unknown', why: `${what} ${m.counterTest}: the set entry's counters at the packet's time are not in the dumps` };
    if (host.ipsets === null) return { kind: 'unknown', why: `${what}: the host has no ipset dump` };
    const r = testMembership(host.ipsets, { name: m.setName, directions: m.flags, returnNomatch: m.returnNomatch }, packet);
    if (r.kind === 'unknown') return { kind: 'unknown', why: `${what}: ${r.why}` };
    const member = r.kind === 'yes';
    if (member === m.negated) return { kind: 'no' };
    const entry = r.entry;
    if (member && entry !== null && entry.timed) {
      const left = entry.timeoutSeconds === null ? 'a timeout running' : `${entry.timeoutSeconds} s left`;
      return { kind: 'yes', assumed: `${what}: ${r.why} had ${left} when the dump was made (${entry.source.file}:${entry.source.line}); taken as still present` };
    }
    return { kind: 'yes' };
  },
} satisfies Partial<MatchEvaluators>;
