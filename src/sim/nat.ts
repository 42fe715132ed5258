// Applies NAT targets to a branch and picks addresses the way the kernel does. MASQUERADE takes
// `inet_select_addr(out, nexthop, RT_SCOPE_UNIVERSE)`: a primary (not secondary) address of the
// egress interface, preferring one whose subnet holds the nexthop — not the route's `src`
// (nf_nat_masquerade_ipv4 ignores it). IPv6 takes a global address of the egress interface.

import { formatIpAddress, prefixContains, type IpAddress } from '../net/address.js';
import type { NatRange, PortRange, Target } from '../netfilter/model.js';
import type { HostModel } from './host-model.js';
import type { SimState, SimStep } from './state.js';

export function selectMasqueradeSource(host: HostModel, oif: string | null, nexthop: IpAddress | null, dst: IpAddress): IpAddress | null {
  if (oif === null) return null;
  const itf = host.interfacesByName.get(oif);
  if (itf === undefined) return null;
  const family = dst.family;
  const candidates = itf.addresses.filter((a) => a.address.family === family && !a.secondary && (a.scope === 'global' || a.scope === 'universe' || a.scope === 'site'));
  if (candidates.length === 0) return null;
  const target = nexthop ?? dst;
  const onLink = candidates.find((a) => prefixContains({ address: a.address, length: a.prefixLength }, target));
  return (onLink ?? candidates[0]!).address;
}

function rangeText(r: NatRange): string | null {
  const addr = r.minAddress === null ? '' : r.maxAddress !== null && formatIpAddress(r.maxAddress) !== formatIpAddress(r.minAddress) ? `${formatIpAddress(r.minAddress)}-${formatIpAddress(r.maxAddress)}` : '';
  const ports = r.ports !== null && r.ports.max !== r.ports.min ? `${r.ports.min}-${r.ports.max}` : '';
  if (addr === '' && ports === '') return null;
  return `${addr}${ports === '' ? '' : `:${ports}`}`;
}

function portsText(p: PortRange | null): string | null {
  return p !== null && p.min !== p.max ? `ports ${p.min}-${p.max}` : null;
}

/** Applies SNAT, DNAT, MASQUERADE, REDIRECT or NETMAP; records the translation on the branch. */
export function applyNat(host: HostModel, s: SimState, target: Target, step: SimStep): void {
  const p = s.packet;
  const before = { src: p.src, sport: p.sport, dst: p.dst, dport: p.dport };
  let kind: 'SNAT' | 'DNAT';
  let range: string | null = null;
  const destinationHook = s.hook === 'PREROUTING' || s.hook === 'OUTPUT';
  switch (target.kind) {
    case 'DNAT': {
      kind = 'DNAT';
      const r = target.ranges[0];
      if (r === undefined) break;
      if (r.minAddress !== null) p.dst = r.minAddress;
      if (r.ports !== null && p.dport !== null) p.dport = r.ports.min;
      range = rangeText(r);
      if (target.ranges.length > 1) s.unknowns.push(`DNAT has ${target.ranges.length} --to-destination ranges; the first is shown`);
      break;
    }
    case 'SNAT': {
      kind = 'SNAT';
      const r = target.ranges[0];
      if (r === undefined) break;
      if (r.minAddress !== null) p.src = r.minAddress;
      if (r.ports !== null && p.sport !== null && (p.sport < r.ports.min || p.sport > r.ports.max)) p.sport = r.ports.min;
      range = rangeText(r) ?? (target.flags.randomFully ? 'source port chosen at random (--random-fully)' : null);
      break;
    }
    case 'MASQUERADE': {
      kind = 'SNAT';
      const oif = p.oif.kind === 'name' ? p.oif.name : null;
      const src = selectMasqueradeSource(host, oif, p.nexthop, p.dst);
      if (src === null) {
        s.unknowns.push(
          oif === null
            ? 'MASQUERADE: the egress interface is not known, so neither is the new source address'
            : `MASQUERADE: no usable address on ${oif} in the snapshots (give ip addr)`,
        );
      }
      p.src = src;
      if (target.ports !== null && p.sport !== null && (p.sport < target.ports.min || p.sport > target.ports.max)) p.sport = target.ports.min;
      range = portsText(target.ports) ?? (target.flags.randomFully ? 'source port chosen at random (--random-fully)' : null);
      break;
    }
    case 'REDIRECT': {
      kind = 'DNAT';
      // To the primary address of the input interface, or loopback for locally generated packets.
      let addr: IpAddress | null = null;
      if (s.hook === 'OUTPUT') addr = p.family === 'ipv4' ? { family: 'ipv4', value: 0x7f000001 } : { family: 'ipv6', words: new Uint32Array([0, 0, 0, 1]) };
      else if (p.iif.kind === 'name') {
        const itf = host.interfacesByName.get(p.iif.name);
        addr = itf?.addresses.find((a) => a.address.family === p.family && !a.secondary)?.address ?? null;
      }
      if (addr === null) s.unknowns.push('REDIRECT: the input interface\'s address is not known; the destination address is shown unchanged');
      else p.dst = addr;
      if (target.ports !== null && p.dport !== null) p.dport = target.ports.min;
      range = portsText(target.ports);
      break;
    }
    case 'NETMAP': {
      kind = destinationHook ? 'DNAT' : 'SNAT';
      const map = (a: IpAddress): IpAddress => {
        const net = target.prefix.address;
        if (a.family === 'ipv4' && net.family === 'ipv4') {
          const mask = target.prefix.length === 0 ? 0 : (0xffffffff << (32 - target.prefix.length)) >>> 0;
          return { family: 'ipv4', value: ((a.value & ~mask) | (net.value & mask)) >>> 0 };
        }
        if (a.family === 'ipv6' && net.family === 'ipv6') {
          const words = new Uint32Array(4);
          for (let w = 0; w < 4; w++) {
            const bits = Math.min(32, Math.max(0, target.prefix.length - 32 * w));
            const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
            words[w] = ((a.words[w]! & ~mask) | (net.words[w]! & mask)) >>> 0;
          }
          return { family: 'ipv6', words };
        }
        return a;
      };
      if (destinationHook) p.dst = map(p.dst);
      else if (p.src !== null) p.src = map(p.src);
      break;
    }
    default:
      return;
  }
  if (kind === 'DNAT') s.conn.dnat = true;
  else s.conn.snat = true;
  s.translations.push({ kind, before, after: { src: p.src, sport: p.sport, dst: p.dst, dport: p.dport }, range, rule: step, probability: s.probability });
}
