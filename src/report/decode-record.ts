// The `natpath decode` per-packet record: the stable JSON/NDJSON contract (docs/decode.md,
// schema `natpath.decode/1`). app/decode-record-builder.ts makes it from the decoder's reused
// PacketView and PacketRecord when a packet is printed.

export const DECODE_SCHEMA = 'natpath.decode/1';

export type Direction = 'in' | 'out';

export interface EncapLayer {
  /** vxlan, geneve, gre, erspan, ipv4-in-ip, ipv6-in-ip, ip-in-udp. */
  type: string;
  /** The outer IP header that carries the tunnel. */
  src: string | null;
  dst: string | null;
  /** The outer UDP ports (VXLAN, Geneve), else null. */
  sport: number | null;
  dport: number | null;
  /** VXLAN/Geneve VNI, GRE key, ERSPAN session; null when the tunnel has none. */
  vni: number | null;
}

export interface DecodeRecord {
  frame: number;
  ts: string | null;
  interface: string | null;
  /** SLL2 (or NFLOG in/out device) interface index, else null. */
  ifIndex: number | null;
  /** NFLOG captures: the logging rule's `--nflog-prefix` ('' when it has none), else null. */
  nflogPrefix: string | null;
  direction: Direction | null;
  /** Linux packet type (SLL/SLL2): host, broadcast, multicast, otherhost, outgoing; else null. */
  packetType: string | null;
  linkType: number;
  length: number;
  capLength: number;
  ipVersion: 4 | 6 | null;
  src: string | null;
  dst: string | null;
  proto: string | number | null;
  sport: number | null;
  dport: number | null;
  ipId: number | null;
  tcpSeq: number | null;
  tcpAck: number | null;
  tcpFlags: string | null;
  /** The same TCP fields grouped (null when not TCP). */
  tcp: { seq: number | null; ack: number | null; flags: string | null } | null;
  icmp: { type: number; code: number; id: number | null; seq: number | null } | null;
  /** Outer layers, outermost first; empty when the packet is not tunnelled. */
  encap: EncapLayer[];
  /** The innermost tunnel, flattened (null when none): kind, vni, and the IP header that carries it. */
  tunnel: { kind: string; vni: number | null; outerSrc: string | null; outerDst: string | null } | null;
  /** 32-bit NAT-invariant fingerprint as 8 hex digits, null for non-IP. */
  fingerprint: string | null;
  /** For packets that are not IP: arp, or the ethertype / protocol number where decoding stopped. */
  nonIp: string | null;
  status: 'ok' | 'truncated' | 'malformed' | 'unsupported';
  truncated: boolean;
  /** Reason code (e.g. `IPV4_BAD_IHL`) when the packet is malformed or unsupported, else null. */
  malformed: string | null;
}
