// When a UDP 5-tuple's opening datagram comes again, the leg table starts a new leg: the sender's
// IP stack never repeats an IPv4 ID with the same payload, a replay of the recording does
// (samples/pod-egress-replay, tcpreplay; conntrack may have mapped the copy anew). The real
// replay is in test/match/replay-lab.test.ts; here the edges of the rule, packet by packet: what
// must NOT split a leg (copies at an `any` capture µs apart, ID 0 from unconnected sockets, IPv6
// without an ID, the other side, other datagrams of the flow, TCP).

import { describe, expect, it } from 'vitest';
import { LegInput, LegTable } from '../../src/flow/leg-table.js';

const pod = 0x0af40102;
const partner = 0xc6336405;

function datagram(input: LegInput, ts: number, options: { fingerprint?: number; ipId?: number; fromPod?: boolean; ipVersion?: number; proto?: number } = {}): void {
  const fromPod = options.fromPod ?? true;
  input.point = 0;
  input.ipVersion = options.ipVersion ?? 4;
  input.proto = options.proto ?? 17;
  input.src.set([fromPod ? pod : partner, 0, 0, 0]);
  input.dst.set([fromPod ? partner : pod, 0, 0, 0]);
  input.srcPort = fromPod ? 51623 : 9000;
  input.dstPort = fromPod ? 9000 : 51623;
  input.ts = ts;
  input.tcpFlags = input.proto === 6 ? 0x10 : -1;
  input.tcpSeq = input.proto === 6 ? 1000 : -1;
  input.fingerprint = options.fingerprint ?? 0x1234abcd;
  input.ipId = options.ipId ?? 0x2b1f;
  input.matchable = true;
}

/** Legs the table gives a sequence of packets (ts, options). */
function legsOf(packets: Array<[number, Parameters<typeof datagram>[2]?]>): number[] {
  const table = new LegTable();
  const input = new LegInput();
  return packets.map(([ts, options]) => {
    datagram(input, ts, options);
    return table.add(input);
  });
}

describe('a leg ends where its opening datagram comes again (a replay)', () => {
  it('the same datagram 0.5 s or more later, from the same side: a new leg, which a third copy ends again', () => {
    expect(legsOf([[100], [100.01, { fingerprint: 2 }], [101.3], [101.31, { fingerprint: 2 }], [102.6]])).toEqual([0, 0, 1, 1, 2]);
  });

  it('copies under half a second apart are one packet at several interfaces of an `any` capture: one leg', () => {
    expect(legsOf([[100], [100.000004], [100.49]])).toEqual([0, 0, 0]);
  });

  it('IPv4 ID 0 (unconnected sockets with DF send every datagram with it) never marks a replay', () => {
    expect(legsOf([[100, { ipId: 0 }], [100.3, { ipId: 0 }], [101, { ipId: 0 }], [102, { ipId: 0 }]])).toEqual([0, 0, 0, 0]);
  });

  it('IPv6 has no ID: a retry with the same payload is one flow', () => {
    expect(legsOf([[100, { ipVersion: 6, ipId: -1 }], [103, { ipVersion: 6, ipId: -1 }]])).toEqual([0, 0]);
  });

  it('the same bytes from the other side (a mirror echo) are the answer, not a replay', () => {
    expect(legsOf([[100], [100.6, { fromPod: false }], [101.2, { fingerprint: 3 }]])).toEqual([0, 0, 0]);
  });

  it("other datagrams of the flow, however late within conntrack's idle time, stay in the leg", () => {
    expect(legsOf([[100], [110, { fingerprint: 5 }], [250, { fingerprint: 6 }]])).toEqual([0, 0, 0]);
  });

  it('TCP is left to its own rules (a SYN after FIN or RST): a repeated segment is a retransmission', () => {
    expect(legsOf([[100, { proto: 6 }], [101, { proto: 6 }]])).toEqual([0, 0]);
  });

  it('after 180 s of silence a flow starts anew, replayed or not', () => {
    expect(legsOf([[100, { fingerprint: 7 }], [281, { fingerprint: 8 }]])).toEqual([0, 1]);
  });
});
