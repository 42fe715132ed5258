// `-m state --state` and `-m conntrack --ctstate/--ctstatus/--ctorig*/--ctrepl*/--ctdir/--ctproto`:
// the connection's state and tuples.

import { parsePrefix } from '../../net/address.js';
import { ipProtocolNumber } from '../../net/ip-protocol-names.js';
import { firstArg, splitList, type MatchModule, type ModuleReader, type RawOption } from '../match-module.js';
import { parsePortRange } from '../parse-values.js';
import { prefixContains } from '../../net/address.js';
import { NO, not, unknown, YES, type MatchEvaluators } from '../match-eval.js';

function readConntrackOption(o: RawOption, r: ModuleReader): void {
  const a = firstArg(o);
  switch (o.name) {
    case '--state': case '--ctstate':
      r.out.push({ kind: 'ctstate', negated: o.negated, states: splitList(a) });
      return;
    case '--ctstatus':
      r.out.push({ kind: 'ctstatus', negated: o.negated, statuses: splitList(a) });
      return;
    case '--ctorigsrc': case '--ctorigdst': case '--ctreplsrc': case '--ctrepldst': {
      const prefix = parsePrefix(a);
      if (prefix === null || prefix.address.family !== r.family) r.bad(o, 'not an address or prefix');
      else r.out.push({ kind: 'ct-address', tuple: o.name.slice(4) as 'origsrc', negated: o.negated, prefix });
      return;
    }
    case '--ctorigsrcport': case '--ctorigdstport': case '--ctreplsrcport': case '--ctrepldstport': {
      const range = parsePortRange(a);
      if (range === null) r.bad(o, 'not a port or port range');
      else r.out.push({ kind: 'ct-port', tuple: o.name.slice(4, -4) as 'origsrc', negated: o.negated, range });
      return;
    }
    case '--ctdir':
      if (a === 'ORIGINAL' || a === 'REPLY') r.out.push({ kind: 'ctdir', direction: a });
      else r.bad(o, 'expected ORIGINAL or REPLY');
      return;
    case '--ctproto':
      r.out.push({ kind: 'ctproto', negated: o.negated, protocol: a.toLowerCase() });
      return;
    default:
      r.unknownOption(o);
  }
}

function readConntrack(r: ModuleReader): void {
  for (const o of r.group.options) readConntrackOption(o, r);
}

export const STATE: MatchModule = { name: 'state', options: ['--state'], read: readConntrack };
export const CONNTRACK: MatchModule = {
  name: 'conntrack',
  options: [
    '--ctstate', '--ctstatus', '--ctorigsrc', '--ctorigdst', '--ctreplsrc', '--ctrepldst', '--ctorigsrcport',
    '--ctorigdstport', '--ctreplsrcport', '--ctrepldstport', '--ctdir', '--ctproto', '--ctexpire',
  ],
  read: readConntrack,
};

/** The packet is the first of a new connection: NEW (or UNTRACKED), unconfirmed, direction ORIGINAL. */
export const CONNTRACK_EVALUATORS = {
  ctstate(m, { conn }) {
    const states = conn.untracked ? ['UNTRACKED'] : ['NEW'];
    if (conn.dnat) states.push('DNAT');
    if (conn.snat) states.push('SNAT');
    return not(m.negated, m.states.some((x) => states.includes(x)));
  },
  // A new, unconfirmed connection has none of EXPECTED, SEEN_REPLY, ASSURED, CONFIRMED.
  ctstatus: (m) => not(m.negated, false),
  'ct-address'(m, { conn, packet: p }) {
    if (conn.untracked) return NO;
    const a = m.tuple === 'origsrc' ? conn.origSrc : m.tuple === 'origdst' ? conn.origDst : m.tuple === 'replsrc' ? p.dst : p.src;
    if (a === null) return unknown(`conntrack ${m.tuple} is not known`);
    return not(m.negated, prefixContains(m.prefix, a));
  },
  'ct-port'(m, { conn, packet: p }) {
    if (conn.untracked) return NO;
    const port = m.tuple === 'origsrc' ? conn.origSport : m.tuple === 'origdst' ? conn.origDport : m.tuple === 'replsrc' ? p.dport : p.sport;
    return not(m.negated, port !== null && port >= m.range.min && port <= m.range.max);
  },
  ctdir: (m) => (m.direction === 'ORIGINAL' ? YES : NO),
  ctproto(m, { packet: p }) {
    // iptables-save prints --ctproto as a number; hand-written rules may name it.
    const number = ipProtocolNumber(m.protocol);
    if (number !== null) return not(m.negated, number === p.protocolNumber);
    return m.protocol === p.protocol ? not(m.negated, true) : unknown(`--ctproto ${m.protocol} is not a protocol natpath knows`);
  },
} satisfies Partial<MatchEvaluators>;
