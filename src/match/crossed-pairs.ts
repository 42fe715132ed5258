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

import { hasPorts } from './endpoint-text.js';
import { CONNTRACK_NONE } from './conntrack-orientation.js';
import type { LegFacts } from './leg-facts.js';
import type { PairEvidence } from './pair-evidence.js';

/** Per pair: not refuted, refuted by the host's conntrack, by the addresses. */
export const Crossed = { NO: 0, CONNTRACK: 1, ADDRESSES: 2 } as const;

/** A leg's key words (leg-table.ts KEY_WORDS): word 1 holds version and protocol, 3–6 the low address, 7–10 the high one, 11 the ports. */
type KeyWordOf = (leg: number, word: number) => number;

/**
 * Crossed.* per pair. Only pairs whose shared packets all keep (or all turn) their legs' low and
 * high ends are judged: a pair with packets both ways round is left to the packets.
 */
export function crossedPairs(pairs: PairEvidence, facts: LegFacts, keyWord: KeyWordOf): Uint8Array {
  const crossed = new Uint8Array(pairs.count);
  for (let e = 0; e < pairs.count; e++) {
    const same = pairs.sameOrientation.data[e]!;
    const shared = pairs.shared.data[e]!;
    if (shared === 0 || (same !== shared && same !== 0)) continue;
    const a = pairs.a.data[e]!;
    const b = pairs.b.data[e]!;
    const sameWay = same === shared;
    if (conntrackCrosses(facts, a, b, sameWay)) crossed[e] = Crossed.CONNTRACK;
    else if (addressesCross(keyWord, a, b, sameWay)) crossed[e] = Crossed.ADDRESSES;
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
function addressesCross(keyWord: KeyWordOf, a: number, b: number, sameWay: boolean): boolean {
  const wa = keyWord(a, 1);
  if (wa >>> 24 !== keyWord(b, 1) >>> 24 || !hasPorts((wa >>> 16) & 0xff) || !hasPorts((keyWord(b, 1) >>> 16) & 0xff)) return false;
  if (sameEnd(keyWord, a, 0, a, 1) || sameEnd(keyWord, b, 0, b, 1)) return false;
  // Same way: a's low end sends where b's low end sends, so a's high (receiver) is b's low (sender) when crossed.
  return sameWay ? sameEnd(keyWord, a, 1, b, 0) || sameEnd(keyWord, a, 0, b, 1) : sameEnd(keyWord, a, 0, b, 0) || sameEnd(keyWord, a, 1, b, 1);
}

/** Whether end `ex` (0 low, 1 high) of leg x is end `ey` of leg y: address and port. */
function sameEnd(keyWord: KeyWordOf, x: number, ex: number, y: number, ey: number): boolean {
  for (let i = 0; i < 4; i++) if (keyWord(x, 3 + 4 * ex + i) !== keyWord(y, 3 + 4 * ey + i)) return false;
  const px = keyWord(x, 11);
  const py = keyWord(y, 11);
  return (ex === 0 ? px >>> 16 : px & 0xffff) === (ey === 0 ? py >>> 16 : py & 0xffff);
}
