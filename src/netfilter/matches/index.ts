// The registry of `-m` match modules: one file per module in this folder, each with its options,
// its reader and the evaluators of the matches it makes. A module not listed here is read as an
// unknown match (kept as written, evaluated as unknown).

import type { Match } from '../model.js';
import type { MatchContext, MatchEvaluators, MatchResult } from '../match-eval.js';
import type { MatchModule } from '../match-module.js';
import { GENERIC_EVALUATORS } from './generic.js';
import { ADDRTYPE, ADDRTYPE_EVALUATORS } from './addrtype.js';
import { COMMENT, COMMENT_EVALUATORS } from './comment.js';
import { CONNTRACK, CONNTRACK_EVALUATORS, STATE } from './conntrack.js';
import { ICMP, ICMP6, ICMP_EVALUATORS } from './icmp.js';
import { IPRANGE, IPRANGE_EVALUATORS } from './iprange.js';
import { LENGTH, LENGTH_EVALUATORS } from './length.js';
import { LIMIT, LIMIT_EVALUATORS } from './limit.js';
import { CONNMARK, MARK, MARK_EVALUATORS } from './mark.js';
import { MULTIPORT } from './multiport.js';
import { NFACCT, NFACCT_EVALUATORS } from './nfacct.js';
import { OWNER, OWNER_EVALUATORS } from './owner.js';
import { PHYSDEV, PHYSDEV_EVALUATORS } from './physdev.js';
import { PKTTYPE, PKTTYPE_EVALUATORS } from './pkttype.js';
import { DCCP, PORT_EVALUATORS, SCTP, TCP, UDP, UDPLITE } from './ports.js';
import { RECENT, RECENT_EVALUATORS } from './recent.js';
import { SET, SET_EVALUATORS } from './set.js';
import { SOCKET, SOCKET_EVALUATORS } from './socket.js';
import { STATISTIC, STATISTIC_EVALUATORS } from './statistic.js';

const MODULES: readonly MatchModule[] = [
  TCP, UDP, UDPLITE, SCTP, DCCP, MULTIPORT, COMMENT, MARK, CONNMARK, CONNTRACK, STATE, ADDRTYPE, STATISTIC, RECENT,
  SET, PHYSDEV, SOCKET, PKTTYPE, LIMIT, ICMP, ICMP6, IPRANGE, LENGTH, OWNER, NFACCT,
];

const BY_NAME = new Map(MODULES.map((m) => [m.name, m]));

/** The module `-m NAME` loads, or undefined when natpath does not know it. */
export function matchModule(name: string): MatchModule | undefined {
  return BY_NAME.get(name);
}

/** Every kind of match and its evaluator; the type makes a kind without one a compile error. */
const EVALUATORS: MatchEvaluators = {
  ...GENERIC_EVALUATORS,
  ...PORT_EVALUATORS,
  ...COMMENT_EVALUATORS,
  ...MARK_EVALUATORS,
  ...CONNTRACK_EVALUATORS,
  ...ADDRTYPE_EVALUATORS,
  ...STATISTIC_EVALUATORS,
  ...RECENT_EVALUATORS,
  ...SET_EVALUATORS,
  ...PHYSDEV_EVALUATORS,
  ...SOCKET_EVALUATORS,
  ...PKTTYPE_EVALUATORS,
  ...LIMIT_EVALUATORS,
  ...ICMP_EVALUATORS,
  ...IPRANGE_EVALUATORS,
  ...LENGTH_EVALUATORS,
  ...OWNER_EVALUATORS,
  ...NFACCT_EVALUATORS,
};

/** One match against the packet at this point of the walk. */
export function evaluateMatch(m: Match, ctx: MatchContext): MatchResult {
  // The registry pairs each kind with its own evaluator; TypeScript cannot follow that pairing through the index.
  return (EVALUATORS[m.kind] as (m: Match, ctx: MatchContext) => MatchResult)(m, ctx);
}
