// The registry of `-m` match modules natpath reads: one file per module in this folder. A module
// not listed here is read as an unknown match (kept as written, evaluated as unknown).

import type { MatchModule } from '../match-module.js';
import { ADDRTYPE } from './addrtype.js';
import { COMMENT } from './comment.js';
import { CONNTRACK, STATE } from './conntrack.js';
import { ICMP, ICMP6 } from './icmp.js';
import { IPRANGE } from './iprange.js';
import { LENGTH } from './length.js';
import { LIMIT } from './limit.js';
import { CONNMARK, MARK } from './mark.js';
import { MULTIPORT } from './multiport.js';
import { NFACCT } from './nfacct.js';
import { OWNER } from './owner.js';
import { PHYSDEV } from './physdev.js';
import { PKTTYPE } from './pkttype.js';
import { DCCP, SCTP, TCP, UDP, UDPLITE } from './ports.js';
import { RECENT } from './recent.js';
import { SET } from './set.js';
import { SOCKET } from './socket.js';
import { STATISTIC } from './statistic.js';

const MODULES: readonly MatchModule[] = [
  TCP, UDP, UDPLITE, SCTP, DCCP, MULTIPORT, COMMENT, MARK, CONNMARK, CONNTRACK, STATE, ADDRTYPE, STATISTIC, RECENT,
  SET, PHYSDEV, SOCKET, PKTTYPE, LIMIT, ICMP, ICMP6, IPRANGE, LENGTH, OWNER, NFACCT,
];

const BY_NAME = new Map(MODULES.map((m) => [m.name, m]));

/** The module `-m NAME` loads, or undefined when natpath does not know it. */
export function matchModule(name: string): MatchModule | undefined {
  return BY_NAME.get(name);
}
