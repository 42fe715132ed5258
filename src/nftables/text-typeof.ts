// `typeof ip saddr . tcp dport` declares a set by the expressions that fill it; nft -j lists the
// data types those expressions have. This maps the common ones; others keep a readable name.

import type { NftValue } from './text-values.js';

const PAYLOAD_TYPES: Record<string, string> = {
  'ip saddr': 'ipv4_addr', 'ip daddr': 'ipv4_addr', 'ip6 saddr': 'ipv6_addr', 'ip6 daddr': 'ipv6_addr',
  'ip protocol': 'inet_proto', 'ip6 nexthdr': 'inet_proto', 'ether saddr': 'ether_addr', 'ether daddr': 'ether_addr',
  'ether type': 'ether_type', 'ip dscp': 'dscp', 'ip6 dscp': 'dscp', 'vlan id': 'integer',
};
const META_TYPES: Record<string, string> = {
  iifname: 'ifname', oifname: 'ifname', iif: 'iface_index', oif: 'iface_index', mark: 'mark', l4proto: 'inet_proto',
  nfproto: 'nf_proto', skuid: 'uid', skgid: 'gid', iiftype: 'iface_type', oiftype: 'iface_type', pkttype: 'pkt_type',
};
const CT_TYPES: Record<string, string> = { mark: 'mark', state: 'ct_state', status: 'ct_status', zone: 'integer', 'proto-dst': 'inet_service', 'proto-src': 'inet_service' };

export function typeofToType(expr: NftValue): string[] {
  if (typeof expr === 'object' && expr !== null && !Array.isArray(expr) && 'concat' in expr) {
    return (expr.concat as NftValue[]).flatMap((e) => typeofToType(e));
  }
  return [oneType(expr)];
}

function oneType(expr: NftValue): string {
  if (typeof expr !== 'object' || expr === null || Array.isArray(expr)) return String(expr);
  const payload = expr.payload as { protocol?: string; field?: string } | undefined;
  if (payload !== undefined) {
    if (payload.field === 'sport' || payload.field === 'dport') return 'inet_service';
    return PAYLOAD_TYPES[`${payload.protocol} ${payload.field}`] ?? 'integer';
  }
  const meta = expr.meta as { key?: string } | undefined;
  if (meta !== undefined) return META_TYPES[meta.key ?? ''] ?? 'integer';
  const ct = expr.ct as { key?: string } | undefined;
  if (ct !== undefined) {
    if (ct.key === 'saddr' || ct.key === 'daddr') return 'ipv4_addr';
    return CT_TYPES[ct.key ?? ''] ?? 'integer';
  }
  return 'integer';
}
