// Reads `ip addr`, `ip link`, `ip -d link` (text) and their `-j` forms into one interface list.
// Text: a header `N: NAME[@PEER]: <FLAGS> key value…`, then indented `link/TYPE …`, with `-d` a
// line starting with the kind (`vxlan id 1 …`) and one with the slave kind (`bridge_slave …`),
// then `inet`/`inet6` lines (each followed by a `valid_lft` line).

import { parseIpAddress, parsePrefix, type IpAddress } from '../net/address.js';
import type { ParseResult } from '../text/diagnostic.js';
import { splitLines } from '../text/line-cursor.js';
import { ProblemCollector } from '../text/problem-collector.js';
import type { InterfaceAddress, InterfaceList, LinkDetails, NetInterface } from './model.js';
import { parseJsonArray } from './parse-ip-route.js';

const HEADER = /^(\d+):\s+([^\s:@]+)(?:@([^\s:]+))?:\s+<([^>]*)>\s*(.*)$/;

const LINK_KINDS = new Set([
  'veth', 'bridge', 'vxlan', 'ipip', 'sit', 'gre', 'gretap', 'ip6tnl', 'ip6gre', 'ip6gretap', 'geneve', 'wireguard',
  'vlan', 'macvlan', 'macvtap', 'ipvlan', 'ipvtap', 'bond', 'team', 'dummy', 'ifb', 'tun', 'vrf', 'nlmon', 'xfrm',
  'vti', 'vti6', 'erspan', 'ip6erspan', 'bareudp', 'netkit', 'can', 'vcan', 'hsr', 'macsec', 'openvswitch', 'tap',
]);

const ADDRESS_FLAGS = new Set([
  'secondary', 'dynamic', 'noprefixroute', 'deprecated', 'tentative', 'nodad', 'temporary', 'mngtmpaddr', 'home',
  'permanent', 'dadfailed', 'optimistic', 'stable-privacy', 'autojoin', 'noprefixroute',
]);

export function parseIpLink(text: string, file: string): ParseResult<InterfaceList> {
  const issues = new ProblemCollector(file, 'link');
  const interfaces: NetInterface[] = [];
  let current: NetInterface | null = null;
  for (const line of splitLines(text)) {
    const raw = line.text;
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const head = HEADER.exec(raw);
    if (head !== null) {
      current = readHeader(head, file, line.number);
      interfaces.push(current);
      continue;
    }
    if (current === null || !/^\s/.test(raw)) {
      // A junk line (an error message pasted in) does not end the interface: its next detail lines are still its.
      issues.skip(line.number, 'link.bad-line', `expected "N: NAME: <FLAGS> …" or an indented detail line, found "${clip(raw.trim())}"`);
      continue;
    }
    readDetailLine(raw.trim().split(/\s+/), current, issues, line.number);
  }
  return { value: { interfaces }, issues: issues.finish() };
}

function readHeader(m: RegExpExecArray, file: string, line: number): NetInterface {
  const after = m[3];
  const flags = m[4]!.length > 0 ? m[4]!.split(',') : [];
  const words = m[5]!.split(/\s+/);
  const get = (key: string): string | null => {
    const i = words.indexOf(key);
    return i === -1 ? null : (words[i + 1] ?? null);
  };
  const mtu = get('mtu');
  let peerIndex: number | null = null;
  let link: string | null = null;
  if (after !== undefined && after !== 'NONE') {
    if (/^if\d+$/.test(after)) peerIndex = Number(after.slice(2));
    else link = after;
  }
  return {
    index: Number(m[1]),
    name: m[2]!,
    peerIndex,
    link,
    linkNetns: null,
    flags,
    up: flags.includes('UP'),
    mtu: mtu === null ? null : Number(mtu),
    master: get('master'),
    state: get('state'),
    linkType: null,
    mac: null,
    details: null,
    slaveKind: null,
    addresses: [],
    source: { file, line },
  };
}

function readDetailLine(words: string[], itf: NetInterface, issues: ProblemCollector<'link'>, line: number): void {
  const first = words[0]!;
  if (first.startsWith('link/')) {
    itf.linkType = first.slice(5);
    const mac = words[1];
    if (mac !== undefined && /^[0-9a-f]{2}(:[0-9a-f]{2})+$/i.test(mac)) itf.mac = mac;
    const ns = words.indexOf('link-netns');
    const nsid = words.indexOf('link-netnsid');
    if (ns !== -1) itf.linkNetns = words[ns + 1] ?? null;
    else if (nsid !== -1) itf.linkNetns = `nsid ${words[nsid + 1] ?? ''}`;
    return;
  }
  if (first === 'inet' || first === 'inet6') {
    const addr = readAddress(words, itf.name);
    if (addr === null) issues.warn(line, 'link.bad-address', `"${clip(words.join(' '))}" has no readable address; skipped`);
    else itf.addresses.push(addr);
    return;
  }
  if (first === 'valid_lft' || first === 'altname' || first === 'addrgenmode' || first === 'alias' || first === 'prop') return;
  if (first.endsWith('_slave')) {
    itf.slaveKind = first.slice(0, -'_slave'.length);
    return;
  }
  if (LINK_KINDS.has(first)) {
    itf.details = readKindWords(first, words.slice(1));
    return;
  }
  // `ip -d` prints many more per-kind lines (e.g. "vf 0 …", bond details); keep going.
  issues.fold(`link.unknown-detail:${first}`, 'link.unknown-detail', `detail line starting with "${first}" is not read by natpath`, line);
}

function readAddress(words: string[], ifname: string): InterfaceAddress | null {
  const prefix = parsePrefix(words[1] ?? '');
  if (prefix === null) return null;
  const out: InterfaceAddress = {
    address: prefix.address,
    prefixLength: prefix.length,
    peer: null,
    broadcast: null,
    scope: 'global',
    secondary: false,
    label: null,
    flags: [],
  };
  for (let i = 2; i < words.length; i++) {
    const w = words[i]!;
    const v = words[i + 1];
    if (w === 'peer' && v !== undefined) {
      out.peer = parsePrefix(v);
      if (out.peer !== null) out.prefixLength = out.peer.length;
      i++;
    } else if ((w === 'brd' || w === 'broadcast') && v !== undefined) {
      out.broadcast = parseIpAddress(v);
      i++;
    } else if (w === 'scope' && v !== undefined) {
      out.scope = v;
      i++;
    } else if (w === 'metric' || w === 'proto') {
      i++;
    } else if (ADDRESS_FLAGS.has(w)) {
      if (w === 'secondary' || w === 'temporary') out.secondary = true;
      out.flags.push(w);
    } else if (words[0] === 'inet' && i === words.length - 1) {
      out.label = w === ifname ? null : w;
    } else {
      out.flags.push(w);
    }
  }
  return out;
}

function readKindWords(kind: string, words: string[]): LinkDetails {
  const get = (key: string): string | null => {
    const i = words.indexOf(key);
    return i === -1 ? null : (words[i + 1] ?? null);
  };
  const addr = (key: string): IpAddress | null => {
    const v = get(key);
    return v === null || v === 'any' ? null : parseIpAddress(v);
  };
  const num = (key: string): number | null => {
    const v = get(key);
    return v === null || !/^\d+$/.test(v) ? null : Number(v);
  };
  switch (kind) {
    case 'veth': case 'bridge': case 'wireguard':
      return { kind };
    case 'vxlan':
      return { kind, vni: num('id'), port: num('dstport'), local: addr('local'), remote: addr('remote'), group: addr('group'), dev: get('dev') };
    case 'ipip': case 'sit': case 'gre': case 'gretap': case 'ip6tnl': case 'ip6gre':
      return { kind, local: addr('local'), remote: addr('remote'), dev: get('dev') };
    case 'geneve':
      return { kind, vni: num('id'), remote: addr('remote'), port: num('dstport') };
    case 'vlan':
      return { kind, id: num('id') };
    default:
      return { kind: 'other', name: kind };
  }
}

interface JsonAddr {
  family?: string;
  local?: string;
  address?: string;
  prefixlen?: number;
  broadcast?: string;
  scope?: string;
  secondary?: boolean;
  temporary?: boolean;
  dynamic?: boolean;
  label?: string;
}

interface JsonLink {
  ifindex?: number;
  ifname?: string;
  link?: string;
  link_index?: number;
  link_netnsid?: number;
  flags?: string[];
  mtu?: number;
  master?: string;
  operstate?: string;
  link_type?: string;
  address?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown>; info_slave_kind?: string };
  addr_info?: JsonAddr[];
}

export function parseIpLinkJson(text: string, file: string): ParseResult<InterfaceList> {
  const issues = new ProblemCollector(file, 'link');
  const interfaces: NetInterface[] = [];
  parseJsonArray(text, file, issues).forEach((raw, index) => {
    const o = raw as JsonLink;
    if (typeof raw !== 'object' || raw === null || typeof o.ifname !== 'string') {
      issues.skipObject('link.bad-object', `object #${index + 1} has no "ifname"`);
      return;
    }
    const flags = o.flags ?? [];
    const itf: NetInterface = {
      index: o.ifindex ?? 0,
      name: o.ifname,
      peerIndex: o.link === undefined && o.link_index !== undefined ? o.link_index : null,
      link: o.link ?? null,
      linkNetns: o.link_netnsid === undefined ? null : `nsid ${o.link_netnsid}`,
      flags,
      up: flags.includes('UP'),
      mtu: o.mtu ?? null,
      master: o.master ?? null,
      state: o.operstate ?? null,
      linkType: o.link_type ?? null,
      mac: o.address ?? null,
      details: o.linkinfo?.info_kind === undefined ? null : jsonDetails(o.linkinfo.info_kind, o.linkinfo.info_data ?? {}),
      slaveKind: o.linkinfo?.info_slave_kind ?? null,
      addresses: [],
      source: { file, index },
    };
    for (const a of o.addr_info ?? []) {
      const address = parseIpAddress(a.local ?? '');
      if (address === null) {
        issues.skipObject('link.bad-address', `${o.ifname}: address "${a.local ?? ''}" not readable`);
        continue;
      }
      itf.addresses.push({
        address,
        prefixLength: a.prefixlen ?? (address.family === 'ipv4' ? 32 : 128),
        peer: a.address !== undefined && a.address !== a.local ? parsePrefix(`${a.address}/${a.prefixlen ?? 32}`) : null,
        broadcast: a.broadcast === undefined ? null : parseIpAddress(a.broadcast),
        scope: a.scope ?? 'global',
        secondary: a.secondary === true || a.temporary === true,
        label: a.label === undefined || a.label === o.ifname ? null : a.label,
        flags: Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] === true),
      });
    }
    interfaces.push(itf);
  });
  return { value: { interfaces }, issues: issues.finish() };
}

function jsonDetails(kind: string, data: Record<string, unknown>): LinkDetails {
  const str = (k: string): string | null => (typeof data[k] === 'string' ? (data[k] as string) : null);
  const num = (k: string): number | null => (typeof data[k] === 'number' ? (data[k] as number) : null);
  const addr = (k: string): IpAddress | null => {
    const v = str(k);
    return v === null ? null : parseIpAddress(v);
  };
  switch (kind) {
    case 'veth': case 'bridge': case 'wireguard':
      return { kind };
    case 'vxlan':
      return { kind, vni: num('id'), port: num('port'), local: addr('local') ?? addr('local6'), remote: addr('remote') ?? addr('remote6'), group: addr('group') ?? addr('group6'), dev: str('link') };
    case 'ipip': case 'sit': case 'gre': case 'gretap': case 'ip6tnl': case 'ip6gre':
      return { kind, local: addr('local'), remote: addr('remote'), dev: str('link') };
    case 'geneve':
      return { kind, vni: num('id'), remote: addr('remote') ?? addr('remote6'), port: num('port') };
    case 'vlan':
      return { kind, id: num('id') };
    default:
      return { kind: 'other', name: kind };
  }
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
