// For every flow of every lab scenario (samples/<scenario>/truth.json), trace the flow's first
// packet on each host where the capture shows it arriving and leaving, and compare the prediction
// with what the capture shows leaving: egress interface, translated addresses, destination port.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCase } from '../../src/case/load-case.js';
import { formatIpAddress } from '../../src/net/address.js';
import { loadHost } from '../../src/sim/load-host.js';
import { simulate } from '../../src/sim/simulate.js';
import { parseEndpoint } from '../../src/app/trace.js';
import { findConntrackEvidence } from '../../src/sim/conntrack-evidence.js';
import { samplePath } from '../corpus.js';

interface Hop {
  host: string;
  interface: string | null;
  direction?: 'in' | 'out' | null;
  src: { address: string; port?: number | null };
  dst: { address: string; port?: number | null };
}
interface Flow {
  proto: string;
  path: Hop[];
}

const PROTO_NUMBERS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

function scenarios(): string[] {
  const root = samplePath('');
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((d) => existsSync(join(root, d, 'truth.json')));
}

describe('lab samples: trace predicts what each host did to each flow', () => {
  const list = scenarios();
  it.skipIf(list.length === 0)('every flow, every host with a capture: egress interface and translated addresses', async () => {
    let checked = 0;
    let evidence = 0;
    const misses: string[] = [];
    for (const scenario of list) {
      const dir = samplePath(scenario);
      const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as { flows: Flow[] };
      const kase = await loadCase({ paths: [dir], hosts: [] });
      const hosts = new Map<string, Awaited<ReturnType<typeof loadHost>>>();
      for (const h of kase.hosts) hosts.set(h.name, await loadHost(h, []));
      truth.flows.forEach((flow, fi) => {
        const byHost = new Map<string, Hop[]>();
        for (const hop of flow.path) {
          if (hop.interface === null) continue;
          const list = byHost.get(hop.host) ?? [];
          list.push(hop);
          byHost.set(hop.host, list);
        }
        for (const [name, hops] of byHost) {
          if (hops.some((h) => h.direction === 'in' || h.direction === 'out')) continue;
          // A capture without directions (pcapng on "any" without flags): the host's first sighting is the
          // arrival and the next one, on another interface, the departure.
          const next = hops.findIndex((h) => h.interface !== hops[0]!.interface);
          if (hops.length < 2 || next === -1 || name === flow.path[0]!.host) byHost.delete(name);
          else byHost.set(name, [{ ...hops[0]!, direction: 'in' }, { ...hops[next]!, direction: 'out' }]);
        }
        for (const [hostName, hops] of byHost) {
          const host = hosts.get(hostName);
          const firstOut = hops.findIndex((h) => h.direction === 'out');
          if (host === undefined || firstOut === -1) continue;
          const ins = hops.slice(0, firstOut);
          // The last arrival is the packet routing sees (decapsulated after a tunnel); a bridge port just before its bridge is where it came in.
          let arrival = ins.at(-1);
          const before = ins.at(-2);
          if (arrival !== undefined && before !== undefined && host.model.interfacesByName.get(before.interface!)?.master === arrival.interface) arrival = before;
          const out = hops[firstOut]!;
          const first = arrival ?? out;
          const src = parseEndpoint(first.src.address)!.address;
          const dst = parseEndpoint(first.dst.address)!.address;
          const proto = flow.proto;
          const result = simulate(host.model, {
            family: dst.family,
            protocol: proto,
            protocolNumber: PROTO_NUMBERS[proto] ?? 0,
            src,
            dst,
            sport: first.src.port ?? null,
            dport: first.dst.port ?? null,
            icmpType: proto.startsWith('icmp') ? (dst.family === 'ipv4' ? 8 : 128) : null,
            icmpCode: proto.startsWith('icmp') ? 0 : null,
            input: arrival === undefined ? { kind: 'local' } : { kind: 'interface', name: arrival.interface! },
            mark: 0,
            options: { recentHistory: 'unknown' },
          });
          checked++;
          // The host's conntrack recorded this very connection: its translation must be an outcome too.
          for (const e of findConntrackEvidence(host.model.conntrack, { family: dst.family, protocol: proto, protocolNumber: 0, src, dst, sport: first.src.port ?? null, dport: first.dst.port ?? null, icmpType: null, icmpCode: null, input: { kind: 'auto' }, mark: 0, options: { recentHistory: 'unknown' } }, true, result.outcomes)) {
            evidence++;
            if (e.agreesWith === null) misses.push(`${scenario} flow ${fi + 1} on ${hostName}: conntrack ${e.entry.source.file}:${e.entry.source.line} matches no outcome`);
          }
          const predicted = result.outcomes.map((o) => {
            const p = o.state.packet;
            return `${o.verdict} ${o.egress?.interface ?? '-'} ${p.src === null ? '?' : formatIpAddress(p.src)} -> ${formatIpAddress(p.dst)}:${p.dport ?? ''}`;
          });
          // Routing names a bridge, the capture the port the bridge then chose (its FDB, which no snapshot
          // holds): a packet bridged port to port (clusterip-same-node) leaves by a port of the egress.
          const bridge = host.model.interfacesByName.get(out.interface!)?.master;
          const leaving = bridge !== undefined && bridge !== null && predicted.some((x) => x.startsWith(`ACCEPT ${bridge} `)) ? bridge : out.interface;
          const expected = `ACCEPT ${leaving} ${out.src.address} -> ${out.dst.address}:${out.dst.port ?? ''}`;
          if (process.env.NP_DEBUG) console.log(scenario, hostName, expected, "<=", predicted.join(" | "), result.outcomes.map((o) => o.state.unknowns.length).join(","));
          if (!predicted.includes(expected)) misses.push(`${scenario} flow ${fi + 1} on ${hostName}: capture ${expected}; natpath ${predicted.join(' | ')}`);
        }
      });
    }
    console.log(`lab samples: ${checked} host passages, ${evidence} conntrack entries; misses:\n${misses.join('\n')}`);
    expect(checked).toBeGreaterThan(0);
    expect(evidence).toBeGreaterThan(0);
    expect(misses).toEqual([]);
  });
});
