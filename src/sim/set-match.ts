// `-m set --match-set NAME src,dst` against the host's ipset dump: the membership logic is
// src/ipset/membership.ts; this turns its answer into the walk's yes / no / unknown. A set the
// host's dumps do not hold is unknown (load-host says so once, at the rule). An entry with a
// timeout running is taken as present — it was, when the dump was made — and the branch says so.

import { testMembership } from '../ipset/index.js';
import type { Match } from '../netfilter/model.js';
import type { MatchResult } from './match-result.js';
import type { HostModel } from './host-model.js';
import type { SimPacket } from './state.js';

export function evaluateSetMatch(m: Extract<Match, { kind: 'set' }>, packet: SimPacket, host: HostModel): MatchResult {
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
}
