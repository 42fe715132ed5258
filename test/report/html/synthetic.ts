// Synthetic analyze reports for the HTML renderer's tests: long paths, many flows, hostile names.
// Built as the model's plain objects, so they exercise the renderer exactly as real reports do.

import type { AnalyzeReport, Flow, Hop, HostLeg, Translation } from '../../../src/report/analyze-model.js';

export interface SyntheticHop {
  host: string;
  iface: string;
  src: string;
  dst: string;
  tunnel?: boolean;
}

let hopSerial = 0;

function makeHop(h: SyntheticHop, position: number, file: string): Hop {
  hopSerial++;
  return {
    id: `${h.host}:${h.iface}#${file}#${hopSerial}`,
    interface: h.iface,
    direction: hopSerial % 2 === 0 ? 'out' : 'in',
    src: h.src,
    dst: h.dst,
    encapsulation: h.tunnel ? [{ type: 'vxlan', vni: 1, src: '10.0.0.11', dst: '10.0.0.12' }] : [],
    captureFile: file,
    packetsToServer: 5,
    packetsToClient: 4,
    bytesToServer: 500,
    bytesToClient: 400,
    firstSeen: (1_700_000_000 + position).toFixed(9),
    lastSeen: (1_700_000_000 + position + 0.01).toFixed(9),
    position,
    communityId: null,
  };
}

/** A flow over the given hops; a translation is made wherever src or dst changes between two hops. */
export function makeFlow(id: number, hops: SyntheticHop[], proto = 'tcp', options: { unexplainedAt?: number; ruleText?: string } = {}): Flow {
  const legs: HostLeg[] = [];
  hops.forEach((h, i) => {
    const file = `${h.host}/capture.pcap`;
    let leg = legs[legs.length - 1];
    if (leg === undefined || leg.host !== h.host) {
      leg = { host: h.host, interfaces: [], src: h.src, dst: h.dst, hops: [], packets: 9, bytes: 900, communityId: null };
      legs.push(leg);
    }
    leg.interfaces.push(h.iface);
    leg.hops.push(makeHop(h, i * 1e-5, file));
  });
  const translations: Translation[] = [];
  for (let i = 1; i < hops.length; i++) {
    const a = hops[i - 1]!;
    const b = hops[i]!;
    for (const kind of ['SNAT', 'DNAT'] as const) {
      const changed = kind === 'SNAT' ? a.src !== b.src : a.dst !== b.dst;
      if (!changed) continue;
      const sameHost = a.host === b.host;
      const unexplained = options.unexplainedAt === i;
      translations.push({
        kind,
        host: sameHost ? a.host : null,
        between: [`${a.host}:${a.iface}`, `${b.host}:${b.iface}`],
        before: { src: a.src, dst: a.dst },
        after: { src: b.src, dst: b.dst },
        where: sameHost ? 'on-host' : 'beyond',
        rule:
          sameHost && !unexplained
            ? {
                host: a.host,
                family: 'ipv4',
                table: 'nat',
                chain: 'POSTROUTING',
                ruleNumber: i,
                target: kind === 'SNAT' ? 'MASQUERADE' : 'DNAT',
                text: options.ruleText ?? `-A POSTROUTING -o ${b.iface} -j MASQUERADE`,
                comment: null,
                file: `${a.host}/iptables-save.txt`,
                line: 10 + i,
                jsonPath: null,
                nft: null,
              }
            : null,
        explained: sameHost && !unexplained,
        conntrack: null,
        description: `${kind === 'SNAT' ? 'source' : 'destination'} ${kind === 'SNAT' ? a.src : a.dst} → ${kind === 'SNAT' ? b.src : b.dst} ${sameHost ? `on ${a.host} between ${a.iface} and ${b.iface}` : 'beyond the captured hosts'}`,
        note: unexplained ? 'the snapshot does not predict this translation' : sameHost ? null : 'belongs to neither host',
        related: null,
      });
    }
  }
  const first = hops[0]!;
  const last = hops[hops.length - 1]!;
  return {
    id,
    family: first.src.includes('[') ? 'ipv6' : 'ipv4',
    proto,
    client: first.src,
    server: first.dst,
    legs,
    translations,
    seenByServer: { src: last.src, dst: last.dst },
    translatedBeyond: null,
    translatedBeyondReason: null,
    untranslated: [],
    lastSeen: { src: last.src, dst: last.dst },
    lastCapturePoint: `${last.host}:${last.iface}`,
    tunnels: hops.some((h) => h.tunnel) ? ['vxlan'] : [],
    leaks: [],
    ambiguous: null,
    icmpError: null,
    orientation: { basis: 'tcp-handshake', guessed: false, reason: `the TCP handshake was captured: ${first.src} opened the connection` },
    conntrackJoins: [],
  };
}

/** A report around the given flows, with answers per server like the analyzer makes them. */
export function makeReport(flows: Flow[]): AnalyzeReport {
  const hosts = [...new Set(flows.flatMap((f) => f.legs.map((l) => l.host)))];
  const answers = new Map<string, AnalyzeReport['answers'][number]>();
  for (const f of flows) {
    const seen = f.seenByServer ?? f.lastSeen;
    const key = `${f.proto} ${seen.dst}`;
    let a = answers.get(key);
    if (a === undefined) {
      a = { server: seen.dst, proto: f.proto, sources: [], seenAtServer: true, lastSeen: [], translatedBeyond: null, translatedBeyondReason: null, lastCapturePoints: [f.lastCapturePoint], flows: 0, tunnels: f.tunnels, translations: [], leaks: [], untranslated: [], ambiguous: null, orientationGuessed: null };
      answers.set(key, a);
    }
    a.flows++;
    const src = seen.src.startsWith('[') ? seen.src.slice(1, seen.src.indexOf(']')) : seen.src.split(':')[0]!;
    if (!a.sources.includes(src)) a.sources.push(src);
    // Like the analyzer: one line per translation pattern, ports left out.
    for (const t of f.translations) {
      const line = `${t.kind} ${t.description.replace(/:\d+\b/g, '')}`;
      if (!a.translations.includes(line)) a.translations.push(line);
    }
  }
  const translations = flows.reduce((n, f) => n + f.translations.length, 0);
  return {
    schemaVersion: 1,
    schema: 'natpath.analyze/1',
    answers: [...answers.values()],
    hosts: hosts.map((name, i) => ({
      name,
      captures: [{ file: `${name}/capture.pcap`, format: 'pcap', packets: 100, ipPackets: 100, nonIpPackets: 0, damagedPackets: 0, clockOffsetSeconds: i === 0 ? 0 : 0.001, interfaces: ['eth0'] }],
      snapshots: [`${name}/iptables-save.txt`, `${name}/ip-addr.txt`],
      clock: i === 0 ? { offsetSeconds: 0, spreadSeconds: 0, sharedPackets: 0, basis: 'reference' } : { offsetSeconds: 0.001, spreadSeconds: 0.00002, sharedPackets: 40, basis: 'two-way' },
    })),
    flows,
    diagnostics: [],
    totals: {
      flows: flows.length,
      listedFlows: flows.length,
      multiPointFlows: flows.length,
      singlePointFlows: 0,
      ambiguousFlows: 0,
      translations,
      unexplained: flows.reduce((n, f) => n + f.translations.filter((t) => !t.explained && t.where !== 'beyond').length, 0),
      leaks: 0,
      packets: flows.length * 18,
    },
  };
}

/** Ten interfaces over three hosts, a tunnel, translations with long IPv6 addresses and a long rule. */
export function tenInterfacePath(id = 1): SyntheticHop[] {
  const pod = '[fd00:10:244:1:abcd:ef01:2345:6789]:55794';
  const node = '[2001:db8:ffff:ffff:ffff:ffff:ffff:fff1]:48280';
  const svc = '[fd00:10:96::a]:443';
  const backend = '[fd00:10:244:2:1111:2222:3333:4444]:8443';
  const pub = `[2001:db8:a::${(id % 65535).toString(16)}]:48280`;
  return [
    { host: 'node1', iface: 'veth62608e08abcdef', src: pod, dst: svc },
    { host: 'node1', iface: 'cni0', src: pod, dst: backend },
    { host: 'node1', iface: 'flannel.1', src: node, dst: backend },
    { host: 'node1', iface: 'eth0', src: node, dst: backend, tunnel: true },
    { host: 'node2-with-a-rather-long-host-name.example.internal', iface: 'eth0', src: node, dst: backend, tunnel: true },
    { host: 'node2-with-a-rather-long-host-name.example.internal', iface: 'flannel.1', src: node, dst: backend },
    { host: 'node2-with-a-rather-long-host-name.example.internal', iface: 'cni0', src: node, dst: backend },
    { host: 'node2-with-a-rather-long-host-name.example.internal', iface: 'eth1', src: pub, dst: backend },
    { host: 'gw', iface: 'eth0', src: pub, dst: backend },
    { host: 'gw', iface: 'eth1', src: pub, dst: backend },
  ];
}

/** The common case: a pod's connection out through its node and a NAT gateway (6 capture points, 2 SNATs). */
export function podEgressPath(clientPort: number): SyntheticHop[] {
  const natPort = 20000 + (clientPort % 40000);
  return [
    { host: 'node1', iface: 'veth62608e08', src: `10.244.1.2:${clientPort}`, dst: '198.51.100.10:443' },
    { host: 'node1', iface: 'cni0', src: `10.244.1.2:${clientPort}`, dst: '198.51.100.10:443' },
    { host: 'node1', iface: 'eth0', src: `10.0.0.11:${natPort}`, dst: '198.51.100.10:443' },
    { host: 'natgw', iface: 'eth0', src: `10.0.0.11:${natPort}`, dst: '198.51.100.10:443' },
    { host: 'natgw', iface: 'eth1', src: `203.0.113.7:${natPort}`, dst: '198.51.100.10:443' },
    { host: 'partner', iface: 'eth0', src: `203.0.113.7:${natPort}`, dst: '198.51.100.10:443' },
  ];
}
