// What each decoder extracts, on hand-made packets (test/decode/sample-packets.ts).

import { describe, expect, it } from 'vitest';
import {
  DecodeStatus,
  Has,
  IpFlag,
  IpProto,
  MAX_DEPTH,
  PacketView,
  Reason,
  reasonName,
  SllPacketType,
  TcpFlag,
  Tunnel,
} from '../../src/decode/index.js';
import { formatIpv4 } from '../../src/net/ipv4.js';
import { be16, cat, eth, icmp, ip4, ipv4, ipv6, tcp, udp, text } from './build-packet.js';
import { decodeBytes } from './decode-helpers.js';
import { LINK, sample } from './sample-packets.js';

const decodeSample = (name: string, view = new PacketView()): PacketView => {
  const s = sample(name);
  return decodeBytes(s.linkType, s.bytes, view);
};

describe('link layers', () => {
  it('Ethernet/IPv4/TCP SYN: addresses, ports, seq, flags and options', () => {
    const v = decodeSample('ethernet ipv4 tcp syn with options');
    expect(v.status).toBe(DecodeStatus.Ok);
    expect(v.depthCount).toBe(1);
    expect(v.flowDepth).toBe(0);
    expect(formatIpv4(v.innerSrc4)).toBe('10.0.0.1');
    expect(formatIpv4(v.innerDst4)).toBe('10.0.0.2');
    expect([v.innerProto, v.innerSrcPort, v.innerDstPort]).toEqual([IpProto.TCP, 40000, 80]);
    expect(v.fpIpId).toBe(0x1234);
    expect(v.ipFlags[0]! & IpFlag.DONT_FRAGMENT).toBeTruthy();
    expect(v.fpTcpSeq).toBe(0xdeadbeef);
    expect(v.tcpFlags[0]).toBe(TcpFlag.SYN);
    expect([v.tcpMss[0], v.tcpWscale[0], v.fpTsVal]).toEqual([1460, 7, 111]);
    expect(v.hasField(0, Has.TCP_SACK_PERMITTED)).toBe(true);
    expect(v.fpPayloadLen).toBe(0);
  });

  it('stacked VLAN tags (802.1ad + 802.1Q)', () => {
    const v = decodeSample('qinq ipv4 udp dns');
    expect([v.vlanCount[0], v.vlanOuter[0], v.vlanInner[0]]).toEqual([2, 100, 200]);
    expect([v.innerProto, v.innerDstPort]).toEqual([IpProto.UDP, 53]);
  });

  it('Linux cooked v1 and v2: packet type and interface index', () => {
    const v1 = decodeSample('sll outgoing ipv4 icmp echo');
    expect(v1.pktType).toBe(SllPacketType.OUTGOING);
    expect([v1.fpIcmpId, v1.fpIcmpSeq, v1.icmpType[0]]).toEqual([0x77, 3, 8]);
    const v2 = decodeSample('sll2 ipv6 udp');
    expect([v2.ifIndex, v2.pktType, v2.innerIpVersion, v2.innerSrcPort]).toEqual([7, SllPacketType.HOST, 6, 5353]);
    expect(v2.innerAddr6Index).toBe(0);
  });

  it('BSD loopback in host order (NULL) and network order (LOOP)', () => {
    expect(decodeSample('null ipv4 udp').innerIpVersion).toBe(4);
    const loop = decodeSample('loop ipv6 tcp');
    expect([loop.innerIpVersion, loop.innerProto, loop.status]).toEqual([6, IpProto.TCP, DecodeStatus.Ok]);
  });

  it('an unknown link type is Unsupported, not an exception', () => {
    const v = decodeBytes(147, [1, 2, 3]);
    expect([v.status, reasonName(v.reason), v.flowDepth]).toEqual([DecodeStatus.Unsupported, 'LINK_TYPE_UNSUPPORTED', -1]);
  });

  it('ARP is counted with its opcode and IPv4 addresses', () => {
    const v = decodeSample('arp request');
    expect([v.arpOp, formatIpv4(v.arpSenderIp4), formatIpv4(v.arpTargetIp4), v.flowDepth]).toEqual([1, '10.0.0.1', '10.0.0.2', -1]);
    expect(v.counters.arp).toBe(1);
  });

  it('Ethernet padding never reaches the payload (the IP total length ends the packet)', () => {
    const frame = eth(0x0800, ipv4({ proto: 17 }, udp({}, text('hi'))));
    const padded = cat(frame, new Array<number>(60 - frame.length).fill(0));
    const v = decodeBytes(LINK.ETHERNET, padded);
    expect([v.status, v.fpPayloadLen]).toEqual([DecodeStatus.Ok, 2]);
  });
});

describe('IP', () => {
  it('IPv6 extension headers and a first fragment: ports from the first fragment only', () => {
    const v = decodeSample('raw ipv6 hop-by-hop + fragment (first) udp');
    expect([v.status, v.innerSrcPort, v.innerDstPort, v.extCount[0]]).toEqual([DecodeStatus.Ok, 1000, 2000, 2]);
    expect(v.ipIdAt(0)).toBe(0xabcdef01);
    expect(v.hasField(0, Has.FRAGMENT)).toBe(true);
  });

  it('IPv4: a later fragment has the protocol but no ports', () => {
    const v = decodeBytes(LINK.IPV4, ipv4({ proto: 17, fragOffset: 1480 }, text('rest of the datagram')));
    expect([v.status, v.innerProto, v.innerSrcPort, v.fragOffset[0]]).toEqual([DecodeStatus.Ok, IpProto.UDP, -1, 1480]);
  });

  it('IP-in-IP and 6in4 keep the outer header and decode the inner one at depth 1', () => {
    const ipip = decodeSample('ipip (calico)');
    expect([ipip.depthCount, ipip.flowDepth, ipip.encapType[1]]).toEqual([2, 1, Tunnel.IPV4_IN_IP]);
    expect(formatIpv4(ipip.src4[0]!)).toBe('172.16.0.1');
    expect(formatIpv4(ipip.innerSrc4)).toBe('10.244.1.5');
    expect([ipip.innerSrcPort, ipip.innerDstPort, ipip.fpTcpSeq, ipip.fpIpId]).toEqual([51000, 8080, 7, 0x4242]);
    const sit = decodeSample('6in4 (sit)');
    expect([sit.encapType[1], sit.innerIpVersion, sit.innerDstPort]).toEqual([Tunnel.IPV6_IN_IP, 6, 9]);
  });

  it('malformed lengths are flagged with a reason and decoding goes as far as it can', () => {
    const badIhl = decodeBytes(LINK.IPV4, ipv4({ proto: 6, ihl: 3 }, tcp({})));
    expect([badIhl.status, reasonName(badIhl.reason)]).toEqual([DecodeStatus.Malformed, 'IPV4_BAD_IHL']);
    const long = decodeBytes(LINK.IPV4, ipv4({ proto: 6, totalLen: 1500 }, tcp({ sport: 1, dport: 2 })));
    expect([long.status, reasonName(long.reason), long.innerSrcPort]).toEqual([DecodeStatus.Malformed, 'IPV4_TOTAL_LEN_GT_ENCLOSING', 1]);
    const udpLong = decodeBytes(LINK.IPV4, ipv4({ proto: 17 }, udp({ length: 400 })));
    expect([udpLong.status, reasonName(udpLong.reason), udpLong.innerDstPort]).toEqual([DecodeStatus.Malformed, 'UDP_LENGTH_GT_IP', 53]);
    const v6 = decodeBytes(LINK.RAW, ipv6({ nextHeader: 17, version: 4 }, udp({})));
    expect(v6.status).toBe(DecodeStatus.Malformed);
  });
});

describe('ICMP', () => {
  it('an ICMP error quotes the original datagram: decoded at depth 1, not the flow', () => {
    const v = decodeSample('ipv4 dest-unreachable quoting udp');
    expect([v.status, v.depthCount, v.quoteDepth, v.flowDepth, v.encapType[1]]).toEqual([DecodeStatus.Ok, 2, 1, 0, Tunnel.ICMP_QUOTE]);
    expect([v.icmpType[0], v.icmpCode[0]]).toEqual([3, 3]);
    expect([formatIpv4(v.src4[1]!), v.srcPort[1], v.dstPort[1], v.ipId[1]]).toEqual(['10.0.0.1', 33000, 33434, 0x9999]);
  });

  it('ICMPv6 packet too big: MTU and the quoted TCP ports and sequence', () => {
    const v = decodeSample('ipv6 packet-too-big quoting tcp');
    expect([v.status, v.icmpMtu[0], v.srcPort[1], v.dstPort[1], v.tcpSeqAt(1)]).toEqual([DecodeStatus.Ok, 1280, 443, 50000, 5]);
  });

  it('ICMPv6 echo id and sequence', () => {
    const v = decodeSample('icmpv6 echo');
    expect([v.innerProto, v.fpIcmpId, v.fpIcmpSeq]).toEqual([IpProto.ICMPV6, 0x1d, 9]);
  });
});

describe('tunnels', () => {
  for (const [name, port] of [
    ['vxlan 4789 tcp', 4789],
    ['vxlan 8472 (flannel) tcp', 8472],
  ] as const) {
    it(`${name}: outer stack kept, innermost IP is the flow`, () => {
      const v = decodeSample(name);
      expect([v.status, v.depthCount, v.flowDepth, v.encapType[1], v.dstPort[0]]).toEqual([DecodeStatus.Ok, 2, 1, Tunnel.VXLAN, port]);
      expect(v.encapIdAt(1)).toBe(port === 4789 ? 42 : 1);
      expect([formatIpv4(v.src4[0]!), formatIpv4(v.innerSrc4), formatIpv4(v.innerDst4)]).toEqual(['192.168.1.10', '10.244.1.5', '10.244.2.7']);
      expect([v.innerSrcPort, v.innerDstPort, v.fpTcpSeq, v.fpTcpAck]).toEqual([51000, 8080, 7, 9]);
      expect(v.counters.tunnelled).toBe(1);
    });
  }

  it('Geneve with options (VNI, protocol type)', () => {
    const v = decodeSample('geneve ipv4 with option');
    expect([v.status, v.encapType[1], v.encapIdAt(1), v.innerDstPort]).toEqual([DecodeStatus.Ok, Tunnel.GENEVE, 0x123456, 8080]);
  });

  it('GRE: transparent Ethernet bridging with key and sequence; plain IPv4 with checksum', () => {
    const teb = decodeSample('gre teb with key');
    expect([teb.encapType[1], teb.encapIdAt(1), teb.encapSeq[1], teb.innerDstPort]).toEqual([Tunnel.GRE, 77, 3, 8080]);
    const plain = decodeSample('gre ipv4');
    expect([plain.status, plain.encapType[1], plain.encapIdAt(1), plain.innerSrcPort]).toEqual([DecodeStatus.Ok, Tunnel.GRE, -1, 51000]);
  });

  it('GRE carrying something that is not IP still records the tunnel', () => {
    const v = decodeBytes(LINK.IPV4, ipv4({ proto: 47 }, cat(be16(0x2000), be16(0x2001), [0, 0, 0, 5], text('nhrp'))));
    expect([v.depthCount, v.encapType[1], v.encapIdAt(1), v.flowDepth, v.nonIpEtherType]).toEqual([2, Tunnel.GRE, 5, 0, 0x2001]);
  });

  it('WireGuard is recognised (type and receiver index), not decrypted', () => {
    const v = decodeSample('wireguard transport');
    expect([v.hasField(0, Has.WIREGUARD), v.wgType[0], v.wgIndex[0], v.depthCount]).toEqual([true, 4, 0x01020304, 1]);
  });

  it('tunnels nested past MAX_DEPTH stop with TOO_MANY_LAYERS', () => {
    let pkt = ipv4({ proto: 17 }, udp({}, text('core')));
    for (let i = 0; i < MAX_DEPTH + 2; i++) pkt = ipv4({ proto: 4 }, pkt);
    const v = decodeBytes(LINK.IPV4, pkt);
    expect([v.status, v.reason, v.depthCount]).toEqual([DecodeStatus.Unsupported, Reason.TOO_MANY_LAYERS, MAX_DEPTH]);
  });
});

describe('truncation (snaplen)', () => {
  it('a capture cut in the payload keeps every header field and says Truncated', () => {
    const s = sample('ethernet ipv4 tcp data');
    const v = decodeBytes(s.linkType, s.bytes, new PacketView(), 60, s.bytes.length);
    expect([v.status, reasonName(v.reason), v.innerDstPort, v.fpTcpSeq]).toEqual([DecodeStatus.Truncated, 'PAYLOAD_CUT', 80, 1]);
    expect(v.fpPayloadLen).toBe(s.bytes.length - 54);
  });

  it('a capture cut inside the TCP header keeps the ports and the sequence number', () => {
    const s = sample('ethernet ipv4 tcp data');
    const v = decodeBytes(s.linkType, s.bytes, new PacketView(), 14 + 20 + 9, s.bytes.length);
    expect([v.status, reasonName(v.reason), v.innerSrcPort, v.fpTcpSeq, v.fpTcpAck]).toEqual([DecodeStatus.Truncated, 'TCP_CUT', 40000, 1, -1]);
  });
});

describe('the view is reused', () => {
  it('nothing of a tunnelled packet leaks into the next, plain one', () => {
    const view = new PacketView();
    decodeSample('vxlan 4789 tcp', view);
    decodeSample('icmpv6 echo', view);
    expect([view.depthCount, view.flowDepth, view.encapIdAt(1), view.innerSrcPort, view.fpTcpSeq]).toEqual([1, 0, -1, -1, -1]);
    expect(view.counters.packets).toBe(2);
  });

  it('the fingerprint ignores addresses and ports (NAT) but not the payload', () => {
    const a = ipv4({ src: '10.0.0.1', dst: '10.96.0.10', proto: 6, id: 5 }, tcp({ sport: 1111, dport: 80, seq: 42 }, text('hello')));
    const natted = ipv4({ src: '192.168.0.1', dst: '10.244.3.3', proto: 6, id: 5 }, tcp({ sport: 2222, dport: 8080, seq: 42 }, text('hello')));
    const other = ipv4({ src: '10.0.0.1', dst: '10.96.0.10', proto: 6, id: 5 }, tcp({ sport: 1111, dport: 80, seq: 42 }, text('hellO')));
    const fp = (b: number[]): number => decodeBytes(LINK.IPV4, b).fingerprint;
    expect(fp(a)).toBe(fp(natted));
    expect(fp(a)).not.toBe(fp(other));
    expect(ip4('10.0.0.1')).toBe(0x0a000001);
  });

  it('ICMP echo through a NAT: id may change, sequence and payload hash do not', () => {
    const req = (id: number) => decodeBytes(LINK.IPV4, ipv4({ proto: 1 }, icmp(8, 0, cat(be16(id), be16(7)), text('data'))));
    expect(req(1).fingerprint).toBe(req(999).fingerprint);
  });
});

describe('DNS', () => {
  it('the transaction id of a query on port 53 is part of the fingerprint fields', () => {
    const v = decodeBytes(LINK.IPV4, ipv4({ proto: 17 }, udp({ dport: 53 }, [0xbe, 0xef, 1, 0])));
    expect(v.fpDnsId).toBe(0xbeef);
    const other = decodeBytes(LINK.IPV4, ipv4({ proto: 17 }, udp({ dport: 54 }, [0xbe, 0xef, 1, 0])));
    expect(other.fpDnsId).toBe(-1);
  });
});
