// Hand-made packets shared by the decoder tests: one per protocol path natpath decodes, each a
// whole frame (no Ethernet padding, so every shorter capture of it is a cut).

import {
  be16,
  be32,
  cat,
  eth,
  geneve,
  gre,
  icmp,
  ipv4,
  ipv6,
  ipv6Ext,
  ipv6Frag,
  le32,
  linuxSynOptions,
  sll,
  sll2,
  tcp,
  text,
  udp,
  vlanTag,
  vxlan,
  type Bytes,
} from './build-packet.js';

export const LINK = { ETHERNET: 1, NULL: 0, LOOP: 108, RAW: 101, IPV4: 228, IPV6: 229, SLL: 113, SLL2: 276 } as const;

export interface SamplePacket {
  name: string;
  linkType: number;
  bytes: Bytes;
}

const PAYLOAD = text('GET / HTTP/1.1\r\nHost: example\r\n\r\n');
const innerTcp = ipv4({ src: '10.244.1.5', dst: '10.244.2.7', proto: 6, id: 0x4242 }, tcp({ sport: 51000, dport: 8080, seq: 7, ack: 9, flags: 0x18 }, PAYLOAD));
const innerEth = eth(0x0800, innerTcp);

export const SAMPLE_PACKETS: SamplePacket[] = [
  {
    name: 'ethernet ipv4 tcp syn with options',
    linkType: LINK.ETHERNET,
    bytes: eth(0x0800, ipv4({ proto: 6, id: 0x1234, df: true }, tcp({ seq: 0xdeadbeef, flags: 0x02, options: linuxSynOptions(1460, 111, 0, 7) }))),
  },
  { name: 'ethernet ipv4 tcp data', linkType: LINK.ETHERNET, bytes: eth(0x0800, ipv4({ proto: 6 }, tcp({ seq: 1, ack: 2, flags: 0x18 }, PAYLOAD))) },
  { name: 'qinq ipv4 udp dns', linkType: LINK.ETHERNET, bytes: eth(0x88a8, vlanTag(100, 0x8100, vlanTag(200, 0x0800, ipv4({ proto: 17 }, udp({ dport: 53 }, [0xab, 0xcd, 1, 0, 0, 1]))))) },
  { name: 'sll outgoing ipv4 icmp echo', linkType: LINK.SLL, bytes: sll(4, 0x0800, ipv4({ proto: 1 }, icmp(8, 0, cat(be16(0x77), be16(3)), text('ping')))) },
  { name: 'sll2 ipv6 udp', linkType: LINK.SLL2, bytes: sll2(0, 7, 0x86dd, ipv6({ nextHeader: 17 }, udp({ sport: 5353, dport: 5353 }, text('mdns')))) },
  { name: 'null ipv4 udp', linkType: LINK.NULL, bytes: cat(le32(2), ipv4({ proto: 17 }, udp({}, text('x')))) },
  { name: 'loop ipv6 tcp', linkType: LINK.LOOP, bytes: cat(be32(24), ipv6({ nextHeader: 6 }, tcp({ flags: 0x10 }))) },
  {
    name: 'raw ipv6 hop-by-hop + fragment (first) udp',
    linkType: LINK.RAW,
    bytes: ipv6({ nextHeader: 0 }, cat(ipv6Ext(44, [1, 4, 0, 0, 0, 0]), ipv6Frag(17, 0, true, 0xabcdef01), udp({ sport: 1000, dport: 2000, length: 100 }, text('frag0')))),
  },
  {
    name: 'ipv4 dest-unreachable quoting udp',
    linkType: LINK.IPV4,
    bytes: ipv4(
      { src: '192.0.2.1', dst: '10.0.0.1', proto: 1 },
      icmp(3, 3, [0, 0, 0, 0], ipv4({ src: '10.0.0.1', dst: '198.51.100.9', proto: 17, id: 0x9999, totalLen: 200 }, udp({ sport: 33000, dport: 33434, length: 180 }))),
    ),
  },
  {
    name: 'ipv6 packet-too-big quoting tcp',
    linkType: LINK.IPV6,
    bytes: ipv6({ nextHeader: 58 }, icmp(2, 0, be32(1280), ipv6({ nextHeader: 6, payloadLen: 1400 }, tcp({ sport: 443, dport: 50000, seq: 5 }).slice(0, 8)))),
  },
  { name: 'icmpv6 echo', linkType: LINK.IPV6, bytes: ipv6({ nextHeader: 58 }, icmp(128, 0, cat(be16(0x1d), be16(9)), text('abc'))) },
  { name: 'vxlan 4789 tcp', linkType: LINK.ETHERNET, bytes: eth(0x0800, ipv4({ src: '192.168.1.10', dst: '192.168.1.11', proto: 17 }, udp({ sport: 40001, dport: 4789 }, vxlan(42, innerEth)))) },
  { name: 'vxlan 8472 (flannel) tcp', linkType: LINK.ETHERNET, bytes: eth(0x0800, ipv4({ src: '192.168.1.10', dst: '192.168.1.11', proto: 17 }, udp({ sport: 40002, dport: 8472 }, vxlan(1, innerEth)))) },
  {
    name: 'geneve ipv4 with option',
    linkType: LINK.ETHERNET,
    bytes: eth(0x0800, ipv4({ proto: 17 }, udp({ dport: 6081 }, geneve(0x123456, 0x6558, innerEth, [0x01, 0x02, 0x80, 0x01, 0, 0, 0, 1])))),
  },
  { name: 'gre teb with key', linkType: LINK.ETHERNET, bytes: eth(0x0800, ipv4({ proto: 47 }, gre({ protocol: 0x6558, key: 77, seq: 3 }, innerEth))) },
  { name: 'gre ipv4', linkType: LINK.ETHERNET, bytes: eth(0x0800, ipv4({ proto: 47 }, gre({ protocol: 0x0800, checksum: true }, innerTcp))) },
  { name: 'ipip (calico)', linkType: LINK.ETHERNET, bytes: eth(0x0800, ipv4({ src: '172.16.0.1', dst: '172.16.0.2', proto: 4 }, innerTcp)) },
  {
    name: '6in4 (sit)',
    linkType: LINK.ETHERNET,
    bytes: eth(0x0800, ipv4({ proto: 41 }, ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 17 }, udp({ dport: 9 }, text('6in4'))))),
  },
  {
    name: 'wireguard transport',
    linkType: LINK.ETHERNET,
    bytes: eth(0x0800, ipv4({ proto: 17 }, udp({ sport: 51820, dport: 51820 }, cat([4, 0, 0, 0], le32(0x01020304), new Array<number>(8 + 32).fill(0xee))))),
  },
  {
    name: 'arp request',
    linkType: LINK.ETHERNET,
    bytes: eth(0x0806, cat(be16(1), be16(0x0800), [6, 4], be16(1), [2, 0, 0, 0, 0, 1], be32(0x0a000001), [0, 0, 0, 0, 0, 0], be32(0x0a000002))),
  },
];

export function sample(name: string): SamplePacket {
  const p = SAMPLE_PACKETS.find((s) => s.name === name);
  if (p === undefined) throw new Error(`no sample packet "${name}"`);
  return p;
}
