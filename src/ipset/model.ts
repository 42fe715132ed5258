// The ipset model: what `ipset save` and `ipset list` print, as data. A set is a type (the
// kernel's `hash:ip,port`, `bitmap:port`, `list:set` …), a family, header options and entries;
// each entry is one value per dimension of the type, plus the flags the kernel keeps with it
// (`nomatch`, the timeout left when the dump was made).

import type { IpPrefix } from '../net/address.js';

/** One dimension of a set type, in the order the type name lists them. */
export type DimensionKind = 'ip' | 'net' | 'port' | 'mac' | 'mark' | 'iface' | 'set';

/** Where an entry or set was read: a line of the text dump. */
export interface IpsetSource {
  file: string;
  line: number;
}

/** A value of one dimension. Addresses keep the prefix the kernel stores (a plain address is /32 or /128). */
export type EntryPart =
  /** A range `A-B` is stored as the CIDR blocks the kernel splits it into (one entry each). */
  | { kind: 'address'; prefix: IpPrefix }
  /** `tcp:80`, `udp:53-60`, `80` (tcp is the default); ICMP `icmp:8/0` as type·256+code. */
  | { kind: 'port'; protocol: number; from: number; to: number }
  /** bitmap:ip,mac may list an address whose MAC the kernel has not learnt yet: text ''. */
  | { kind: 'mac'; text: string }
  | { kind: 'mark'; value: number }
  /** hash:net,iface: `physdev:` marks a bridge port rather than the routed interface. */
  | { kind: 'iface'; name: string; physdev: boolean }
  | { kind: 'set'; name: string };

export interface IpsetEntry {
  parts: EntryPart[];
  /** `nomatch`: an exception; the most specific entry that contains the packet decides. */
  nomatch: boolean;
  /** The entry had a timeout running when the dump was made: it existed then, and may have expired since. */
  timed: boolean;
  /** Seconds it had left then (null when not timed, or when the dump did not print a number). */
  timeoutSeconds: number | null;
  comment: string | null;
  text: string;
  source: IpsetSource;
}

export interface IpSet {
  name: string;
  /** The type as the kernel names it today (old 4.x names such as `iphash` are translated). */
  type: string;
  /** The type as the dump wrote it. */
  typeWritten: string;
  dimensions: DimensionKind[];
  /** null for types of no address family (bitmap:port, list:set). */
  family: 'ipv4' | 'ipv6' | null;
  /** `netmask N` of hash:ip / bitmap:ip: addresses are stored masked to that prefix length. */
  netmask: number | null;
  /** `markmask` of hash:ip,mark. */
  markmask: number;
  /** The set's default timeout in seconds (null: the set has no timeouts). */
  timeoutSeconds: number | null;
  /** bitmap types: the range the set covers. */
  range: { from: number; to: number } | null;
  entries: IpsetEntry[];
  /** `Number of entries:` of `ipset list` (null when the dump does not say). */
  declaredEntries: number | null;
  /** Header words natpath keeps but does not interpret (hashsize, maxelem, initval, …). */
  header: string;
  source: IpsetSource;
}

export interface IpsetDump {
  format: 'save' | 'list';
  sets: IpSet[];
  setsByName: Map<string, IpSet>;
}

/** The dimensions of each type the kernel knows, by its current name. */
export const SET_DIMENSIONS: Record<string, DimensionKind[]> = {
  'hash:ip': ['ip'],
  'hash:net': ['net'],
  'hash:mac': ['mac'],
  'hash:ip,port': ['ip', 'port'],
  'hash:net,port': ['net', 'port'],
  'hash:ip,mark': ['ip', 'mark'],
  'hash:net,iface': ['net', 'iface'],
  'hash:net,net': ['net', 'net'],
  'hash:ip,mac': ['ip', 'mac'],
  'hash:ip,port,ip': ['ip', 'port', 'ip'],
  'hash:ip,port,net': ['ip', 'port', 'net'],
  'hash:net,port,net': ['net', 'port', 'net'],
  'bitmap:ip': ['ip'],
  'bitmap:ip,mac': ['ip', 'mac'],
  'bitmap:port': ['port'],
  'list:set': ['set'],
};

/** ipset 4.x type names, which `ipset restore` still accepts and translates. */
export const OLD_TYPE_NAMES: Record<string, string> = {
  iphash: 'hash:ip',
  nethash: 'hash:net',
  ipporthash: 'hash:ip,port',
  ipportiphash: 'hash:ip,port,ip',
  ipportnethash: 'hash:ip,port,net',
  ipmap: 'bitmap:ip',
  macipmap: 'bitmap:ip,mac',
  portmap: 'bitmap:port',
  iptree: 'hash:ip',
  iptreemap: 'hash:ip',
  setlist: 'list:set',
};
