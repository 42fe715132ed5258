// The fused fast path (src/decode/fast-path.ts) against the general layered decoders: every packet
// is decoded into two views, one with the fast path and one with it forced off, and the two views
// are compared whole — every number, every element of every per-depth array (all depths, valid
// or not), the counters. Before each packet both views are filled with the same garbage, a new
// value per packet, so a field written by one path and not by the other shows up as a difference:
// the fast path must write exactly the fields the general path writes, no more and no fewer.

import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/read-capture-file.js';
import { decodeFastInner } from '../../src/decode/fast-inner.js';
import { decodeFast, Fast } from '../../src/decode/fast-path.js';
import { decodePacket, Has, NO_DECLARED_END, PacketView } from '../../src/decode/index.js';
import { loadIndex } from '../capture/oracle.js';
import { CORPUS_ROOT, PROJECT_ROOT, NEEDS_CORPUS } from '../corpus.js';
import { be16, be32, cat, eth, geneve, icmp, ip4, ipv4, ipv6, ipv6Ext, ipv6Frag, linuxSynOptions, sll2, tcp, udp, vlanTag, vxlan } from './build-packet.js';
import { guardedBuffer } from './decode-helpers.js';
import { LINK, SAMPLE_PACKETS } from './sample-packets.js';

/** Fields that are configuration or the borrowed buffer, not decoding results. */
const NOT_COMPARED = new Set(['fastPath', 'buf', 'udpPortKinds']);

/** Fills every per-packet number and array of the view with garbage derived from `seed`. */
function scramble(v: PacketView, seed: number): void {
  const r = v as unknown as Record<string, unknown>;
  let x = seed >>> 0;
  for (const key of Object.keys(r)) {
    if (NOT_COMPARED.has(key) || key === 'counters') continue;
    x = (Math.imul(x, 0x9e3779b1) + 0x7f4a7c15) >>> 0;
    const value = r[key];
    if (ArrayBuffer.isView(value)) (value as unknown as Uint32Array).fill(x);
    else if (typeof value === 'number') r[key] = (x & 0xffff) - 0x8000;
    else if (typeof value === 'boolean') r[key] = (x & 1) === 1;
  }
}

/** The first field in which the two views differ ("name" or "name[i]"), or null. */
function diffViews(a: PacketView, b: PacketView): string | null {
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  for (const key of Object.keys(ra)) {
    if (NOT_COMPARED.has(key)) continue;
    const x = ra[key];
    const y = rb[key];
    if (ArrayBuffer.isView(x)) {
      const xs = x as unknown as ArrayLike<number>;
      const ys = y as unknown as ArrayLike<number>;
      for (let i = 0; i < xs.length; i++) if (xs[i] !== ys[i]) return `${key}[${i}]: ${xs[i]} vs ${ys[i]}`;
    } else if (key === 'counters') {
      const cx = x as Record<string, unknown>;
      const cy = y as Record<string, unknown>;
      for (const k of Object.keys(cx)) {
        const u = cx[k];
        const v = cy[k];
        if (ArrayBuffer.isView(u)) {
          const us = u as unknown as ArrayLike<number>;
          const vs = v as unknown as ArrayLike<number>;
          for (let i = 0; i < us.length; i++) if (us[i] !== vs[i]) return `counters.${k}[${i}]`;
        } else if (u !== v) return `counters.${k}: ${String(u)} vs ${String(v)}`;
      }
    } else if (x !== y) {
      return `${key}: ${String(x)} vs ${String(y)}`;
    }
  }
  return null;
}

/** Two views fed the same packets: `fast` with the fast path, `slow` without; counts acceptances. */
class Pair {
  readonly fast = new PacketView();
  readonly slow = new PacketView();
  private readonly probe = new PacketView();
  packets = 0;
  accepted = 0;
  /** Of `accepted`, the IPv6 packets. */
  acceptedIpv6 = 0;
  /** Of `accepted`, the IPv4 fragments. */
  acceptedFragments = 0;
  /** Tunnelled packets whose inner frame or packet the fast path took too (decodeFastInner). */
  acceptedInner = 0;

  constructor() {
    this.slow.fastPath = false;
  }

  /** Decodes one packet both ways; returns the first difference, or null. */
  decode(linkType: number, buf: Uint8Array, off: number, end: number, origLength: number): string | null {
    this.probe.begin(linkType, buf, off, end, origLength);
    const frameEnd = origLength < 0 ? NO_DECLARED_END : Math.max(off + origLength, end);
    const fast = decodeFast(linkType, buf, off, end, frameEnd, this.probe);
    if (fast !== Fast.NOT_TAKEN) {
      this.accepted++;
      if (this.probe.ipVersion[0] === 6) this.acceptedIpv6++;
      if (this.probe.ipVersion[0] === 4 && this.probe.hasField(0, Has.FRAGMENT)) this.acceptedFragments++;
    }
    if (fast === Fast.TUNNEL && decodeFastInner(this.probe.nextLayer, buf, this.probe.nextOff, this.probe.nextEnd, this.probe)) this.acceptedInner++;
    const seed = Math.imul(this.packets + 1, 0x85ebca6b);
    scramble(this.fast, seed);
    scramble(this.slow, seed);
    decodePacket(linkType, buf, off, end, this.fast, origLength);
    decodePacket(linkType, buf, off, end, this.slow, origLength);
    this.packets++;
    return diffViews(this.fast, this.slow);
  }
}

async function decodeFiles(pair: Pair, files: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const file of files) {
    await readCaptureFile(file, (r) => {
      const diff = pair.decode(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, r.origLength);
      if (diff !== null && problems.length < 20) problems.push(`${file} packet ${r.frameNumber}: ${diff}`);
    }).catch(() => undefined); // a capture the reader rejects part-way: its packets so far were compared
  }
  return problems;
}

describe('fast path = general path, whole view', () => {
  it('every packet of the shared corpus', { ...NEEDS_CORPUS, timeout: 120_000 }, async () => {
    const pair = new Pair();
    const files = loadIndex().map((f) => join(CORPUS_ROOT, f.corpus, f.file));
    const problems = await decodeFiles(pair, files);
    expect(problems).toEqual([]);
    expect(pair.packets).toBeGreaterThan(20_000);
    // The corpus must exercise the fast path, not only the fallback.
    expect(pair.accepted).toBeGreaterThan(5_000);
    expect(pair.acceptedIpv6).toBeGreaterThan(100);
    console.log(`fast path vs general: corpus ${files.length} captures, ${pair.packets} packets compared, ${pair.accepted} taken by the fast path (${pair.acceptedIpv6} IPv6)`);
  });

  it('every packet of the lab samples', async () => {
    const pair = new Pair();
    const files: string[] = [];
    const root = join(PROJECT_ROOT, 'samples');
    for (const sample of readdirSync(root)) {
      let hosts: string[];
      try {
        hosts = readdirSync(join(root, sample));
      } catch {
        continue;
      }
      for (const host of hosts) {
        let names: string[];
        try {
          names = readdirSync(join(root, sample, host));
        } catch {
          continue;
        }
        for (const n of names) if (n.startsWith('capture.')) files.push(join(root, sample, host, n));
      }
    }
    const problems = await decodeFiles(pair, files);
    expect(problems).toEqual([]);
    expect(files.length).toBeGreaterThan(10);
    expect(pair.accepted).toBeGreaterThan(1_000);
    console.log(`fast path vs general: samples ${files.length} captures, ${pair.packets} packets compared, ${pair.accepted} taken by the fast path (${pair.acceptedIpv6} IPv6)`);
  }, 120_000);

  // Packets built near the fast path's edges: every field it checks takes good and bad values.
  /** Mostly `good`, sometimes one of `bad`: keeps most built packets on the fast path's edge. */
  const often = <T>(good: T, ...bad: T[]): fc.Arbitrary<T> => fc.oneof({ weight: 7, arbitrary: fc.constant(good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
  // TCP/UDP header, payload, snaplen and padding variations: the same for IPv4 and IPv6 packets.
  const upperLayerFields = {
    dataOffset: often(5, 8, 10, 4, 15, 0),
    tcpOptions: fc.constantFrom('none', 'syn', 'bad'),
    udpLenDelta: often(0, -1, 1, -8, -100, 200),
    zeroUdpLen: often(false, true),
    payload: fc.uint8Array({ maxLength: 90 }),
    cut: fc.option(fc.nat({ max: 200 }), { freq: 6, nil: undefined }),
    origExtra: fc.constantFrom(-2, -1, 0, 0, 0, 4, 60),
    padding: fc.constantFrom(0, 0, 6, 20),
  };
  const plainPacket = fc.record({
    sll: fc.boolean(),
    sllType: often(0x0800, 0x86dd, 0x0004, 0x0100),
    hatype: often(1, 824, 772),
    addrLen: fc.integer({ min: 0, max: 12 }),
    ifIndex: fc.constantFrom(1, 2, 0xffffffff, 0x80000000),
    etherType: fc.constantFrom(0x0800, 0x0800, 0x0800, 0x0800, 0x8100, 0x86dd, 0x0806, 0x88cc, 0x8809, 0x05dc, 0x0026, 0x0003, 0x0002, 0x0000),
    proto: fc.constantFrom(6, 6, 6, 17, 17, 17, 1, 1, 47, 4, 41, 51, 58, 89, 112, 2, 0, 255),
    icmpType: fc.constantFrom(8, 0, 3, 11, 13, 18, 19, 5, 42),
    ihl: often(5, 4, 6, 15),
    version: often(4, 6, 0),
    df: fc.boolean(),
    mf: often(false, true),
    fragOffset: often(0, 8, 1480),
    totalLenDelta: often(0, -1, 1, -30, 100, -1000),
    zeroTotalLen: often(false, true),
    sport: fc.constantFrom(40000, 53, 4789, 8472, 6081, 51820, 123),
    dport: fc.constantFrom(80, 53, 4789, 8472, 6081, 51820, 443, 8080),
    ...upperLayerFields,
  });

  it('built packets near every check (fast-check)', () => {
    const pair = new Pair();
    fc.assert(
      fc.property(plainPacket, (p) => {
        const payload = Array.from(p.payload);
        let l4: number[];
        if (p.proto === 6) {
          const options = p.tcpOptions === 'syn' ? cat(linuxSynOptions(1460, 7, 9, 7), [0]) : p.tcpOptions === 'bad' ? [2, 9, 0, 0] : [];
          l4 = tcp({ sport: p.sport, dport: p.dport, seq: 0xfedcba98, ack: 0x80000001, flags: 0x1f2, options, dataOffset: p.dataOffset === 5 ? undefined : p.dataOffset }, payload);
        } else if (p.proto === 17) {
          const len = p.zeroUdpLen ? 0 : (8 + payload.length + p.udpLenDelta) & 0xffff;
          l4 = udp({ sport: p.sport, dport: p.dport, length: len }, payload);
        } else {
          l4 = cat([p.icmpType, 4, 0, 0], be32(0x01020304), payload);
        }
        const totalLen = p.zeroTotalLen ? 0 : (20 + (p.ihl > 5 ? (p.ihl - 5) * 4 : 0) + l4.length + p.totalLenDelta) & 0xffff;
        const ip = ipv4(
          {
            src: '10.1.2.3',
            dst: '192.168.255.254',
            proto: p.proto,
            id: 0xbeef,
            ttl: 63,
            tos: 0xb8,
            df: p.df,
            mf: p.mf,
            fragOffset: p.fragOffset,
            ihl: p.ihl,
            version: p.version,
            totalLen,
            options: p.ihl > 5 ? new Array<number>((p.ihl - 5) * 4).fill(1) : [],
          },
          cat(l4, new Array<number>(p.padding).fill(0)),
        );
        let frame: number[];
        if (p.sll) {
          frame = sll2(4, p.ifIndex, p.sllType, ip, p.hatype);
          frame[11] = p.addrLen;
        } else {
          frame = eth(p.etherType, ip);
        }
        const capLength = p.cut === undefined ? frame.length : Math.min(p.cut, frame.length);
        const origLength = p.origExtra === -2 ? -1 : p.origExtra === -1 ? capLength : frame.length + p.origExtra;
        const { buf, off, end } = guardedBuffer(frame, capLength);
        const diff = pair.decode(p.sll ? LINK.SLL2 : LINK.ETHERNET, buf, off, end, origLength);
        expect(diff).toBeNull();
      }),
      { numRuns: 20_000 },
    );
    expect(pair.accepted).toBeGreaterThan(1_000);
    expect(pair.acceptedFragments).toBeGreaterThan(100);
    console.log(`fast path vs general: built IPv4 ${pair.packets} packets compared, ${pair.accepted} taken by the fast path (${pair.acceptedFragments} fragments)`);
  }, 120_000);

  const ipv6Packet = fc.record({
    sll: fc.boolean(),
    sllType: often(0x86dd, 0x0800, 0x0004),
    hatype: often(1, 824),
    addrLen: fc.integer({ min: 0, max: 12 }),
    etherType: often(0x86dd, 0x0800, 0x8100, 0x05dc),
    version: often(6, 4, 0, 7),
    trafficClass: fc.integer({ min: 0, max: 255 }),
    flowLabel: fc.integer({ min: 0, max: 0xfffff }),
    hopLimit: fc.constantFrom(0, 1, 64, 255),
    // TCP, UDP, ICMPv6; extension headers (hop-by-hop, routing, fragment, destination options),
    // AH, IPv4/IPv6 in IPv6, GRE, no next header, ESP, OSPF, ICMP(v4)
    nextHeader: fc.constantFrom(6, 6, 6, 17, 17, 17, 58, 58, 0, 43, 44, 60, 51, 4, 41, 47, 59, 50, 89, 1),
    extInner: fc.constantFrom(6, 17, 58),
    fragOffset: often(0, 8),
    fragMore: fc.boolean(),
    icmpType: fc.constantFrom(128, 129, 128, 1, 2, 3, 4, 0, 5, 127, 133, 134, 135, 136, 143, 255),
    payloadLenDelta: often(0, -1, 1, -8, -20, 100, -1000),
    zeroPayloadLen: often(false, true),
    sport: fc.constantFrom(40000, 53, 4789, 8472, 6081, 51820, 546),
    dport: fc.constantFrom(80, 53, 4789, 8472, 6081, 51820, 443, 547),
    ...upperLayerFields,
  });

  it('built IPv6 packets near every check (fast-check)', () => {
    const pair = new Pair();
    fc.assert(
      fc.property(ipv6Packet, (p) => {
        const payload = Array.from(p.payload);
        const upper = (proto: number): number[] => {
          if (proto === 6) {
            const options = p.tcpOptions === 'syn' ? cat(linuxSynOptions(1460, 7, 9, 7), [0]) : p.tcpOptions === 'bad' ? [2, 9, 0, 0] : [];
            return tcp({ sport: p.sport, dport: p.dport, seq: 0xfedcba98, ack: 0x80000001, flags: 0x1f2, options, dataOffset: p.dataOffset === 5 ? undefined : p.dataOffset }, payload);
          }
          if (proto === 17) {
            const len = p.zeroUdpLen ? 0 : (8 + payload.length + p.udpLenDelta) & 0xffff;
            return udp({ sport: p.sport, dport: p.dport, length: len }, payload);
          }
          if (proto === 58) return icmp(p.icmpType, 4, cat(be16(0x1d), be16(9)), payload);
          return payload;
        };
        let l4: number[];
        switch (p.nextHeader) {
          case 0:
          case 43:
          case 60:
            l4 = cat(ipv6Ext(p.extInner, [1, 4, 0, 0, 0, 0]), upper(p.extInner));
            break;
          case 44:
            l4 = cat(ipv6Frag(p.extInner, p.fragOffset, p.fragMore, 0xabcdef01), upper(p.extInner));
            break;
          case 51:
            l4 = cat([p.extInner, 4, 0, 0], be32(0x100), be32(7), new Array<number>(12).fill(0xaa), upper(p.extInner));
            break;
          case 4:
            l4 = ipv4({ proto: 6 }, upper(6));
            break;
          case 41:
            l4 = ipv6({ nextHeader: 17 }, upper(17));
            break;
          default:
            l4 = upper(p.nextHeader);
        }
        const payloadLen = p.zeroPayloadLen ? 0 : (l4.length + p.payloadLenDelta) & 0xffff;
        const ip = ipv6(
          { src: '2001:db8::1', dst: 'fe80::1:2:3:4', nextHeader: p.nextHeader, hopLimit: p.hopLimit, trafficClass: p.trafficClass, flowLabel: p.flowLabel, payloadLen, version: p.version },
          cat(l4, new Array<number>(p.padding).fill(0)),
        );
        let frame: number[];
        if (p.sll) {
          frame = sll2(4, 0x80000001, p.sllType, ip, p.hatype);
          frame[11] = p.addrLen;
        } else {
          frame = eth(p.etherType, ip);
        }
        const capLength = p.cut === undefined ? frame.length : Math.min(p.cut, frame.length);
        const origLength = p.origExtra === -2 ? -1 : p.origExtra === -1 ? capLength : frame.length + p.origExtra;
        const { buf, off, end } = guardedBuffer(frame, capLength);
        expect(pair.decode(p.sll ? LINK.SLL2 : LINK.ETHERNET, buf, off, end, origLength)).toBeNull();
      }),
      { numRuns: 20_000 },
    );
    expect(pair.acceptedIpv6).toBeGreaterThan(1_000);
    console.log(`fast path vs general: built IPv6 ${pair.packets} packets compared, ${pair.acceptedIpv6} IPv6 taken by the fast path`);
  }, 120_000);

  // Tunnels: the outer layers (IPv4 or IPv6, UDP to a VXLAN or Geneve port, the tunnel header)
  // and the inner frame or packet, each field near the checks of decodeFast and decodeFastInner.
  const tunnelPacket = fc.record({
    sll: fc.boolean(),
    outerV6: fc.boolean(),
    outerMf: often(false, true),
    outerTotalDelta: often(0, -1, 1),
    dport: often(4789, 8472, 6081, 4789, 6081, 51820, 80),
    sport: fc.constantFrom(40000, 53, 51820),
    outerUdpLenDelta: often(0, -1, 1, -100),
    vxlanFlags: often(0x08, 0x00, 0x88),
    geneveVersion: often(0, 1),
    geneveOptWords: often(0, 1, 3, 63),
    geneveProto: often(0x6558, 0x0800, 0x86dd, 0x0806, 0x1234),
    innerEtherType: often(0x0800, 0x86dd, 0x8100, 0x0806, 0x05dc),
    innerV6: fc.boolean(),
    innerProto: fc.constantFrom(6, 6, 17, 17, 1, 58, 89, 47, 4, 51, 0, 44),
    innerIhl: often(5, 6, 4),
    innerMf: often(false, true),
    innerFragOffset: often(0, 8),
    innerTotalDelta: often(0, -1, 1, 40, -30),
    innerZeroLen: often(false, true),
    innerDport: often(80, 53, 4789, 6081),
    icmpType: fc.constantFrom(8, 0, 3, 11, 128, 129, 1, 135),
    ...upperLayerFields,
  });

  it('built tunnelled packets near every check (fast-check)', () => {
    const pair = new Pair();
    fc.assert(
      fc.property(tunnelPacket, (p) => {
        const payload = Array.from(p.payload);
        let l4: number[];
        if (p.innerProto === 6) {
          const options = p.tcpOptions === 'syn' ? cat(linuxSynOptions(1460, 7, 9, 7), [0]) : p.tcpOptions === 'bad' ? [2, 9, 0, 0] : [];
          l4 = tcp({ sport: 33000, dport: p.innerDport, seq: 0x01020304, ack: 0xfffffffe, flags: 0x18, options, dataOffset: p.dataOffset === 5 ? undefined : p.dataOffset }, payload);
        } else if (p.innerProto === 17) {
          const len = p.zeroUdpLen ? 0 : (8 + payload.length + p.udpLenDelta) & 0xffff;
          l4 = udp({ sport: 33000, dport: p.innerDport, length: len }, payload);
        } else if (p.innerProto === 1 || p.innerProto === 58) {
          l4 = icmp(p.icmpType, 0, cat(be16(0x77), be16(3)), payload);
        } else {
          l4 = payload;
        }
        const inner = p.innerV6
          ? ipv6({ nextHeader: p.innerProto, payloadLen: p.innerZeroLen ? 0 : (l4.length + p.innerTotalDelta) & 0xffff, flowLabel: 0xabcde, trafficClass: 0x28 }, l4)
          : ipv4(
              {
                proto: p.innerProto,
                src: '172.16.0.9',
                dst: '172.16.9.1',
                ihl: p.innerIhl,
                options: p.innerIhl > 5 ? new Array<number>((p.innerIhl - 5) * 4).fill(1) : [],
                mf: p.innerMf,
                fragOffset: p.innerFragOffset,
                totalLen: p.innerZeroLen ? 0 : (20 + (p.innerIhl > 5 ? (p.innerIhl - 5) * 4 : 0) + l4.length + p.innerTotalDelta) & 0xffff,
              },
              l4,
            );
        const innerType = p.innerV6 ? 0x86dd : 0x0800;
        const innerFrame = p.innerEtherType === 0x8100 ? eth(0x8100, vlanTag(7, innerType, inner)) : eth(p.innerEtherType === 0x0800 || p.innerEtherType === 0x86dd ? innerType : p.innerEtherType, inner);
        const geneveCarriesIp = p.geneveProto === 0x0800 || p.geneveProto === 0x86dd;
        const body =
          p.dport === 6081
            ? geneve(0x123456, geneveCarriesIp ? innerType : p.geneveProto, geneveCarriesIp ? inner : innerFrame, new Array<number>(p.geneveOptWords * 4).fill(3), p.geneveVersion)
            : vxlan(0x123456, innerFrame, p.vxlanFlags);
        const outerUdp = udp({ sport: p.sport, dport: p.dport, length: (8 + body.length + p.outerUdpLenDelta) & 0xffff }, body);
        const outer = p.outerV6
          ? ipv6({ nextHeader: 17, payloadLen: (outerUdp.length + p.outerTotalDelta) & 0xffff }, outerUdp)
          : ipv4({ proto: 17, mf: p.outerMf, totalLen: (20 + outerUdp.length + p.outerTotalDelta) & 0xffff }, outerUdp);
        const outerType = p.outerV6 ? 0x86dd : 0x0800;
        const frame = cat(p.sll ? sll2(4, 2, outerType, outer) : eth(outerType, outer), new Array<number>(p.padding).fill(0));
        const capLength = p.cut === undefined ? frame.length : Math.min(frame.length - 1 - (p.cut % 40), frame.length);
        const origLength = p.origExtra === -2 ? -1 : p.origExtra === -1 ? capLength : frame.length + p.origExtra;
        const { buf, off, end } = guardedBuffer(frame, capLength);
        expect(pair.decode(p.sll ? LINK.SLL2 : LINK.ETHERNET, buf, off, end, origLength)).toBeNull();
      }),
      { numRuns: 20_000 },
    );
    expect(pair.acceptedInner).toBeGreaterThan(1_000);
    console.log(`fast path vs general: built tunnelled ${pair.packets} packets compared, ${pair.accepted} outer layers and ${pair.acceptedInner} inner ones taken by the fast path`);
  }, 120_000);

  it('real packets with bytes changed or cut (fast-check)', () => {
    const pair = new Pair();
    const mutation = fc.record({
      index: fc.nat({ max: SAMPLE_PACKETS.length - 1 }),
      edits: fc.array(fc.tuple(fc.nat({ max: 80 }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      cap: fc.option(fc.nat(), { nil: undefined }),
      otherLink: fc.option(fc.constantFrom(LINK.ETHERNET, LINK.SLL2), { freq: 5, nil: undefined }),
    });
    fc.assert(
      fc.property(mutation, ({ index, edits, cap, otherLink }) => {
        const s = SAMPLE_PACKETS[index]!;
        const bytes = s.bytes.slice();
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        const capLength = cap === undefined ? bytes.length : cap % (bytes.length + 1);
        const { buf, off, end } = guardedBuffer(bytes, capLength);
        expect(pair.decode(otherLink ?? s.linkType, buf, off, end, bytes.length)).toBeNull();
      }),
      { numRuns: 20_000 },
    );
  }, 120_000);

  it('random L4 bytes after a plain Ethernet/SLL2 + IPv4 or IPv6 header (fast-check)', () => {
    const pair = new Pair();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 120 }), fc.constantFrom(6, 17, 58), fc.nat({ max: 3 }), fc.boolean(), fc.boolean(), (rest, proto, short, sll, v6) => {
        const ip = v6
          ? ipv6({ nextHeader: proto, payloadLen: rest.length - short, flowLabel: 0x12345 }, Array.from(rest))
          : cat([0x45, 0], be16(20 + rest.length - short), [0x12, 0x34, 0x40, 0, 64, proto === 58 ? 1 : proto, 0, 0], be32(0x0a000001), be32(0x0a000002), Array.from(rest));
        const type = v6 ? 0x86dd : 0x0800;
        const bytes = sll ? sll2(0, 3, type, ip) : eth(type, ip);
        const { buf, off, end } = guardedBuffer(bytes);
        expect(pair.decode(sll ? LINK.SLL2 : LINK.ETHERNET, buf, off, end, bytes.length)).toBeNull();
      }),
      { numRuns: 20_000 },
    );
    expect(pair.accepted).toBeGreaterThan(100); // most random data offsets / UDP lengths are rejected
    expect(pair.acceptedIpv6).toBeGreaterThan(100);
    console.log(`fast path vs general: random L4 ${pair.packets} packets compared, ${pair.accepted} taken by the fast path (${pair.acceptedIpv6} IPv6)`);
  }, 120_000);

  it('the accepted set: a plain TCP segment is taken, its variants that need the general path are not', () => {
    const view = new PacketView();
    const accepts = (frame: number[], linkType: number = LINK.ETHERNET): boolean => {
      const b = Uint8Array.from(frame);
      view.begin(linkType, b, 0, b.length, b.length);
      return decodeFast(linkType, b, 0, b.length, b.length, view) === Fast.DONE;
    };
    const seg = tcp({}, [1, 2, 3]);
    const pkt = (o: Partial<Parameters<typeof ipv4>[0]>, l4 = seg): number[] => eth(0x0800, ipv4({ proto: 6, src: '10.0.0.1', dst: '10.0.0.2', ...o }, l4));
    expect(accepts(pkt({}))).toBe(true);
    expect(accepts(sll2(0, 2, 0x0800, ipv4({ proto: 6 }, seg)), LINK.SLL2)).toBe(true);
    expect(accepts(pkt({ proto: 17 }, udp({ sport: 1000, dport: 53 }, [0x12, 0x34])))).toBe(true);
    expect(accepts(pkt({ options: [1, 1, 1, 1] }))).toBe(false);
    // IPv4 fragments: the first one's TCP header decoded as clipped, a later one's bytes only.
    expect(accepts(pkt({ mf: true }))).toBe(true);
    expect(accepts(pkt({ fragOffset: 8 }))).toBe(true);
    expect(accepts(pkt({ proto: 17, mf: true }, udp({ length: 3000 }, [1, 2, 3])))).toBe(true); // UDP ends with the fragment
    expect(accepts(pkt({ mf: true, options: [1, 1, 1, 1] }))).toBe(false);
    expect(accepts(pkt({ mf: true, totalLen: 0 }))).toBe(false);
    expect(accepts(pkt({ mf: true, proto: 1 }, icmp(3, 4, be32(1500), ipv4({ proto: 6 }, seg))))).toBe(false); // an error quotes a datagram
    expect(accepts(pkt({ totalLen: 0 }))).toBe(false);
    expect(accepts(pkt({ totalLen: 200 }))).toBe(false);
    // VXLAN: the outer layers only, the inner frame is the driver's (Fast.TUNNEL).
    const vx = Uint8Array.from(pkt({ proto: 17 }, udp({ dport: 4789 }, cat([8, 0, 0, 0, 0, 0, 1, 0], eth(0x0800, ipv4({ proto: 6 }, seg))))));
    view.begin(LINK.ETHERNET, vx, 0, vx.length, vx.length);
    expect(decodeFast(LINK.ETHERNET, vx, 0, vx.length, vx.length, view)).toBe(Fast.TUNNEL);
    expect(view.depth).toBe(1);
    expect(accepts(pkt({ proto: 17 }, udp({ dport: 4789 }, [0, 0, 0, 0, 0, 0, 1, 0])))).toBe(false); // I flag clear
    // Geneve: the outer layers when its version is 0 and it carries Ethernet, IPv4 or IPv6.
    const tunnelOf = (frame: number[]): number => {
      const b = Uint8Array.from(frame);
      view.begin(LINK.ETHERNET, b, 0, b.length, b.length);
      return decodeFast(LINK.ETHERNET, b, 0, b.length, b.length, view);
    };
    expect(tunnelOf(pkt({ proto: 17 }, udp({ dport: 6081 }, geneve(1, 0x6558, eth(0x0800, ipv4({ proto: 6 }, seg))))))).toBe(Fast.TUNNEL);
    expect(tunnelOf(pkt({ proto: 17 }, udp({ dport: 6081 }, geneve(1, 0x0800, ipv4({ proto: 6 }, seg)))))).toBe(Fast.TUNNEL);
    expect(tunnelOf(pkt({ proto: 17 }, udp({ dport: 6081 }, geneve(1, 0x0806, [0, 1]))))).toBe(Fast.NOT_TAKEN);
    expect(tunnelOf(pkt({ proto: 17 }, udp({ dport: 6081 }, geneve(1, 0x6558, [], [], 1))))).toBe(Fast.NOT_TAKEN);
    expect(tunnelOf(pkt({ proto: 17 }, udp({ dport: 6081 }, geneve(1, 0x6558, [], [1, 2, 3, 4]).slice(0, 10))))).toBe(Fast.NOT_TAKEN); // options past the datagram
    expect(tunnelOf(pkt({ proto: 17, mf: true }, udp({ dport: 4789 }, vxlan(1, eth(0x0800, ipv4({ proto: 6 }, seg))))))).toBe(Fast.DONE); // a first fragment opens no tunnel
    expect(accepts(pkt({ proto: 17 }, udp({ sport: 51820, dport: 9 }, [4, 0, 0, 0])))).toBe(false);
    expect(accepts(eth(0x8100, cat(be16(5), be16(0x0800), ipv4({ proto: 6 }, seg))))).toBe(false);
    // IPv6: no extension header, not a tunnel port, not an ICMPv6 error, all declared bytes captured.
    const pkt6 = (o: Partial<Parameters<typeof ipv6>[0]>, l4 = seg): number[] => eth(0x86dd, ipv6({ nextHeader: 6, ...o }, l4));
    expect(accepts(pkt6({}))).toBe(true);
    expect(accepts(sll2(0, 2, 0x86dd, ipv6({ nextHeader: 6 }, seg)), LINK.SLL2)).toBe(true);
    expect(accepts(pkt6({ nextHeader: 17 }, udp({ sport: 1000, dport: 53 }, [0x12, 0x34])))).toBe(true);
    expect(accepts(pkt6({ nextHeader: 58 }, icmp(128, 0, cat(be16(1), be16(2)))))).toBe(true);
    expect(accepts(pkt6({ nextHeader: 58 }, icmp(1, 4, be32(0), ipv6({ nextHeader: 6 }, seg))))).toBe(false); // quotes a packet
    expect(accepts(pkt6({ nextHeader: 0 }, cat(ipv6Ext(6, [1, 4, 0, 0, 0, 0]), seg)))).toBe(false);
    expect(accepts(pkt6({ nextHeader: 44 }, cat(ipv6Frag(6, 0, true, 1), seg)))).toBe(false);
    expect(accepts(pkt6({ payloadLen: 0 }))).toBe(false);
    expect(accepts(pkt6({ payloadLen: 200 }))).toBe(false);
    expect(accepts(pkt6({ nextHeader: 17 }, udp({ dport: 4789 }, [8, 0, 0, 0, 0, 0, 1, 0])))).toBe(false);
    expect(tunnelOf(pkt6({ nextHeader: 17 }, udp({ dport: 4789 }, vxlan(9, eth(0x86dd, ipv6({ nextHeader: 6 }, seg))))))).toBe(Fast.TUNNEL);
    expect(accepts(pkt6({ nextHeader: 17 }, udp({ sport: 51820, dport: 9 }, [4, 0, 0, 0])))).toBe(false);
    expect(ip4('10.0.0.1')).toBe(0x0a000001);
  });

  it('inside a tunnel: a plain inner packet is taken, nested tunnels, tags, fragments and options are not', () => {
    const view = new PacketView();
    const seg = tcp({}, [1, 2, 3]);
    const innerTaken = (innerFrame: number[]): boolean => {
      const b = Uint8Array.from(eth(0x0800, ipv4({ proto: 17 }, udp({ dport: 4789 }, vxlan(5, innerFrame)))));
      view.begin(LINK.ETHERNET, b, 0, b.length, b.length);
      expect(decodeFast(LINK.ETHERNET, b, 0, b.length, b.length, view)).toBe(Fast.TUNNEL);
      return decodeFastInner(view.nextLayer, b, view.nextOff, view.nextEnd, view);
    };
    expect(innerTaken(eth(0x0800, ipv4({ proto: 6 }, seg)))).toBe(true);
    expect(innerTaken(eth(0x86dd, ipv6({ nextHeader: 17 }, udp({ dport: 53 }, [1, 2]))))).toBe(true);
    expect(innerTaken(eth(0x0800, ipv4({ proto: 89 }, [1, 2, 3, 4])))).toBe(true); // OSPF: recorded, not decoded
    expect(innerTaken(eth(0x0800, ipv4({ proto: 17 }, udp({ dport: 4789 }, vxlan(6, eth(0x0800, ipv4({ proto: 6 }, seg)))))))).toBe(false);
    expect(innerTaken(eth(0x8100, vlanTag(3, 0x0800, ipv4({ proto: 6 }, seg))))).toBe(false);
    expect(innerTaken(eth(0x0800, ipv4({ proto: 6, mf: true }, seg)))).toBe(false);
    expect(innerTaken(eth(0x0800, ipv4({ proto: 6, options: [1, 1, 1, 1] }, seg)))).toBe(false);
    expect(innerTaken(eth(0x0800, ipv4({ proto: 6, totalLen: 200 }, seg)))).toBe(false);
    expect(innerTaken(eth(0x0806, new Array<number>(28).fill(0)))).toBe(false);
  });
});
