// The iptables-save / ip6tables-save model: tables → chains → rules, each rule a list of typed
// match conditions (ANDed) and one typed target. The simulator reads these unions; it never
// re-parses text. Every rule keeps its original line and its `file:line` so reports can cite it.

import type { Family, IpAddress, IpPrefix } from '../net/address.js';

export interface SourceLine {
  file: string;
  line: number;
}

export interface Counters {
  packets: number;
  bytes: number;
}

export type TableName = 'raw' | 'mangle' | 'nat' | 'filter' | 'security' | (string & {});

export const BUILTIN_CHAINS: Readonly<Record<string, readonly string[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

export interface IptablesDump {
  family: Family;
  /** Tables in file order. A table that appears twice is merged into the first. */
  tables: NetfilterTable[];
}

export interface NetfilterTable {
  name: TableName;
  /** Chains in declaration order (rules appended to undeclared chains create them, with a warning). */
  chains: Chain[];
  /** Same chains by name. */
  chainsByName: Map<string, Chain>;
  source: SourceLine;
  /** False when the file ended before this table's COMMIT. */
  committed: boolean;
}

export interface Chain {
  name: string;
  builtin: boolean;
  /** Built-in chains have a policy; user chains print `-` and have none. */
  policy: 'ACCEPT' | 'DROP' | null;
  counters: Counters | null;
  rules: Rule[];
  source: SourceLine;
}

export interface Rule {
  table: TableName;
  chain: string;
  /** 1-based position within its chain, as `iptables -L --line-numbers` shows it. */
  number: number;
  /** The rule exactly as written (without the `[pkts:bytes]` prefix). */
  text: string;
  counters: Counters | null;
  matches: Match[];
  target: Target;
  /** Text of the first `-m comment --comment`, null without one. */
  comment: string | null;
  /** True when a match or the target is one natpath does not know: evaluation is "unknown". */
  unknown: boolean;
  source: SourceLine;
}

export interface PortRange {
  min: number;
  max: number;
}

/** An address set as iptables writes it: one or more prefixes (`-s a,b`), or an inclusive range (`-m iprange`). */
export interface AddressRange {
  from: IpAddress;
  to: IpAddress;
}

export interface MarkValue {
  value: number;
  mask: number;
}

/** Every condition is a separate entry; a rule matches when all of them do. `negated` is iptables' `!`. */
export type Match =
  | { kind: 'source'; negated: boolean; prefixes: IpPrefix[] }
  | { kind: 'destination'; negated: boolean; prefixes: IpPrefix[] }
  | { kind: 'protocol'; negated: boolean; protocol: string; number: number | null }
  | { kind: 'in-interface'; negated: boolean; name: string; wildcard: boolean }
  | { kind: 'out-interface'; negated: boolean; name: string; wildcard: boolean }
  | { kind: 'fragment'; negated: boolean }
  /** `--sport`/`--dport` of tcp/udp/sctp, `--sports/--dports/--ports` of multiport; `either` for `--ports`. */
  | { kind: 'port'; direction: 'source' | 'destination' | 'either'; negated: boolean; ranges: PortRange[] }
  | { kind: 'tcp-flags'; negated: boolean; mask: string[]; set: string[] }
  | { kind: 'comment'; text: string }
  | { kind: 'mark'; negated: boolean; mark: MarkValue }
  | { kind: 'connmark'; negated: boolean; mark: MarkValue }
  /** `-m conntrack --ctstate` and `-m state --state`: NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED, SNAT, DNAT. */
  | { kind: 'ctstate'; negated: boolean; states: string[] }
  | { kind: 'ctstatus'; negated: boolean; statuses: string[] }
  | { kind: 'ct-address'; tuple: 'origsrc' | 'origdst' | 'replsrc' | 'repldst'; negated: boolean; prefix: IpPrefix }
  | { kind: 'ct-port'; tuple: 'origsrc' | 'origdst' | 'replsrc' | 'repldst'; negated: boolean; range: PortRange }
  | { kind: 'ctdir'; direction: 'ORIGINAL' | 'REPLY' }
  | { kind: 'ctproto'; negated: boolean; protocol: string }
  | { kind: 'addrtype'; side: 'source' | 'destination'; negated: boolean; types: string[]; limitIface: 'in' | 'out' | null }
  | { kind: 'statistic-random'; negated: boolean; probability: number }
  | { kind: 'statistic-nth'; negated: boolean; every: number; packet: number }
  | {
      kind: 'recent';
      negated: boolean;
      action: 'set' | 'rcheck' | 'update' | 'remove';
      name: string;
      side: 'source' | 'destination';
      seconds: number | null;
      hitcount: number | null;
      reap: boolean;
    }
  | {
      kind: 'set';
      negated: boolean;
      setName: string;
      /** `src`/`dst` per dimension of the set. */
      flags: string[];
      /** `--return-nomatch`: entries flagged nomatch match, plain entries do not. */
      returnNomatch: boolean;
      /** `--packets-gt 10` & co.: the set entry's counters, which a dump does not hold at packet time. */
      counterTest: string | null;
    }
  | {
      kind: 'physdev';
      physdevIn: { negated: boolean; name: string; wildcard: boolean } | null;
      physdevOut: { negated: boolean; name: string; wildcard: boolean } | null;
      isIn: boolean | null;
      isOut: boolean | null;
      isBridged: boolean | null;
    }
  | { kind: 'socket'; options: string[] }
  | { kind: 'pkttype'; negated: boolean; type: string }
  | { kind: 'limit'; rate: string; burst: number | null }
  | { kind: 'icmp-type'; negated: boolean; family: Family; type: number | null; code: number | null; name: string }
  | { kind: 'iprange'; side: 'source' | 'destination'; negated: boolean; range: AddressRange }
  | { kind: 'length'; negated: boolean; min: number; max: number }
  /** Accounting only (`-m nfacct`): always matches. */
  | { kind: 'nfacct'; name: string }
  | { kind: 'owner'; negated: boolean; what: 'uid' | 'gid' | 'socket-exists'; value: string }
  /** A module or option natpath does not know: kept as text, evaluated as unknown. */
  | { kind: 'unknown'; module: string; text: string };

export interface NatRange {
  /** null: the address is left as is (`--to-destination :8080`). */
  minAddress: IpAddress | null;
  maxAddress: IpAddress | null;
  /** null: the port is left as is (or chosen by the kernel for SNAT/MASQUERADE when needed). */
  ports: PortRange | null;
}

export interface NatFlags {
  random: boolean;
  randomFully: boolean;
  persistent: boolean;
}

export type Target =
  | { kind: 'ACCEPT' }
  | { kind: 'DROP' }
  | { kind: 'RETURN' }
  | { kind: 'REJECT'; rejectWith: string | null }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  /** All MARK forms normalised to the kernel's xmark: `mark = (mark & ~mask) ^ value`. */
  | { kind: 'MARK'; value: number; mask: number }
  | { kind: 'CONNMARK-set'; value: number; mask: number }
  | { kind: 'CONNMARK-save'; nfmask: number; ctmask: number }
  | { kind: 'CONNMARK-restore'; nfmask: number; ctmask: number }
  | { kind: 'SNAT'; ranges: NatRange[]; flags: NatFlags }
  | { kind: 'DNAT'; ranges: NatRange[]; flags: NatFlags }
  | { kind: 'MASQUERADE'; ports: PortRange | null; flags: NatFlags }
  | { kind: 'REDIRECT'; ports: PortRange | null; flags: NatFlags }
  | { kind: 'NETMAP'; prefix: IpPrefix }
  /** LOG, NFLOG, TRACE, TCPMSS, CHECKSUM, DSCP, TOS, TTL, … — they do not decide the packet's fate. */
  | { kind: 'continue'; name: string; options: string[] }
  | { kind: 'NOTRACK' }
  | { kind: 'CT'; notrack: boolean; options: string[] }
  | { kind: 'TPROXY'; port: number | null; address: IpAddress | null; mark: MarkValue | null }
  /** No `-j`: the rule only counts packets. */
  | { kind: 'none' }
  | { kind: 'unknown'; name: string; options: string[] };

export type TargetKind = Target['kind'];
