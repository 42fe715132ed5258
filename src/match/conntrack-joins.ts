// A connection captured in pieces that share no packet — its replies at one capture point, its
// requests at another (a capture of one direction: `tcpdump -Q in` records the replies arriving on
// eth0 and the requests arriving from the pod, never the same packet twice) — is still one
// connection to its host's conntrack: the entry holds the original tuple and the reply tuple, the
// connection before and after the host's NAT. Packets cannot link such pieces; the entry can.
//
// A fragment that holds only replies (every leg one end's packets, that end the server by the TCP
// handshake or by an entry) is joined to the flow holding the entry's other tuple at a capture point
// of the same host when exactly one entry of the host has the fragment's endpoints and exactly one
// other flow holds the other tuple; otherwise it stays apart, and the reason (no snapshot, no entry,
// several entries, the other tuple not captured, several flows holding it) is kept with the
// entries and flows that were candidates (docs/analyze.md, "Fragments joined by conntrack").

import type { ConntrackEntry } from '../conntrack/index.js';
import type { CaptureLegs } from '../flow/collect-legs.js';
import type { IpAddress } from '../net/address.js';
import type { ConntrackClients, EntryFit } from './conntrack-orientation.js';
import { hasPorts } from './endpoint-text.js';
import type { LegFacts } from './leg-facts.js';

/** Why a reply-only fragment was or was not joined. */
type JoinOutcome = 'joined' | 'no-snapshot' | 'no-entry' | 'several-entries' | 'not-captured' | 'several-flows';

/** One reply-only fragment and what its hosts' conntrack made of it (global leg ids). */
export interface FragmentJoin {
  outcome: JoinOutcome;
  /** The fragment's legs. */
  legs: number[];
  /** The entries holding the fragment's endpoints, with their host (index) and the tuple that holds them. */
  entries: { host: number; entry: ConntrackEntry; tuple: EntryFit['tuple'] }[];
  /** One leg of each flow holding an entry's other tuple (the joined one, or the candidates). */
  otherLegs: number[];
}

/** What the joiner reads of each capture: its host, leg table and capture points. */
interface CaptureView {
  host: number;
  legs: Pick<CaptureLegs, 'legs' | 'points'>;
}

/** Joins reply-only fragments through their hosts' conntrack entries, on the union-find linkLegs builds. */
export class ConntrackJoiner {
  private readonly src = new Uint32Array(4);
  private readonly dst = new Uint32Array(4);

  constructor(
    private readonly ids: { capture: Uint16Array; leg: Uint32Array; firstId: number[] },
    private readonly captures: CaptureView[],
    /** Per host: its conntrack entries, null without a snapshot (or with an empty one). */
    private readonly clients: (ConntrackClients | null)[],
  ) {}

  /**
   * Finds every reply-only fragment among the components of `find` and joins those its entries
   * decide by `union`. Writes into `natSide`, for the legs of a joined flow that hold one of the
   * entry's tuples, which side of the host's NAT they are on: -1 the original tuple (the request
   * passes there before the NAT), 1 the reply tuple (after it), 0 both (no NAT).
   */
  join(facts: LegFacts, find: (leg: number) => number, union: (a: number, b: number) => void, natSide: Int8Array): FragmentJoin[] {
    const fragments = this.replyOnlyFragments(facts, find);
    const out: FragmentJoin[] = [];
    for (const legs of fragments) out.push(this.joinOne(legs, find, union, natSide));
    return out;
  }

  /**
   * The legs of each component whose legs all hold one end's packets, that end the server by the
   * strongest evidence a leg carries of which end is the client (a handshake, or an entry); a
   * component where that evidence disagrees, or is absent, is left alone.
   */
  private replyOnlyFragments(facts: LegFacts, find: (leg: number) => number): number[][] {
    const n = facts.host.length;
    // Per root: bit 0 some leg is not one way (or has no port), bit 1 a leg holds replies only, bit 2 requests only.
    const state = new Uint8Array(n);
    for (let g = 0; g < n; g++) {
      const r = find(g);
      const sent = facts.sent[g]!;
      const proto = (this.table(g).keyWord(this.ids.leg[g]!, 1) >>> 16) & 0xff;
      if ((sent !== 1 && sent !== 2) || !hasPorts(proto)) {
        state[r] = state[r]! | 1;
        continue;
      }
      const client = facts.opener[g] !== 2 ? facts.opener[g]! : facts.conntrackClient[g] !== 2 ? facts.conntrackClient[g]! : -1;
      if (client < 0) continue;
      const senderIsLow = sent === 1;
      state[r] = state[r]! | (senderIsLow !== (client === 0) ? 2 : 4);
    }
    const byRoot = new Map<number, number[]>();
    for (let g = 0; g < n; g++) {
      const r = find(g);
      if (state[r] !== 2) continue;
      const legs = byRoot.get(r);
      if (legs === undefined) byRoot.set(r, [g]);
      else legs.push(g);
    }
    return [...byRoot.values()];
  }

  private joinOne(legs: number[], find: (leg: number) => number, union: (a: number, b: number) => void, natSide: Int8Array): FragmentJoin {
    const fits: { host: number; fit: EntryFit }[] = [];
    // Each fragment leg's side of the NAT, by the tuple of the entry it holds.
    const sides: { leg: number; side: number }[] = [];
    let withSnapshot = false;
    for (const g of legs) {
      const host = this.captures[this.ids.capture[g]!]!.host;
      const clients = this.clients[host];
      if (clients === null || clients === undefined) continue;
      withSnapshot = true;
      for (const fit of clients.entriesOfLeg(this.table(g), this.ids.leg[g]!)) {
        sides.push({ leg: g, side: sideOf(fit.tuple) });
        if (!fits.some((f) => f.fit.entry === fit.entry)) fits.push({ host, fit });
      }
    }
    const entries = fits.map((f) => ({ host: f.host, entry: f.fit.entry, tuple: f.fit.tuple }));
    if (!withSnapshot) return { outcome: 'no-snapshot', legs, entries, otherLegs: [] };
    if (fits.length === 0) return { outcome: 'no-entry', legs, entries, otherLegs: [] };
    // One host's table holds a tuple once: two entries with the fragment's endpoints on one host are not one connection's record.
    if (fits.some((f, i) => fits.findIndex((o) => o.host === f.host) !== i)) return { outcome: 'several-entries', legs, entries, otherLegs: [] };
    const own = find(legs[0]!);
    const otherLegs: number[] = [];
    const roots: number[] = [];
    const found: { leg: number; side: number }[] = [];
    for (const { host, fit } of fits) {
      // Every leg of the host outside the fragment holding either tuple of the entry: the same connection.
      const e = fit.entry;
      const nat = fit.tuple !== 'both';
      for (const [tuple, side] of [[e.original, -1], [e.reply, 1]] as const) {
        if (!nat && side === 1) break;
        for (const g of this.legsWithTuple(host, e.protocolNumber, tuple.src, tuple.sport, tuple.dst, tuple.dport)) {
          const r = find(g);
          if (r === own) continue;
          found.push({ leg: g, side: nat ? side : 0 });
          if (roots.includes(r)) continue;
          roots.push(r);
          otherLegs.push(g);
        }
      }
    }
    if (otherLegs.length === 0) return { outcome: 'not-captured', legs, entries, otherLegs };
    if (otherLegs.length > 1) return { outcome: 'several-flows', legs, entries, otherLegs };
    union(own, otherLegs[0]!);
    for (const s of sides) natSide[s.leg] = s.side;
    for (const f of found) natSide[f.leg] = f.side;
    return { outcome: 'joined', legs, entries, otherLegs };
  }

  /** The current legs (global ids) holding these endpoints, either way round, at every capture point of `host` (plain, not tunnelled). */
  private legsWithTuple(host: number, proto: number, src: IpAddress, sport: number | null, dst: IpAddress, dport: number | null): number[] {
    const found: number[] = [];
    if (sport === null || dport === null || src.family !== dst.family) return found;
    const version = src.family === 'ipv4' ? 4 : 6;
    wordsOf(src, this.src);
    wordsOf(dst, this.dst);
    this.captures.forEach((c, capture) => {
      if (c.host !== host) return;
      const table = c.legs.legs;
      for (let point = 0; point < c.legs.points.length; point++) {
        const leg = table.findLeg(point, version, proto, 0, 0, this.src, sport, this.dst, dport);
        if (leg >= 0) found.push(this.ids.firstId[capture]! + leg);
      }
    });
    return found;
  }

  private table(g: number): CaptureLegs['legs'] {
    return this.captures[this.ids.capture[g]!]!.legs.legs;
  }
}

function sideOf(tuple: EntryFit['tuple']): number {
  return tuple === 'original' ? -1 : tuple === 'reply' ? 1 : 0;
}

function wordsOf(address: IpAddress, out: Uint32Array): void {
  if (address.family === 'ipv4') {
    out[0] = address.value;
    out[1] = out[2] = out[3] = 0;
  } else {
    out.set(address.words);
  }
}
