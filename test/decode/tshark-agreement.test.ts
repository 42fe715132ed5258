// The decoder against tshark 4.0 on every corpus capture whose link type natpath decodes, frame by
// frame: outermost and innermost IPv4/IPv6 addresses, IPv4 protocol and ID, TCP/UDP ports, raw
// TCP sequence number, VXLAN VNI (the shared oracle), and TCP ack and flags, ICMP/ICMPv6 type,
// code, id and sequence, Geneve VNI and GRE key (tshark-extra-oracle.ts: tshark's recorded output).
// Every disagreement must fall in a category explained below (and in docs/decode.md); the test
// also checks that each category still occurs, so the list stays true.
// @module-tag corpus

import { beforeAll, describe, expect, it } from 'vitest';
import { Has, PacketView, Reason, State, Tunnel } from '../../src/decode/index.js';
import {
  comparableFiles,
  compareWithOracles,
  type ExtraComparison,
  type ExtraMismatch,
  type FileComparison,
  type Mismatch,
} from './oracle-compare.js';
import { recordedTsharkVersion } from '../tshark/recordings.js';

type AnyMismatch = Mismatch | ExtraMismatch;

interface Category {
  id: string;
  why: string;
  matches(m: AnyMismatch): boolean;
}

const hasToken = (m: AnyMismatch, token: string): boolean => `:${m.protocols}:`.includes(`:${token}:`);
const anyLayer = (m: AnyMismatch, bits: number, field: 'has' | 'state'): boolean => m.ours.layers.some((l) => (l[field] & bits) !== 0);

/** tshark decodes an encapsulation natpath does not claim to decode: tshark goes one layer deeper. */
function tsharkOnly(id: string, token: string, why: string): Category {
  return { id, why, matches: (m) => hasToken(m, token) };
}

// Ordered: the first category that matches explains the mismatch.
const CATEGORIES: Category[] = [
  {
    id: 'ip-reassembly',
    why:
      'tshark reassembles IP fragments: it shows a first fragment as "data" (natpath reads the ports there: only the first ' +
      'fragment carries them) and decodes the reassembled datagram at the LAST fragment, where natpath, which does not ' +
      'reassemble, has no L4 header',
    matches: (m) => anyLayer(m, Has.FRAGMENT, 'has'),
  },
  {
    id: 'vxlan-port-8472',
    why: 'Linux/flannel VXLAN on UDP 8472: natpath decodes it (and the frame inside) by default, tshark only knows 4789',
    matches: (m) => m.tshark === '' && m.ours.layers.some((l) => l.tunnel === Tunnel.VXLAN) && m.ours.outer['udp.dstport'] === '8472',
  },
  {
    id: 'gso-length-zero',
    why:
      'BIG TCP / GSO captures (taken before segmentation) carry IP total length 0 (and UDP length 0): natpath takes the ' +
      'lengths from the frame and decodes on (e.g. into Geneve/VXLAN); tshark 4.0 stops at the bad length',
    matches: (m) => anyLayer(m, State.LENGTH_FROM_FRAME, 'state'),
  },
  {
    id: 'partial-tcp-header',
    why:
      'TCP header incomplete (8-byte ICMP-error quote, or a header cut by the frame): natpath keeps the sequence number ' +
      'from the bytes that are there (RFC 792 quotes exactly ports + seq, which NAT rewrites), and ack/flags when present; tshark shows only the ports',
    matches: (m) =>
      ['tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags'].includes(m.field) &&
      m.tshark === '' &&
      m.ours.layers.some((l) => l.l4Proto === 6 && (l.state & State.L4_HEADER_COMPLETE) === 0),
  },
  {
    id: 'icmp-extended-echo',
    why:
      'RFC 8335 extended echo (ICMP 42/43, ICMPv6 160/161): tshark shows its identifier; natpath treats only the classic ' +
      'query messages as having an id/seq, like Linux conntrack (the id is what NAT rewrites, and it does not for these)',
    matches: (m) =>
      (m.field === 'icmp.ident' || m.field === 'icmpv6.echo.identifier') &&
      m.natpath === '' &&
      m.ours.layers.some((l) => [42, 43, 160, 161].includes(l.icmpType)),
  },
  {
    id: 'short-icmp',
    why: 'IP payload shorter than the 8-byte ICMP header (malformed): natpath keeps the type and code it could read, tshark shows none',
    matches: (m) => m.ours.reason === Reason.ICMP_TOO_SHORT && m.tshark === '',
  },
  {
    id: 'short-ip-header',
    why: 'frame ends inside the IPv4/IPv6 fixed header: tshark shows the fields before the end, natpath records none of a header it cannot read whole',
    matches: (m) =>
      m.natpath === '' && [Reason.IPV4_TOO_SHORT, Reason.IPV4_CUT, Reason.IPV6_CUT, Reason.IPV6_TOO_SHORT].includes(m.ours.reason),
  },
  {
    id: 'ipv4-total-length-below-header',
    why: 'IPv4 total length < header length (malformed): natpath keeps the fixed-header fields it read and reports IPV4_TOTAL_LEN_LT_IHL; tshark adds no field',
    matches: (m) => m.ours.reason === Reason.IPV4_TOTAL_LEN_LT_IHL && m.tshark === '',
  },
  {
    id: 'ipv4-ethertype-holds-ipv6',
    why: 'ethertype 0x0800 but the header says version 6: natpath reports IPV4_BAD_VERSION, tshark hands the bytes to its IPv6 dissector',
    matches: (m) => m.ours.reason === Reason.IPV4_BAD_VERSION && hasToken(m, 'ipv6'),
  },
  {
    id: 'ipv4-source-route',
    why: 'IPv4 strict/loose source route option: tshark reports the route\'s final hop as ip.dst, natpath the header\'s destination field',
    matches: (m) => m.field === 'ip.dst' && (m.ours.layers[0]!.state & State.IP_OPTIONS) !== 0,
  },
  {
    id: 'ipv6-extension-limit',
    why: 'more than MAX_EXT_HEADERS (16) IPv6 extension headers: natpath stops (IPV6_TOO_MANY_EXT), tshark walks all of them',
    matches: (m) => m.ours.reason === Reason.IPV6_TOO_MANY_EXT,
  },
  {
    id: 'gre-v1-pptp',
    why: 'GRE version 1 (PPTP, PPP inside): reported Unsupported by natpath, decoded by tshark',
    matches: (m) => m.ours.reason === Reason.GRE_VERSION_UNSUPPORTED && hasToken(m, 'ppp'),
  },
  tsharkOnly('gtp-u', 'gtp', 'GTP-U (UDP 2152) user-plane tunnels of mobile cores: tshark decodes the inner IP, natpath does not claim GTP'),
  tsharkOnly('pim-register', 'pim', 'PIM Register messages (IP protocol 103) carry a multicast packet to the RP: tshark decodes it, natpath stops at PIM'),
  tsharkOnly('gre-cisco-metadata', 'cmd', 'GRE protocol 0x8909 (Cisco MetaData / SGT tag) before the inner packet: not decoded by natpath'),
  tsharkOnly('ipcomp', 'ipcomp', 'IP payload compression (protocol 108, after AH): tshark decompresses, natpath cannot read compressed headers'),
  tsharkOnly('sflow-samples', 'sflow', 'sFlow datagrams hold sampled copies of other packets: tshark decodes the samples, they are not this packet\'s path'),
  tsharkOnly('openflow-packet-in', 'openflow', 'OpenFlow packet-in/out messages hold copies of other packets: tshark decodes them, natpath stops at TCP'),
  tsharkOnly('arista-avsp', 'avsp', 'Arista vendor-specific ethertype (0xD28B timestamp header): not decoded by natpath'),
  tsharkOnly('macsec', 'macsec', 'MACsec (802.1AE): natpath stops (normally encrypted); tshark decodes integrity-only frames'),
  tsharkOnly('nsh', 'nsh', 'Network Service Header (ethertype 0x894F, VXLAN-GPE UDP 4790): not decoded by natpath'),
  tsharkOnly('mpls-pseudowire', 'pwethcw', 'Ethernet pseudowire with control word after an MPLS stack: natpath stops at a payload that is not IP'),
  tsharkOnly('mpls-over-udp', 'mpls', 'MPLS over UDP (port 6635): not decoded by natpath (MPLS directly over Ethernet is)'),
  tsharkOnly('nhrp', 'nhrp', 'NHRP (GRE 0x2001) error indications quote a packet: tshark decodes the quote, natpath stops at NHRP'),
  {
    id: 'srv6-ethernet',
    why: 'IPv6 segment routing header whose payload is Ethernet (next header 143): not decoded by natpath',
    matches: (m) => m.protocols.includes('ipv6.routing:eth'),
  },
];

let comparisons: FileComparison[] = [];
let extraComparisons: ExtraComparison[] = [];

beforeAll(async () => {
  const view = new PacketView();
  const files = comparableFiles();
  comparisons = [];
  extraComparisons = [];
  for (const f of files) {
    const { shared, extra } = await compareWithOracles(f.corpus, f.file, view);
    comparisons.push(shared);
    extraComparisons.push(extra);
  }
}, 400_000);

interface Tally {
  frames: number;
  fields: number;
  mismatched: number;
  framesWithMismatch: Set<string>;
  byCategory: Map<string, { frames: Set<string>; fields: number; example: string }>;
  byField: Map<string, { compared: number; differ: number }>;
  unexplained: string[];
}

function tally(results: Array<{ frames: number; fieldComparisons: number; mismatches: AnyMismatch[] }>): Tally {
  const t: Tally = { frames: 0, fields: 0, mismatched: 0, framesWithMismatch: new Set(), byCategory: new Map(), byField: new Map(), unexplained: [] };
  for (const c of results) {
    t.frames += c.frames;
    t.fields += c.fieldComparisons;
    for (const m of c.mismatches) {
      t.mismatched++;
      const frameKey = `${m.key}#${m.frame}`;
      t.framesWithMismatch.add(frameKey);
      const f = t.byField.get(m.field) ?? { compared: 0, differ: 0 };
      f.differ++;
      t.byField.set(m.field, f);
      const category = CATEGORIES.find((cat) => cat.matches(m));
      if (category === undefined) {
        t.unexplained.push(`${frameKey} ${m.side} ${m.field}: tshark "${m.tshark}", natpath "${m.natpath}" (${m.protocols})`);
        continue;
      }
      const entry = t.byCategory.get(category.id) ?? { frames: new Set<string>(), fields: 0, example: frameKey };
      entry.frames.add(frameKey);
      entry.fields++;
      t.byCategory.set(category.id, entry);
    }
  }
  return t;
}

function describeTally(t: Tally, title: string): string {
  const lines = [
    `${title}: frames ${t.frames}, field comparisons ${t.fields}`,
    `field agreement ${((1 - t.mismatched / t.fields) * 100).toFixed(3)}% (${t.mismatched} differ), frame agreement ${(
      (1 - t.framesWithMismatch.size / t.frames) *
      100
    ).toFixed(2)}% (${t.framesWithMismatch.size} frames differ)`,
    `  differing by field: ${[...t.byField].map(([f, v]) => `${f} ${v.differ}`).join(', ')}`,
    ...CATEGORIES.filter((cat) => t.byCategory.has(cat.id)).map((cat) => {
      const e = t.byCategory.get(cat.id)!;
      return `  ${cat.id.padEnd(32)} frames ${String(e.frames.size).padStart(4)}  fields ${String(e.fields).padStart(4)}  e.g. ${e.example}`;
    }),
  ];
  return lines.join('\n');
}

describe('decoder agreement with tshark 4.0 on the shared corpus', () => {
  it('every disagreement is explained, and the agreement stays above the bar', () => {
    const t = tally(comparisons);
    console.log(describeTally(t, `shared oracle, ${comparisons.length} files`));
    expect(t.unexplained.slice(0, 30)).toEqual([]);
    expect(comparisons.length).toBeGreaterThanOrEqual(770);
    expect(t.frames).toBeGreaterThanOrEqual(22_000);
    expect(comparisons.reduce((n, c) => n + c.unmatched, 0)).toBe(0);
    expect(1 - t.mismatched / t.fields).toBeGreaterThanOrEqual(0.9949);
    expect(1 - t.framesWithMismatch.size / t.frames).toBeGreaterThanOrEqual(0.982);
    // Every documented category still occurs (a fix that removes one must update docs/decode.md).
    const seen = new Set([...t.byCategory.keys(), ...tally(extraComparisons).byCategory.keys()]);
    expect(CATEGORIES.filter((cat) => !seen.has(cat.id)).map((cat) => cat.id)).toEqual([]);
  });

  it('agrees on TCP ack/flags, ICMP type/code/id/seq, Geneve VNI and GRE key (recorded tshark)', () => {
    const t = tally(extraComparisons);
    console.log(describeTally(t, `recorded tshark ${recordedTsharkVersion('corpus-extra')}, ${extraComparisons.length} files`));
    expect(t.unexplained.slice(0, 30)).toEqual([]);
    expect(t.frames).toBeGreaterThanOrEqual(22_000);
    expect(1 - t.mismatched / t.fields).toBeGreaterThanOrEqual(0.997);
  });

  it('decodes the tunnels tshark decodes the same way (VXLAN 4789, Geneve, GRE, ERSPAN, IP-in-IP, ICMP quotes)', () => {
    // Inner-layer agreement alone, on the files that have several IP layers per frame.
    const tunnelFiles = comparisons.filter((c) => /vxlan|geneve|gre|erspan|ipip|IPv4-encapsulated|Icmp|icmp/i.test(c.key));
    expect(tunnelFiles.length).toBeGreaterThan(20);
    const innerUnexplained = tunnelFiles.flatMap((c) =>
      c.mismatches.filter((m) => m.side === 'inner' && !CATEGORIES.some((cat) => cat.matches(m))).map((m) => `${m.key}#${m.frame} ${m.field}`),
    );
    expect(innerUnexplained).toEqual([]);
  });
});
