// Pairs of legs that share bytes but cannot share packets: an echo's request at one capture point
// and its reply at another. An echo's reply carries its request's bytes (IPv6 has no IP ID), so a
// capture of one direction (`tcpdump -Q out`: the requests leaving eth0, the replies leaving
// toward the pod on cni0) holds no point with both, matching sees no echo, and the request would
// be taken for the packet the other point carried next — turning the flow round. A packet keeps
// its way through NAT, so two pieces of evidence refute such a pair (docs/analyze.md, "Orientation"):
// - its host's conntrack: the entry's original tuple makes the shared packets client → server at
//   one leg and server → client at the other;
// - the addresses: the packets' destination at one leg is their source at the other (address and
//   port: a reply comes from where its request went).

import { KEY_WORDS } from '../flow/leg-table.js';
import { hasPorts } from './endpoint-text.js';
import { CONNTRACK_NONE } from './conntrack-orientation.js';
import type { LegFacts } from './leg-facts.js';
import type { LegIds } from './match-packets.js';
import type { PairEvidence } from './pair-evidence.js';

/** Per pair: not refuted, refuted by the host's conntrack, by the addresses. */
export const Crossed = { NO: 0, CONNTRACK: 1, ADDRESSES: 2 } as const;

/**
 * Crossed.* per pair. Only pairs whose shared packets all keep (or all turn) their legs' low and
 * high ends are judged: a pair with packets both ways round is left to the packets. `keys`: each
 * capture's leg keys (LegTable.keys.data, KEY_WORDS a leg: word 1 holds version and protocol,
 * 3–6 the low address, 7–10 the high one, 11 the ports), read in place: a call per key word read
 * cost more than the rest of the sweep over a million pairs.
 */
export function crossedPairs(pairs: PairEvidence, facts: LegFacts, ids: LegIds, keys: readonly Uint32Array[]): Uint8Array {
  const crossed = new Uint8Array(pairs.count);
  for (let e = 0; e < pairs.count; e++) {
    const same = pairs.sameOrientation.data[e]!;
    const shared = pairs.shared.data[e]!;
    if (shared === 0 || (same !== shared && same !== 0)) continue;
    const a = pairs.a.data[e]!;
    const b = pairs.b.data[e]!;
    const sameWay = same === shared;
    if (conntrackCrosses(facts, a, b, sameWay)) crossed[e] = Crossed.CONNTRACK;
    else if (addressesCross(keys[ids.capture[a]!]!, ids.leg[a]! * KEY_WORDS, keys[ids.capture[b]!]!, ids.leg[b]! * KEY_WORDS, sameWay)) crossed[e] = Crossed.ADDRESSES;
  }
  return crossed;
}

/** One host's entries name the clients so that a shared packet goes client → server at one leg, server → client at the other. */
function conntrackCrosses(facts: LegFacts, a: number, b: number, sameWay: boolean): boolean {
  const ca = facts.conntrackClient[a]!;
  const cb = facts.conntrackClient[b]!;
  // Two hosts' snapshots may be of other moments (an entry recreated by a reply): the packets decide.
  if (ca === CONNTRACK_NONE || cb === CONNTRACK_NONE || facts.host[a] !== facts.host[b]) return false;
  return sameWay ? ca !== cb : ca === cb;
}

/**
 * The end that receives the shared packets at one leg sends them at the other (or the other way
 * round). Protocols with ports only: without them a hairpin (a pod reaching itself through a
 * service, its source translated) sends to the address it came from.
 */
function addressesCross(ka: Uint32Array, a: number, kb: Uint32Array, b: number, sameWay: boolean): boolean {
  const wa = ka[a + 1]!;
  const wb = kb[b + 1]!;
  if (wa >>> 24 !== wb >>> 24 || !hasPorts((wa >>> 16) & 0xff) || !hasPorts((wb >>> 16) & 0xff)) return false;
  if (sameEnd(ka, a, 0, ka, a, 1) || sameEnd(kb, b, 0, kb, b, 1)) return false;
  // Same way: a's low end sends where b's low end sends, so a's high (receiver) is b's low (sender) when crossed.
  return sameWay ? sameEnd(ka, a, 1, kb, b, 0) || sameEnd(ka, a, 0, kb, b, 1) : sameEnd(ka, a, 0, kb, b, 0) || sameEnd(ka, a, 1, kb, b, 1);
}

/** Whether end `ex` (0 low, 1 high) of the leg whose key starts at kx[x] is end `ey` of the one at ky[y]: address and port. */
function sameEnd(kx: Uint32Array, x: number, ex: number, ky: Uint32Array, y: number, ey: number): boolean {
  for (let i = 0; i < 4; i++) if (kx[x + 3 + 4 * ex + i] !== ky[y + 3 + 4 * ey + i]) return false;
  const px = kx[x + 11]!;
  const py = ky[y + 11]!;
  return (ex === 0 ? px >>> 16 : px & 0xffff) === (ey === 0 ? py >>> 16 : py & 0xffff);
}
